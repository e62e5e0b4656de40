import type { ChatUser } from '@palaver/protocol';
import type pg from 'pg';
import type { AttachmentLinks } from '../attachments.js';
import { type ConversationRow, type MessageRow, type ParticipantRow, toMessage, toReceipt } from '../rows.js';
import type { ChangesPage } from '../store.js';
import { feedHead, visibleIds } from './change-feed.js';
import type { PostgresConversations } from './conversations.js';
import { transaction } from './pool.js';

/** What sync returns: the rows whose change number is above a cursor, in the viewer's conversations. */
export class PostgresChanges {
  constructor(
    private readonly pool: pg.Pool,
    private readonly conversations: PostgresConversations,
    private readonly links: AttachmentLinks,
  ) {}

  /**
   * One snapshot (REPEATABLE READ) for the head and every list: since change
   * numbers are issued in commit order (see `takeChange`), the snapshot holds
   * every change up to its head and the cursor handed out covers no change
   * that commits later.
   */
  since(viewer: ChatUser, after: number, limit: number): Promise<ChangesPage> {
    const params = [viewer.id, viewer.isAdmin, after, limit];
    return transaction(
      this.pool,
      async (tx): Promise<ChangesPage> => {
        const head = await feedHead(tx);
        const conversations = await tx.query<ConversationRow>(
          `SELECT * FROM conversations WHERE id IN (${visibleIds('$1', '$2')}) AND change_seq > $3
           ORDER BY change_seq LIMIT $4`,
          params,
        );
        // Every change to a message also moves its conversation's change_seq: only those are looked in.
        const messages = await tx.query<MessageRow>(
          `SELECT m.* FROM (
             SELECT id FROM conversations WHERE id IN (${visibleIds('$1', '$2')}) AND change_seq > $3) c
           CROSS JOIN LATERAL (
             SELECT * FROM messages WHERE conversation_id = c.id AND change_seq > $3
             ORDER BY change_seq LIMIT $4) m
           ORDER BY m.change_seq LIMIT $4`,
          params,
        );
        const reads = await tx.query<ParticipantRow>(
          `SELECT conversation_id, user_id, role, last_read_seq, last_read_at, change_seq FROM participants
           WHERE conversation_id IN (${visibleIds('$1', '$2')}) AND change_seq > $3 AND last_read_at IS NOT NULL
           ORDER BY change_seq LIMIT $4`,
          params,
        );
        const viewed = await this.conversations.view(tx, conversations.rows, viewer.id);
        return {
          head,
          conversations: conversations.rows.map((row, index) => ({
            changeSeq: row.change_seq,
            item: viewed[index] as ChangesPage['conversations'][number]['item'],
          })),
          messages: messages.rows.map((row) => ({ changeSeq: row.change_seq, item: toMessage(row, this.links) })),
          reads: reads.rows.map((row) => ({ changeSeq: row.change_seq, item: toReceipt(row) })),
        };
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  }
}
