import type { ChatUser, ConnectionStatus, Conversation } from '@palaver/sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { PalaverElement } from '../shared/palaver-element.js';
import { StoreController } from '../shared/store-controller.js';
import { builtInStrings, loadLanguage } from '../shared/strings.js';
import { initialsOf, renderThumbnail } from '../shared/thumbnail.js';
import { relativeTime } from '../shared/time.js';
import { chatInboxStyles } from './chat-inbox.styles.js';

/**
 * @tagname chat-inbox
 * @summary The user's conversations, most recent activity first: product, counterpart,
 * last message, time and unread count; keyboard navigable, filterable to unread, with
 * the selected thread beside the list (or instead of it on narrow screens).
 *
 * @fires chat-conversation-selected - A conversation was chosen. `detail: { conversationId }`.
 *
 * @csspart base - The whole inbox.
 * @csspart toolbar - The bar above the list (unread filter).
 * @csspart list - The list of conversations.
 * @csspart item - One conversation (also `item unread`).
 * @csspart count - A conversation's unread count.
 *
 * @cssproperty --chat-inbox-height - Height of the element (default 36rem).
 * @cssproperty --chat-inbox-list-width - Width of the list beside the thread (default 20rem).
 */
export class ChatInbox extends PalaverElement {
  static override styles = chatInboxStyles;
  protected static override builtInStrings = builtInStrings;
  protected static override loadLanguage = loadLanguage;

  private readonly conversations = new StoreController<Conversation[]>(this, []);
  private readonly user = new StoreController<ChatUser | null>(this, null);
  private readonly connection = new StoreController<ConnectionStatus>(this, 'idle');
  private readonly syncing = new StoreController<boolean>(this, false);

  // Declared without decorators (see PalaverElement): no decorator code in the drop-in.
  static override properties: PropertyDeclarations = {
    unreadOnly: { type: Boolean, attribute: 'unread-only', reflect: true },
    withThread: { type: Boolean, attribute: 'with-thread', reflect: true },
    selectedId: { attribute: 'selected-id', reflect: true },
    activeId: { state: true },
    showingDetail: { state: true },
  };

  /** Show only conversations with unread messages. */
  unreadOnly = false;
  /** Show the selected conversation's thread beside the list. */
  withThread = false;
  /** The selected conversation. */
  declare selectedId: string | undefined;

  /** The item the keyboard is on (arrow keys move it, Enter selects it). */
  declare private activeId: string | undefined;
  /** On narrow screens: showing the thread instead of the list. */
  private showingDetail = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.conversations.bind(this.activeClient?.$conversations);
    this.user.bind(this.activeClient?.$user);
    this.connection.bind(this.activeClient?.$connection);
    this.syncing.bind(this.activeClient?.$syncing);
  }

  /**
   * An empty list means "none" only once the server has answered: before the
   * first connection and while catching up, it means "not known yet".
   */
  private get loading(): boolean {
    const status = this.connection.value;
    return !this.activeClient || status === 'idle' || status === 'connecting' || this.syncing.value;
  }

  /** The conversations shown (after the unread filter), in order. */
  get visibleConversations(): Conversation[] {
    const all = this.conversations.value;
    return this.unreadOnly ? all.filter((c) => c.unreadCount > 0 || c.id === this.selectedId) : all;
  }

  /** Selects a conversation, as a click on it would. */
  select(conversationId: string): void {
    this.selectedId = conversationId;
    this.activeId = conversationId;
    this.showingDetail = true;
    this.emit('chat-conversation-selected', { conversationId });
  }

  private onKeydown(event: KeyboardEvent): void {
    const list = this.visibleConversations;
    if (list.length === 0) return;
    const index = list.findIndex((c) => c.id === (this.activeId ?? this.selectedId));
    let next: number | undefined;
    if (event.key === 'ArrowDown') next = Math.min(list.length - 1, index + 1);
    else if (event.key === 'ArrowUp') next = Math.max(0, index - 1);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = list.length - 1;
    else if ((event.key === 'Enter' || event.key === ' ') && index >= 0) {
      event.preventDefault();
      this.select((list[index] as Conversation).id);
      return;
    }
    if (next === undefined) return;
    event.preventDefault();
    this.activeId = (list[next] as Conversation).id;
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector(`#item-${CSS.escape(this.activeId ?? '')}`)?.scrollIntoView({ block: 'nearest' }),
    );
  }

  /** Who the conversation is with; a support thread no agent has joined yet is with "Support". */
  private counterpart(conversation: Conversation): string {
    const me = this.user.value?.id;
    const others = conversation.participants.filter((p) => p.userId !== me);
    return others.map((p) => p.name).join(', ') || (conversation.kind === 'support' ? this.t.support : '');
  }

  /**
   * Three lines, none of them cut into uselessness by the others: who (and
   * when), what about (the product, or the support subject), and the last
   * message ("You: …" when it is the user's own).
   */
  private renderItem(conversation: Conversation): TemplateResult {
    const t = this.t;
    const unread = conversation.unreadCount;
    const last = conversation.lastMessage;
    const text = last
      ? last.removedByModeration && !last.body
        ? t.removedByModeration
        : last.deletedAt && !last.removedByModeration
          ? t.deleted
          : last.body
      : t.empty;
    const preview = last && last.senderId === this.user.value?.id ? t.lastMessageByYou(text) : text;
    const support = conversation.kind === 'support';
    const about = (support ? conversation.subject : conversation.product?.title) ?? '';
    const who = this.counterpart(conversation);
    const classes = [unread > 0 ? 'unread' : '', conversation.id === this.activeId ? 'active' : ''].join(' ');
    return html`<li
      id=${`item-${conversation.id}`}
      part=${unread > 0 ? 'item unread' : 'item'}
      class=${classes}
      role="option"
      aria-selected=${conversation.id === this.selectedId ? 'true' : 'false'}
      @click=${() => this.select(conversation.id)}
    >
      ${renderThumbnail({ imageUrl: conversation.product?.imageUrl, support, initials: initialsOf(who) })}
      <span class="title" dir="auto">${who}</span>
      <time datetime=${conversation.updatedAt}>${relativeTime(conversation.updatedAt, this.language)}</time>
      <span class="about" dir="auto">${support ? html`<span class="tag">${t.support}</span> ` : nothing}${about}</span>
      <span class="preview" dir="auto">${preview}</span>
      ${unread > 0 ? html`<span part="count" aria-label=${t.unreadLabel(unread)}>${unread > 99 ? '99+' : unread}</span>` : nothing}
    </li>`;
  }

  override render(): TemplateResult {
    const t = this.t;
    const list = this.visibleConversations;
    const selected = this.selectedId;
    return html`<section part="base" class=${this.showingDetail && selected ? 'showing-detail' : ''}>
      <div class="list-pane">
        <div part="toolbar">
          <label
            ><input
              type="checkbox"
              .checked=${this.unreadOnly}
              @change=${(e: Event) => {
                this.unreadOnly = (e.target as HTMLInputElement).checked;
              }}
            />
            ${t.unreadOnly}</label
          >
        </div>
        ${
          list.length === 0
            ? this.loading
              ? html`<p class="placeholder" role="status" aria-busy="true">${t.noConversationsLoading}</p>`
              : html`<p class="placeholder">${this.unreadOnly ? t.noUnread : t.noConversations}</p>`
            : html`<ul
              part="list"
              role="listbox"
              aria-label=${t.conversations}
              tabindex="0"
              aria-activedescendant=${this.activeId ? `item-${this.activeId}` : nothing}
              @keydown=${this.onKeydown}
              @focus=${() => {
                this.activeId ??= this.selectedId ?? list[0]?.id;
              }}
            >
              ${repeat(
                list,
                (c) => c.id,
                (c) => this.renderItem(c),
              )}
            </ul>`
        }
      </div>
      ${
        this.withThread
          ? html`<div class="detail-pane">
            ${
              selected
                ? html`<button type="button" class="back" @click=${() => (this.showingDetail = false)}>← ${t.back}</button>
                  <chat-thread .client=${this.activeClient} .strings=${this.strings} conversation-id=${selected}></chat-thread>`
                : html`<p class="placeholder">${t.pickConversation}</p>`
            }
          </div>`
          : nothing
      }
    </section>`;
  }
}
