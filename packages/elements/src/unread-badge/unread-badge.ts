import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { PalaverElement } from '../shared/palaver-element.js';
import { StoreController } from '../shared/store-controller.js';
import { unreadStrings } from '../shared/unread-strings.js';
import { unreadBadgeStyles } from './unread-badge.styles.js';

/**
 * @tagname unread-badge
 * @summary The number of unread messages: all of the user's, or one conversation's. Hidden at 0.
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
export class UnreadBadge extends PalaverElement {
  static override styles = unreadBadgeStyles;
  // Declared without decorators: see PalaverElement.
  static override properties: PropertyDeclarations = {
    conversationId: { attribute: 'conversation-id', reflect: true },
    max: { type: Number },
  };
  protected static override builtInStrings = unreadStrings;

  private readonly unread = new StoreController<number>(this, 0);

  /** Count only this conversation's unread messages; all of them when absent. */
  declare conversationId: string | undefined;

  /** Largest number shown; above it the badge reads "99+". */
  max = 99;

  /** The number shown right now (read-only). */
  get count(): number {
    return this.unread.value;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const client = this.activeClient;
    this.unread.bind(
      client ? (this.conversationId ? client.unreadOf(this.conversationId) : client.$unreadTotal) : undefined,
    );
  }

  protected override updated(): void {
    // Hidden at zero for assistive technology too; the label carries the full count.
    this.toggleAttribute('hidden', this.count === 0);
  }

  override render(): TemplateResult | typeof nothing {
    const count = this.count;
    if (count === 0) return nothing;
    const shown = count > this.max ? `${this.max}+` : String(count);
    return html`<span part="base" role="status" aria-label=${this.t.unreadLabel(count)}>${shown}</span>`;
  }
}
