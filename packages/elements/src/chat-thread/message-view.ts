import type { ChatMessage } from '@palaver/sdk';
import { html, nothing, type TemplateResult } from 'lit';
import type { PalaverStrings } from '../shared/i18n.js';
import { linkify } from '../shared/linkify.js';
import { fullDateTime, relativeTime } from '../shared/time.js';
import { statusIcons } from './status-icons.js';

/** What every message of one render shares. */
export interface MessageContext {
  t: PalaverStrings;
  language: string;
  ownId: string | undefined;
  /** Display names by user id. */
  names: Map<string, string>;
  /** The user's read pointer: messages of others above it count as unread. */
  lastReadSeq: number;
  /** The message being edited, and its text so far. */
  editing: { id: string; body: string } | undefined;
  actions: MessageActions;
}

/** What the buttons and the editor of a message do (the thread implements them). */
export interface MessageActions {
  edit(message: ChatMessage): void;
  editInput(message: ChatMessage, body: string): void;
  editKeydown(event: KeyboardEvent): void;
  saveEdit(): void;
  cancelEdit(): void;
  delete(message: ChatMessage): void;
  retry(message: ChatMessage): void;
  discard(message: ChatMessage): void;
}

/**
 * Each message's formatted date and linkified text, made once rather than on
 * every render (a long thread re-renders up to 120 messages per scroll step).
 */
const formatted = new WeakMap<
  ChatMessage,
  { body: string; createdAt: string; language: string; when: string; text: string | Array<TemplateResult | string> }
>();

function formattedOf(message: ChatMessage, language: string) {
  let entry = formatted.get(message);
  if (!entry || entry.body !== message.body || entry.createdAt !== message.createdAt || entry.language !== language) {
    entry = {
      body: message.body,
      createdAt: message.createdAt,
      language,
      when: fullDateTime(message.createdAt, language),
      text: linkify(message.body).map((part) =>
        part.kind === 'link'
          ? html`<a href=${part.href} dir="ltr" target="_blank" rel="noopener noreferrer">${part.text}</a>`
          : part.text,
      ),
    };
    // Plain text (most messages) as one string: a list costs two more nodes and a part per message.
    if (entry.text.length === 1 && typeof entry.text[0] === 'string') entry.text = entry.text[0];
    formatted.set(message, entry);
  }
  return entry;
}

function renderStatus(message: ChatMessage, { t, actions }: MessageContext): TemplateResult {
  switch (message.status) {
    case 'queued':
      return html`<span part="status" class="queued" role="img" title=${t.queued} aria-label=${t.queued}
          >${statusIcons.waiting}</span
        >${
          message.error?.code === 'rate_limited'
            ? html`<span class="held" role="status">${t.rateLimited}</span>`
            : nothing
        }`;
    case 'sending':
      return html`<span part="status" class="sending" role="img" title=${t.sending} aria-label=${t.sending}
        >${statusIcons.waiting}</span
      >`;
    case 'sent':
      return html`<span part="status" class="sent" role="img" title=${t.sent} aria-label=${t.sent}
        >${statusIcons.sent}</span
      >`;
    case 'read':
      return html`<span part="status" class="read" role="img" title=${t.read} aria-label=${t.read}
        >${statusIcons.read}</span
      >`;
    default:
      return html`<span part="status" class="failed"
          >${statusIcons.failed} ${t.failed}${message.error ? ` — ${message.error.message}` : ''}</span
        >
        <button type="button" @click=${() => actions.retry(message)}>${t.retry}</button>
        <button type="button" @click=${() => actions.discard(message)}>${t.discard}</button>`;
  }
}

/** One message: author line, bubble (or editor), time, delivery status and the user's actions on it. */
export function renderMessage(message: ChatMessage, showAuthor: boolean, context: MessageContext): TemplateResult {
  const { t, language, ownId, names, actions } = context;
  const own = message.senderId === ownId;
  const deleted = Boolean(message.deletedAt);
  const editing = context.editing?.id === message.id;
  const unreadFromOther = !own && !message.pending && message.seq > context.lastReadSeq;
  const classes = [
    'message',
    own ? 'own' : 'other',
    deleted ? 'deleted' : '',
    message.status === 'failed' ? 'failed' : '',
    message.status === 'queued' || message.status === 'sending' ? 'waiting' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const author = own ? t.you : (names.get(message.senderId) ?? message.senderId);
  // It labels the message and titles its time.
  const { when, text } = formattedOf(message, language);
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
            dir="auto"
            aria-label=${t.edit}
            .value=${context.editing?.body ?? ''}
            @input=${(e: Event) => actions.editInput(message, (e.target as HTMLTextAreaElement).value)}
            @keydown=${actions.editKeydown}
          ></textarea>
          <div class="actions">
            <button type="button" @click=${actions.saveEdit}>${t.save}</button>
            <button type="button" @click=${actions.cancelEdit}>${t.cancel}</button>
          </div>
        </div>`
        : html`<div part="bubble" dir="auto">${deleted ? t.deleted : text}</div>`
    }
    <div class="meta">
      <time part="timestamp" datetime=${message.createdAt} title=${when}
        >${relativeTime(message.createdAt, language)}</time
      >
      ${message.editedAt && !deleted ? html`<span>(${t.edited})</span>` : nothing}
      ${own ? renderStatus(message, context) : nothing}
      ${
        own && !deleted && !message.pending && !editing
          ? html`<span class="actions" role="group" aria-label=${t.messageActions}>
            <button type="button" @click=${() => actions.edit(message)}>${t.edit}</button>
            <button type="button" @click=${() => actions.delete(message)}>${t.delete}</button>
          </span>`
          : nothing
      }
    </div>
  </article>`;
}
