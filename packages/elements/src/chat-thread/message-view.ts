import { CANNOT_WRITE_MESSAGE } from '@palaver/protocol';
import type { ChatMessage } from '@palaver/sdk';
import { html, nothing, type TemplateResult } from 'lit';
import type { PalaverStrings } from '../shared/i18n.js';
import { linkify } from '../shared/linkify.js';
import { fullDateTime, relativeTime } from '../shared/time.js';
import type { ThreadFiles } from './attachments.js';
import type { MessageActions } from './message-actions.js';
import { renderMessageMenu } from './message-menu.js';
import { renderReactions } from './reactions-view.js';
import { statusIcons } from './status-icons.js';

/** What every message of one render shares. */
export interface MessageContext {
  t: PalaverStrings;
  /** Images, documents and uploads of messages. */
  files: ThreadFiles;
  language: string;
  ownId: string | undefined;
  /** Display names by user id. */
  names: Map<string, string>;
  /** The user's read pointer: messages of others above it count as unread. */
  lastReadSeq: number;
  /** The open menu, the edit in progress, and what the buttons do. */
  actions: MessageActions;
  /** The user may report others' messages (they are a participant). */
  canReport: boolean;
}

/**
 * Why a message failed, as the user should read it: the server's reason, but
 * a block (which the server words in English, without saying "blocked") in
 * the user's language.
 */
const failureText = (t: PalaverStrings, error: { code: string; message: string }) =>
  error.code === 'forbidden' && error.message === CANNOT_WRITE_MESSAGE ? t.cannotWrite : error.message;

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

function renderStatus(message: ChatMessage, context: MessageContext): TemplateResult {
  const { t, actions } = context;
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
          >${statusIcons.failed} ${t.failed}${message.error ? ` — ${failureText(t, message.error)}` : ''}</span
        >
        <button type="button" @click=${() => actions.retry(message)}>${t.retry}</button>
        <button type="button" @click=${() => actions.discard(message)}>${t.discard}</button>`;
  }
}

/**
 * One message: author line, bubble (or editor), time, delivery status and the
 * user's actions on it. Only the first message of a run (one sender, a few
 * minutes) shows its author and time; the others show their time on hover or
 * focus (it is always in the message's accessible name).
 */
export function renderMessage(message: ChatMessage, firstOfRun: boolean, context: MessageContext): TemplateResult {
  const { t, language, ownId, names, actions } = context;
  const own = message.senderId === ownId;
  // A removal is also a deletion on the wire (`deletedAt`, for clients that know no better), but
  // it says so: participants get it without its text, moderators (admins) still read it, marked.
  const removed = Boolean(message.removedByModeration);
  const deleted = Boolean(message.deletedAt) && !removed;
  const hidden = deleted || (removed && !message.body);
  const editing = actions.editing?.id === message.id;
  const canAct = own && !deleted && !removed && !message.pending;
  const canReport = !own && !deleted && !removed && context.canReport;
  // A message of files alone has no bubble of text.
  const filesOnly = !message.body && !hidden && (message.attachments.length > 0 || Boolean(message.files?.length));
  const unreadFromOther = !own && !message.pending && message.seq > context.lastReadSeq;
  const classes = [
    'message',
    own ? 'own' : 'other',
    deleted ? 'deleted' : '',
    removed ? 'removed' : '',
    message.status === 'failed' ? 'failed' : '',
    message.status === 'queued' || message.status === 'sending' ? 'waiting' : '',
    firstOfRun ? '' : 'continued',
    actions.menu?.clientId === message.clientId ? 'menu-open' : '',
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
    tabindex="-1"
  >
    ${
      firstOfRun
        ? html`<div part="author">${author}${message.fromAdmin ? html`<span class="staff">${t.staff}</span>` : nothing}</div>`
        : nothing
    }
    ${
      editing
        ? html`<div class="edit">
          <textarea
            dir="auto"
            aria-label=${t.edit}
            .value=${actions.editing?.body ?? ''}
            @input=${(e: Event) => actions.editInput(message, (e.target as HTMLTextAreaElement).value)}
            @keydown=${actions.editKeydown}
          ></textarea>
          <div class="actions">
            <button type="button" @click=${actions.saveEdit}>${t.save}</button>
            <button type="button" @click=${actions.cancelEdit}>${t.cancel}</button>
          </div>
        </div>`
        : filesOnly
          ? nothing
          : canAct
            ? html`<div
              part="bubble"
              dir="auto"
              @contextmenu=${(e: Event) => actions.bubbleContextMenu(e, message)}
              @click=${(e: Event) => actions.bubbleClick(e, message)}
              >${text}</div
            >`
            : html`<div part="bubble" dir="auto">${deleted ? t.deleted : hidden ? t.removedByModeration : text}</div>`
    }
    ${hidden ? nothing : context.files.render(message, t, language)}
    ${hidden || message.pending ? nothing : renderReactions(message, t, actions, ownId, context.canReport || own)}
    <div class="meta">
      <time part="timestamp" datetime=${message.createdAt} title=${when}
        >${relativeTime(message.createdAt, language)}</time
      >
      ${message.editedAt && !deleted ? html`<span>(${t.edited})</span>` : nothing}
      ${own ? renderStatus(message, context) : nothing}
      ${(canAct && !editing) || canReport ? renderMessageMenu(message, t, actions, own, ownId) : nothing}
    </div>
    ${removed && !hidden ? html`<p part="removed-note" class="removed-note">${t.removedByModeration}</p>` : nothing}
    ${
      message.masked && !hidden
        ? html`<p part="masked-note" class="masked-note">${own ? t.maskedForOthers : t.maskedForMe}</p>`
        : nothing
    }
  </article>`;
}
