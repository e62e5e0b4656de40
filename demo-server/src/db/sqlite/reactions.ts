import type { Message } from '@palaver/protocol';
import { nextReactionTime } from '@palaver/protocol';
import type { AttachmentLinks } from '../attachments.js';
import { type ReactionStore, reactionsJson } from '../reactions.js';
import { type MessageRow, now, toMessage } from '../rows.js';
import type { SqliteChangeFeed } from './change-feed.js';
import type { SqliteConversations } from './conversations.js';
import type { SqliteDatabase } from './database.js';

/** Reactions in the SQLite file (see `ReactionStore`). */
export class SqliteReactions implements ReactionStore {
  private readonly statements;
  constructor(
    private readonly db: SqliteDatabase,
    private readonly feed: SqliteChangeFeed,
    private readonly conversations: SqliteConversations,
    private readonly links: AttachmentLinks,
  ) {
    const prepare = (sql: string) => db.prepare(sql);
    this.statements = {
      message: prepare('SELECT * FROM messages WHERE id = ?'),
      emojis: prepare(
        'SELECT count(DISTINCT emoji) AS count, max(emoji = @emoji) AS used FROM reactions WHERE message_id = @messageId',
      ),
      add: prepare(`
        INSERT INTO reactions (message_id, emoji, user_id, created_at) VALUES (@messageId, @emoji, @userId, @now)
        ON CONFLICT DO NOTHING`),
      remove: prepare('DELETE FROM reactions WHERE message_id = @messageId AND emoji = @emoji AND user_id = @userId'),
      list: prepare('SELECT emoji, user_id FROM reactions WHERE message_id = ? ORDER BY created_at, user_id'),
      // reacted_at: changed after its creation, so sync looks for it among the changed ones (migration 19).
      show: prepare(
        'UPDATE messages SET reactions_json = @json, change_seq = @change, reacted_at = @now WHERE id = @id RETURNING *',
      ),
      byUser: prepare('SELECT message_id AS messageId, emoji FROM reactions WHERE user_id = ?'),
    };
  }

  async react(
    messageId: string,
    userId: string,
    emoji: string,
    present: boolean,
    maxEmojis: number,
  ): Promise<{ message: Message; changed: boolean } | 'too_many'> {
    return this.db
      .transaction((): { message: Message; changed: boolean } | 'too_many' => {
        const params = { messageId, emoji, userId, now: now() };
        if (present) {
          const { count, used } = this.statements.emojis.get(params) as { count: number; used: number | null };
          if (!used && count >= maxEmojis) return 'too_many';
        }
        const written = (present ? this.statements.add : this.statements.remove).run(params).changes > 0;
        if (!written)
          return {
            message: toMessage(this.statements.message.get(messageId) as MessageRow, this.links),
            changed: false,
          };
        const change = this.feed.take();
        const json = reactionsJson(this.statements.list.all(messageId) as Array<{ emoji: string; user_id: string }>);
        const previous = this.statements.message.get(messageId) as MessageRow;
        const at = nextReactionTime(previous.reacted_at, params.now);
        const row = this.statements.show.get({ id: messageId, json, change, now: at }) as MessageRow;
        this.conversations.touch(row.conversation_id, change);
        return { message: toMessage(row, this.links), changed: true };
      })
      .immediate();
  }

  async reactionsBy(userId: string): Promise<Array<{ messageId: string; emoji: string }>> {
    return this.statements.byUser.all(userId) as Array<{ messageId: string; emoji: string }>;
  }
}
