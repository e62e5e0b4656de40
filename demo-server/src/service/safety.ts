import { type BlocksResult, CANNOT_WRITE_MESSAGE, type CreateReportInput, type Report } from '@palaver/protocol';
import type { ChatStore, ConversationAccess } from '../db/store.js';
import { ChatError } from '../errors.js';
import type { AccessRules } from './access.js';
import type { Actor } from './actor.js';
import { type Limits, takeSlot } from './limits.js';

/** Tells the other nodes that someone was blocked (on a cluster; nothing on one node). */
export interface BlockAnnouncer {
  announce(blockedId: string): Promise<void>;
}

/**
 * Who is blocked by anyone, in memory: almost nobody is, so a send checks the
 * database only when its sender is in this set. It only grows (an unblock
 * leaves the entry: one more lookup, never a wrong answer) and is refreshed
 * from the other nodes' announcements.
 */
export class BlockIndex {
  private readonly blocked = new Set<string>();

  constructor(initial: readonly string[] = []) {
    for (const id of initial) this.blocked.add(id);
  }

  add(userId: string): void {
    this.blocked.add(userId);
  }

  mayBeBlocked(userId: string): boolean {
    return this.blocked.has(userId);
  }
}

const CANNOT_WRITE = CANNOT_WRITE_MESSAGE;

/**
 * Block and report. A block is one-way and quiet: the blocked user is told
 * only that they cannot write (not why), and the blocker stops getting their
 * messages, conversations, typing and presence from then on.
 */
export class SafetyService {
  constructor(
    private readonly store: ChatStore,
    private readonly rules: AccessRules,
    private readonly index: BlockIndex,
    private readonly announcer: BlockAnnouncer | undefined,
    private readonly limits: Limits,
  ) {}

  async block({ user }: Actor, blockedId: string): Promise<Record<never, never>> {
    if (blockedId === user.id) throw new ChatError('invalid_payload', 'You cannot block yourself.');
    await takeSlot(this.limits, 'safety', user.id);
    const target = await this.store.directory.user(blockedId);
    if (!target) throw new ChatError('not_found', 'No such user.');
    if (target.role === 'admin')
      throw new ChatError('forbidden', "The marketplace's staff cannot be blocked; report instead.");
    if (!(await this.store.contactsOf(user.id)).includes(blockedId)) {
      throw new ChatError('forbidden', 'You can only block someone you have talked with.');
    }
    await this.store.safety.block(user.id, blockedId);
    this.index.add(blockedId);
    // Every node knows before the answer goes: nothing they send afterwards slips through elsewhere.
    await this.announcer?.announce(blockedId);
    return {};
  }

  async unblock({ user }: Actor, blockedId: string): Promise<Record<never, never>> {
    await takeSlot(this.limits, 'safety', user.id);
    await this.store.safety.unblock(user.id, blockedId);
    return {};
  }

  async blocks({ user }: Actor): Promise<BlocksResult> {
    return { userIds: await this.store.safety.blockedBy(user.id) };
  }

  /** Who among these users blocked `userId` (a cheap "nobody" for almost every user). */
  async blockersOf(userId: string, among: readonly string[]): Promise<string[]> {
    if (!this.index.mayBeBlocked(userId)) return [];
    const others = among.filter((id) => id !== userId);
    return others.length === 0 ? [] : this.store.safety.blockersAmong(userId, others);
  }

  /** Refuses a write (message, typing) by someone a participant of the conversation blocked. */
  async assertMayWrite(userId: string, access: ConversationAccess): Promise<void> {
    if ((await this.blockersOf(userId, access.participantIds)).length > 0) {
      throw new ChatError('forbidden', CANNOT_WRITE);
    }
  }

  /** Refuses opening a conversation with someone who blocked the opener. */
  async assertMayContact(userId: string, otherId: string): Promise<void> {
    if ((await this.blockersOf(userId, [otherId])).length > 0) throw new ChatError('forbidden', CANNOT_WRITE);
  }

  /** The moderation queue, by status, newest first. */
  reports(status: Report['status'] | undefined, limit: number): Promise<Report[]> {
    return this.store.safety.reports(status, limit);
  }

  async report({ user }: Actor, input: CreateReportInput): Promise<Report> {
    await takeSlot(this.limits, 'safety', user.id);
    const access = await this.rules.find(input.conversationId);
    if (!access.participants.has(user.id)) {
      throw new ChatError('forbidden', 'You can only report conversations you are in.');
    }
    if (input.messageId !== undefined) {
      const message = await this.store.messageById(input.messageId);
      if (!message || message.conversationId !== access.id) {
        throw new ChatError('invalid_payload', 'messageId must name a message of that conversation.');
      }
    }
    return this.store.safety.createReport(user.id, input);
  }
}
