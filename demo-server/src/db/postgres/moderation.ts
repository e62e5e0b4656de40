import type { Message, ModerationLogEntry } from '@palaver/protocol';
import type pg from 'pg';
import { tsqueryText } from '../../search/query.js';
import type { AttachmentLinks } from '../attachments.js';
import { newMessageId } from '../ids.js';
import { type ModerationCriteria, type ModerationLogRow, type ModerationStore, toLogEntry } from '../moderation.js';
import { type MessageRow, toMessage } from '../rows.js';

/** Suspensions, the audit log and moderators' search in PostgreSQL. */
export class PostgresModeration implements ModerationStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly links: AttachmentLinks,
    /** Indexes what was written since the last search (`PostgresSearch.catchUp`). */
    private readonly catchUpIndex: () => Promise<void>,
  ) {}

  async suspend(userId: string, at: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'UPDATE users SET suspended_at = COALESCE(suspended_at, $1) WHERE id = $2',
      [at, userId],
    );
    return rowCount === 1;
  }

  async reinstate(userId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE users SET suspended_at = NULL WHERE id = $1', [userId]);
    return rowCount === 1;
  }

  async isSuspended(userId: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ suspended: boolean }>(
      'SELECT suspended_at IS NOT NULL AS suspended FROM users WHERE id = $1',
      [userId],
    );
    return rows[0]?.suspended ?? false;
  }

  async log(entry: Omit<ModerationLogEntry, 'id'>): Promise<ModerationLogEntry> {
    const { rows } = await this.pool.query<ModerationLogRow>(
      `INSERT INTO moderation_log (id, at, moderator_id, action, target_id, reason)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [newMessageId(), entry.at, entry.moderatorId, entry.action, entry.targetId, entry.reason ?? null],
    );
    return toLogEntry(rows[0] as ModerationLogRow);
  }

  async logEntries(limit: number): Promise<ModerationLogEntry[]> {
    const { rows } = await this.pool.query<ModerationLogRow>(
      'SELECT * FROM moderation_log ORDER BY at DESC, id DESC LIMIT $1',
      [limit],
    );
    return rows.map(toLogEntry);
  }

  async maskedMessages(limit: number): Promise<Message[]> {
    const { rows } = await this.pool.query<MessageRow>(
      'SELECT * FROM messages WHERE masked_body IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT $1',
      [limit],
    );
    return rows.map((row) => toMessage(row, this.links));
  }

  async search(criteria: ModerationCriteria, limit: number): Promise<string[]> {
    if (criteria.query) await this.catchUpIndex();
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT c.id FROM conversations c
       WHERE c.last_seq > 0
         AND ($1::text IS NULL OR EXISTS (
           SELECT 1 FROM participants p WHERE p.conversation_id = c.id AND p.user_id = $1))
         AND ($2::text IS NULL OR c.product_id = $2)
         AND ($3::tsquery IS NULL
           OR c.id IN (SELECT s.conversation_id FROM message_search s WHERE s.body @@ $3 OR s.original @@ $3)
           OR c.id IN (SELECT s.conversation_id FROM conversation_search s WHERE s.title @@ $3))
       ORDER BY c.updated_at DESC, c.id DESC LIMIT $4`,
      [
        criteria.userId ?? null,
        criteria.productId ?? null,
        criteria.query === undefined ? null : tsqueryText(criteria.query),
        limit,
      ],
    );
    return rows.map((row) => row.id);
  }
}
