import type { ReadableAtom } from 'nanostores';
import { LightElement } from '../shared/light-element.js';
import { unreadStrings } from '../shared/unread-strings.js';
import { unreadBadgeStyles } from './unread-badge.styles.js';

/**
 * @tagname unread-badge
 * @summary The number of unread messages: all of the user's, or one conversation's. Hidden at 0.
 *
 * @attr {string} conversation-id - Count only this conversation's unread messages; all of them when absent.
 * @attr {number} max - Largest number shown; above it the badge reads "99+" (default 99).
 *
 * @csspart base - The badge.
 * @cssproperty --unread-badge-background - Badge color (defaults to `--chat-color-badge`).
 * @cssproperty --unread-badge-color - Number color.
 *
 * @example
 * ```html
 * <a href="/messages">Messages <unread-badge></unread-badge></a>
 * <unread-badge conversation-id="c-123"></unread-badge>
 * ```
 */
export class UnreadBadge extends LightElement {
  protected static override styles = unreadBadgeStyles;
  protected static override builtInStrings = unreadStrings;
  static readonly observedAttributes = ['conversation-id', 'max'];

  private ownConversationId: string | undefined;
  private ownMax = 99;
  private store: ReadableAtom<number> | undefined;
  private unsubscribe: (() => void) | undefined;
  private base!: HTMLSpanElement;
  private root!: ShadowRoot;

  /** Count only this conversation's unread messages; all of them when absent. Reflected to `conversation-id`. */
  get conversationId(): string | undefined {
    return this.ownConversationId;
  }
  set conversationId(id: string | undefined) {
    this.ownConversationId = id || undefined;
    if (this.ownConversationId === undefined) this.removeAttribute('conversation-id');
    else if (this.getAttribute('conversation-id') !== this.ownConversationId) {
      this.setAttribute('conversation-id', this.ownConversationId);
    }
    this.clientChanged();
  }

  /** Largest number shown; above it the badge reads "99+". */
  get max(): number {
    return this.ownMax;
  }
  set max(max: number) {
    this.ownMax = max;
    this.requestUpdate();
  }

  /** The number shown right now (read-only). */
  get count(): number {
    return this.store?.get() ?? 0;
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    if (name === 'max') this.max = value === null ? 99 : Number(value);
    else if (value !== (this.ownConversationId ?? null)) this.conversationId = value ?? undefined;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  protected override clientChanged(): void {
    const client = this.activeClient;
    const store = client
      ? this.conversationId
        ? client.unreadOf(this.conversationId)
        : client.$unreadTotal
      : undefined;
    if (store !== this.store || (this.isConnected && !this.unsubscribe)) {
      this.unsubscribe?.();
      this.store = store;
      // `listen` (not `subscribe`): no call with the current value, which update() reads anyway.
      this.unsubscribe = this.isConnected ? store?.listen(() => this.requestUpdate()) : undefined;
    }
    super.clientChanged();
  }

  protected build(root: ShadowRoot): void {
    this.base = document.createElement('span');
    this.base.setAttribute('part', 'base');
    this.base.setAttribute('role', 'status');
    this.toggleAttribute('hidden', true);
    this.root = root;
  }

  protected update(): void {
    const count = this.count;
    // Hidden at zero for assistive technology too; the label carries the full count.
    this.toggleAttribute('hidden', count === 0);
    if (count === 0) {
      this.base.remove();
      return;
    }
    this.base.textContent = count > this.max ? `${this.max}+` : String(count);
    this.base.setAttribute('aria-label', this.t.unreadLabel(count));
    if (!this.base.isConnected) this.root.append(this.base);
  }
}
