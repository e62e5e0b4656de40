import {
  type Conversation,
  isChatError,
  type Message,
  type Moderation,
  type ModerationLogEntry,
  moderationOf,
  type Participant,
  type Report,
  type ReportStatus,
} from '@palaver/sdk';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { BuiltInStrings } from '../shared/i18n.js';
import { PalaverElement } from '../shared/palaver-element.js';
import { en } from '../shared/strings.js';
import { fr } from '../shared/strings-fr.js';
import { chatModerationStyles } from './chat-moderation.styles.js';
import { moderationStrings } from './moderation-strings.js';
import {
  type Loadable,
  renderLoadable,
  renderLog,
  renderReport,
  renderSearch,
  type ViewContext,
} from './moderation-views.js';

type Tab = 'reports' | 'search' | 'log';
const TABS: Tab[] = ['reports', 'search', 'log'];
/** What the reason dialog confirms. */
type Pending = { kind: 'remove'; message: Message } | { kind: 'suspend' | 'reinstate'; participant: Participant };

const failure = (error: unknown) => (isChatError(error) ? error.message : String(error));

/**
 * @tagname chat-moderation
 * @summary The moderation console for the marketplace's staff (admins): the reports queue
 * with each reported message in its context, resolve or dismiss with a note, remove a
 * message, suspend or reinstate a user, search every conversation, and the audit log.
 *
 * It talks as the signed-in admin through its client (the page's `configure()` one by
 * default): REST calls carry that client's token (`moderationOf` in `@palaver/sdk`), the
 * messages around a report come through the client's socket (`messages:history`).
 *
 * @fires chat-moderated - A moderator action succeeded. `detail: { action, targetId }`.
 *
 * @csspart base - The whole console.
 * @csspart tabs - The tab list (reports, search, audit log).
 * @csspart report - One report.
 * @csspart context - The messages shown around a reported message (or a conversation's latest).
 * @csspart message - One message (also `message reported`).
 * @csspart removed-mark - Under a message removed by moderation.
 * @csspart suspended - The mark of a suspended participant.
 * @csspart log - The audit log's table.
 * @csspart dialog - The dialog asking for a reason.
 */
export class ChatModeration extends PalaverElement {
  static override styles = chatModerationStyles;
  protected static override builtInStrings: BuiltInStrings = {
    en: { ...en, ...moderationStrings.en },
    fr: { ...fr, ...moderationStrings.fr },
  };

  @query('dialog') private dialog!: HTMLDialogElement;

  /** Which reports the queue shows: `open` (default), `resolved` or `dismissed`. */
  @property({ attribute: 'report-status', reflect: true }) reportStatus: ReportStatus = 'open';
  /**
   * Replaces `fetch` for the REST calls (a proxy, a test, a Storybook fixture).
   * The token is not a property on purpose: the client already has the admin's
   * token source, and a second one could drift from it (another user, expired).
   */
  @property({ attribute: false }) fetch: typeof globalThis.fetch | undefined;

  @state() private tab: Tab = 'reports';
  @state() private reports: Loadable<Report[]> = { state: 'idle' };
  @state() private log: Loadable<ModerationLogEntry[]> = { state: 'idle' };
  @state() private results: Loadable<Conversation[]> = { state: 'idle' };
  @state() private pending: Pending | undefined;
  /** Said politely after an action, or as an alert when it failed. */
  @state() private announcement: { text: string; failed: boolean } | undefined;
  @state() private searchHint = false;
  /** Messages by report id, or by `conversation:<id>` for a searched conversation. */
  private readonly contexts = new Map<string, Loadable<Message[]>>();
  private readonly conversations = new Map<string, Conversation>();
  private api: Moderation | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const changedClient = (changed as Map<PropertyKey, unknown>).has('activeClient') || changed.has('fetch');
    if (changedClient) this.api = this.activeClient ? moderationOf(this.activeClient, this.fetch) : undefined;
    if (this.api && (changedClient || changed.has('reportStatus'))) void this.loadReports();
  }

  private get view(): ViewContext {
    return {
      t: this.t,
      language: this.language,
      conversations: this.conversations,
      askRemove: (message) => this.ask({ kind: 'remove', message }),
      askSuspend: (participant) => this.ask({ kind: participant.suspended ? 'reinstate' : 'suspend', participant }),
    };
  }

  /** Runs a load into a piece of state, keeping errors as a state to show (never thrown at the page). */
  private async load<T>(run: () => Promise<T>, set: (value: Loadable<T>) => void): Promise<void> {
    set({ state: 'loading' });
    try {
      set({ state: 'ready', value: await run() });
    } catch (error) {
      set({ state: 'error', message: failure(error) });
    }
  }

  private async loadReports(): Promise<void> {
    const api = this.api;
    if (!api) return;
    const status = this.reportStatus;
    await this.load(
      () => api.reports(status),
      (value) => {
        if (api === this.api && status === this.reportStatus) this.reports = value;
      },
    );
    if (this.reports.state === 'ready') await Promise.all(this.reports.value.map((r) => this.loadContext(r)));
  }

  private async conversation(id: string): Promise<void> {
    if (!this.conversations.has(id) && this.api) this.conversations.set(id, await this.api.conversation(id));
  }

  private async loadContext(report: Report): Promise<void> {
    const api = this.api;
    if (!api) return;
    await this.load(
      async () => {
        await this.conversation(report.conversationId);
        return api.context(report.conversationId, report.messageId);
      },
      (value) => {
        this.contexts.set(report.id, value);
        this.requestUpdate();
      },
    );
  }

  private async toggleConversation(conversation: Conversation): Promise<void> {
    const key = `conversation:${conversation.id}`;
    if (this.contexts.has(key)) {
      this.contexts.delete(key);
      this.requestUpdate();
      return;
    }
    const api = this.api;
    if (!api) return;
    await this.load(
      () => api.context(conversation.id, undefined, 10),
      (value) => {
        this.contexts.set(key, value);
        this.requestUpdate();
      },
    );
  }

  private async search(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const api = this.api;
    const form = new FormData(event.target as HTMLFormElement);
    const field = (name: string) => String(form.get(name) ?? '').trim();
    const criteria = { userId: field('userId'), productId: field('productId'), q: field('q') };
    this.searchHint = !criteria.userId && !criteria.productId && criteria.q.length < 2;
    if (this.searchHint || !api) return;
    await this.load(
      async () => {
        const found = await api.search(Object.fromEntries(Object.entries(criteria).filter(([, v]) => v)));
        for (const c of found) this.conversations.set(c.id, c);
        return found;
      },
      (value) => (this.results = value),
    );
  }

  private selectTab(tab: Tab, focus = false): void {
    this.tab = tab;
    if (tab === 'log' && this.log.state !== 'loading') void this.loadLog();
    if (focus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${tab}`)?.focus());
  }

  private loadLog(): Promise<void> {
    const api = this.api;
    return api
      ? this.load(
          () => api.log(),
          (value) => (this.log = value),
        )
      : Promise.resolve();
  }

  /** Arrow keys, Home and End move between tabs (the WAI-ARIA tabs pattern). */
  private onTabKeydown(event: KeyboardEvent): void {
    const index = TABS.indexOf(this.tab);
    const moves: Record<string, number> = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: TABS.length - 1,
    };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    this.selectTab(TABS[(next + TABS.length) % TABS.length] as Tab, true);
  }

  private ask(pending: Pending): void {
    this.pending = pending;
    void this.updateComplete.then(() => {
      const reason = this.dialog.querySelector('textarea');
      if (reason) reason.value = '';
      this.dialog.showModal();
    });
  }

  private async decide(report: Report, status: 'resolved' | 'dismissed'): Promise<void> {
    const card = this.renderRoot.querySelector(`[data-report-id="${CSS.escape(report.id)}"]`);
    const note = card?.querySelector('textarea')?.value.trim() ?? '';
    await this.act(`report.${status}`, report.id, async (api) => {
      await api.resolve(report.id, status, note || undefined);
      // It leaves this queue (it is open no more); the other filters show it.
      if (this.reports.state === 'ready')
        this.reports = { state: 'ready', value: this.reports.value.filter((r) => r.id !== report.id) };
    });
  }

  private async confirm(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const pending = this.pending;
    const reason = this.dialog.querySelector('textarea')?.value.trim() ?? '';
    if (!pending || !reason) return;
    this.dialog.close();
    if (pending.kind === 'remove') {
      const { message } = pending;
      await this.act('message.removed', message.id, async (api) => {
        const removed = await api.removeMessage(message.id, reason);
        for (const [key, loadable] of this.contexts) {
          if (loadable.state !== 'ready') continue;
          const value = loadable.value.map((m) =>
            m.id === removed.id ? { ...m, ...removed, removedByModeration: true } : m,
          );
          this.contexts.set(key, { state: 'ready', value });
        }
      });
      return;
    }
    const { participant, kind } = pending;
    await this.act(kind === 'suspend' ? 'user.suspended' : 'user.reinstated', participant.userId, async (api) => {
      await (kind === 'suspend' ? api.suspend : api.reinstate)(participant.userId, reason);
      // Every conversation shown with this user shows the new state.
      for (const [id, c] of this.conversations) {
        const participants = c.participants.map((p) =>
          p.userId === participant.userId ? { ...p, suspended: kind === 'suspend' } : p,
        );
        this.conversations.set(id, { ...c, participants });
      }
    });
  }

  /** Runs a moderator action, says how it went, and keeps the audit log current. */
  private async act(action: string, targetId: string, run: (api: Moderation) => Promise<void>): Promise<void> {
    const api = this.api;
    if (!api) return;
    try {
      await run(api);
      this.announcement = { text: this.t.logAction(action), failed: false };
      this.emit('chat-moderated', { action, targetId });
      if (this.log.state !== 'idle') void this.loadLog();
    } catch (error) {
      this.announcement = { text: this.t.actionFailed(failure(error)), failed: true };
    }
    this.requestUpdate();
  }

  /** Reloads what the console shows (the queue, and the log if it was opened). */
  refresh(): Promise<void> {
    this.contexts.clear();
    this.conversations.clear();
    if (this.log.state !== 'idle') void this.loadLog();
    return this.loadReports();
  }

  private renderReports(): TemplateResult {
    const t = this.t;
    return html`<div class="toolbar">
        <label>${t.show}
          <select @change=${(e: Event) => (this.reportStatus = (e.target as HTMLSelectElement).value as ReportStatus)}>
            ${(['open', 'resolved', 'dismissed'] as const).map(
              (s) => html`<option value=${s} ?selected=${s === this.reportStatus}>${t.reportStatus(s)}</option>`,
            )}
          </select>
        </label>
        <button type="button" @click=${() => void this.refresh()}>${t.refresh}</button>
      </div>
      ${renderLoadable(
        t,
        this.reports,
        () => void this.loadReports(),
        (reports) =>
          reports.length === 0
            ? html`<p class="placeholder">${t.noReports}</p>`
            : html`${reports.map((r) =>
                renderReport(
                  r,
                  this.contexts.get(r.id) ?? { state: 'loading' },
                  this.view,
                  (report, status) => void this.decide(report, status),
                  (report) => void this.loadContext(report),
                ),
              )}`,
      )}`;
  }

  private renderDialog(): TemplateResult {
    const t = this.t;
    const pending = this.pending;
    const title = !pending
      ? ''
      : pending.kind === 'remove'
        ? t.removeTitle
        : (pending.kind === 'suspend' ? t.suspendTitle : t.reinstateTitle)(pending.participant.name);
    return html`<dialog part="dialog" aria-labelledby="dialog-title" @close=${() => (this.pending = undefined)}>
      <form @submit=${this.confirm}>
        <h2 id="dialog-title">${title}</h2>
        ${pending?.kind === 'remove' ? html`<blockquote dir="auto">${pending.message.body}</blockquote>` : nothing}
        <label>${t.reason}<textarea name="reason" rows="3" required maxlength="1000"></textarea></label>
        <div class="buttons">
          <button type="button" @click=${() => this.dialog.close()}>${t.cancel}</button>
          <button type="submit" class="primary">${t.confirm}</button>
        </div>
      </form>
    </dialog>`;
  }

  override render(): TemplateResult {
    const t = this.t;
    const labels: Record<Tab, string> = { reports: t.reportsTab, search: t.searchTab, log: t.logTab };
    const said = this.announcement;
    return html`<section part="base" aria-label=${t.moderation}>
      <div part="tabs" role="tablist" aria-label=${t.moderation} @keydown=${this.onTabKeydown}>
        ${TABS.map(
          (tab) => html`<button type="button" role="tab" id=${`tab-${tab}`} aria-controls=${`panel-${tab}`}
            aria-selected=${tab === this.tab ? 'true' : 'false'} tabindex=${tab === this.tab ? 0 : -1}
            @click=${() => this.selectTab(tab)}>${labels[tab]}</button>`,
        )}
      </div>
      <p class=${said?.failed ? 'announce error' : 'announce'} role=${said?.failed ? 'alert' : 'status'}>${said?.text ?? ''}</p>
      <div role="tabpanel" id=${`panel-${this.tab}`} aria-labelledby=${`tab-${this.tab}`} tabindex="0">
        ${
          this.tab === 'reports'
            ? this.renderReports()
            : this.tab === 'search'
              ? renderSearch({
                  view: this.view,
                  results: this.results,
                  hint: this.searchHint,
                  shown: (conversation) => this.contexts.get(`conversation:${conversation.id}`),
                  onSubmit: (event) => void this.search(event),
                  onToggle: (conversation) => void this.toggleConversation(conversation),
                })
              : renderLoadable(
                  t,
                  this.log,
                  () => void this.loadLog(),
                  (entries) => renderLog(entries, t, this.language),
                )
        }
      </div>
      ${this.renderDialog()}
    </section>`;
  }
}
