import type { Message } from '@palaver/protocol';
import type pg from 'pg';
import { type SearchQuery, tsqueryText } from '../../search/query.js';
import { memberTag, scopedTerms, termsOf } from '../../search/terms.js';
import type { AttachmentLinks } from '../attachments.js';
import { type MessageRow, toMessage } from '../rows.js';
import type { SearchScope, SearchStore } from '../search.js';

/** Rows indexed per round trip while catching up. */
const CATCH_UP_BATCH = 2000;

interface BehindMessage {
  message_id: string;
  members: string[];
  revision: number;
  body: string;
  masked_body: string | null;
  deleted_at: string | null;
  removed_at: string | null;
  removed_body: string | null;
}

interface BehindConversation {
  conversation_id: string;
  members: string[];
  revision: number;
  title: string | null;
}

/** A document's terms as `array_to_tsvector` takes them. */
const lexemes = (text: string | null | undefined) => termsOf(text);

/**
 * Queries of the PostgreSQL index (`search-index.ts`). Each search first
 * indexes what was written since the last one (`catchUp`): the triggers only
 * mark rows, the terms are made here, in JavaScript, as SQLite's are.
 */
export class PostgresSearch implements SearchStore {
  /** One catch-up at a time in this process; a search arriving meanwhile waits for it. */
  private catchingUp: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly links: AttachmentLinks,
  ) {}

  async messages(query: SearchQuery, scope: SearchScope, limit: number): Promise<Message[]> {
    await this.catchUp();
    const q = tsqueryText(query, scope.isAdmin ? '' : memberTag(scope.userId));
    const where = scope.isAdmin
      ? '(s.body @@ $1::tsquery OR s.original @@ $1::tsquery)'
      : `s.scoped @@ $1::tsquery
         AND EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = s.conversation_id AND p.user_id = $4)`;
    const ranked = scope.isAdmin ? 's.body || s.original' : 's.scoped';
    const { rows } = await this.pool.query<MessageRow>(
      `SELECT m.* FROM message_search s JOIN messages m ON m.id = s.message_id
       WHERE ${where} AND ($2::text IS NULL OR s.conversation_id = $2)
       ORDER BY ts_rank(${ranked}, $1::tsquery) DESC, m.created_at DESC LIMIT $3`,
      this.parameters(q, scope, limit),
    );
    return rows.map((row) => toMessage(row, this.links));
  }

  async conversations(query: SearchQuery, scope: SearchScope, limit: number): Promise<string[]> {
    await this.catchUp();
    const column = scope.isAdmin ? 's.title' : 's.scoped';
    const member = scope.isAdmin
      ? ''
      : 'AND EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = s.conversation_id AND p.user_id = $4)';
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT c.id FROM conversation_search s JOIN conversations c ON c.id = s.conversation_id
       WHERE ${column} @@ $1::tsquery ${member} AND c.last_seq > 0 AND ($2::text IS NULL OR c.id = $2)
       ORDER BY ts_rank(${column}, $1::tsquery) DESC, c.updated_at DESC LIMIT $3`,
      this.parameters(tsqueryText(query, scope.isAdmin ? '' : memberTag(scope.userId)), scope, limit),
    );
    return rows.map((row) => row.id);
  }

  /** `$1` the query, `$2` the conversation (or null), `$3` the limit, `$4` the participant (not for admins). */
  private parameters(tsquery: string, scope: SearchScope, limit: number): unknown[] {
    const shared = [tsquery, scope.conversationId ?? null, limit];
    return scope.isAdmin ? shared : [...shared, scope.userId];
  }

  /**
   * Indexes every row written since the last catch-up. A row rewritten
   * meanwhile (its revision moved on) keeps its mark and is taken again, so
   * two nodes catching up together never store an older text over a newer one.
   */
  catchUp(): Promise<void> {
    this.catchingUp ??= this.indexBehind().finally(() => {
      this.catchingUp = undefined;
    });
    return this.catchingUp;
  }

  private async indexBehind(): Promise<void> {
    while ((await this.indexMessages()) + (await this.indexConversations()) > 0) {}
  }

  private async indexMessages(): Promise<number> {
    const { rows } = await this.pool.query<BehindMessage>(
      `SELECT s.message_id, s.members, s.revision, m.body, m.masked_body, m.deleted_at, m.removed_at, m.removed_body
       FROM message_search s JOIN messages m ON m.id = s.message_id
       WHERE s.behind LIMIT $1`,
      [CATCH_UP_BATCH],
    );
    if (rows.length === 0) return 0;
    const bodies = rows.map((row) => (row.deleted_at ? [] : lexemes(row.masked_body ?? row.body)));
    const scoped = rows.map((row) =>
      row.deleted_at ? [] : scopedTerms(row.masked_body ?? row.body, row.members.map(memberTag)),
    );
    const originals = rows.map((row) => {
      if (row.removed_at) return lexemes(row.removed_body);
      return !row.deleted_at && row.masked_body !== null ? lexemes(row.body) : [];
    });
    await this.pool.query(
      `UPDATE message_search s SET body = array_to_tsvector(d.body), original = array_to_tsvector(d.original),
         scoped = array_to_tsvector(d.scoped), indexed_revision = d.revision
       FROM (SELECT * FROM json_to_recordset($1::json)
         AS x(id text, revision int, body text[], original text[], scoped text[])) d
       WHERE s.message_id = d.id AND s.revision = d.revision`,
      [
        JSON.stringify(
          rows.map((row, i) => ({
            id: row.message_id,
            revision: row.revision,
            body: bodies[i],
            original: originals[i],
            scoped: scoped[i],
          })),
        ),
      ],
    );
    return rows.length;
  }

  private async indexConversations(): Promise<number> {
    const { rows } = await this.pool.query<BehindConversation>(
      `SELECT s.conversation_id, s.members, s.revision, concat_ws(' ', c.product_json::json->>'title', c.subject, (
           SELECT string_agg(u.name, ' ') FROM participants p JOIN users u ON u.id = p.user_id
           WHERE p.conversation_id = c.id)) AS title
       FROM conversation_search s JOIN conversations c ON c.id = s.conversation_id
       WHERE s.behind LIMIT $1`,
      [CATCH_UP_BATCH],
    );
    if (rows.length === 0) return 0;
    await this.pool.query(
      `UPDATE conversation_search s SET title = array_to_tsvector(d.title), scoped = array_to_tsvector(d.scoped),
         indexed_revision = d.revision
       FROM (SELECT * FROM json_to_recordset($1::json) AS x(id text, revision int, title text[], scoped text[])) d
       WHERE s.conversation_id = d.id AND s.revision = d.revision`,
      [
        JSON.stringify(
          rows.map((row) => ({
            id: row.conversation_id,
            revision: row.revision,
            title: lexemes(row.title),
            scoped: scopedTerms(row.title, row.members.map(memberTag)),
          })),
        ),
      ],
    );
    return rows.length;
  }
}
