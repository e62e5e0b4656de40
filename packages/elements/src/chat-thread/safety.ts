import type { ReportReason } from '@palaver/protocol';
import { type ChatClient, type ChatMessage, type Conversation, isChatError, type Participant } from '@palaver/sdk';
import { nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { addStyles } from '../shared/adopt-styles.js';
import type { PalaverStrings } from '../shared/i18n.js';
import { StoreController } from '../shared/store-controller.js';

type ReportForm = typeof import('./report-form.js');

export interface SafetyHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly conversation: Conversation | undefined;
  readonly ownId: string | undefined;
  readonly messages: ChatMessage[];
}

/** A report being written: about the conversation, or one message of it (and where focus goes back to). */
export interface ReportDraft {
  messageId?: string;
  /** The message's key (its actions button gets the focus back); absent: the header's button. */
  clientId?: string;
  reason: ReportReason | undefined;
  note: string;
  state: 'editing' | 'sending' | 'sent';
  /** Why the last try failed: `rate_limited`, or the server's message. */
  error?: { code: string; message: string };
}

const HEADER_BUTTON = '.thread-menu .more-button';

/**
 * Block and report in a thread: the header's menu (Block / Unblock the other
 * side, Report the conversation), the report form (for the conversation or
 * one message, opened from the message's menu), and whom the user blocked.
 * The menu follows the WAI-ARIA menu button pattern, as the messages' menus:
 * arrows move, Escape closes, focus goes back to the button.
 */
export class SafetyController implements ReactiveController {
  private readonly blocked: StoreController<string[]>;
  headerMenuOpen = false;
  report: ReportDraft | undefined;
  /** A block or unblock that failed, until the next try. */
  blockError: { code: string; message: string } | undefined;

  constructor(
    private readonly host: SafetyHost,
    private readonly client: () => ChatClient | undefined,
  ) {
    host.addController(this);
    this.blocked = new StoreController<string[]>(host, []);
  }

  hostConnected(): void {
    document.addEventListener('pointerdown', this.onOutsidePointer, true);
  }

  hostDisconnected(): void {
    document.removeEventListener('pointerdown', this.onOutsidePointer, true);
  }

  hostUpdate(): void {
    this.blocked.bind(this.client()?.$blocked);
  }

  /**
   * The other side of a product conversation the user is in (a buyer or a
   * supplier: staff never are, and are never offered to block); undefined in
   * support threads and for staff looking on.
   */
  get counterpart(): Participant | undefined {
    const conversation = this.host.conversation;
    const me = conversation?.participants.find((p) => p.userId === this.host.ownId);
    if (conversation?.kind !== 'product' || !me) return undefined;
    const other = conversation.participants.find((p) => p.userId !== me.userId);
    if (!other || this.host.messages.some((m) => m.senderId === other.userId && m.fromAdmin)) return undefined;
    return other;
  }

  /** Another participant whose account the marketplace suspended (they cannot answer). */
  get suspendedOther(): Participant | undefined {
    return this.host.conversation?.participants.find((p) => p.suspended && p.userId !== this.host.ownId);
  }

  /** The user is a participant: they may report (staff looking on report nothing). */
  get canReport(): boolean {
    return Boolean(this.host.conversation?.participants.some((p) => p.userId === this.host.ownId));
  }

  isBlocked(userId: string): boolean {
    return this.blocked.value.includes(userId);
  }

  // --- the header's menu ----------------------------------------------------

  private readonly onOutsidePointer = (event: Event): void => {
    if (!this.headerMenuOpen) return;
    const menu = this.host.renderRoot.querySelector('.thread-menu');
    if (!menu || !event.composedPath().includes(menu)) this.closeHeaderMenu(false);
  };

  toggleHeaderMenu = (): void => {
    if (this.headerMenuOpen) {
      this.closeHeaderMenu(true);
      return;
    }
    this.headerMenuOpen = true;
    this.host.requestUpdate();
    void this.focusAfterUpdate('.thread-menu .menu button');
  };

  private closeHeaderMenu(refocus: boolean): void {
    this.headerMenuOpen = false;
    this.host.requestUpdate();
    if (refocus) void this.focusAfterUpdate(HEADER_BUTTON);
  }

  headerKeydown = (event: KeyboardEvent): void => {
    if (!this.headerMenuOpen) {
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        this.toggleHeaderMenu();
      }
      return;
    }
    const items = [...this.host.renderRoot.querySelectorAll<HTMLElement>('.thread-menu .menu button')];
    const at = items.indexOf(event.composedPath()[0] as HTMLElement);
    const move = (to: number) => items[(to + items.length) % items.length]?.focus();
    if (event.key === 'ArrowDown') move(at + 1);
    else if (event.key === 'ArrowUp') move(at - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(-1);
    else if (event.key === 'Escape') {
      // Inside <contact-supplier>'s dialog, Escape closes the menu, not the dialog.
      event.stopPropagation();
      this.closeHeaderMenu(true);
    } else {
      if (event.key === 'Tab') this.closeHeaderMenu(false);
      return;
    }
    event.preventDefault();
  };

  // --- blocking -------------------------------------------------------------

  /** Blocks (or unblocks) the other side; the banner says so, and offers to undo it. */
  setBlocked = async (blocked: boolean): Promise<void> => {
    const other = this.counterpart;
    const client = this.client();
    if (!other || !client) return;
    this.headerMenuOpen = false;
    this.blockError = undefined;
    this.host.requestUpdate();
    void this.focusAfterUpdate(HEADER_BUTTON);
    try {
      await (blocked ? client.block(other.userId) : client.unblock(other.userId));
    } catch (error) {
      this.blockError = failure(error);
    }
    this.host.requestUpdate();
  };

  // --- reporting ------------------------------------------------------------

  /** The report form's code (a chunk of its own), once someone first reports. */
  private form: ReportForm | undefined;
  private loadingForm: Promise<ReportForm> | undefined;

  /** The report form, when one is open and its code is here. */
  renderForm(t: PalaverStrings): TemplateResult | typeof nothing {
    return this.form ? this.form.renderReportForm(t, this) : nothing;
  }

  /** Opens the report form, for one message or (none) the whole conversation. */
  openReport = async (message?: ChatMessage): Promise<void> => {
    this.headerMenuOpen = false;
    if (!this.form) {
      this.loadingForm ??= import('./report-form.js');
      try {
        this.form = await this.loadingForm;
      } catch {
        this.loadingForm = undefined; // offline: the next try loads it again
        return;
      }
      addStyles(this.host.renderRoot instanceof ShadowRoot ? this.host.renderRoot : null, this.form.reportFormStyles);
    }
    this.report = {
      ...(message ? { messageId: message.id, clientId: message.clientId } : {}),
      reason: undefined,
      note: '',
      state: 'editing',
    };
    this.host.requestUpdate();
    void this.focusAfterUpdate('[part="report"] input');
  };

  editReport = (patch: Partial<Pick<ReportDraft, 'reason' | 'note'>>): void => {
    if (this.report) this.report = { ...this.report, ...patch };
    this.host.requestUpdate();
  };

  sendReport = async (): Promise<void> => {
    const draft = this.report;
    const conversationId = this.host.conversation?.id;
    const client = this.client();
    if (!draft?.reason || draft.state === 'sending' || !conversationId || !client) return;
    this.report = { ...draft, state: 'sending' };
    delete this.report.error;
    this.host.requestUpdate();
    try {
      const note = draft.note.trim();
      await client.report({
        conversationId,
        reason: draft.reason,
        ...(draft.messageId ? { messageId: draft.messageId } : {}),
        ...(note ? { note } : {}),
      });
      this.report = { ...draft, state: 'sent' };
      this.host.requestUpdate();
      // The Send button is gone: focus goes to the thanks' Close, not to <body>.
      void this.focusAfterUpdate('[part="report"] button');
    } catch (error) {
      this.report = { ...draft, state: 'editing', error: failure(error) };
      this.host.requestUpdate();
    }
  };

  /** Closes the form (cancelled or done); focus goes back to the button that opened it. */
  closeReport = (): void => {
    const clientId = this.report?.clientId;
    this.report = undefined;
    this.host.requestUpdate();
    void this.focusAfterUpdate(clientId ? `[data-key="${CSS.escape(clientId)}"] .more-button` : HEADER_BUTTON);
  };

  reportKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    // Inside <contact-supplier>'s dialog, Escape closes the form, not the dialog.
    event.stopPropagation();
    this.closeReport();
  };

  private async focusAfterUpdate(selector: string): Promise<void> {
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }
}

function failure(error: unknown): { code: string; message: string } {
  return isChatError(error)
    ? { code: error.code, message: error.message }
    : { code: 'internal', message: String(error) };
}
