import type { ChatClient } from '@palaver/sdk';
import { LitElement, type PropertyDeclarations, type PropertyValues } from 'lit';
import { configuredClient, whenConfigured } from './config.js';
import { type BuiltInStrings, languageOf, type PalaverStrings, stringsFor } from './i18n.js';

/** Palaver's own events, declared in `GlobalEventHandlersEventMap` by each element's `define.ts`. */
export type PalaverEventName = Extract<keyof GlobalEventHandlersEventMap, `chat-${string}`>;
/** The `detail` of one of Palaver's events. */
export type PalaverEventDetail<K extends PalaverEventName> =
  GlobalEventHandlersEventMap[K] extends CustomEvent<infer Detail> ? Detail : never;

/**
 * What every Palaver element shares: the client it talks through (its `client`
 * property, or the page's from `configure()`), and its language and strings.
 */
export class PalaverElement extends LitElement {
  // Reactive properties declared with `static properties`, not decorators: the elements of
  // every page (badge, contact button) then need no decorator code, which keeps the first
  // load of a product page within its budget (docs/performance.md).
  static override properties: PropertyDeclarations = {
    client: { attribute: false },
    strings: { attribute: false },
    activeClient: { state: true },
  };

  /** The words this element shows, by language; each element class sets its own. */
  protected static builtInStrings: BuiltInStrings = {};

  /**
   * Loads the words of a language that come in a chunk of their own (the
   * thread's and the inbox's French); undefined when there is nothing to wait for.
   */
  protected static loadLanguage: ((language: string) => Promise<void> | undefined) | undefined;

  /** The Palaver client; defaults to the one given to `configure()`. */
  declare client: ChatClient | undefined;

  /** Replaces some of the element's strings (see `PalaverStrings`). */
  declare strings: Partial<PalaverStrings> | undefined;

  declare protected activeClient: ChatClient | undefined;

  private stopWaiting: (() => void) | undefined;

  protected get language(): string {
    return languageOf(this);
  }

  protected get t(): PalaverStrings {
    return stringsFor(this.language, (this.constructor as typeof PalaverElement).builtInStrings, this.strings);
  }

  /**
   * Dispatches one of Palaver's events: bubbling and composed, with the detail
   * its declaration says. Returns false when a listener cancelled it (only
   * `cancelable` ones can be).
   */
  protected emit<K extends PalaverEventName>(type: K, detail: PalaverEventDetail<K>, cancelable = false): boolean {
    const event = new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable });
    return this.dispatchEvent(event);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.client) {
      this.stopWaiting = whenConfigured((client) => {
        if (!this.client) this.activeClient = client;
      });
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopWaiting?.();
  }

  /** The first frame is already in the element's language: its words are waited for (English if they cannot come). */
  protected override async scheduleUpdate(): Promise<void> {
    const pending = (this.constructor as typeof PalaverElement).loadLanguage?.(this.language);
    if (pending) await pending.catch(() => undefined);
    super.scheduleUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.activeClient = this.client ?? configuredClient();
    if ((changed as Map<PropertyKey, unknown>).has('activeClient') && this.activeClient?.$connection.get() === 'idle') {
      // A client nobody started yet: the element needs it running (connect() is idempotent).
      // Safe to drop: connect() fails only for a destroyed client; $connection tells the rest.
      void this.activeClient.connect().catch(() => undefined);
    }
    super.willUpdate(changed);
  }
}
