import type { Message } from '@palaver/protocol';
import type { AttachmentLinks } from '../attachments.js';
import type { EmailToQueue } from '../emails.js';
import type { AwayCandidate, NotificationStore } from '../notifications.js';
import { type MessageRow, toMessage } from '../rows.js';
import type { RecordedEvent } from '../webhooks.js';
import type { SqliteDatabase } from './database.js';
import type { SqliteEmails } from './emails.js';
import type { SqliteEventRecorder } from './events.js';

/** Not yet told, now that nobody else was first (see `markNotified`). */
class Superseded extends Error {}

/** "Unread while away" in the SQLite file. */
export class SqliteNotifications implements NotificationStore {
  private readonly statements;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly events: SqliteEventRecorder,
    private readonly emails: SqliteEmails,
    private readonly links: AttachmentLinks,
  ) {
    const prepare = (sql: string) => db.prepare(sql);
    this.statements = {
      // A scan of the participants with unread messages (see docs/webhooks.md for its cost).
      candidates: prepare(`
        SELECT p.user_id, p.conversation_id, p.last_read_seq, p.notified_seq, c.last_seq, p.unread_count
        FROM participants p
        JOIN conversations c ON c.id = p.conversation_id
        JOIN users u ON u.id = p.user_id
        WHERE p.unread_count > 0 AND c.last_seq > p.notified_seq AND c.last_seq > p.last_read_seq
          AND u.erased_at IS NULL AND (u.last_seen_at IS NULL OR u.last_seen_at <= @cutoff)
          AND (SELECT m.created_at FROM messages m
               WHERE m.conversation_id = p.conversation_id AND m.seq = MAX(p.last_read_seq, p.notified_seq) + 1
              ) <= @cutoff
        ORDER BY p.user_id, p.conversation_id LIMIT @limit`),
      mark: prepare(`
        UPDATE participants SET notified_seq = @lastSeq
        WHERE conversation_id = @conversationId AND user_id = @userId AND notified_seq = @notifiedSeq`),
      after: prepare(`
        SELECT * FROM (
          SELECT * FROM messages WHERE conversation_id = ? AND seq > ? AND deleted_at IS NULL ORDER BY seq DESC LIMIT ?)
        ORDER BY seq`),
    };
  }

  async awayCandidates(cutoff: string, limit: number): Promise<AwayCandidate[]> {
    const rows = this.statements.candidates.all({ cutoff, limit }) as Array<{
      user_id: string;
      conversation_id: string;
      last_read_seq: number;
      notified_seq: number;
      last_seq: number;
      unread_count: number;
    }>;
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
    try {
      this.db
        .transaction(() => {
          for (const candidate of covered) {
            if (this.statements.mark.run(candidate).changes !== 1) throw new Superseded();
          }
          if (event) this.events.record(event);
          if (email) this.emails.enqueue(email);
        })
        .immediate();
      return true;
    } catch (error) {
      if (error instanceof Superseded) return false;
      throw error;
    }
  }

  async messagesAfter(conversationId: string, afterSeq: number, limit: number): Promise<Message[]> {
    return (this.statements.after.all(conversationId, afterSeq, limit) as MessageRow[]).map((row) =>
      toMessage(row, this.links),
    );
  }
}
