import type { Message, ModerationLogEntry } from '@palaver/protocol';
import { ftsExpression } from '../../search/query.js';
import type { AttachmentLinks } from '../attachments.js';
import { newMessageId } from '../ids.js';
import { type ModerationCriteria, type ModerationLogRow, type ModerationStore, toLogEntry } from '../moderation.js';
import { type MessageRow, toMessage } from '../rows.js';
import type { SqliteDatabase } from './database.js';

/** Suspensions, the audit log and moderators' search in the SQLite file. */
export class SqliteModeration implements ModerationStore {
  private readonly statements;

  constructor(
    db: SqliteDatabase,
    private readonly links: AttachmentLinks,
  ) {
    const prepare = (sql: string) => db.prepare(sql);
    this.statements = {
      suspend: prepare('UPDATE users SET suspended_at = COALESCE(suspended_at, ?) WHERE id = ?'),
      reinstate: prepare('UPDATE users SET suspended_at = NULL WHERE id = ?'),
      suspended: prepare('SELECT suspended_at IS NOT NULL FROM users WHERE id = ?'),
      log: prepare(`
        INSERT INTO moderation_log (id, at, moderator_id, action, target_id, reason)
        VALUES (@id, @at, @moderatorId, @action, @targetId, @reason) RETURNING *`),
      entries: prepare('SELECT * FROM moderation_log ORDER BY at DESC, id DESC LIMIT ?'),
      masked: prepare('SELECT * FROM messages WHERE masked_body IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT ?'),
      search: prepare(`
        SELECT c.id FROM conversations c
        WHERE c.last_seq > 0
          AND (@userId IS NULL OR EXISTS (
            SELECT 1 FROM participants p WHERE p.conversation_id = c.id AND p.user_id = @userId))
          AND (@productId IS NULL OR c.product_id = @productId)
          AND (@words IS NULL
            OR c.id IN (SELECT m.conversation_id FROM message_search s JOIN messages m ON m.rowid = s.rowid
              WHERE message_search MATCH '({body} : (' || @words || ')) OR ({original} : (' || @words || '))')
            OR c.rowid IN (SELECT rowid FROM conversation_search WHERE conversation_search MATCH '{title} : (' || @words || ')'))
        ORDER BY c.updated_at DESC, c.id DESC LIMIT @limit`),
    };
  }

  async suspend(userId: string, at: string): Promise<boolean> {
    return this.statements.suspend.run(at, userId).changes === 1;
  }

  async reinstate(userId: string): Promise<boolean> {
    return this.statements.reinstate.run(userId).changes === 1;
  }

  async isSuspended(userId: string): Promise<boolean> {
    return this.statements.suspended.pluck().get(userId) === 1;
  }

  async log(entry: Omit<ModerationLogEntry, 'id'>): Promise<ModerationLogEntry> {
    const row = this.statements.log.get({ id: newMessageId(), reason: null, ...entry }) as ModerationLogRow;
    return toLogEntry(row);
  }

  async logEntries(limit: number): Promise<ModerationLogEntry[]> {
    return (this.statements.entries.all(limit) as ModerationLogRow[]).map(toLogEntry);
  }

  async maskedMessages(limit: number): Promise<Message[]> {
    return (this.statements.masked.all(limit) as MessageRow[]).map((row) => toMessage(row, this.links));
  }

  async search(criteria: ModerationCriteria, limit: number): Promise<string[]> {
    return this.statements.search.pluck().all({
      userId: criteria.userId ?? null,
      productId: criteria.productId ?? null,
      words: criteria.query === undefined ? null : ftsExpression(criteria.query),
      limit,
    }) as string[];
  }
}
