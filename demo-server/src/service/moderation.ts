import type {
  Conversation,
  Message,
  ModerationLogEntry,
  ModeratorActionInput,
  Report,
  ResolveReportInput,
} from '@palaver/protocol';
import type { ChatStore } from '../db/store.js';
import { ChatError } from '../errors.js';
import { parseQuery } from '../search/query.js';
import type { AccessRules } from './access.js';
import { audienceOf } from './access.js';
import type { ConversationService } from './conversations.js';
import { unreadNotices } from './conversations.js';
import { ADMIN_VIEWER, conversationFor, messageFor } from './masking.js';
import { type Notice, type Outcome, toConversation } from './notices.js';
import { SUSPENDED } from './sessions.js';

/** Conversations whose other side is told at once that an account was suspended or reinstated. */
const ANNOUNCED_CONVERSATIONS = 100;

/**
 * What the marketplace's moderators do (through the server API and the
 * moderation console): remove a message for everyone (moderators keep reading
 * it), suspend and reinstate accounts, close reports, search every
 * conversation. Every action is written to the audit log: who, what, when, why.
 */
export class ModerationService {
  constructor(
    private readonly store: ChatStore,
    private readonly rules: AccessRules,
    private readonly conversations: ConversationService,
  ) {}

  private record(
    action: ModerationLogEntry['action'],
    targetId: string,
    input: { moderatorId: string; reason?: string | undefined },
  ) {
    return this.store.moderation.log({
      at: new Date().toISOString(),
      moderatorId: input.moderatorId,
      action,
      targetId,
      ...(input.reason ? { reason: input.reason } : {}),
    });
  }

  /** Participants see "removed by moderation"; moderators still read the text. */
  async removeMessage(messageId: string, input: ModeratorActionInput): Promise<Outcome<Message>> {
    const message = await this.store.messageById(messageId);
    if (!message) throw new ChatError('not_found', 'No such message.');
    const access = await this.rules.find(message.conversationId);
    const removed = await this.store.deleteMessage(messageId, true);
    await this.record('message.removed', messageId, input);
    return {
      result: messageFor(ADMIN_VIEWER, removed.message),
      notices: [
        toConversation(audienceOf(access), 'message:updated', removed.message),
        ...(await unreadNotices(this.store, removed.unreadChangedFor, [access.id])),
      ],
    };
  }

  /**
   * The account can no longer connect or write (its tokens are refused with
   * `suspended`), its sockets close on every node, and the people it talked
   * with see it suspended in their conversations.
   */
  async suspend(userId: string, input: ModeratorActionInput): Promise<Outcome<{ userId: string }>> {
    if (!(await this.store.moderation.suspend(userId, new Date().toISOString()))) {
      throw new ChatError('not_found', 'No such user.');
    }
    await this.record('user.suspended', userId, input);
    return {
      result: { userId },
      notices: [{ to: 'end-sessions', userId, event: SUSPENDED }, ...(await this.announceAbout(userId))],
    };
  }

  async reinstate(userId: string, input: ModeratorActionInput): Promise<Outcome<{ userId: string }>> {
    if (!(await this.store.moderation.reinstate(userId))) throw new ChatError('not_found', 'No such user.');
    await this.record('user.reinstated', userId, input);
    return { result: { userId }, notices: await this.announceAbout(userId) };
  }

  /** `conversation:updated` (with the participant's new state) in the user's most recent conversations. */
  private async announceAbout(userId: string): Promise<Notice[]> {
    const { conversations } = await this.conversations.list(
      { user: { id: userId, name: userId, isAdmin: false } },
      { limit: ANNOUNCED_CONVERSATIONS },
    );
    const notices: Notice[] = [];
    for (const conversation of conversations) notices.push(...(await this.conversations.announce(conversation.id)));
    return notices;
  }

  async resolveReport(reportId: string, input: ResolveReportInput): Promise<Report> {
    const outcome = await this.store.safety.resolveReport(reportId, input);
    if (!outcome) throw new ChatError('not_found', 'No such report.');
    const { report, changed } = outcome;
    // Logged once: the call that closed it (a repeat changes nothing).
    if (changed) {
      await this.record(report.status === 'resolved' ? 'report.resolved' : 'report.dismissed', reportId, {
        moderatorId: input.moderatorId,
        reason: input.note,
      });
    }
    return report;
  }

  /** Messages whose contact details the other side could not read, as written. */
  async maskedMessages(limit: number): Promise<Message[]> {
    return (await this.store.moderation.maskedMessages(limit)).map((message) => messageFor(ADMIN_VIEWER, message));
  }

  async log(limit: number): Promise<ModerationLogEntry[]> {
    return this.store.moderation.logEntries(limit);
  }

  /** Every conversation matching, as moderators see it (original texts); at least one criterion. */
  async search(asked: { userId?: string; productId?: string; q?: string }, limit: number): Promise<Conversation[]> {
    const { userId, productId, q } = asked;
    if (!userId && !productId && !q)
      throw new ChatError('invalid_payload', 'Give at least one of userId, productId and q.');
    const query = q ? parseQuery(q) : undefined;
    // Only separators: no word can match.
    if (q && !query) return [];
    const criteria = {
      ...(userId ? { userId } : {}),
      ...(productId ? { productId } : {}),
      ...(query ? { query } : {}),
    };
    const ids = await this.store.moderation.search(criteria, limit);
    const found: Conversation[] = [];
    for (const id of ids) {
      const conversation = await this.store.conversation(id, '');
      if (conversation) found.push(conversationFor(ADMIN_VIEWER, conversation));
    }
    return found;
  }
}
