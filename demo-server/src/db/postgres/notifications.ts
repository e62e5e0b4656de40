import type { Message } from '@palaver/protocol';
import type pg from 'pg';
import type { AttachmentLinks } from '../attachments.js';
import type { EmailToQueue } from '../emails.js';
import type { AwayCandidate, NotificationStore } from '../notifications.js';
import { type MessageRow, toMessage } from '../rows.js';
import type { RecordedEvent } from '../webhooks.js';
import type { PostgresEmails } from './emails.js';
import type { PostgresEventRecorder } from './events.js';
import { NothingWritten, transaction } from './pool.js';

/** "Unread while away" in PostgreSQL: every node may look; the first to mark a burst notified tells it. */
export class PostgresNotifications implements NotificationStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly events: PostgresEventRecorder,
    private readonly emails: PostgresEmails,
    private readonly links: AttachmentLinks,
  ) {}

  async awayCandidates(cutoff: string, limit: number): Promise<AwayCandidate[]> {
    const { rows } = await this.pool.query<{
      user_id: string;
      conversation_id: string;
      last_read_seq: number;
      notified_seq: number;
      last_seq: number;
      unread_count: number;
    }>(
      `SELECT p.user_id, p.conversation_id, p.last_read_seq, p.notified_seq, c.last_seq, p.unread_count
       FROM participants p
       JOIN conversations c ON c.id = p.conversation_id
       JOIN users u ON u.id = p.user_id
       WHERE p.unread_count > 0 AND c.last_seq > p.notified_seq AND c.last_seq > p.last_read_seq
         AND u.erased_at IS NULL AND (u.last_seen_at IS NULL OR u.last_seen_at <= $1)
         AND (SELECT m.created_at FROM messages m
              WHERE m.conversation_id = p.conversation_id AND m.seq = GREATEST(p.last_read_seq, p.notified_seq) + 1
             ) <= $1
       ORDER BY p.user_id, p.conversation_id LIMIT $2`,
      [cutoff, limit],
    );
    return rows.map((row) => ({
      userId: row.user_id,
      conversationId: row.conversation_id,
      lastReadSeq: row.last_read_seq,
      notifiedSeq: row.notified_seq,
      lastSeq: row.last_seq,
      unreadCount: row.unread_count,
    }));
  }

  async markNotified(
    covered: readonly AwayCandidate[],
    event: RecordedEvent | undefined,
    email?: EmailToQueue,
  ): Promise<boolean> {
    const done = await transaction(this.pool, async (tx) => {
      for (const candidate of covered) {
        const { rowCount } = await tx.query(
          `UPDATE participants SET notified_seq = $1
           WHERE conversation_id = $2 AND user_id = $3 AND notified_seq = $4`,
          [candidate.lastSeq, candidate.conversationId, candidate.userId, candidate.notifiedSeq],
        );
        // Another node told them first: nothing of this is written.
        if (rowCount !== 1) throw new NothingWritten(false);
      }
      if (event) await this.events.record(tx, [event]);
      if (email) await this.emails.enqueue(tx, email);
      return true;
    });
    return done;
  }

  async messagesAfter(conversationId: string, afterSeq: number, limit: number): Promise<Message[]> {
    const { rows } = await this.pool.query<MessageRow>(
      `SELECT * FROM (
         SELECT * FROM messages WHERE conversation_id = $1 AND seq > $2 AND deleted_at IS NULL ORDER BY seq DESC LIMIT $3
       ) newest ORDER BY seq`,
      [conversationId, afterSeq, limit],
    );
    return rows.map((row) => toMessage(row, this.links));
  }
}
