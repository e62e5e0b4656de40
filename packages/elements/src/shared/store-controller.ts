import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ReadableAtom } from 'nanostores';

/**
 * Binds a nanostore to a Lit element: subscribes while the element is
 * connected and re-renders on every change. The store can be swapped (a new
 * conversation id) without leaking the old subscription.
 */
export class StoreController<T> implements ReactiveController {
  private store: ReadableAtom<T> | undefined;
  private unsubscribe: (() => void) | undefined;
  private connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly fallback: T,
  ) {
    host.addController(this);
  }

  get value(): T {
    return this.store ? this.store.get() : this.fallback;
  }

  /** Watches another store (or none). */
  bind(store: ReadableAtom<T> | undefined): void {
    if (store === this.store) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.store = store;
    if (this.connected) this.listen();
    this.host.requestUpdate();
  }

  private listen(): void {
    // `listen` (not `subscribe`): no call with the current value, which render reads anyway.
    this.unsubscribe = this.store?.listen(() => this.host.requestUpdate());
  }

  hostConnected(): void {
    this.connected = true;
    this.listen();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
