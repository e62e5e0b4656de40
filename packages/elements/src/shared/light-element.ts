import type { ChatClient } from '@palaver/sdk';
import { whenConfigured } from './config.js';
import { type BuiltInStrings, languageOf, type PalaverStrings, stringsFor } from './i18n.js';
import type { PalaverEventDetail, PalaverEventName } from './palaver-element.js';

/**
 * The base of the elements a product page shows before anyone uses the chat —
 * `<unread-badge>` and `<contact-supplier>` — written on the platform's own
 * custom elements instead of Lit: the page's first load then carries no Lit at
 * all (Lit comes with `<chat-thread>`'s code, on first use). Their public
 * surface is the same as the Lit elements' (`client`, `strings`,
 * `updateComplete`, `requestUpdate()`, the shadow root's parts).
 *
 * A subclass sets `styles` (CSS text), builds its DOM once in `build()` and
 * brings it up to date in `update()`, which runs at most once per task after
 * any change (like Lit's batching).
 */
export abstract class LightElement extends HTMLElement {
  /** The words this element shows, by language; each element class sets its own. */
  protected static builtInStrings: BuiltInStrings = {};
  /** The element's CSS. */
  protected static styles = '';
  private static sheets = new WeakMap<typeof LightElement, CSSStyleSheet>();

  private ownClient: ChatClient | undefined;
  private ownStrings: Partial<PalaverStrings> | undefined;
  private configuredOne: ChatClient | undefined;
  private stopWaiting: (() => void) | undefined;
  private built = false;
  private pending: Promise<boolean> | undefined;

  /** The Palaver client; defaults to the one given to `configure()`. */
  get client(): ChatClient | undefined {
    return this.ownClient;
  }
  set client(client: ChatClient | undefined) {
    this.ownClient = client;
    this.clientChanged();
  }

  /** Replaces some of the element's strings (see `PalaverStrings`). */
  get strings(): Partial<PalaverStrings> | undefined {
    return this.ownStrings;
  }
  set strings(strings: Partial<PalaverStrings> | undefined) {
    this.ownStrings = strings;
    this.requestUpdate();
  }

  /** Resolves once the element shows its current state (true, as Lit's does). */
  get updateComplete(): Promise<boolean> {
    return this.pending ?? Promise.resolve(true);
  }

  protected get activeClient(): ChatClient | undefined {
    return this.ownClient ?? this.configuredOne;
  }

  protected get language(): string {
    return languageOf(this);
  }

  protected get t(): PalaverStrings {
    return stringsFor(this.language, (this.constructor as typeof LightElement).builtInStrings, this.ownStrings);
  }

  /** Dispatches one of Palaver's events: bubbling and composed, with the detail its declaration says. */
  protected emit<K extends PalaverEventName>(type: K, detail: PalaverEventDetail<K>): boolean {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  connectedCallback(): void {
    if (!this.built) {
      const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
      root.adoptedStyleSheets = [this.sheet()];
      this.build(root);
      this.built = true;
    }
    // Called at once when configure() ran before, and again on every later configure().
    this.stopWaiting = whenConfigured((client) => {
      this.configuredOne = client;
      this.clientChanged();
    });
    if (!this.configuredOne) this.clientChanged();
  }

  disconnectedCallback(): void {
    this.stopWaiting?.();
    this.stopWaiting = undefined;
  }

  /** Schedules an `update()`; several calls in one task make one. */
  requestUpdate(): void {
    this.pending ??= Promise.resolve().then(() => {
      this.pending = undefined;
      if (this.built) this.update();
      return true;
    });
  }

  /** The client may have changed: subclasses rebind their stores, then the element updates. */
  protected clientChanged(): void {
    const client = this.activeClient;
    // A client nobody started yet: the element needs it running (connect() is idempotent).
    // Safe to drop: connect() fails only for a destroyed client; $connection tells the rest.
    if (client?.$connection.get() === 'idle') void client.connect().catch(() => undefined);
    this.requestUpdate();
  }

  /** Creates the shadow DOM, once. */
  protected abstract build(root: ShadowRoot): void;
  /** Brings the shadow DOM up to date with the element's state. */
  protected abstract update(): void;

  private sheet(): CSSStyleSheet {
    const type = this.constructor as typeof LightElement;
    let sheet = LightElement.sheets.get(type);
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(type.styles);
      LightElement.sheets.set(type, sheet);
    }
    return sheet;
  }
}
