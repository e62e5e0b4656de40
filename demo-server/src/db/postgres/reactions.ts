import { nextReactionTime } from '@palaver/protocol';
import type pg from 'pg';
import type { AttachmentLinks } from '../attachments.js';
import { type ReactionStore, reactionsJson } from '../reactions.js';
import { type MessageRow, now, toMessage } from '../rows.js';
import { takeChange } from './change-feed.js';
import type { PostgresConversations } from './conversations.js';
import { NothingWritten, transaction } from './pool.js';

/** Reactions in PostgreSQL (see `ReactionStore`). */
export class PostgresReactions implements ReactionStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly conversations: PostgresConversations,
    private readonly links: AttachmentLinks,
  ) {}

  async react(messageId: string, userId: string, emoji: string, present: boolean, maxEmojis: number) {
    return transaction(this.pool, async (tx) => {
      // The feed lock first: writers of one message are serialized, so the count below holds until the commit.
      const change = await takeChange(tx);
      if (present) {
        const { rows } = await tx.query<{ count: string; used: boolean | null }>(
          'SELECT count(DISTINCT emoji) AS count, bool_or(emoji = $2) AS used FROM reactions WHERE message_id = $1',
          [messageId, emoji],
        );
        const found = rows[0];
        if (!found?.used && Number(found?.count ?? 0) >= maxEmojis) throw new NothingWritten('too_many' as const);
      }
      const written = present
        ? await tx.query(
            `INSERT INTO reactions (message_id, emoji, user_id, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING`,
            [messageId, emoji, userId, now()],
          )
        : await tx.query('DELETE FROM reactions WHERE message_id = $1 AND emoji = $2 AND user_id = $3', [
            messageId,
            emoji,
            userId,
          ]);
      if ((written.rowCount ?? 0) === 0) {
        // Already so: rolled back, which gives the change number back.
        const { rows } = await tx.query<MessageRow>('SELECT * FROM messages WHERE id = $1', [messageId]);
        throw new NothingWritten({ message: toMessage(rows[0] as MessageRow, this.links), changed: false });
      }
      const { rows: reactions } = await tx.query<{ emoji: string; user_id: string }>(
        'SELECT emoji, user_id FROM reactions WHERE message_id = $1 ORDER BY created_at, user_id',
        [messageId],
      );
      // The row is not locked, but every writer of reactions holds the feed lock taken above.
      const { rows: before } = await tx.query<{ reacted_at: string | null }>(
        'SELECT reacted_at FROM messages WHERE id = $1',
        [messageId],
      );
      const { rows } = await tx.query<MessageRow>(
        'UPDATE messages SET reactions_json = $2, change_seq = $3, reacted_at = $4 WHERE id = $1 RETURNING *',
        [messageId, reactionsJson(reactions), change, nextReactionTime(before[0]?.reacted_at, now())],
      );
      const row = rows[0] as MessageRow;
      await this.conversations.touch(tx, row.conversation_id, change);
      return { message: toMessage(row, this.links), changed: true };
    });
  }

  async reactionsBy(userId: string): Promise<Array<{ messageId: string; emoji: string }>> {
    const { rows } = await this.pool.query<{ messageId: string; emoji: string }>(
      'SELECT message_id AS "messageId", emoji FROM reactions WHERE user_id = $1',
      [userId],
    );
    return rows;
  }
}
