import type pg from 'pg';
import { SEARCH_MIGRATION } from './search-index.js';

/**
 * Versioned schema migrations of the PostgreSQL store, applied at start under
 * an advisory lock, so that nodes starting together apply each exactly once.
 * Never edit a released migration: add the next one.
 *
 * The schema is the SQLite store's as of its migration 6, in PostgreSQL's
 * words: the same tables and columns, flags as integers 0/1, times as ISO
 * strings (so clients see exactly the same values), and ids and times compared
 * byte-wise (COLLATE "C"), as SQLite does.
 */
export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

/** Any fixed number: the key of the advisory lock that serializes migrations across nodes. */
const MIGRATION_LOCK = 7_436_501;

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      -- Named in sync cursors, so a cursor from another database is recognised instead of trusted.
      INSERT INTO meta (key, value) VALUES ('instance_id', substr(md5(random()::text || clock_timestamp()::text), 1, 16));

      -- The head of the change feed. Every write transaction moves it first and
      -- holds its row lock until it commits: change numbers are issued in commit
      -- order on every node, and a reader that sees head N sees every change up to N.
      CREATE TABLE change_feed (id INTEGER PRIMARY KEY CHECK (id = 1), head BIGINT NOT NULL);
      INSERT INTO change_feed (id, head) VALUES (1, 0);

      CREATE TABLE users (
        id            TEXT COLLATE "C" PRIMARY KEY,
        name          TEXT NOT NULL,
        avatar_url    TEXT,
        is_admin      INTEGER NOT NULL DEFAULT 0,
        created_at    TEXT NOT NULL,
        last_seen_at  TEXT
      );

      CREATE TABLE conversations (
        id            TEXT COLLATE "C" PRIMARY KEY,
        kind          TEXT NOT NULL CHECK (kind IN ('product', 'support')),
        product_id    TEXT,
        product_json  TEXT,
        buyer_id      TEXT COLLATE "C" REFERENCES users(id),
        supplier_id   TEXT COLLATE "C" REFERENCES users(id),
        subject       TEXT,
        subject_key   TEXT,
        client_id     TEXT COLLATE "C" REFERENCES users(id),
        last_seq      INTEGER NOT NULL DEFAULT 0,
        created_at    TEXT COLLATE "C" NOT NULL,
        updated_at    TEXT COLLATE "C" NOT NULL,
        change_seq    BIGINT NOT NULL
      );
      CREATE UNIQUE INDEX conversations_product_key
        ON conversations (product_id, buyer_id, supplier_id) WHERE kind = 'product';
      CREATE UNIQUE INDEX conversations_support_key
        ON conversations (client_id, subject_key) WHERE kind = 'support';
      CREATE INDEX conversations_support ON conversations (id) WHERE kind = 'support';

      CREATE TABLE participants (
        conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations(id),
        user_id         TEXT COLLATE "C" NOT NULL REFERENCES users(id),
        role            TEXT NOT NULL CHECK (role IN ('buyer', 'supplier', 'client', 'agent')),
        last_read_seq   INTEGER NOT NULL DEFAULT 0,
        last_read_at    TEXT,
        joined_at       TEXT COLLATE "C" NOT NULL,
        change_seq      BIGINT NOT NULL,
        unread_count    INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (conversation_id, user_id)
      );
      CREATE INDEX participants_user ON participants (user_id, conversation_id);

      CREATE TABLE messages (
        id              TEXT COLLATE "C" PRIMARY KEY,
        conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations(id),
        seq             INTEGER NOT NULL,
        client_id       TEXT NOT NULL,
        sender_id       TEXT COLLATE "C" NOT NULL REFERENCES users(id),
        from_admin      INTEGER NOT NULL DEFAULT 0,
        body            TEXT NOT NULL,
        reply_to_id     TEXT,
        created_at      TEXT NOT NULL,
        edited_at       TEXT,
        deleted_at      TEXT,
        change_seq      BIGINT NOT NULL
      );
      CREATE UNIQUE INDEX messages_conversation_seq ON messages (conversation_id, seq);
      CREATE UNIQUE INDEX messages_sender_client ON messages (sender_id, client_id);
      -- sync: the changes of one conversation after a cursor
      CREATE INDEX messages_conversation_change ON messages (conversation_id, change_seq);
    `,
  },
  {
    version: 2,
    name: 'the marketplace directory: products, user emails and locales, erasure',
    sql: `
      -- What the marketplace's backend registers through the server API: product
      -- cards and their suppliers come from here, never from a browser.
      ALTER TABLE users ADD COLUMN email TEXT;
      ALTER TABLE users ADD COLUMN locale TEXT;
      ALTER TABLE users ADD COLUMN erased_at TEXT;
      CREATE TABLE products (
        id          TEXT COLLATE "C" PRIMARY KEY,
        title       TEXT NOT NULL,
        price       TEXT,
        image_url   TEXT,
        url         TEXT,
        supplier_id TEXT COLLATE "C" NOT NULL REFERENCES users(id),
        updated_at  TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'session revocations',
    sql: `
      -- Tokens of a user issued (iat) before revoked_before (ms since the epoch) are refused.
      CREATE TABLE session_revocations (
        user_id         TEXT COLLATE "C" PRIMARY KEY,
        revoked_before  BIGINT NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'webhook events and deliveries',
    sql: `
      -- Written in the same transaction as the change they report (only when
      -- webhooks are configured); nodes take them with FOR UPDATE SKIP LOCKED.
      CREATE TABLE outbox_events (
        id          TEXT COLLATE "C" PRIMARY KEY,
        type        TEXT NOT NULL,
        payload     TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        dispatched  INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX outbox_events_undispatched ON outbox_events (id) WHERE dispatched = 0;
      CREATE TABLE webhook_deliveries (
        id               TEXT COLLATE "C" PRIMARY KEY,
        event_id         TEXT NOT NULL,
        endpoint         TEXT NOT NULL,
        type             TEXT NOT NULL,
        payload          TEXT NOT NULL,
        created_at       TEXT COLLATE "C" NOT NULL,
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  BIGINT NOT NULL,
        locked_until     BIGINT,
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
    version: 5,
    name: 'unread while away: what each participant was told about',
    sql: `
      -- The last message a participant was notified of (webhook message.unread, email).
      ALTER TABLE participants ADD COLUMN notified_seq INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 6,
    name: 'contact details hidden from the other side',
    sql: `
      -- The text as recipients read it when CONTACT_MASKING hid something (NULL: nothing hidden).
      ALTER TABLE messages ADD COLUMN masked_body TEXT;
    `,
  },
  {
    version: 7,
    name: "email digests: the outbox and each user's preference",
    sql: `
      -- Off once the user unsubscribed (or the marketplace said so); a new user gets emails.
      ALTER TABLE users ADD COLUMN email_notifications INTEGER NOT NULL DEFAULT 1;
      -- One row per digest to send, written in the same transaction that marks
      -- the burst notified; nodes take rows with FOR UPDATE SKIP LOCKED and a lease.
      CREATE TABLE email_outbox (
        id               TEXT COLLATE "C" PRIMARY KEY,
        user_id          TEXT COLLATE "C" NOT NULL,
        payload          TEXT NOT NULL,
        created_at       TEXT COLLATE "C" NOT NULL,
        state            TEXT NOT NULL DEFAULT 'pending',
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  BIGINT NOT NULL DEFAULT 0,
        locked_until     BIGINT,
        finished_at      TEXT,
        last_error       TEXT,
        smtp_response    TEXT
      );
      CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at, id) WHERE state = 'pending';
    `,
  },
  {
    version: 8,
    name: 'blocks and reports',
    sql: `
      CREATE TABLE blocks (
        blocker_id  TEXT COLLATE "C" NOT NULL,
        blocked_id  TEXT COLLATE "C" NOT NULL,
        created_at  TEXT NOT NULL,
        PRIMARY KEY (blocker_id, blocked_id)
      );
      CREATE INDEX blocks_blocked ON blocks (blocked_id, blocker_id);
      CREATE TABLE reports (
        id               TEXT COLLATE "C" PRIMARY KEY,
        reporter_id      TEXT NOT NULL,
        conversation_id  TEXT NOT NULL,
        message_id       TEXT,
        reason           TEXT NOT NULL,
        note             TEXT,
        status           TEXT NOT NULL,
        created_at       TEXT COLLATE "C" NOT NULL,
        resolved_at      TEXT,
        resolved_by      TEXT,
        resolution_note  TEXT
      );
      CREATE INDEX reports_queue ON reports (status, created_at);
    `,
  },
  {
    version: 9,
    name: 'moderation: removed messages, suspended users, the audit log',
    sql: `
      ALTER TABLE messages ADD COLUMN removed_at TEXT;
      ALTER TABLE messages ADD COLUMN removed_body TEXT;
      ALTER TABLE users ADD COLUMN suspended_at TEXT;
      CREATE TABLE moderation_log (
        id            TEXT COLLATE "C" PRIMARY KEY,
        at            TEXT NOT NULL,
        moderator_id  TEXT NOT NULL,
        action        TEXT NOT NULL,
        target_id     TEXT NOT NULL,
        reason        TEXT
      );
    `,
  },
  {
    version: 10,
    name: 'attachments',
    sql: `
      ALTER TABLE messages ADD COLUMN attachments_json TEXT;
      CREATE TABLE attachments (
        id               TEXT COLLATE "C" PRIMARY KEY,
        uploader_id      TEXT NOT NULL,
        name             TEXT NOT NULL,
        type             TEXT NOT NULL,
        size             BIGINT NOT NULL,
        width            INTEGER,
        height           INTEGER,
        placeholder      TEXT,
        file_key         TEXT NOT NULL,
        preview_key      TEXT,
        preview_size     BIGINT,
        created_at       TEXT NOT NULL,
        message_id       TEXT,
        conversation_id  TEXT,
        discarded_at     TEXT
      );
      CREATE INDEX attachments_uploader ON attachments (uploader_id, created_at);
      CREATE INDEX attachments_message ON attachments (message_id) WHERE message_id IS NOT NULL;
      CREATE INDEX attachments_unsent ON attachments (created_at) WHERE message_id IS NULL;
      CREATE INDEX attachments_discarded ON attachments (discarded_at) WHERE discarded_at IS NOT NULL;
    `,
  },
  SEARCH_MIGRATION,
  {
    version: 14,
    name: 'emoji reactions',
    sql: `
      CREATE TABLE reactions (
        message_id  TEXT COLLATE "C" NOT NULL,
        emoji       TEXT COLLATE "C" NOT NULL,
        user_id     TEXT COLLATE "C" NOT NULL,
        created_at  TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (message_id, emoji, user_id)
      );
      CREATE INDEX reactions_by_user ON reactions (user_id);
      ALTER TABLE messages ADD COLUMN reactions_json TEXT;
      ALTER TABLE messages ADD COLUMN reacted_at TEXT;
    `,
  },
];

/** Applies the migrations not applied yet, each in its own transaction, one node at a time. */
export async function applyPostgresMigrations(
  pool: pg.Pool,
  migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS,
): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((row) => row.version));
      const done: number[] = [];
      for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
        if (applied.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            new Date().toISOString(),
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
        done.push(migration.version);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
