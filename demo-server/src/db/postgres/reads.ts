import type { UnreadCounts } from '@palaver/protocol';
import type pg from 'pg';
import { now, type ParticipantRow, toReceipt } from '../rows.js';
import type { ReadUpdate } from '../store.js';
import { takeChange } from './change-feed.js';
import type { PostgresConversations } from './conversations.js';
import { NothingWritten, type Queryable, type Tx, transaction } from './pool.js';

/**
 * Read pointers and unread counts, stored per participant and kept in step by
 * every write that changes them. Totals are summed when asked (no cache: on a
 * cluster, other nodes change them).
 */
export class PostgresReads {
  constructor(
    private readonly pool: pg.Pool,
    private readonly conversations: PostgresConversations,
  ) {}

  async markRead(conversationId: string, userId: string, seq: number): Promise<ReadUpdate> {
    const before = (await this.conversations.participant(this.pool, conversationId, userId)) as ParticipantRow;
    const unchanged = (row: ParticipantRow): ReadUpdate => ({
      moved: false,
      receipt: toReceipt(row),
      unreadCount: row.unread_count,
    });
    const { rows: targets } = await this.pool.query<{ target: number }>(
      'SELECT LEAST($2::bigint, last_seq) AS target FROM conversations WHERE id = $1',
      [conversationId, seq],
    );
    // A pointer already there moves nothing, so the read takes no change number.
    if ((targets[0]?.target ?? 0) <= before.last_read_seq) return unchanged(before);
    return transaction(this.pool, async (tx) => {
      const change = await takeChange(tx);
      // The count is what is left after the new pointer (usually nothing).
      const { rows } = await tx.query<ParticipantRow>(
        `UPDATE participants p SET last_read_seq = target.seq, last_read_at = $3, change_seq = $4,
           unread_count = (
             SELECT COUNT(*) FROM messages m
             WHERE m.conversation_id = $1 AND m.seq > target.seq AND m.sender_id <> $2 AND m.deleted_at IS NULL)
         FROM (SELECT LEAST($5::bigint, last_seq) AS seq FROM conversations WHERE id = $1) AS target
         WHERE p.conversation_id = $1 AND p.user_id = $2 AND p.last_read_seq < target.seq
         RETURNING p.conversation_id, p.user_id, p.last_read_seq, p.last_read_at, p.unread_count`,
        [conversationId, userId, now(), change, seq],
      );
      const after = rows[0];
      // Moved meanwhile by another request: nothing left to write.
      if (!after) throw new NothingWritten(unchanged(before));
      await this.conversations.touch(tx, conversationId, change);
      return { moved: true, receipt: toReceipt(after), unreadCount: after.unread_count };
    });
  }

  /**
   * One more unread for everyone but the sender, whose pointer moves onto the
   * message (inside a transaction). Returns each participant's count after it.
   */
  async countNewMessage(
    tx: Tx,
    params: { conversationId: string; senderId: string; seq: number; now: string; change: number },
  ): Promise<Array<{ userId: string; unread: number }>> {
    const { rows } = await tx.query<{ userId: string; unread: number }>(
      `UPDATE participants SET
         unread_count = CASE WHEN user_id = $2 THEN 0 ELSE unread_count + 1 END,
         last_read_seq = CASE WHEN user_id = $2 THEN $3 ELSE last_read_seq END,
         last_read_at = CASE WHEN user_id = $2 THEN $4 ELSE last_read_at END,
         change_seq = CASE WHEN user_id = $2 THEN $5 ELSE change_seq END
       WHERE conversation_id = $1
       RETURNING user_id AS "userId", unread_count AS unread`,
      [params.conversationId, params.senderId, params.seq, params.now, params.change],
    );
    return rows;
  }

  /** One unread fewer wherever a deleted message was unread (inside a transaction); returns who changed. */
  async uncountDeleted(tx: Tx, params: { conversationId: string; senderId: string; seq: number }): Promise<string[]> {
    const { rows } = await tx.query<{ user_id: string }>(
      `UPDATE participants SET unread_count = unread_count - 1
       WHERE conversation_id = $1 AND user_id <> $2 AND last_read_seq < $3 RETURNING user_id`,
      [params.conversationId, params.senderId, params.seq],
    );
    return rows.map((row) => row.user_id);
  }

  async unreadOf(userId: string): Promise<UnreadCounts> {
    const { rows } = await this.pool.query<{ id: string; unread: number }>(
      'SELECT conversation_id AS id, unread_count AS unread FROM participants WHERE user_id = $1 AND unread_count > 0',
      [userId],
    );
    const conversations: Record<string, number> = {};
    let total = 0;
    for (const row of rows) {
      conversations[row.id] = row.unread;
      total += row.unread;
    }
    return { total, conversations };
  }

  /** Each user's unread total, in one query. */
  async totals(q: Queryable, userIds: readonly string[]): Promise<Map<string, number>> {
    const { rows } = await q.query<{ user_id: string; total: number }>(
      `SELECT user_id, COALESCE(SUM(unread_count), 0)::bigint AS total FROM participants
       WHERE user_id = ANY($1) GROUP BY user_id`,
      [userIds],
    );
    return new Map(rows.map((row) => [row.user_id, row.total]));
  }
}
