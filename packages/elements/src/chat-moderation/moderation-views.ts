import type { Conversation, Message, ModerationLogEntry, Participant, Report } from '@palaver/sdk';
import { html, nothing, type TemplateResult } from 'lit';
import type { PalaverStrings } from '../shared/i18n.js';
import { fullDateTime } from '../shared/time.js';

/** What loads from the server: nothing yet, on its way, there, or failed (with why). */
export type Loadable<T> =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'ready'; value: T }
  | { state: 'error'; message: string };

/** What the views show and what their buttons do; the element holds the state. */
export interface ViewContext {
  t: PalaverStrings;
  language: string;
  conversations: Map<string, Conversation>;
  askRemove(message: Message): void;
  askSuspend(participant: Participant): void;
}

/** Loading, error and empty states, the same everywhere in the console. */
export function renderLoadable<T>(
  t: PalaverStrings,
  loadable: Loadable<T>,
  retry: () => void,
  ready: (value: T) => TemplateResult | typeof nothing,
): TemplateResult | typeof nothing {
  switch (loadable.state) {
    case 'idle':
      return nothing;
    case 'loading':
      return html`<p class="placeholder" role="status" aria-busy="true">${t.loadingReports}</p>`;
    case 'error':
      return html`<p class="error" role="alert">
        ${t.loadFailed} ${loadable.message} <button type="button" @click=${retry}>${t.retry}</button>
      </p>`;
    default:
      return ready(loadable.value);
  }
}

const nameIn = (conversation: Conversation | undefined, userId: string) =>
  conversation?.participants.find((p) => p.userId === userId)?.name ?? userId;

/** The participants of a conversation, with their suspended state and what a moderator can do to them. */
export function renderParticipants(conversation: Conversation | undefined, view: ViewContext) {
  if (!conversation) return nothing;
  const { t } = view;
  return html`<ul class="participants" aria-label=${t.participants}>
    ${conversation.participants.map(
      (p) =>
        html`<li part="participant">
          <span dir="auto">${p.name}</span> <span class="role">(${p.role})</span>
          ${p.suspended ? html`<span part="suspended" class="badge danger">${t.suspendedMark}</span>` : nothing}
          <button type="button" class="small" @click=${() => view.askSuspend(p)}>
            ${p.suspended ? t.reinstate : t.suspend}<span class="visually-hidden">: ${p.name}</span>
          </button>
        </li>`,
    )}
  </ul>`;
}

/**
 * Messages as a moderator reads them: the original text of a removed one,
 * marked; the reported one marked and current. Every message that is still
 * shown to its participants can be removed.
 */
export function renderMessages(
  messages: Message[],
  conversation: Conversation | undefined,
  view: ViewContext,
  reportedId?: string,
): TemplateResult {
  const { t, language } = view;
  return html`<ol part="context" class="context">
    ${messages.map((m) => {
      const author =
        m.fromAdmin && !conversation?.participants.some((p) => p.userId === m.senderId)
          ? t.staff
          : nameIn(conversation, m.senderId);
      const reported = m.id === reportedId;
      const when = fullDateTime(m.createdAt, language);
      const classes = ['message', reported ? 'reported' : '', m.removedByModeration ? 'removed' : ''].join(' ');
      return html`<li part=${reported ? 'message reported' : 'message'} class=${classes} data-id=${m.id}
        aria-current=${reported ? 'true' : nothing}>
        <div class="meta">
          <span part="author" dir="auto">${author}</span>
          <time datetime=${m.createdAt}>${when}</time>
          ${reported ? html`<span class="badge">${t.reportedMessage}</span>` : nothing}
        </div>
        <p part="bubble" dir="auto">${m.deletedAt && !m.removedByModeration ? t.deleted : m.body}</p>
        ${
          m.removedByModeration
            ? html`<p part="removed-mark" class="removed-mark">${t.removedForParticipants}</p>`
            : m.deletedAt
              ? nothing
              : html`<button type="button" class="small" @click=${() => view.askRemove(m)}>
                  ${t.remove}<span class="visually-hidden">: ${author}, ${when}</span>
                </button>`
        }
      </li>`;
    })}
  </ol>`;
}

/** One report: what, who and when, the people involved, the message in its context, and the decision. */
export function renderReport(
  report: Report,
  context: Loadable<Message[]>,
  view: ViewContext,
  decide: (report: Report, status: 'resolved' | 'dismissed') => void,
  reloadContext: (report: Report) => void,
): TemplateResult {
  const { t, language } = view;
  const conversation = view.conversations.get(report.conversationId);
  const about = conversation?.product?.title ?? conversation?.subject ?? report.conversationId;
  const titleId = `report-${report.id}`;
  return html`<article part="report" class="report" aria-labelledby=${titleId} data-report-id=${report.id}>
    <h3 id=${titleId}>${t.reportReasonLabel(report.reason)} · <span dir="auto">${about}</span></h3>
    <p class="muted">${t.reportedBy(nameIn(conversation, report.reporterId), fullDateTime(report.createdAt, language))}</p>
    ${report.note ? html`<p dir="auto">${t.reporterNote(report.note)}</p>` : nothing}
    ${renderParticipants(conversation, view)}
    ${report.messageId ? nothing : html`<p>${t.reportedConversation}</p>`}
    ${renderLoadable(
      t,
      context,
      () => reloadContext(report),
      (messages) =>
        messages.length === 0 && report.messageId
          ? html`<p class="muted">${t.contextMissing}</p>`
          : renderMessages(messages, conversation, view, report.messageId),
    )}
    ${
      report.status === 'open'
        ? html`<div class="decide">
            <label>${t.resolutionNote}<textarea name="note" rows="2" maxlength="1000"></textarea></label>
            <div class="buttons">
              <button type="button" class="primary" @click=${() => decide(report, 'resolved')}>${t.resolve}</button>
              <button type="button" @click=${() => decide(report, 'dismissed')}>${t.dismissReport}</button>
            </div>
          </div>`
        : html`<p class="muted">
            ${t.closedBy(t.reportStatus(report.status), report.resolvedBy ?? '', fullDateTime(report.resolvedAt ?? report.createdAt, language))}
            ${report.resolutionNote ? html`— <span dir="auto">${report.resolutionNote}</span>` : nothing}
          </p>`
    }
  </article>`;
}

/** The audit log: who did what, on what, when and why. */
export function renderLog(entries: ModerationLogEntry[], t: PalaverStrings, language: string) {
  if (entries.length === 0) return html`<p class="placeholder">${t.emptyLog}</p>`;
  return html`<table part="log">
    <caption class="visually-hidden">${t.logTab}</caption>
    <thead>
      <tr><th scope="col">${t.logWhen}</th><th scope="col">${t.logWho}</th><th scope="col">${t.logWhat}</th>
        <th scope="col">${t.logTarget}</th><th scope="col">${t.logWhy}</th></tr>
    </thead>
    <tbody>
      ${entries.map(
        (e) => html`<tr data-action=${e.action}>
          <td><time datetime=${e.at}>${fullDateTime(e.at, language)}</time></td>
          <td>${e.moderatorId}</td>
          <td>${t.logAction(e.action)}</td>
          <td><code>${e.targetId}</code></td>
          <td dir="auto">${e.reason ?? ''}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The search tab: the form, the hint when nothing is asked, and the conversations found. */
export function renderSearch(search: {
  view: ViewContext;
  results: Loadable<Conversation[]>;
  /** The form was sent without a criterion (or with a text under two characters). */
  hint: boolean;
  /** A found conversation's latest messages, when opened. */
  shown(conversation: Conversation): Loadable<Message[]> | undefined;
  onSubmit(event: SubmitEvent): void;
  onToggle(conversation: Conversation): void;
}): TemplateResult {
  const { view } = search;
  const t = view.t;
  return html`<form class="search" @submit=${search.onSubmit}>
      <label>${t.searchUser}<input name="userId" autocomplete="off" /></label>
      <label>${t.searchProduct}<input name="productId" autocomplete="off" /></label>
      <label>${t.searchText}<input name="q" type="search" /></label>
      <button type="submit" class="primary">${t.search}</button>
    </form>
    ${search.hint ? html`<p class="error" role="alert">${t.searchHint}</p>` : nothing}
    ${renderLoadable(
      t,
      search.results,
      () => undefined,
      (found) =>
        found.length === 0
          ? html`<p class="placeholder">${t.noResults}</p>`
          : html`<ul class="results">
            ${found.map((c) => {
              const shown = search.shown(c);
              const conversation = view.conversations.get(c.id) ?? c;
              return html`<li part="result">
                <h3 dir="auto">${c.product?.title ?? c.subject ?? c.id}</h3>
                ${renderParticipants(conversation, view)}
                <button type="button" aria-expanded=${shown ? 'true' : 'false'} @click=${() => search.onToggle(c)}>
                  ${shown ? t.hideMessages : t.showMessages}
                </button>
                ${
                  shown
                    ? renderLoadable(
                        t,
                        shown,
                        () => undefined,
                        (messages) => renderMessages(messages, conversation, view),
                      )
                    : nothing
                }
              </li>`;
            })}
          </ul>`,
    )}`;
}
