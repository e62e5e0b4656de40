import {
  type ChatUser,
  type CreateReportInput,
  REPORT_NOTE_MAX_LENGTH,
  REPORT_REASONS,
  type Report,
} from '@palaver/protocol';
import { refuse } from './fake-data.js';
import { FakeChatOperations } from './fake-operations.js';

/**
 * Block and report on the fake backend, with the reference server's rules:
 * one blocks only someone one has talked with (a conversation with messages
 * in common), never the marketplace's staff; one reports only conversations
 * one is in. (No `RATE_LIMIT_SAFETY` here: the fake has no rate limits.)
 */
export abstract class FakeChatSafety extends FakeChatOperations {
  /** Reports received, oldest first: what the moderation queue would hold. */
  readonly reports: Report[] = [];

  protected block(user: ChatUser, blockedId: string): Record<never, never> {
    if (blockedId === user.id) throw refuse('invalid_payload', 'You cannot block yourself.');
    const target = this.users.get(blockedId);
    if (!target) throw refuse('not_found', 'No such user.');
    if (target.isAdmin) throw refuse('forbidden', "The marketplace's staff cannot be blocked; report instead.");
    const talked = [...this.conversations.values()].some(
      (c) => c.messages.length > 0 && c.participants.has(user.id) && c.participants.has(blockedId),
    );
    if (!talked) throw refuse('forbidden', 'You can only block someone you have talked with.');
    const mine = this.blocks.get(user.id) ?? new Set<string>();
    mine.add(blockedId);
    this.blocks.set(user.id, mine);
    return {};
  }

  protected unblock(user: ChatUser, blockedId: string): Record<never, never> {
    this.blocks.get(user.id)?.delete(blockedId);
    return {};
  }

  protected blockedBy(userId: string): string[] {
    return [...(this.blocks.get(userId) ?? [])];
  }

  protected report(user: ChatUser, input: CreateReportInput): { report: Report } {
    if (!REPORT_REASONS.includes(input.reason) || (input.note?.length ?? 0) > REPORT_NOTE_MAX_LENGTH) {
      throw refuse(
        'invalid_payload',
        `A report needs a known reason and a note of at most ${REPORT_NOTE_MAX_LENGTH} characters.`,
      );
    }
    const conversation = this.find(input.conversationId);
    if (!conversation.participants.has(user.id)) {
      throw refuse('forbidden', 'You can only report conversations you are in.');
    }
    if (input.messageId !== undefined && !conversation.messages.some((m) => m.id === input.messageId)) {
      throw refuse('invalid_payload', 'messageId must name a message of that conversation.');
    }
    const report: Report = {
      id: `report-${++this.counter}`,
      reporterId: user.id,
      conversationId: conversation.id,
      reason: input.reason,
      status: 'open',
      createdAt: new Date().toISOString(),
      ...(input.messageId !== undefined ? { messageId: input.messageId } : {}),
      ...(input.note ? { note: input.note } : {}),
    };
    this.reports.push(report);
    return { report };
  }
}
