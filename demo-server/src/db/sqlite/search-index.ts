import { indexTerms, memberTag, scopedTerms } from '../../search/terms.js';
import type { SqliteDatabase } from './database.js';
import type { Migration } from './migrations.js';

/**
 * The full-text index of the SQLite file: two contentless FTS5 tables kept by
 * triggers, so no write path has to remember them. The triggers call the
 * JavaScript normalisation (`search/terms.ts`) through SQL functions that
 * `registerSearchFunctions` adds to every connection before its migrations.
 *
 * - `message_search`, one document per message (rowid = the message's rowid;
 *   `messages` has indexes, so VACUUM and VACUUM INTO keep its rowids):
 *   `body` what participants read (the masked text when contact details were
 *   hidden) and `original` what only admins read (the text before masking,
 *   or the text of a message moderators removed) — the columns admins
 *   search; `scoped` the `body` terms once per participant behind their tag
 *   (`scopedTerms`), the column participants search: their query reads
 *   posting lists of their own messages only, however common a word is. A
 *   deleted message has no document; a removed one keeps only `original`.
 * - `conversation_search`, one per conversation: its product title, support
 *   subject and participants' names, plain (`title`) and `scoped`.
 *
 * Deleting or re-indexing a row drops its terms at once, from queries
 * (`contentless_delete`) and from the file's pages (`secure-delete`).
 */

const MESSAGE_INDEXED = (m: string) => `(${m}.deleted_at IS NULL OR ${m}.removed_at IS NOT NULL)`;

const TAGS_OF = (conversationId: string) => `(
  SELECT group_concat(palaver_member_tag(p.user_id), ' ') FROM participants p WHERE p.conversation_id = ${conversationId})`;

/** The document of message row `m` (a table alias, `new` or `old`). */
const MESSAGE_DOCUMENT = (m: string) => `
  ${m}.rowid,
  CASE WHEN ${m}.deleted_at IS NULL THEN palaver_index_terms(COALESCE(${m}.masked_body, ${m}.body)) ELSE '' END,
  CASE WHEN ${m}.removed_at IS NOT NULL THEN palaver_index_terms(${m}.removed_body)
       WHEN ${m}.deleted_at IS NULL AND ${m}.masked_body IS NOT NULL THEN palaver_index_terms(${m}.body)
       ELSE '' END,
  CASE WHEN ${m}.deleted_at IS NULL
    THEN palaver_scoped_terms(COALESCE(${m}.masked_body, ${m}.body), ${TAGS_OF(`${m}.conversation_id`)})
    ELSE '' END`;

const INSERT_MESSAGE_DOCUMENT = (m: string) => `
  INSERT INTO message_search (rowid, body, original, scoped) SELECT ${MESSAGE_DOCUMENT(m)} WHERE ${MESSAGE_INDEXED(m)};`;

/** Every message of a conversation again (someone joined: `scoped` gains their tag). */
const REINDEX_MESSAGES_OF = (conversationId: string) => `
  DELETE FROM message_search WHERE rowid IN (SELECT rowid FROM messages WHERE conversation_id = ${conversationId});
  INSERT INTO message_search (rowid, body, original, scoped)
    SELECT ${MESSAGE_DOCUMENT('m')} FROM messages m
    WHERE m.conversation_id = ${conversationId} AND ${MESSAGE_INDEXED('m')};`;

/** The conversations matching `where` (on alias `c`) indexed again from their current rows. */
const REINDEX_CONVERSATIONS = (where: string) => `
  DELETE FROM conversation_search WHERE rowid IN (SELECT c.rowid FROM conversations c WHERE ${where});
  INSERT INTO conversation_search (rowid, title, scoped)
    SELECT id, palaver_index_terms(title), palaver_scoped_terms(title, tags) FROM (
      SELECT c.rowid AS id, ${TAGS_OF('c.id')} AS tags,
        concat_ws(' ', json_extract(c.product_json, '$.title'), c.subject, (
          SELECT group_concat(u.name, ' ') FROM participants p JOIN users u ON u.id = p.user_id
          WHERE p.conversation_id = c.id)) AS title
      FROM conversations c WHERE ${where});`;

export const SEARCH_MIGRATION: Migration = {
  version: 17,
  name: 'full-text search',
  sql: `
    -- Terms are folded and stemmed before FTS5 sees them: its tokenizer only splits on spaces.
    -- detail=column: documents hold each term once, so positions would only take room.
    CREATE VIRTUAL TABLE message_search USING fts5(body, original, scoped,
      content='', contentless_delete=1, detail='column', tokenize='unicode61 remove_diacritics 0');
    CREATE VIRTUAL TABLE conversation_search USING fts5(title, scoped,
      content='', contentless_delete=1, detail='column', tokenize='unicode61 remove_diacritics 0');
    -- A deleted document's terms leave the index's pages at once, not at a later merge:
    -- an erased user's words must not stay in the file.
    INSERT INTO message_search (message_search, rank) VALUES ('secure-delete', 1);
    INSERT INTO conversation_search (conversation_search, rank) VALUES ('secure-delete', 1);

    CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
      ${INSERT_MESSAGE_DOCUMENT('new')}
    END;
    -- Edits, deletes and removals; writes that only renumber (change_seq) leave the index alone.
    CREATE TRIGGER message_search_update AFTER UPDATE OF body, masked_body, deleted_at, removed_at ON messages BEGIN
      DELETE FROM message_search WHERE rowid = old.rowid;
      ${INSERT_MESSAGE_DOCUMENT('new')}
    END;
    CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
      DELETE FROM message_search WHERE rowid = old.rowid;
    END;

    CREATE TRIGGER conversation_search_insert AFTER INSERT ON conversations BEGIN
      ${REINDEX_CONVERSATIONS('c.id = new.id')}
    END;
    CREATE TRIGGER conversation_search_update AFTER UPDATE OF product_json, subject ON conversations BEGIN
      ${REINDEX_CONVERSATIONS('c.id = new.id')}
    END;
    CREATE TRIGGER conversation_search_delete AFTER DELETE ON conversations BEGIN
      DELETE FROM conversation_search WHERE rowid = old.rowid;
    END;
    -- Someone joined (an agent taking a support thread): their messages and title become theirs to find.
    CREATE TRIGGER search_participant_insert AFTER INSERT ON participants BEGIN
      ${REINDEX_MESSAGES_OF('new.conversation_id')}
      ${REINDEX_CONVERSATIONS('c.id = new.conversation_id')}
    END;
    -- A renamed (or erased) user: the titles that carried their name.
    CREATE TRIGGER search_user_rename AFTER UPDATE OF name ON users WHEN old.name IS NOT new.name BEGIN
      ${REINDEX_CONVERSATIONS('c.id IN (SELECT conversation_id FROM participants WHERE user_id = new.id)')}
    END;

    -- What was written before this version.
    INSERT INTO message_search (rowid, body, original, scoped)
      SELECT ${MESSAGE_DOCUMENT('m')} FROM messages m WHERE ${MESSAGE_INDEXED('m')};
    ${REINDEX_CONVERSATIONS('1')}
  `,
};

/** The SQL functions the index's triggers call; on every connection that may write, before its migrations. */
export function registerSearchFunctions(db: SqliteDatabase): void {
  db.function('palaver_index_terms', { deterministic: true }, (text: unknown) =>
    indexTerms(typeof text === 'string' ? text : null),
  );
  db.function('palaver_member_tag', { deterministic: true }, (userId: unknown) => memberTag(String(userId)));
  db.function('palaver_scoped_terms', { deterministic: true }, (text: unknown, tags: unknown) =>
    scopedTerms(typeof text === 'string' ? text : null, typeof tags === 'string' ? tags.split(' ') : []).join(' '),
  );
}
