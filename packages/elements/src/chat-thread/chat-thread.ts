import { characterCount, isNotBlank, LIMITS } from '@palaver/protocol';
import type {
  ChatMessage,
  ChatUser,
  ConnectionStatus,
  Conversation,
  Notice,
  ThreadStatus,
  TypingUser,
} from '@palaver/sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ProductElement } from '../shared/product-element.js';
import { StoreController } from '../shared/store-controller.js';
import { builtInStrings, loadLanguage } from '../shared/strings.js';
import { renderThumbnail } from '../shared/thumbnail.js';
import { dayKey, dayLabel } from '../shared/time.js';
import { AttachmentsController } from './attachments.js';
import { chatThreadStyles } from './chat-thread.styles.js';
import { MessageActionsController } from './message-actions.js';
import { type MessageContext, renderMessage } from './message-view.js';
import { renderNotices } from './notices-view.js';
import { OpenByProductController } from './open-by-product.js';
import { ReadTrackingController } from './read-tracking.js';
import { RenderedWindowController } from './rendered-window.js';
import { SafetyController } from './safety.js';
import { renderBlockBanner, renderThreadMenu } from './safety-view.js';

export { MAX_RENDERED_MESSAGES } from './rendered-window.js';

/** Consecutive messages of one sender closer than this share one author line. */
const GROUP_GAP_MS = 5 * 60_000;

export interface ChatMessageSendDetail {
  conversationId: string;
  body: string;
  /** The files picked to go with it. */
  files: File[];
}

/**
 * @tagname chat-thread
 * @summary A conversation: the product it is about, its messages with delivery
 * ticks, who is typing, and a composer. Works offline: messages queue and go later.
 *
 * @fires chat-conversation-opened - The conversation is known (opened by product or by id). `detail: { conversation }`.
 * @fires chat-message-send - Cancelable, before a message is queued. `detail: { conversationId, body, files }`.
 * @fires chat-message-sent - A message was queued (it shows at once and is delivered when possible). `detail: { message }`.
 *
 * @csspart base - The whole thread.
 * @csspart product - The product card on top (for a support conversation: its subject).
 * @csspart banner - Offline and error notices, and "You blocked …" (with Unblock).
 * @csspart notice - A failed edit or delete: what happened, with Retry (when it may help) and Dismiss.
 * @csspart log - The scrolling list of messages.
 * @csspart separator - A day separator.
 * @csspart message - One message (also `message own` or `message other`).
 * @csspart author - The sender's name above a group of messages.
 * @csspart bubble - A message's text.
 * @csspart timestamp - A message's time.
 * @csspart status - A message's delivery status.
 * @csspart masked-note - Under a message whose contact details were hidden (for its sender: from the other side).
 * @csspart typing - The "… is typing" line.
 * @csspart report - The form that reports the conversation or a message (reason, note), then its thanks.
 * @csspart image - An image of a message (a button that opens the viewer), its placeholder painted under it.
 * @csspart file - A document of a message: a download link with its name, kind and size.
 * @csspart pending-file - A file of a message not sent yet, with its upload progress.
 * @csspart picked-files - The files picked in the composer, before sending.
 * @csspart attach-button - The composer's button that picks files (paste and drop work too).
 * @csspart composer - The form at the bottom.
 * @csspart send-button - The send button.
 *
 * @cssproperty --chat-thread-height - Height of the element (default 32rem).
 * @cssproperty --chat-thread-own-bubble - Background of the user's own messages.
 * @cssproperty --chat-thread-own-text - Text color of the user's own messages.
 * @cssproperty --chat-thread-other-bubble - Background of other people's messages.
 * @cssproperty --chat-thread-other-text - Text color of other people's messages.
 */
export class ChatThread extends ProductElement {
  static override styles = chatThreadStyles;
  protected static override builtInStrings = builtInStrings;
  protected static override loadLanguage = loadLanguage;

  private readonly messagesStore = new StoreController<ChatMessage[]>(this, []);
  private readonly conversationStore = new StoreController<Conversation | undefined>(this, undefined);
  private readonly statusStore = new StoreController<ThreadStatus>(this, { loading: false, hasMore: false });
  private readonly typingStore = new StoreController<TypingUser[]>(this, []);
  private readonly connectionStore = new StoreController<ConnectionStatus>(this, 'idle');
  private readonly userStore = new StoreController<ChatUser | null>(this, null);
  private readonly noticesStore = new StoreController<Notice[]>(this, []);
  private readonly window = new RenderedWindowController(this);
  private readonly reads = new ReadTrackingController(this);
  private readonly opener = new OpenByProductController(this);
  private readonly safety = new SafetyController(this, () => this.activeClient);
  private readonly actions = new MessageActionsController(this, () => this.activeClient, this.safety.openReport);
  private readonly files = new AttachmentsController(
    this,
    () => this.activeClient,
    () => this.t,
  );

  // Declared without decorators (see PalaverElement): no decorator code in the drop-in.
  static override properties: PropertyDeclarations = {
    conversationId: { attribute: 'conversation-id', reflect: true },
    maxLength: { type: Number, attribute: 'max-length' },
    draft: { state: true },
    sendWhenOpened: { state: true },
    draftId: { state: true },
  };

  /** @internal The scrolling list (for the controllers). */
  get log(): HTMLElement | null {
    return this.renderRoot?.querySelector('[part="log"]') ?? null;
  }

  private get composer(): HTMLTextAreaElement | null {
    return this.renderRoot?.querySelector('[part="composer"] textarea') ?? null;
  }

  /** The conversation to show (or give `product-id` and `supplier-id` to open the one about a product). */
  declare conversationId: string | undefined;
  /** Longest message accepted (the server's `MESSAGE_MAX_LENGTH`). */
  maxLength: number = LIMITS.messageMaxLength;

  private draft = '';
  /**
   * Enter was pressed before the conversation was known (first open, offline):
   * the draft stays in the composer and goes as soon as the conversation opens.
   */
  private sendWhenOpened = false;
  /**
   * Messages written before the conversation could be opened (first contact,
   * offline) wait in the outbox under this stand-in id, and show from there.
   */
  declare private draftId: string | undefined;

  private clock: ReturnType<typeof setInterval> | undefined;

  // --- lifecycle ------------------------------------------------------------

  override connectedCallback(): void {
    super.connectedCallback();
    // Relative times ("5 min ago") move on by themselves.
    this.clock = setInterval(() => this.requestUpdate(), 30_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.clock);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const client = this.activeClient;
    this.connectionStore.bind(client?.$connection);
    this.userStore.bind(client?.$user);
    this.noticesStore.bind(client?.$notices);
    const productOpen = this.productOpen;
    if (client && !this.conversationId && productOpen) {
      void this.opener.open(client, productOpen);
    }
    const id = this.conversationId ?? this.draftId;
    this.messagesStore.bind(client && id ? client.messagesOf(id) : undefined);
    this.conversationStore.bind(client && id ? client.conversationOf(id) : undefined);
    this.statusStore.bind(client && id ? client.threadStatusOf(id) : undefined);
    this.typingStore.bind(client && id ? client.typingIn(id) : undefined);
    if (changed.has('conversationId')) {
      this.window.reset();
      this.reads.reset();
    }
  }

  // --- for the controllers ----------------------------------------------------

  /** @internal */
  get messages(): ChatMessage[] {
    return this.messagesStore.value;
  }

  /** @internal */
  get conversation(): Conversation | undefined {
    return this.conversationStore.value;
  }

  /** @internal */
  get ownId(): string | undefined {
    return this.userStore.value?.id;
  }

  /** @internal Older messages than the thread holds are needed. */
  loadOlder(): void {
    const status = this.statusStore.value;
    if (this.conversationId && status.hasMore && !status.loading) {
      // Safe to drop: a failed page shows in the thread's status.
      void this.activeClient?.loadOlder(this.conversationId).catch(() => undefined);
    }
  }

  /** @internal Messages up to `seq` were seen. */
  markRead(seq: number): void {
    if (this.conversationId) void this.activeClient?.markRead(this.conversationId, seq);
  }

  /** @internal The conversation about the product is known. */
  opened(conversation: Conversation): void {
    this.conversationId = conversation.id;
    this.emit('chat-conversation-opened', { conversation });
    if (this.sendWhenOpened) void this.updateComplete.then(() => this.sendDraft());
  }

  // --- composing --------------------------------------------------------------

  private onInput(event: Event): void {
    const textarea = event.target as HTMLTextAreaElement;
    this.draft = textarea.value;
    textarea.style.height = 'auto';
    textarea.style.height = `${textarea.scrollHeight}px`;
    if (this.conversationId) this.activeClient?.setTyping(this.conversationId, isNotBlank(this.draft));
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

  // --- public methods ---------------------------------------------------------

  /** Sends the text in the composer (what Enter and the send button do). */
  async sendDraft(): Promise<void> {
    const body = this.draft.trim();
    const client = this.activeClient;
    if ((!isNotBlank(body) && this.files.picked.length === 0) || this.overLimit > 0) return;
    const productOpen = this.productOpen;
    if (client && !this.conversationId && productOpen && !this.opener.permanent) {
      // First contact before the conversation could be opened: the outbox keeps
      // it (across reloads) and opens the conversation when it can.
      this.sendWhenOpened = false;
      this.clearComposer();
      const message = await client.sendAbout(productOpen, body, { files: this.files.take() });
      this.draftId = message.conversationId;
      this.emit('chat-message-sent', { message });
      return;
    }
    if (!client || !this.conversationId) {
      // Kept, not lost: it goes when the conversation opens (see `opened`).
      this.sendWhenOpened = !this.opener.permanent;
      return;
    }
    this.sendWhenOpened = false;
    const files = this.files.picked.map((p) => p.file);
    if (!this.emit('chat-message-send', { conversationId: this.conversationId, body, files }, true)) return;
    this.clearComposer();
    client.setTyping(this.conversationId, false);
    this.window.toNewest();
    const message = await client.send(this.conversationId, body, { files: this.files.take() });
    this.emit('chat-message-sent', { message });
  }

  private clearComposer(): void {
    this.draft = '';
    if (this.composer) {
      this.composer.value = '';
      this.composer.style.height = 'auto';
    }
  }

  /** Moves the focus to the composer (once it is rendered). */
  async focusComposer(): Promise<void> {
    await this.updateComplete;
    this.composer?.focus();
  }

  // --- rendering --------------------------------------------------------------

  /** What the conversation is about, on top: the product card, or a support thread's subject. */
  private renderHeader(conversation: Conversation | undefined): TemplateResult | typeof nothing {
    const t = this.t;
    if (conversation?.kind === 'support') {
      const subject = conversation.subject ?? t.support;
      return html`<header part="product" class="support" aria-label=${t.supportLabel(subject)}>
        ${renderThumbnail({ support: true })}
        <span class="subject"><small>${t.support}</small> <strong dir="auto">${subject}</strong></span>
        ${renderThreadMenu(t, this.safety)}
      </header>`;
    }
    const product = conversation?.product;
    if (!product) return nothing;
    const title = product.url
      ? html`<a href=${product.url} dir="auto">${product.title}</a>`
      : html`<strong dir="auto">${product.title}</strong>`;
    return html`<header part="product" aria-label=${t.productLabel(product.title)}>
      ${product.imageUrl ? renderThumbnail({ imageUrl: product.imageUrl }) : nothing} ${title}
      ${product.price ? html`<span class="price">${product.price}</span>` : nothing} ${renderThreadMenu(t, this.safety)}
    </header>`;
  }

  private renderMessages(): TemplateResult {
    const t = this.t;
    const all = this.messagesStore.value;
    const conversation = this.conversationStore.value;
    const status = this.statusStore.value;
    const ownId = this.userStore.value?.id;
    if (all.length === 0) {
      // Nothing to invite a "hello" into while the conversation cannot be opened or loaded.
      if (this.opener.permanent || (status.error && !conversation)) return html``;
      const waiting = status.loading || !conversation;
      return html`<p class="placeholder">${waiting ? t.loading : t.empty}</p>`;
    }
    const names = new Map((conversation?.participants ?? []).map((p) => [p.userId, p.name]));
    // Looked up once per render, not per message (the language walks up the DOM for a lang attribute).
    const language = this.language;
    const context: MessageContext = {
      t,
      language,
      ownId,
      names,
      lastReadSeq: conversation?.participants.find((p) => p.userId === ownId)?.lastReadSeq ?? 0,
      actions: this.actions,
      canReport: this.safety.canReport,
      files: this.files,
    };
    const [start, end] = this.window.range(all.length);
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
      items.push({ key: message.clientId, template: renderMessage(message, !grouped, context) });
      previous = message;
    }
    return html`${status.loading && start === 0 ? html`<p class="placeholder">${t.loadingOlder}</p>` : nothing}
    ${repeat(
      items,
      (item) => item.key,
      (item) => item.template,
    )}`;
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
    const error = this.opener.error ?? status.error?.message;
    // Offline is said by the offline banner; a refusal (contacting yourself, a
    // product that does not exist) is said with the server's reason, and only then
    // is there nothing to write into. Blocking the other side keeps the composer:
    // a block stops them reaching the user, not the user answering (to settle
    // an order, say); the server accepts it, and the banner says who can write.
    const refused = this.opener.permanent;
    const files = this.files;
    return html`<section
      part="base"
      @dragover=${files.onDragOver}
      @dragleave=${files.onDragLeave}
      @drop=${files.onDrop}
    >
      ${this.renderHeader(conversation)}
      ${
        connection === 'offline' || connection === 'unauthorized'
          ? html`<div part="banner" role="status">${t.offline}</div>`
          : error && this.messagesStore.value.length === 0
            ? html`<div part="banner" class="error" role="alert">${t.error} <small>${error}</small></div>`
            : nothing
      }
      ${renderBlockBanner(t, this.safety)}
      ${renderNotices(t, this.noticesStore.value, this.conversationId, this.activeClient)}
      <div part="log" role="log" aria-live="polite" aria-label=${t.messages} tabindex="0" @scroll=${this.window.onScroll}>
        ${this.renderMessages()}
      </div>
      <div part="typing" aria-live="polite">${typing.length > 0 ? t.typing(typing.map((u) => u.name)) : ''}</div>
      ${
        this.window.unseenBelow > 0 || this.window.end !== undefined
          ? html`<button type="button" class="jump" @click=${() => this.window.toNewest()}>${t.newMessages} ↓</button>`
          : nothing
      }
      ${
        showCounter
          ? html`<div class=${over > 0 ? 'counter over' : 'counter'} aria-live="polite">
            ${over > 0 ? t.charactersOver(over) : t.charactersLeft(remaining)}
          </div>`
          : nothing
      }
      ${this.safety.renderForm(t)} ${files.renderPicked(t)}
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
          dir="auto"
          .value=${this.draft}
          ?disabled=${refused}
          @input=${this.onInput}
          @keydown=${this.onKeydown}
          @paste=${files.onPaste}
        ></textarea>
        ${files.renderAttach(t, refused)}
        <button
          part="send-button"
          type="submit"
          ?disabled=${refused || (!isNotBlank(this.draft) && files.picked.length === 0) || over > 0}
        >
          ${t.send}
        </button>
      </form>
      ${
        this.sendWhenOpened && !this.conversationId
          ? html`<div class="hint" role="status">${t.sendsWhenOpened}</div>`
          : nothing
      }
      ${files.renderViewer(t)}
    </section>`;
  }
}
