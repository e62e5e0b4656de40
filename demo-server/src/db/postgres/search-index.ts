import type { PostgresMigration } from './migrations.js';

/**
 * The full-text index of the PostgreSQL store. Terms come from the same
 * JavaScript normalisation as SQLite's (`search/terms.ts`), stored as
 * `tsvector`s of ready-made lexemes (`array_to_tsvector`: no dictionary runs
 * on them), so both stores find the same messages.
 *
 * PostgreSQL cannot call that JavaScript from a trigger, so the triggers only
 * keep the bookkeeping: every write that changes what a row must be found by
 * bumps its `revision`, and the next search first indexes the rows whose
 * `indexed_revision` is behind (`PostgresSearch.catchUp`). No write path has
 * to know about the index. What must never be found waits for nobody:
 * deleting a message drops its row, and a removal empties its participants'
 * text, in the writing transaction.
 *
 * Participants search `scoped`: the terms once per participant behind their
 * tag (`scopedTerms`), so their query reads posting lists of their own
 * conversations only, however common a word is; admins search `body` and
 * `original`. `members` (their ids) is what the tags are made from.
 */
export const SEARCH_MIGRATION: PostgresMigration = {
  version: 12,
  name: 'full-text search',
  sql: `
    CREATE TABLE message_search (
      message_id        TEXT COLLATE "C" PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
      conversation_id   TEXT COLLATE "C" NOT NULL,
      -- What participants read (the masked text when contact details were hidden).
      body              TSVECTOR NOT NULL DEFAULT ''::tsvector,
      -- What only admins read: the text before masking, or of a message moderators removed.
      original          TSVECTOR NOT NULL DEFAULT ''::tsvector,
      -- What participants search: body once per participant behind their tag (search/terms.ts).
      scoped            TSVECTOR NOT NULL DEFAULT ''::tsvector,
      members           TEXT[] NOT NULL,
      revision          INTEGER NOT NULL DEFAULT 1,
      indexed_revision  INTEGER NOT NULL DEFAULT 0,
      -- A column of its own (not the comparison in a query) so the planner has statistics on it:
      -- without them it guessed a third of the table behind and scanned all of it before each search.
      behind            BOOLEAN GENERATED ALWAYS AS (indexed_revision < revision) STORED
    );
    CREATE INDEX message_search_scoped ON message_search USING gin (scoped);
    CREATE INDEX message_search_body ON message_search USING gin (body);
    CREATE INDEX message_search_original ON message_search USING gin (original);
    CREATE INDEX message_search_behind ON message_search (message_id) WHERE behind;
    -- A join re-tags every message of the conversation.
    CREATE INDEX message_search_conversation ON message_search (conversation_id);

    CREATE TABLE conversation_search (
      conversation_id   TEXT COLLATE "C" PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
      -- Product title, support subject, participants' names.
      title             TSVECTOR NOT NULL DEFAULT ''::tsvector,
      scoped            TSVECTOR NOT NULL DEFAULT ''::tsvector,
      members           TEXT[] NOT NULL DEFAULT '{}',
      revision          INTEGER NOT NULL DEFAULT 1,
      indexed_revision  INTEGER NOT NULL DEFAULT 0,
      behind            BOOLEAN GENERATED ALWAYS AS (indexed_revision < revision) STORED
    );
    CREATE INDEX conversation_search_title ON conversation_search USING gin (title);
    CREATE INDEX conversation_search_scoped ON conversation_search USING gin (scoped);
    CREATE INDEX conversation_search_behind ON conversation_search (conversation_id) WHERE behind;

    CREATE FUNCTION message_search_written() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO message_search (message_id, conversation_id, members)
        VALUES (NEW.id, NEW.conversation_id,
          ARRAY(SELECT user_id FROM participants WHERE conversation_id = NEW.conversation_id));
      ELSIF NEW.deleted_at IS NOT NULL AND NEW.removed_at IS NULL THEN
        DELETE FROM message_search WHERE message_id = NEW.id;
      ELSIF NEW.removed_at IS NOT NULL THEN
        UPDATE message_search SET body = ''::tsvector, scoped = ''::tsvector, revision = revision + 1
        WHERE message_id = NEW.id;
      ELSE
        UPDATE message_search SET revision = revision + 1 WHERE message_id = NEW.id;
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER message_search_insert AFTER INSERT ON messages
      FOR EACH ROW EXECUTE FUNCTION message_search_written();
    CREATE TRIGGER message_search_update AFTER UPDATE OF body, masked_body, deleted_at, removed_at ON messages
      FOR EACH ROW EXECUTE FUNCTION message_search_written();

    CREATE FUNCTION conversation_search_written() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO conversation_search (conversation_id) VALUES (NEW.id);
      ELSE
        UPDATE conversation_search SET revision = revision + 1 WHERE conversation_id = NEW.id;
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER conversation_search_insert AFTER INSERT ON conversations
      FOR EACH ROW EXECUTE FUNCTION conversation_search_written();
    CREATE TRIGGER conversation_search_update AFTER UPDATE OF product_json, subject ON conversations
      FOR EACH ROW EXECUTE FUNCTION conversation_search_written();

    -- Someone joined (an agent taking a support thread): the conversation's messages become theirs to find.
    CREATE FUNCTION search_participant_joined() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE message_search SET members = array_append(members, NEW.user_id), revision = revision + 1
      WHERE conversation_id = NEW.conversation_id AND NOT members @> ARRAY[NEW.user_id];
      UPDATE conversation_search SET members = array_append(members, NEW.user_id), revision = revision + 1
      WHERE conversation_id = NEW.conversation_id AND NOT members @> ARRAY[NEW.user_id];
      RETURN NULL;
    END $$;
    CREATE TRIGGER search_participant_insert AFTER INSERT ON participants
      FOR EACH ROW EXECUTE FUNCTION search_participant_joined();

    -- A renamed (or erased) user: the titles that carried their name.
    CREATE FUNCTION search_user_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE conversation_search SET revision = revision + 1
      WHERE conversation_id IN (SELECT conversation_id FROM participants WHERE user_id = NEW.id);
      RETURN NULL;
    END $$;
    CREATE TRIGGER search_user_rename AFTER UPDATE OF name ON users
      FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION search_user_renamed();

    -- What was written before this version: indexed by the first search (or at start).
    INSERT INTO message_search (message_id, conversation_id, members)
      SELECT m.id, m.conversation_id, ARRAY(SELECT user_id FROM participants p WHERE p.conversation_id = m.conversation_id)
      FROM messages m WHERE m.deleted_at IS NULL OR m.removed_at IS NOT NULL;
    INSERT INTO conversation_search (conversation_id, members)
      SELECT c.id, ARRAY(SELECT user_id FROM participants p WHERE p.conversation_id = c.id) FROM conversations c;
  `,
};
