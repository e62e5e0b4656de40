import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Message } from '@palaver/protocol';
import Database from 'better-sqlite3';
import { io } from 'socket.io-client';
import { ConfigError, loadConfig } from '../src/config.js';
import { SAFETY_NET_PAGES } from '../src/db/sqlite/checkpointer.js';
import { applyMigrations, openDatabase } from '../src/db/sqlite/database.js';
import { MIGRATIONS } from '../src/db/sqlite/migrations.js';
import { alice, bob, type ClientSocket, connectSocket, ok, openProduct, send, startTestServer } from './helpers.js';
import { onPostgres, sqliteOnly } from './test-database.js';

describe('configuration', () => {
  const valid = { JWT_SECRET: 'x'.repeat(32) };

  it('has working defaults', () => {
    const config = loadConfig(valid);
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.databasePath, './data/palaver.db');
    assert.equal(config.messageMaxLength, 5000);
    assert.equal(config.rateLimitMessages, 30);
    assert.deepEqual(config.corsOrigins, []);
    assert.equal(config.demo, false);
  });

  it('a bad value stops the server with a message naming the variable', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'JWT_SECRET'],
      [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
      [{ ...valid, PORT: 'eighty' }, 'PORT'],
      [{ ...valid, PORT: '70000' }, 'PORT'],
      [{ ...valid, MESSAGE_MAX_LENGTH: '0' }, 'MESSAGE_MAX_LENGTH'],
      [{ ...valid, RATE_LIMIT_MESSAGES: '-5' }, 'RATE_LIMIT_MESSAGES'],
      [{ ...valid, CORS_ORIGIN: 'https://ok.example, not a url' }, 'CORS_ORIGIN'],
      [{ ...valid, CORS_ORIGIN: 'https://shop.example/path' }, 'CORS_ORIGIN'],
      [{ ...valid, LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
      [{ ...valid, DEMO: 'yes' }, 'DEMO'],
      [{ ...valid, DB_SYNCHRONOUS: 'OFF' }, 'DB_SYNCHRONOUS'],
      [{ ...valid, GROUP_COMMIT_WINDOW_MS: '500' }, 'GROUP_COMMIT_WINDOW_MS'],
    ];
    for (const [env, variable] of cases) {
      assert.throws(
        () => loadConfig(env),
        (error: Error) => error instanceof ConfigError && error.message.includes(variable),
        JSON.stringify(env),
      );
    }
  });

  it('DEMO=1 runs without a secret by generating one, and says so', () => {
    const config = loadConfig({ DEMO: '1' });
    assert.equal(config.demo, true);
    assert.equal(config.jwtSecretGenerated, true);
    assert.ok(config.jwtSecret.length >= 32);
    assert.deepEqual(loadConfig({ ...valid, CORS_ORIGIN: 'https://a.example, http://localhost:8000' }).corsOrigins, [
      'https://a.example',
      'http://localhost:8000',
    ]);
  });
});

describe('database', () => {
  it('applies migrations once, in order, and records them', { skip: sqliteOnly('the SQLite migrations') }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'palaver-migrate-'));
    try {
      const path = join(dir, 'm.db');
      const db = openDatabase({ path, synchronous: 'NORMAL' });
      const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
      assert.deepEqual(
        versions,
        MIGRATIONS.map((m) => m.version),
      );
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      db.close();
      const reopened = openDatabase({ path, synchronous: 'NORMAL' });
      assert.equal(reopened.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get(), MIGRATIONS.length);
      // every query path has its index
      const indexes = reopened.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all();
      for (const name of [
        'messages_conversation_seq',
        'messages_sender_client',
        'messages_changed_later',
        'participants_user',
        'conversations_support',
      ]) {
        assert.ok(indexes.includes(name), name);
      }
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('upgrading a database', () => {
  it('counts the unread messages of a database made before counts were stored', {
    skip: sqliteOnly('a SQLite file from an older version'),
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'palaver-upgrade-'));
    const path = join(dir, 'old.db');
    try {
      const old = new Database(path);
      applyMigrations(old, MIGRATIONS.slice(0, 1));
      const at = '2026-01-01T00:00:00.000Z';
      old.exec(`
        INSERT INTO users (id, name, created_at) VALUES ('b', 'Buyer', '${at}'), ('s', 'Supplier', '${at}');
        INSERT INTO conversations (id, kind, last_seq, created_at, updated_at, change_seq)
          VALUES ('c', 'product', 5, '${at}', '${at}', 1);
        INSERT INTO participants (conversation_id, user_id, role, last_read_seq, joined_at, change_seq)
          VALUES ('c', 'b', 'buyer', 1, '${at}', 1), ('c', 's', 'supplier', 5, '${at}', 1);
        INSERT INTO messages (id, conversation_id, seq, client_id, sender_id, body, created_at, deleted_at, change_seq)
          VALUES ('m1', 'c', 1, 'k1', 's', 'read', '${at}', NULL, 1),
                 ('m2', 'c', 2, 'k2', 's', 'unread', '${at}', NULL, 1),
                 ('m3', 'c', 3, 'k3', 'b', 'own', '${at}', NULL, 1),
                 ('m4', 'c', 4, 'k4', 's', 'deleted', '${at}', '${at}', 1),
                 ('m5', 'c', 5, 'k5', 's', 'unread', '${at}', NULL, 1);`);
      old.close();
      const upgraded = openDatabase({ path, synchronous: 'NORMAL' });
      const counts = upgraded
        .prepare('SELECT user_id, unread_count FROM participants ORDER BY user_id')
        .all() as Array<{ user_id: string; unread_count: number }>;
      assert.deepEqual(
        counts.map((row) => [row.user_id, row.unread_count]),
        [
          ['b', 2],
          ['s', 0],
        ],
      );
      upgraded.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('operations', () => {
  it('/metrics counts sockets, messages, ack latency and errors by code', async () => {
    const t = await startTestServer();
    try {
      const socket = await t.connect(alice);
      const { id } = await openProduct(socket);
      await send(socket, id, 'counted');
      await t.rest(alice, 'GET', '/api/conversations/unknown-id');
      await connectSocket(t.url, 'bad').catch(() => undefined);
      const text = await t.metricsText();
      assert.match(text, /^palaver_connected_sockets 1$/m);
      assert.match(text, /^palaver_messages_sent_total 1$/m);
      assert.match(text, /^palaver_ack_latency_seconds_count\{event="message:send"\} 1$/m);
      assert.match(text, /^palaver_errors_total\{code="not_found"\} 1$/m);
      assert.match(text, /^palaver_errors_total\{code="unauthorized"\} 1$/m);
    } finally {
      await t.close();
    }
  });

  it('group commit: sends arriving together share transactions, each acked after its commit', async () => {
    const t = await startTestServer({ RATE_LIMIT_MESSAGES: '1000' });
    try {
      const sockets = await Promise.all([t.connect(alice), t.connect(alice), t.connect(alice), t.connect(alice)]);
      const { id } = await openProduct(sockets[0] as (typeof sockets)[number]);
      const acks = await Promise.all(
        Array.from({ length: 80 }, (_, i) =>
          ok(sockets[i % 4] as (typeof sockets)[number], 'message:send', {
            clientId: `batch-${i}`,
            conversationId: id,
            body: `m${i}`,
          }),
        ),
      );
      assert.equal(new Set(acks.map((a) => a.message.seq)).size, 80);
      const text = await t.metricsText();
      const sum = Number(/^palaver_commit_batch_size_sum (\d+)$/m.exec(text)?.[1]);
      const count = Number(/^palaver_commit_batch_size_count (\d+)$/m.exec(text)?.[1]);
      assert.equal(sum, 80, 'every message went through a commit');
      assert.ok(count < 80, `fewer transactions (${count}) than messages`);
    } finally {
      await t.close();
    }
  });

  it('group commit window: under load, sends of different moments share a commit; with no window they do not', async () => {
    const spacingMs = onPostgres ? 25 : 5;
    const commitsFor = async (windowMs: string) => {
      const t = await startTestServer({ RATE_LIMIT_MESSAGES: '1000', GROUP_COMMIT_WINDOW_MS: windowMs });
      try {
        const socket = await t.connect(alice);
        const { id } = await openProduct(socket);
        const sends: Array<Promise<unknown>> = [];
        for (let i = 0; i < 10; i++) {
          sends.push(ok(socket, 'message:send', { clientId: `w-${i}`, conversationId: id, body: `m${i}` }));
          await new Promise((resolve) => setTimeout(resolve, spacingMs));
        }
        await Promise.all(sends);
        const text = await t.metricsText();
        return Number(/^palaver_commit_batch_size_count (\d+)$/m.exec(text)?.[1]);
      } finally {
        await t.close();
      }
    };
    // 10 sends a few ms apart (more than a commit takes: a PostgreSQL commit takes longer than a
    // SQLite one): the first commits at once, the rest wait for the window to close.
    const windowMs = onPostgres ? 100 : 80;
    const windows = Math.ceil((10 * spacingMs) / windowMs);
    assert.ok((await commitsFor(String(windowMs))) <= windows + 2, `a window of ${windowMs} ms gathers them`);
    assert.ok((await commitsFor('0')) >= 8, 'without a window each goes alone');
  });

  it('group commit: a clientId sent twice in one batch is stored once, and fails no other send', async () => {
    const t = await startTestServer({ RATE_LIMIT_MESSAGES: '1000' });
    try {
      const sockets = await Promise.all([t.connect(alice), t.connect(alice)]);
      const [first, second] = sockets as [ClientSocket, ClientSocket];
      const { id } = await openProduct(first);
      // Emitted in one tick, so they reach the server together and share a batch.
      const sends = Array.from({ length: 20 }, (_, i) =>
        ok(i % 2 ? first : second, 'message:send', { clientId: `b-${i}`, conversationId: id, body: `m${i}` }),
      );
      const twice = [first, second].map((socket) =>
        ok(socket, 'message:send', { clientId: 'sent-twice', conversationId: id, body: 'once' }),
      );
      const acks = await Promise.all([...sends, ...twice]);
      const [a, b] = acks.slice(-2).map((ack) => ack.message);
      assert.equal(a?.id, b?.id, 'both sends of the clientId get the same message');
      const seqs = [...new Set(acks.map((ack) => ack.message.seq))].sort((x, y) => x - y);
      assert.deepEqual(
        seqs,
        Array.from({ length: 21 }, (_, i) => i + 1),
      );
      const text = await t.metricsText();
      assert.ok(Number(/^palaver_commit_batch_size_count (\d+)$/m.exec(text)?.[1]) < 22, 'they shared a batch');
    } finally {
      await t.close();
    }
  });

  it('/health answers 503 when the database is not usable', async () => {
    const t = await startTestServer();
    try {
      assert.equal((await t.rest(null, 'GET', '/health')).status, 200);
      await t.server.store.close();
      const health = await t.rest<{ status: string; db: string }>(null, 'GET', '/health');
      assert.equal(health.status, 503);
      assert.deepEqual([health.body.status, health.body.db], ['error', 'error']);
    } finally {
      await t.close();
    }
  });

  it('with CORS_ORIGIN set, Socket.IO handshakes from other origins are refused (WebSocket and polling)', async () => {
    const t = await startTestServer({ CORS_ORIGIN: 'https://shop.example' });
    try {
      const token = await t.token(alice);
      const attempt = (origin: string | undefined) =>
        new Promise<string>((resolve) => {
          const socket = io(t.url, {
            auth: { token },
            transports: ['websocket'],
            reconnection: false,
            forceNew: true,
            ...(origin ? { extraHeaders: { origin } } : {}),
          });
          socket.once('connect', () => {
            socket.close();
            resolve('connected');
          });
          socket.once('connect_error', () => {
            socket.close();
            resolve('refused');
          });
        });
      assert.equal(await attempt('https://evil.example'), 'refused');
      assert.equal(await attempt('https://shop.example'), 'connected');
      // Clients that are not browsers send no Origin: CORS is about browsers.
      assert.equal(await attempt(undefined), 'connected');
      const polling = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`, {
        headers: { origin: 'https://evil.example' },
      });
      assert.equal(polling.status, 403);
      const allowedPolling = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`, {
        headers: { origin: 'https://shop.example' },
      });
      assert.equal(allowedPolling.status, 200);
    } finally {
      await t.close();
    }
  });

  it('CORS answers only allowed origins; security headers are set', async () => {
    const t = await startTestServer({ CORS_ORIGIN: 'https://shop.example' });
    try {
      const allowed = await fetch(`${t.url}/health`, { headers: { origin: 'https://shop.example' } });
      assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://shop.example');
      const other = await fetch(`${t.url}/health`, { headers: { origin: 'https://evil.example' } });
      assert.equal(other.headers.get('access-control-allow-origin'), null);
      assert.equal(allowed.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(allowed.headers.get('x-powered-by'), null);
    } finally {
      await t.close();
    }
  });

  it('checkpoints the write-ahead log in a worker thread, not in the commits that answer sends', {
    skip: sqliteOnly('the write-ahead log of SQLite'),
  }, async () => {
    const t = await startTestServer({ RATE_LIMIT_MESSAGES: '1000' });
    try {
      // SQLite's own checkpoint (inside a commit) is only a safety net far above the worker's pace.
      assert.equal(t.server.database?.pragma('wal_autocheckpoint', { simple: true }), SAFETY_NET_PAGES);
      const socket = await t.connect(alice);
      const { id } = await openProduct(socket);
      for (let i = 0; i < 20; i++) await send(socket, id, `to be checkpointed ${i}`);
      const checkpoints = async () => {
        const text = await t.metricsText();
        return Number(/^palaver_wal_checkpoints_total (\d+)/m.exec(text)?.[1] ?? 0);
      };
      const deadline = Date.now() + 5000;
      while ((await checkpoints()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok((await checkpoints()) > 0, 'the worker checkpointed');
    } finally {
      await t.close();
    }
  });

  it('close() answers what is in flight, stores everything it acked, and refuses new work', async () => {
    const t = await startTestServer({ RATE_LIMIT_MESSAGES: '1000' });
    const aliceSocket = await t.connect(alice);
    const { id } = await openProduct(aliceSocket);
    const sends = Array.from({ length: 50 }, (_, i) =>
      aliceSocket
        .timeout(1000)
        .emitWithAck('message:send', { clientId: `closing-${i}`, conversationId: id, body: `m${i}` }),
    );
    await sends[0];
    await t.server.close(); // while the other 49 are on the wire
    const results = await Promise.allSettled(sends);
    const acked = results.flatMap((r) => (r.status === 'fulfilled' && r.value.ok ? [r.value.message.clientId] : []));
    const refused = results.flatMap((r) => (r.status === 'fulfilled' && !r.value.ok ? [r.value.error.code] : []));
    assert.ok(acked.length >= 1);
    assert.ok(
      refused.every((code) => code === 'internal'),
      refused.join(),
    );
    // What is stored, as a server started again on the same database reads it.
    const again = await startTestServer({}, t.dir);
    const history = await again.rest<{ messages: Message[] }>(
      alice,
      'GET',
      `/api/conversations/${id}/messages?limit=100`,
    );
    const stored = history.body.messages.map((message) => message.clientId);
    await again.close();
    for (const clientId of acked) assert.ok(stored.includes(clientId), `acked ${clientId} is stored`);
    await t.close();
  });

  it('DEMO=1 seeds the demo users and issues tokens for them only', async () => {
    const t = await startTestServer({ DEMO: '1' });
    try {
      const users = await t.rest<{ users: Array<{ id: string; role: string }> }>(null, 'GET', '/api/demo/users');
      assert.deepEqual(users.body.users.map((u) => u.role).sort(), ['admin', 'buyer', 'buyer', 'supplier', 'supplier']);
      const products = await t.rest<{
        products: Array<{ supplierId: string; supplierName: string; imageUrl: string }>;
      }>(null, 'GET', '/api/demo/products');
      assert.ok(products.body.products.length >= 4);
      assert.ok(products.body.products.every((p) => p.supplierName && p.imageUrl.startsWith('/')));
      const issued = await t.rest<{ token: string }>(null, 'POST', '/api/demo/token', { userId: 'admin-sam' });
      assert.equal(issued.status, 200);
      const socket = await connectSocket(t.url, issued.body.token);
      // the admin sees support threads: the token carries the role
      const { conversation } = await ok(socket, 'conversation:open', {
        kind: 'support',
        subject: 'Welcome',
        clientUserId: 'buyer-alice',
      });
      assert.equal(conversation.participants.find((p) => p.userId === 'buyer-alice')?.name, 'Alice Martin');
      socket.close();
      const refused = await t.rest<{ error: { code: string } }>(null, 'POST', '/api/demo/token', { userId: bob.id });
      assert.equal(refused.status, 404);
    } finally {
      await t.close();
    }
    const plain = await startTestServer();
    try {
      const none = await plain.rest(null, 'POST', '/api/demo/token', { userId: 'admin-sam' });
      assert.equal(none.status, 401, 'no demo endpoints without DEMO=1');
    } finally {
      await plain.close();
    }
  });
});
