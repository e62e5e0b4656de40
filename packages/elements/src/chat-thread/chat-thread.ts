import { characterCount, LIMITS, type ProductRef } from '@palaver/protocol';
import type {
  ChatMessage,
  ChatUser,
  ConnectionStatus,
  Conversation,
  Notice,
  ThreadStatus,
  TypingUser,
} from '@palaver/sdk';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { PalaverStrings } from '../shared/i18n.js';
import { linkify } from '../shared/linkify.js';
import { PalaverElement } from '../shared/palaver-element.js';
import { StoreController } from '../shared/store-controller.js';
import { builtInStrings } from '../shared/strings.js';
import { dayKey, dayLabel, fullDateTime, relativeTime } from '../shared/time.js';
import { chatThreadStyles } from './chat-thread.styles.js';

/** How many messages are in the DOM at most: long threads slide this window instead of growing it. */
export const MAX_RENDERED_MESSAGES = 120;
const RENDER_STEP = 40;
/** Consecutive messages of one sender closer than this share one author line. */
const GROUP_GAP_MS = 5 * 60_000;
const NEAR_EDGE_PX = 48;

/** What every message of one render shares. */
interface MessageView {
  t: PalaverStrings;
  language: string;
  ownId: string | undefined;
  /** Display names by user id. */
  names: Map<string, string>;
}

export interface ChatMessageSendDetail {
  conversationId: string;
  body: string;
}

/**
 * @tagname chat-thread
 * @summary A conversation: the product it is about, its messages with delivery
 * ticks, who is typing, and a composer. Works offline: messages queue and go later.
 *
 * @fires chat-conversation-opened - The conversation is known (opened by product or by id). `detail: { conversation }`.
 * @fires chat-message-send - Cancelable, before a message is queued. `detail: { conversationId, body }`.
 * @fires chat-message-sent - A message was queued (it shows at once and is delivered when possible). `detail: { message }`.
 *
 * @csspart base - The whole thread.
 * @csspart product - The product card on top.
 * @csspart banner - Offline and error notices.
 * @csspart notice - A failed edit or delete: what happened, with Retry (when it may help) and Dismiss.
 * @csspart log - The scrolling list of messages.
 * @csspart separator - A day separator.
 * @csspart message - One message (also `message own` or `message other`).
 * @csspart author - The sender's name above a group of messages.
 * @csspart bubble - A message's text.
 * @csspart timestamp - A message's time.
 * @csspart status - A message's delivery status.
 * @csspart typing - The "… is typing" line.
 * @csspart composer - The form at the bottom.
 * @csspart send-button - The send button.
 *
 * @cssproperty --chat-thread-height - Height of the element (default 32rem).
 * @cssproperty --chat-thread-own-bubble - Background of the user's own messages.
 * @cssproperty --chat-thread-own-text - Text color of the user's own messages.
 * @cssproperty --chat-thread-other-bubble - Background of other people's messages.
 * @cssproperty --chat-thread-other-text - Text color of other people's messages.
 */
export class ChatThread extends PalaverElement {
  static override styles = chatThreadStyles;
  protected static override builtInStrings = builtInStrings;

  private readonly messagesStore = new StoreController<ChatMessage[]>(this, []);
  private readonly conversationStore = new StoreController<Conversation | undefined>(this, undefined);
  private readonly statusStore = new StoreController<ThreadStatus>(this, { loading: false, hasMore: false });
  private readonly typingStore = new StoreController<TypingUser[]>(this, []);
  private readonly connectionStore = new StoreController<ConnectionStatus>(this, 'idle');
  private readonly userStore = new StoreController<ChatUser | null>(this, null);
  private readonly noticesStore = new StoreController<Notice[]>(this, []);

  @query('[part="log"]') private log!: HTMLElement;
  @query('textarea') private composer!: HTMLTextAreaElement;

  /** The conversation to show. */
  @property({ attribute: 'conversation-id', reflect: true }) conversationId: string | undefined;
  /** Or: open (get-or-create) the conversation about this product with this supplier. */
  @property({ attribute: 'product-id' }) productId: string | undefined;
  @property({ attribute: 'product-title' }) productTitle: string | undefined;
  @property({ attribute: 'product-image' }) productImage: string | undefined;
  @property({ attribute: 'product-url' }) productUrl: string | undefined;
  @property({ attribute: 'product-price' }) productPrice: string | undefined;
  @property({ attribute: 'supplier-id' }) supplierId: string | undefined;
  @property({ attribute: 'supplier-name' }) supplierName: string | undefined;
  /** Longest message accepted (the server's `MESSAGE_MAX_LENGTH`). */
  @property({ type: Number, attribute: 'max-length' }) maxLength = LIMITS.messageMaxLength;

  @state() private draft = '';
  @state() private editing: { id: string; body: string } | undefined;
  @state() private openError: string | undefined;
  @state() private unseenBelow = 0;
  /** Index (in the store's list) just past the last rendered message; undefined: the newest. */
  @state() private windowEnd: number | undefined;
  @state() private windowSize = 60;

  private opening: string | undefined;
  private stickToBottom = true;
  private anchor: { key: string; top: number } | undefined;
  private lastCount = 0;
  private observer: IntersectionObserver | undefined;
  private readonly visibleSeqs = new Set<number>();
  /** The unread messages under observation: only those that appear or leave are (un)observed on each update. */
  private readonly observed = new Set<Element>();
  /**
   * Each message's formatted date and linkified text, made once rather than on
   * every render (a long thread re-renders up to 120 messages per scroll step).
   */
  private readonly formatted = new WeakMap<
    ChatMessage,
    { body: string; createdAt: string; language: string; when: string; text: Array<TemplateResult | string> }
  >();
  private readTimer: ReturnType<typeof setTimeout> | undefined;
  private clock: ReturnType<typeof setInterval> | undefined;

  // --- lifecycle ------------------------------------------------------------

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.onVisibility);
    // Relative times ("5 min ago") move on by themselves.
    this.clock = setInterval(() => this.requestUpdate(), 30_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.onVisibility);
    clearInterval(this.clock);
    clearTimeout(this.readTimer);
    this.observer?.disconnect();
    this.observer = undefined;
    this.observed.clear();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const client = this.activeClient;
    this.connectionStore.bind(client?.$connection);
    this.userStore.bind(client?.$user);
    this.noticesStore.bind(client?.$notices);
    if (client && !this.conversationId && this.productId && this.supplierId) void this.openByProduct();
    const id = this.conversationId;
    this.messagesStore.bind(client && id ? client.messagesOf(id) : undefined);
    this.conversationStore.bind(client && id ? client.conversationOf(id) : undefined);
    this.statusStore.bind(client && id ? client.threadStatusOf(id) : undefined);
    this.typingStore.bind(client && id ? client.typingIn(id) : undefined);
    if (changed.has('conversationId')) {
      this.windowEnd = undefined;
      this.stickToBottom = true;
      this.visibleSeqs.clear();
    }
    // Remember what the reader is looking at, to keep it in place after the update.
    this.anchor = this.log && !this.stickToBottom ? this.findAnchor() : undefined;
  }

  protected override updated(): void {
    const log = this.log;
    if (!log) return;
    const count = this.messagesStore.value.length;
    if (this.stickToBottom) {
      log.scrollTop = log.scrollHeight;
      this.unseenBelow = 0;
    } else if (this.anchor) {
      const element = this.renderRoot.querySelector<HTMLElement>(`[data-key="${CSS.escape(this.anchor.key)}"]`);
      if (element) log.scrollTop += element.offsetTop - log.scrollTop - this.anchor.top;
      if (count > this.lastCount && this.windowEnd === undefined) this.unseenBelow += count - this.lastCount;
    }
    this.lastCount = count;
    this.observeMessages();
  }

  // --- opening by product ---------------------------------------------------

  private async openByProduct(): Promise<void> {
    const client = this.activeClient;
    const key = `${this.productId}\u0000${this.supplierId}`;
    if (!client || this.opening === key || !this.productId || !this.supplierId) return;
    this.opening = key;
    const product: ProductRef = { id: this.productId, title: this.productTitle || this.productId };
    if (this.productImage) product.imageUrl = this.productImage;
    if (this.productUrl) product.url = this.productUrl;
    if (this.productPrice) product.price = this.productPrice;
    try {
      await client.connect();
      const conversation = await client.openProductConversation({
        product,
        supplierId: this.supplierId,
        supplierName: this.supplierName || this.supplierId,
      });
      this.openError = undefined;
      this.conversationId = conversation.id;
      this.dispatchEvent(
        new CustomEvent('chat-conversation-opened', { detail: { conversation }, bubbles: true, composed: true }),
      );
    } catch (error) {
      this.opening = undefined;
      this.openError = (error as Error).message;
      // Offline and never opened before: try again when the connection is back.
      const stop = client.$connection.listen((status) => {
        if (status === 'online') {
          stop();
          void this.openByProduct();
        }
      });
    }
  }

  // --- scrolling, the rendered window, reading ---------------------------------

  private onScroll = (): void => {
    const log = this.log;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_EDGE_PX;
    this.stickToBottom = atBottom && this.windowEnd === undefined;
    if (this.stickToBottom) this.unseenBelow = 0;
    if (log.scrollTop < NEAR_EDGE_PX) this.revealOlder();
    else if (atBottom && this.windowEnd !== undefined) this.revealNewer();
  };

  /** Shows older messages: from memory first, then from the server. */
  private revealOlder(): void {
    const total = this.messagesStore.value.length;
    const end = this.windowEnd ?? total;
    const start = Math.max(0, end - this.windowSize);
    if (start > 0) {
      const size = this.windowSize + RENDER_STEP;
      // Past the cap, the window slides up: the newest rendered messages leave the DOM.
      if (size > MAX_RENDERED_MESSAGES) this.windowEnd = Math.max(MAX_RENDERED_MESSAGES, end - RENDER_STEP);
      this.windowSize = Math.min(size, MAX_RENDERED_MESSAGES);
      return;
    }
    const status = this.statusStore.value;
    const client = this.activeClient;
    if (client && this.conversationId && status.hasMore && !status.loading) {
      void client.loadOlder(this.conversationId).catch(() => undefined);
    }
  }

  private revealNewer(): void {
    const total = this.messagesStore.value.length;
    const end = (this.windowEnd ?? total) + RENDER_STEP;
    this.windowEnd = end >= total ? undefined : end;
  }

  private jumpToNewest(): void {
    this.windowEnd = undefined;
    this.stickToBottom = true;
    this.unseenBelow = 0;
    this.requestUpdate();
  }

  private findAnchor(): { key: string; top: number } | undefined {
    const top = this.log.scrollTop;
    for (const element of this.renderRoot.querySelectorAll<HTMLElement>('[data-key]')) {
      if (element.offsetTop + element.offsetHeight > top)
        return { key: element.dataset.key as string, top: element.offsetTop - top };
    }
    return undefined;
  }

  /** Messages from others count as read once they are on screen while the tab is visible. */
  private observeMessages(): void {
    if (typeof IntersectionObserver === 'undefined' || !this.log) return;
    this.observer ??= new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const seq = Number((entry.target as HTMLElement).dataset.seq);
          if (entry.isIntersecting) this.visibleSeqs.add(seq);
          else this.visibleSeqs.delete(seq);
        }
        this.scheduleRead();
      },
      { root: this.log, threshold: 0.6 },
    );
    const current = new Set(this.renderRoot.querySelectorAll('[data-unread]'));
    for (const element of this.observed) {
      if (current.has(element)) continue;
      this.observer.unobserve(element);
      this.observed.delete(element);
    }
    for (const element of current) {
      if (this.observed.has(element)) continue;
      this.observer.observe(element);
      this.observed.add(element);
    }
  }

  private formattedOf(message: ChatMessage, language: string) {
    let entry = this.formatted.get(message);
    if (!entry || entry.body !== message.body || entry.createdAt !== message.createdAt || entry.language !== language) {
      entry = {
        body: message.body,
        createdAt: message.createdAt,
        language,
        when: fullDateTime(message.createdAt, language),
        text: this.renderText(message.body),
      };
      this.formatted.set(message, entry);
    }
    return entry;
  }

  private onVisibility = (): void => this.scheduleRead();

  private scheduleRead(): void {
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => {
      if (document.visibilityState !== 'visible' || this.visibleSeqs.size === 0) return;
      const seq = Math.max(...this.visibleSeqs);
      if (this.conversationId) void this.activeClient?.markRead(this.conversationId, seq);
    }, 150);
  }

  // --- composing --------------------------------------------------------------

  private onInput(event: Event): void {
    const textarea = event.target as HTMLTextAreaElement;
    this.draft = textarea.value;
    textarea.style.height = 'auto';
    textarea.style.height = `${textarea.scrollHeight}px`;
    if (this.conversationId) this.activeClient?.setTyping(this.conversationId, this.draft.trim().length > 0);
  }

  private onKeydown(event: KeyboardEvent): void {
    // Enter sends, Shift+Enter breaks the line; never while an IME is composing a character.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    void this.sendDraft();
  }

  private get overLimit(): number {
    return characterCount(this.draft.trim()) - this.maxLength;
  }

  /** Sends the text in the composer (what Enter and the send button do). */
  async sendDraft(): Promise<void> {
    const body = this.draft.trim();
    const client = this.activeClient;
    if (!client || !this.conversationId || body.length === 0 || this.overLimit > 0) return;
    const detail: ChatMessageSendDetail = { conversationId: this.conversationId, body };
    const proceed = this.dispatchEvent(
      new CustomEvent('chat-message-send', { detail, bubbles: true, composed: true, cancelable: true }),
    );
    if (!proceed) return;
    this.draft = '';
    if (this.composer) {
      this.composer.value = '';
      this.composer.style.height = 'auto';
    }
    client.setTyping(this.conversationId, false);
    this.stickToBottom = true;
    this.windowEnd = undefined;
    const message = await client.send(this.conversationId, body);
    this.dispatchEvent(new CustomEvent('chat-message-sent', { detail: { message }, bubbles: true, composed: true }));
  }

  private async saveEdit(): Promise<void> {
    const editing = this.editing;
    if (!editing || !this.activeClient) return;
    const body = editing.body.trim();
    if (body.length === 0 || characterCount(body) > this.maxLength) return;
    this.editing = undefined;
    // Safe to drop: a failed edit becomes a notice (`$notices`), which this thread shows.
    await this.activeClient.edit(editing.id, body).catch(() => undefined);
  }

  private deleteMessage(id: string): void {
    // Safe to drop: a failed delete becomes a notice (`$notices`), which this thread shows.
    this.activeClient?.delete(id).catch(() => undefined);
  }

  private retryNotice(id: number): void {
    // Safe to drop: failing again brings a new notice.
    this.activeClient?.retryNotice(id).catch(() => undefined);
  }

  private onEditKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      this.editing = undefined;
    } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void this.saveEdit();
    }
  }

  // --- rendering --------------------------------------------------------------

  private renderProduct(conversation: Conversation | undefined): TemplateResult | typeof nothing {
    const product = conversation?.product;
    if (!product) return nothing;
    const title = product.url
      ? html`<a href=${product.url}>${product.title}</a>`
      : html`<strong>${product.title}</strong>`;
    return html`<header part="product" aria-label=${this.t.productLabel(product.title)}>
      ${product.imageUrl ? html`<img src=${product.imageUrl} alt="" />` : nothing} ${title}
      ${product.price ? html`<span class="price">${product.price}</span>` : nothing}
    </header>`;
  }

  private renderText(text: string): Array<TemplateResult | string> {
    return linkify(text).map((part) =>
      part.kind === 'link'
        ? html`<a href=${part.href} target="_blank" rel="noopener noreferrer">${part.text}</a>`
        : part.text,
    );
  }

  private renderStatus(message: ChatMessage, t: PalaverStrings): TemplateResult {
    switch (message.status) {
      case 'queued':
        return html`<span part="status" class="queued" title=${t.queued} aria-label=${t.queued}>🕓</span>`;
      case 'sending':
        return html`<span part="status" class="sending" title=${t.sending} aria-label=${t.sending}>🕓</span>`;
      case 'sent':
        return html`<span part="status" class="sent" title=${t.sent} aria-label=${t.sent}>✓</span>`;
      case 'read':
        return html`<span part="status" class="read" title=${t.read} aria-label=${t.read}>✓✓</span>`;
      default:
        return html`<span part="status" class="failed">${t.failed}${message.error ? ` — ${message.error.message}` : ''}</span>
          <button type="button" @click=${() => this.activeClient?.retry(message.clientId)}>${t.retry}</button>
          <button type="button" @click=${() => this.activeClient?.discard(message.clientId)}>${t.discard}</button>`;
    }
  }

  private renderMessage(message: ChatMessage, showAuthor: boolean, view: MessageView) {
    const { t, language, ownId, names } = view;
    const own = message.senderId === ownId;
    const deleted = Boolean(message.deletedAt);
    const editing = this.editing?.id === message.id;
    const unreadFromOther =
      !own &&
      !message.pending &&
      message.seq > (this.conversationStore.value?.participants.find((p) => p.userId === ownId)?.lastReadSeq ?? 0);
    const classes = [
      'message',
      own ? 'own' : 'other',
      deleted ? 'deleted' : '',
      message.status === 'failed' ? 'failed' : '',
    ]
      .filter(Boolean)
      .join(' ');
    const author = own ? t.you : (names.get(message.senderId) ?? message.senderId);
    // It labels the message and titles its time.
    const { when, text } = this.formattedOf(message, language);
    return html`<article
      part=${`message ${own ? 'own' : 'other'}`}
      class=${classes}
      data-key=${message.clientId}
      data-seq=${message.seq}
      ?data-unread=${unreadFromOther}
      aria-label=${`${author}, ${when}`}
    >
      ${
        showAuthor
          ? html`<div part="author">${author}${message.fromAdmin ? html`<span class="staff">${t.staff}</span>` : nothing}</div>`
          : nothing
      }
      ${
        editing
          ? html`<div class="edit">
            <textarea
              aria-label=${t.edit}
              .value=${this.editing?.body ?? ''}
              @input=${(e: Event) => {
                this.editing = { id: message.id, body: (e.target as HTMLTextAreaElement).value };
              }}
              @keydown=${this.onEditKeydown}
            ></textarea>
            <div class="actions">
              <button type="button" @click=${this.saveEdit}>${t.save}</button>
              <button type="button" @click=${() => (this.editing = undefined)}>${t.cancel}</button>
            </div>
          </div>`
          : html`<div part="bubble">${deleted ? t.deleted : text}</div>`
      }
      <div class="meta">
        <time part="timestamp" datetime=${message.createdAt} title=${when}
          >${relativeTime(message.createdAt, language)}</time
        >
        ${message.editedAt && !deleted ? html`<span>(${t.edited})</span>` : nothing}
        ${own ? this.renderStatus(message, t) : nothing}
        ${
          own && !deleted && !message.pending && !editing
            ? html`<span class="actions" role="group" aria-label=${t.messageActions}>
              <button type="button" @click=${() => (this.editing = { id: message.id, body: message.body })}>${t.edit}</button>
              <button type="button" @click=${() => this.deleteMessage(message.id)}>
                ${t.delete}
              </button>
            </span>`
            : nothing
        }
      </div>
    </article>`;
  }

  private renderMessages(): TemplateResult {
    const t = this.t;
    const all = this.messagesStore.value;
    const conversation = this.conversationStore.value;
    const status = this.statusStore.value;
    const ownId = this.userStore.value?.id;
    if (all.length === 0) {
      const waiting = status.loading || (!conversation && !this.openError);
      return html`<p class="placeholder">${waiting ? t.loading : t.empty}</p>`;
    }
    const names = new Map((conversation?.participants ?? []).map((p) => [p.userId, p.name]));
    // Looked up once per render, not per message (the language walks up the DOM for a lang attribute).
    const language = this.language;
    const view: MessageView = { t, language, ownId, names };
    const end = this.windowEnd ?? all.length;
    const start = Math.max(0, end - this.windowSize);
    const shown = all.slice(start, end);
    // Keyed by message, so loading older messages above reuses the DOM of those below.
    const items: Array<{ key: string; template: TemplateResult }> = [];
    let previous: ChatMessage | undefined = start > 0 ? all[start - 1] : undefined;
    for (const message of shown) {
      const newDay = !previous || dayKey(previous.createdAt) !== dayKey(message.createdAt);
      if (newDay) {
        items.push({
          key: `day:${dayKey(message.createdAt)}`,
          template: html`<div part="separator" role="separator">${dayLabel(message.createdAt, language, t)}</div>`,
        });
      }
      const grouped =
        !newDay &&
        previous?.senderId === message.senderId &&
        Date.parse(message.createdAt) - Date.parse(previous.createdAt) < GROUP_GAP_MS;
      items.push({ key: message.clientId, template: this.renderMessage(message, !grouped, view) });
      previous = message;
    }
    return html`${status.loading && start === 0 ? html`<p class="placeholder">${t.loadingOlder}</p>` : nothing}
    ${repeat(
      items,
      (item) => item.key,
      (item) => item.template,
    )}`;
  }

  private renderNotices(t: PalaverStrings): TemplateResult[] {
    return this.noticesStore.value
      .filter((notice) => notice.conversationId === this.conversationId)
      .map(
        (notice) => html`<div part="notice" role="alert">
          <span>${notice.action === 'edit' ? t.editFailed : t.deleteFailed} <small>${notice.error.message}</small></span>
          ${
            notice.retryable
              ? html`<button type="button" @click=${() => this.retryNotice(notice.id)}>${t.retry}</button>`
              : nothing
          }
          <button type="button" @click=${() => this.activeClient?.dismissNotice(notice.id)}>${t.dismiss}</button>
        </div>`,
      );
  }

  override render(): TemplateResult {
    const t = this.t;
    const conversation = this.conversationStore.value;
    const connection = this.connectionStore.value;
    const status = this.statusStore.value;
    const typing = this.typingStore.value;
    const over = this.overLimit;
    const remaining = -over;
    // The counter appears in the last tenth of the limit (at least 10, at most 200 characters before it).
    const showCounter = remaining <= Math.min(200, Math.max(10, Math.round(this.maxLength * 0.1)));
    const error = this.openError ?? status.error?.message;
    return html`<section part="base">
      ${this.renderProduct(conversation)}
      ${
        connection === 'offline' || connection === 'unauthorized'
          ? html`<div part="banner" role="status">${t.offline}</div>`
          : error && this.messagesStore.value.length === 0
            ? html`<div part="banner" class="error" role="alert">${t.error}</div>`
            : nothing
      }
      ${this.renderNotices(t)}
      <div part="log" role="log" aria-live="polite" aria-label=${t.messages} tabindex="0" @scroll=${this.onScroll}>
        ${this.renderMessages()}
      </div>
      <div part="typing" aria-live="polite">${typing.length > 0 ? t.typing(typing.map((u) => u.name)) : ''}</div>
      ${
        this.unseenBelow > 0 || this.windowEnd !== undefined
          ? html`<button type="button" class="jump" @click=${this.jumpToNewest}>${t.newMessages} ↓</button>`
          : nothing
      }
      ${
        showCounter
          ? html`<div class=${over > 0 ? 'counter over' : 'counter'} aria-live="polite">
            ${over > 0 ? t.charactersOver(over) : t.charactersLeft(remaining)}
          </div>`
          : nothing
      }
      <form
        part="composer"
        @submit=${(event: Event) => {
          event.preventDefault();
          void this.sendDraft();
        }}
      >
        <textarea
          rows="1"
          aria-label=${t.composerLabel}
          placeholder=${t.composerPlaceholder}
          .value=${this.draft}
          ?disabled=${!this.conversationId}
          @input=${this.onInput}
          @keydown=${this.onKeydown}
        ></textarea>
        <button part="send-button" type="submit" ?disabled=${!this.conversationId || this.draft.trim().length === 0 || over > 0}>
          ${t.send}
        </button>
      </form>
    </section>`;
  }
}
