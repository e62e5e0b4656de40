import type { Message } from '@palaver/protocol';
import type { EmailToQueue } from './emails.js';
import type { RecordedEvent } from './webhooks.js';

/**
 * "Unread while away": which participants have messages they have not read,
 * nobody has told them about yet, and whose first such message is older than
 * a cutoff. Each participant keeps `notified_seq`, the last message they were
 * told about, so a burst of messages makes one notification, not one per message.
 */
export interface NotificationStore {
  /**
   * Participants with unread messages after both their read pointer and their
   * `notified_seq`, whose first such message was written at or before
   * `cutoff`, and who were last seen (went offline) at or before `cutoff` or
   * never; at most `limit`, by user.
   */
  awayCandidates(cutoff: string, limit: number): Promise<AwayCandidate[]>;
  /**
   * Marks what `candidate` covers as notified — only if nobody (another node)
   * did meanwhile — and records `event` and queues `email` in the same
   * transaction. False when someone else was first (nothing is written).
   */
  markNotified(
    covered: readonly AwayCandidate[],
    event: RecordedEvent | undefined,
    email?: EmailToQueue,
  ): Promise<boolean>;
  /** The newest messages of a conversation after `afterSeq` (at most `limit`, oldest first). */
  messagesAfter(conversationId: string, afterSeq: number, limit: number): Promise<Message[]>;
}

export interface AwayCandidate {
  userId: string;
  conversationId: string;
  /** Their read pointer and what they were last told about. */
  lastReadSeq: number;
  notifiedSeq: number;
  /** The conversation's last message: what this notification covers up to. */
  lastSeq: number;
  unreadCount: number;
}
