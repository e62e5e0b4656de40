import type { UnreadCounts } from '@palaver/protocol';
import { now, type ParticipantRow, toReceipt } from '../rows.js';
import type { ReadUpdate, StoredMessage } from '../store.js';
import type { SqliteChangeFeed } from './change-feed.js';
import type { SqliteConversations } from './conversations.js';
import type { SqliteDatabase } from './database.js';

/** How many users' unread totals are kept in memory. */
const UNREAD_TOTALS_SIZE = 50_000;

/**
 * Read pointers and unread counts. Each participant's count is stored and kept
 * in step by every write that changes it (a message from someone else, a read,
 * a delete, an agent joining), so the badge never needs a recount.
 */
export class SqliteReads {
  /**
   * Unread totals of users asked for recently: after every message the
   * recipient's badge needs theirs, after every read the reader's. Committed
   * sends and reads move them by their deltas; the rarer writes that change a
   * count (a delete, an agent joining) drop the user's entry, and the next ask
   * counts again.
   */
  private readonly totals = new Map<string, number>();
  private readonly statements;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly feed: SqliteChangeFeed,
    private readonly conversations: SqliteConversations,
  ) {
    const prepare = (sql: string) => db.prepare(sql);
    this.statements = {
      readTarget: prepare('SELECT min(@seq, last_seq) FROM conversations WHERE id = @conversationId'),
      // The count is what is left after the new pointer (usually nothing).
      movePointer: prepare(`
        UPDATE participants SET last_read_seq = @target, last_read_at = @now, change_seq = @change,
          unread_count = (
            SELECT COUNT(*) FROM messages m
            WHERE m.conversation_id = @conversationId AND m.seq > @target
              AND m.sender_id <> @userId AND m.deleted_at IS NULL)
        WHERE conversation_id = @conversationId AND user_id = @userId AND last_read_seq < @target
        RETURNING conversation_id, user_id, last_read_seq, last_read_at, unread_count`),
      // A new message is one more unread for everyone but its sender, who has
      // read everything up to it (their pointer moves onto it). One statement:
      // the conversation's participants share a page.
      countNewMessage: prepare(`
        UPDATE participants SET
          unread_count = CASE WHEN user_id = @senderId THEN 0 ELSE unread_count + 1 END,
          last_read_seq = CASE WHEN user_id = @senderId THEN @seq ELSE last_read_seq END,
          last_read_at = CASE WHEN user_id = @senderId THEN @now ELSE last_read_at END,
          change_seq = CASE WHEN user_id = @senderId THEN @change ELSE change_seq END
        WHERE conversation_id = @conversationId
        RETURNING user_id AS userId, unread_count AS unread`),
      uncountDeleted: prepare(`
        UPDATE participants SET unread_count = unread_count - 1
        WHERE conversation_id = @conversationId AND user_id <> @senderId AND last_read_seq < @seq
        RETURNING user_id`),
      byConversation: prepare(`
        SELECT conversation_id AS id, unread_count AS unread FROM participants WHERE user_id = ? AND unread_count > 0`),
      total: prepare(`
        SELECT COALESCE(SUM(unread_count), 0) FROM participants WHERE user_id = ? AND unread_count > 0`),
    };
  }

  /** Moves a read pointer forward (never backwards, never past the last message) and recounts what is left. */
  markRead(conversationId: string, userId: string, seq: number): ReadUpdate {
    const { update, read } = this.db
      .transaction(() => {
        const before = this.conversations.participant(conversationId, userId) as ParticipantRow;
        const target = this.statements.readTarget.pluck().get({ conversationId, seq }) as number;
        // A pointer already there moves nothing, so the read takes no change number.
        if (target <= before.last_read_seq) {
          const update: ReadUpdate = { moved: false, receipt: toReceipt(before), unreadCount: before.unread_count };
          return { update, read: 0 };
        }
        const change = this.feed.take();
        const after = this.statements.movePointer.get({ conversationId, userId, target, now: now(), change }) as
          | ParticipantRow
          | undefined;
        const row = after ?? before;
        if (after) this.conversations.touch(conversationId, change);
        const update: ReadUpdate = {
          moved: after !== undefined,
          receipt: toReceipt(row),
          unreadCount: row.unread_count,
        };
        return { update, read: before.unread_count - row.unread_count };
      })
      .immediate();
    const total = this.totals.get(userId);
    if (total !== undefined) this.totals.set(userId, total - read);
    return update;
  }

  /** One more unread for everyone but the sender, whose pointer moves onto the message (inside a transaction). */
  countNewMessage(params: { conversationId: string; senderId: string; seq: number; now: string; change: number }) {
    return this.statements.countNewMessage.all(params) as Array<{ userId: string; unread: number }>;
  }

  /** One unread fewer wherever a deleted message was unread (inside a transaction); returns who changed. */
  uncountDeleted(params: { conversationId: string; senderId: string; seq: number }): string[] {
    return this.statements.uncountDeleted.pluck().all(params) as string[];
  }

  /** A committed message in the cached totals: one more for each recipient, none left for its sender. */
  countInTotals(stored: StoredMessage): void {
    const senderId = stored.message.senderId;
    for (const { userId } of stored.unreadAfter ?? []) {
      const total = this.totals.get(userId);
      if (total === undefined) continue;
      // An agent who joined by writing had the thread's history added and read at once: count again.
      if (userId === senderId && stored.joined) this.totals.delete(userId);
      else this.totals.set(userId, userId === senderId ? total - (stored.previousUnread ?? 0) : total + 1);
    }
  }

  /** Drops cached totals: the next ask counts again. */
  forget(userIds?: readonly string[]): void {
    if (!userIds) this.totals.clear();
    else for (const userId of userIds) this.totals.delete(userId);
  }

  unreadOf(userId: string): UnreadCounts {
    const rows = this.statements.byConversation.all(userId) as Array<{ id: string; unread: number }>;
    const conversations: Record<string, number> = {};
    let total = 0;
    for (const row of rows) {
      if (row.unread === 0) continue;
      conversations[row.id] = row.unread;
      total += row.unread;
    }
    this.remember(userId, total);
    return { total, conversations };
  }

  unreadTotal(userId: string): number {
    let total = this.totals.get(userId);
    if (total === undefined) {
      total = this.statements.total.pluck().get(userId) as number;
      this.remember(userId, total);
    }
    return total;
  }

  private remember(userId: string, total: number): void {
    this.totals.delete(userId);
    if (this.totals.size >= UNREAD_TOTALS_SIZE) this.totals.delete(this.totals.keys().next().value as string);
    this.totals.set(userId, total);
  }
}
