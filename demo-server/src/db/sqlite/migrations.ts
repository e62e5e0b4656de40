import { SEARCH_MIGRATION } from './search-index.js';

/**
 * Versioned schema migrations, applied in order at start inside one transaction
 * each. Never edit a released migration: add the next one.
 *
 * Every row that a client may need to catch up on carries `change_seq`, a
 * server-wide increasing number given at each write (from `change_feed`, in the
 * write's own transaction); `sync` returns the rows whose `change_seq` is above
 * the client's cursor.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      -- instance_id: a random id given once per database, carried in sync cursors so a
      -- cursor from another (or a wiped) database is recognised instead of trusted.
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      INSERT INTO meta (key, value) VALUES ('instance_id', lower(hex(randomblob(8))));

      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        avatar_url    TEXT,
        is_admin      INTEGER NOT NULL DEFAULT 0,
        created_at    TEXT NOT NULL,
        last_seen_at  TEXT
      );

      CREATE TABLE conversations (
        id            TEXT PRIMARY KEY,
        kind          TEXT NOT NULL CHECK (kind IN ('product', 'support')),
        product_id    TEXT,
        product_json  TEXT,
        buyer_id      TEXT REFERENCES users(id),
        supplier_id   TEXT REFERENCES users(id),
        subject       TEXT,
        subject_key   TEXT,
        client_id     TEXT REFERENCES users(id),
        last_seq      INTEGER NOT NULL DEFAULT 0,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        change_seq    INTEGER NOT NULL
      );
      -- get-or-create keys: one product conversation per (product, buyer, supplier),
      -- one support conversation per (client, subject).
      CREATE UNIQUE INDEX conversations_product_key
        ON conversations (product_id, buyer_id, supplier_id) WHERE kind = 'product';
      CREATE UNIQUE INDEX conversations_support_key
        ON conversations (client_id, subject_key) WHERE kind = 'support';
      -- listings by last activity (admins list support conversations this way too)
      CREATE INDEX conversations_kind_updated ON conversations (kind, updated_at);
      CREATE INDEX conversations_updated ON conversations (updated_at, id);
      -- sync: conversations changed after a cursor
      CREATE INDEX conversations_change ON conversations (change_seq);

      CREATE TABLE participants (
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        user_id         TEXT NOT NULL REFERENCES users(id),
        role            TEXT NOT NULL CHECK (role IN ('buyer', 'supplier', 'client', 'agent')),
        last_read_seq   INTEGER NOT NULL DEFAULT 0,
        last_read_at    TEXT,
        joined_at       TEXT NOT NULL,
        change_seq      INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, user_id)
      ) WITHOUT ROWID;
      -- a user's conversations (listing, unread totals, sync, presence contacts)
      CREATE INDEX participants_user ON participants (user_id, conversation_id);

      CREATE TABLE messages (
        id              TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        seq             INTEGER NOT NULL,
        client_id       TEXT NOT NULL,
        sender_id       TEXT NOT NULL REFERENCES users(id),
        from_admin      INTEGER NOT NULL DEFAULT 0,
        body            TEXT NOT NULL,
        reply_to_id     TEXT,
        created_at      TEXT NOT NULL,
        edited_at       TEXT,
        deleted_at      TEXT,
        change_seq      INTEGER NOT NULL
      );
      -- history pages and unread counts: a range of seq in one conversation
      CREATE UNIQUE INDEX messages_conversation_seq ON messages (conversation_id, seq);
      -- idempotent sends
      CREATE UNIQUE INDEX messages_sender_client ON messages (sender_id, client_id);
      -- sync: the changes of one conversation after a cursor
      CREATE INDEX messages_conversation_change ON messages (conversation_id, change_seq);
    `,
  },
  {
    version: 2,
    name: 'stored unread counts',
    sql: `
      -- Each participant's unread count, kept in step by every write that changes it
      -- (a message from someone else, a read, a delete, an agent joining) instead of
      -- counted on every message: sends stay O(1) however much is unread.
      ALTER TABLE participants ADD COLUMN unread_count INTEGER NOT NULL DEFAULT 0;
      UPDATE participants SET unread_count = (
        SELECT COUNT(*) FROM messages m
        WHERE m.conversation_id = participants.conversation_id AND m.seq > participants.last_read_seq
          AND m.sender_id <> participants.user_id AND m.deleted_at IS NULL);
      -- a user's conversations with something unread (their total and badge)
      CREATE INDEX participants_unread ON participants (user_id) WHERE unread_count > 0;
    `,
  },
  {
    version: 3,
    name: 'fewer indexes written per message',
    sql: `
      -- Every message moves its conversation's updated_at, and each index on it
      -- is one more page written per message. Listings find a user's
      -- conversations through participants and sort those, so the index on
      -- updated_at was never read; admins also need every support conversation,
      -- found through an index that no message ever changes.
      -- (The index on change_seq only served the start-up scan for the newest change.)
      DROP INDEX conversations_updated;
      DROP INDEX conversations_kind_updated;
      DROP INDEX conversations_change;
      CREATE INDEX conversations_support ON conversations (id) WHERE kind = 'support';
    `,
  },
  {
    version: 4,
    name: 'no index rewritten by every unread count',
    sql: `
      -- SQLite rewrites a partial index's entry whenever a column of its WHERE
      -- changes, so participants_unread cost a page per recipient per message.
      -- Totals are kept in memory now; the full per-conversation counts (asked
      -- at connect) go through participants_user.
      DROP INDEX participants_unread;
    `,
  },
  {
    version: 5,
    name: 'sync finds new messages by seq',
    sql: `
      -- The index on (conversation_id, change_seq) cost one more page per message.
      -- Sync finds the messages a cursor has not seen in two parts instead:
      -- messages never changed after their creation, from the first seq created
      -- after the cursor on (created_change grows with seq: a bisection over
      -- messages_conversation_seq), and edited or deleted ones through a partial
      -- index that new messages never enter.
      ALTER TABLE messages ADD COLUMN created_change INTEGER NOT NULL DEFAULT 0;
      UPDATE messages SET created_change = change_seq WHERE edited_at IS NULL AND deleted_at IS NULL;
      -- An edited message's creation change is lost: the previous untouched
      -- message's keeps created_change growing with seq (sync finds it as edited).
      UPDATE messages SET created_change = COALESCE((
        SELECT m.created_change FROM messages m
        WHERE m.conversation_id = messages.conversation_id AND m.seq < messages.seq
          AND m.edited_at IS NULL AND m.deleted_at IS NULL
        ORDER BY m.seq DESC LIMIT 1), 0)
      WHERE edited_at IS NOT NULL OR deleted_at IS NOT NULL;
      CREATE INDEX messages_changed_later ON messages (conversation_id, change_seq)
        WHERE edited_at IS NOT NULL OR deleted_at IS NOT NULL;
      DROP INDEX messages_conversation_change;
    `,
  },
  {
    version: 6,
    name: 'the change feed head is stored',
    sql: `
      -- The newest change number, taken and moved inside each write transaction:
      -- a rolled-back write gives its number back, a committed one keeps it, and
      -- a restart goes on from here. (It was counted in memory, which also
      -- counted numbers no row kept, and a restart issued them again.)
      CREATE TABLE change_feed (id INTEGER PRIMARY KEY CHECK (id = 1), head INTEGER NOT NULL);
      INSERT INTO change_feed (id, head) SELECT 1, COALESCE(MAX(v), 0) FROM (
        SELECT MAX(change_seq) AS v FROM conversations UNION ALL
        SELECT MAX(change_seq) FROM participants UNION ALL
        SELECT MAX(change_seq) FROM messages);
      -- Cursors handed out before may cover numbers that were never stored:
      -- a new instance id makes clients start over once instead of skipping.
      UPDATE meta SET value = lower(hex(randomblob(8))) WHERE key = 'instance_id';
    `,
  },
  {
    version: 7,
    name: 'the marketplace directory: products, user emails and locales, erasure',
    sql: `
      -- What the marketplace's backend registers through the server API: product
      -- cards and their suppliers come from here, never from a browser.
      ALTER TABLE users ADD COLUMN email TEXT;
      ALTER TABLE users ADD COLUMN locale TEXT;
      ALTER TABLE users ADD COLUMN erased_at TEXT;
      CREATE TABLE products (
        id          TEXT PRIMARY KEY,
        title       TEXT NOT NULL,
        price       TEXT,
        image_url   TEXT,
        url         TEXT,
        supplier_id TEXT NOT NULL REFERENCES users(id),
        updated_at  TEXT NOT NULL
      );
    `,
  },
  {
    version: 8,
    name: 'session revocations',
    sql: `
      -- Tokens of a user issued (iat) before revoked_before (ms since the epoch) are refused.
      CREATE TABLE session_revocations (
        user_id         TEXT PRIMARY KEY,
        revoked_before  INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 9,
    name: 'webhook events and deliveries',
    sql: `
      -- Written in the same transaction as the change they report (only when
      -- webhooks are configured), so an event exists exactly when its change
      -- committed; the dispatcher turns each into one delivery per endpoint.
      CREATE TABLE outbox_events (
        id          TEXT PRIMARY KEY,
        type        TEXT NOT NULL,
        payload     TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        dispatched  INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX outbox_events_undispatched ON outbox_events (id) WHERE dispatched = 0;
      CREATE TABLE webhook_deliveries (
        id               TEXT PRIMARY KEY,
        event_id         TEXT NOT NULL,
        endpoint         TEXT NOT NULL,
        type             TEXT NOT NULL,
        payload          TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  INTEGER NOT NULL,
        locked_until     INTEGER,
        delivered_at     TEXT,
        failed_at        TEXT,
        last_status      INTEGER,
        last_error       TEXT
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id)
        WHERE delivered_at IS NULL AND failed_at IS NULL;
    `,
  },
  {
    version: 10,
    name: 'unread while away: what each participant was told about',
    sql: `
      -- The last message a participant was notified of (webhook message.unread, email):
      -- a burst of messages makes one notification.
      ALTER TABLE participants ADD COLUMN notified_seq INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 11,
    name: 'contact details hidden from the other side',
    sql: `
      -- The text as recipients read it when CONTACT_MASKING hid something (NULL: nothing hidden).
      ALTER TABLE messages ADD COLUMN masked_body TEXT;
    `,
  },
  {
    version: 12,
    name: "email digests: the outbox and each user's preference",
    sql: `
      -- Off once the user unsubscribed (or the marketplace said so); a new user gets emails.
      ALTER TABLE users ADD COLUMN email_notifications INTEGER NOT NULL DEFAULT 1;
      -- One row per digest to send, written in the same transaction that marks
      -- the burst notified: an email exists exactly when its burst was told.
      CREATE TABLE email_outbox (
        id               TEXT PRIMARY KEY,
        user_id          TEXT NOT NULL,
        payload          TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        state            TEXT NOT NULL DEFAULT 'pending',
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  INTEGER NOT NULL DEFAULT 0,
        locked_until     INTEGER,
        finished_at      TEXT,
        last_error       TEXT,
        smtp_response    TEXT
      );
      CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at, id) WHERE state = 'pending';
    `,
  },
  {
    version: 13,
    name: 'blocks and reports',
    sql: `
      CREATE TABLE blocks (
        blocker_id  TEXT NOT NULL,
        blocked_id  TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        PRIMARY KEY (blocker_id, blocked_id)
      ) WITHOUT ROWID;
      CREATE INDEX blocks_blocked ON blocks (blocked_id, blocker_id);
      CREATE TABLE reports (
        id               TEXT PRIMARY KEY,
        reporter_id      TEXT NOT NULL,
        conversation_id  TEXT NOT NULL,
        message_id       TEXT,
        reason           TEXT NOT NULL,
        note             TEXT,
        status           TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        resolved_at      TEXT,
        resolved_by      TEXT,
        resolution_note  TEXT
      );
      CREATE INDEX reports_queue ON reports (status, created_at);
    `,
  },
  {
    version: 14,
    name: 'moderation: removed messages, suspended users, the audit log',
    sql: `
      ALTER TABLE messages ADD COLUMN removed_at TEXT;
      ALTER TABLE messages ADD COLUMN removed_body TEXT;
      ALTER TABLE users ADD COLUMN suspended_at TEXT;
      CREATE TABLE moderation_log (
        id            TEXT PRIMARY KEY,
        at            TEXT NOT NULL,
        moderator_id  TEXT NOT NULL,
        action        TEXT NOT NULL,
        target_id     TEXT NOT NULL,
        reason        TEXT
      );
    `,
  },
  {
    version: 15,
    name: 'attachments',
    sql: `
      -- What a message shows of its attachments, written with the message (see db/attachments.ts).
      ALTER TABLE messages ADD COLUMN attachments_json TEXT;
      CREATE TABLE attachments (
        id               TEXT PRIMARY KEY,
        uploader_id      TEXT NOT NULL,
        name             TEXT NOT NULL,
        type             TEXT NOT NULL,
        size             INTEGER NOT NULL,
        width            INTEGER,
        height           INTEGER,
        placeholder      TEXT,
        file_key         TEXT NOT NULL,
        preview_key      TEXT,
        preview_size     INTEGER,
        created_at       TEXT NOT NULL,
        message_id       TEXT,
        conversation_id  TEXT,
        discarded_at     TEXT
      );
      CREATE INDEX attachments_uploader ON attachments (uploader_id, created_at);
      CREATE INDEX attachments_message ON attachments (message_id) WHERE message_id IS NOT NULL;
      -- The sweeper's two questions: uploads never sent, and uploads whose files are to go.
      CREATE INDEX attachments_unsent ON attachments (created_at) WHERE message_id IS NULL;
      CREATE INDEX attachments_discarded ON attachments (discarded_at) WHERE discarded_at IS NOT NULL;
    `,
  },
  SEARCH_MIGRATION,
  {
    version: 19,
    name: 'emoji reactions',
    sql: `
      -- One row per user, message and emoji: adding twice is a no-op by the key.
      CREATE TABLE reactions (
        message_id  TEXT NOT NULL,
        emoji       TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        PRIMARY KEY (message_id, emoji, user_id)
      );
      CREATE INDEX reactions_by_user ON reactions (user_id);
      -- What the message shows of them (JSON), rewritten with each change: reading a page costs nothing more.
      ALTER TABLE messages ADD COLUMN reactions_json TEXT;
      -- A reaction changes a message after its creation, as an edit does: sync
      -- finds such messages through the partial index of migration 5, which
      -- now takes them in too.
      ALTER TABLE messages ADD COLUMN reacted_at TEXT;
      DROP INDEX messages_changed_later;
      CREATE INDEX messages_changed_later ON messages (conversation_id, change_seq)
        WHERE edited_at IS NOT NULL OR deleted_at IS NOT NULL OR reacted_at IS NOT NULL;
    `,
  },
];
