import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Message } from '@palaver/protocol';
import { alice, bob, connectAs, ok, productOpen, spawnServer } from './helpers.js';
import { databaseEnv, dropDatabase, onPostgres } from './test-database.js';

describe('durability', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'palaver-kill-'));
  });
  after(async () => {
    await dropDatabase(dir);
    await dropDatabase(dir, 'graceful.db');
    await dropDatabase(dir, 'silent-peer.db');
    rmSync(dir, { recursive: true, force: true });
  });

  it('killed with SIGKILL right after acks: every acked message survives, seq continues, idempotency holds', async () => {
    const env = { ...(await databaseEnv(dir)), RATE_LIMIT_MESSAGES: '100000' };
    const first = await spawnServer(env);
    const aliceSocket = await connectAs(first.url, alice);
    const bobSocket = await connectAs(first.url, bob);
    const { conversation } = await ok(
      aliceSocket,
      'conversation:open',
      productOpen({ product: { id: 'p-durable', title: 'Anvil' }, supplierId: bob.id, supplierName: bob.name }),
    );
    // Many sends in flight at once, from both sides; kill the moment the last ack arrives.
    const acked: Message[] = [];
    const sends = Array.from({ length: 60 }, (_, i) =>
      ok(i % 3 === 0 ? bobSocket : aliceSocket, 'message:send', {
        clientId: `durable-${i}`,
        conversationId: conversation.id,
        body: `message ${i}`,
      }).then(({ message }) => {
        acked.push(message);
      }),
    );
    await Promise.all(sends);
    await first.stop('SIGKILL');
    aliceSocket.close();
    bobSocket.close();
    assert.equal(acked.length, 60);

    const second = await spawnServer(env);
    try {
      const again = await connectAs(second.url, alice);
      const { messages } = await ok(again, 'messages:history', { conversationId: conversation.id, limit: 100 });
      const stored = new Map(messages.map((m) => [m.id, m]));
      for (const message of acked) assert.deepEqual(stored.get(message.id), message);
      assert.deepEqual(
        messages.map((m) => m.seq),
        Array.from({ length: 60 }, (_, i) => i + 1),
      );
      // seq continues after the crash
      const next = await ok(again, 'message:send', {
        clientId: 'after-crash',
        conversationId: conversation.id,
        body: 'back',
      });
      assert.equal(next.message.seq, 61);
      // a resend of a message acked before the crash is still recognised
      const resend = await ok(again, 'message:send', {
        clientId: 'durable-1',
        conversationId: conversation.id,
        body: 'message 1',
      });
      assert.deepEqual(
        resend.message,
        acked.find((m) => m.clientId === 'durable-1'),
      );
      // and a sync cursor taken before the crash still works (no reset)
      const head = await ok(again, 'sync', { cursor: null });
      assert.equal(head.reset, true);
      const after = await ok(again, 'sync', { cursor: head.cursor });
      assert.equal(after.reset, undefined);
      again.close();
    } finally {
      await second.stop('SIGKILL');
    }
  });

  it('SIGTERM stops gracefully: the process exits 0 and the database is closed cleanly', async () => {
    const env = await databaseEnv(dir, 'graceful.db');
    const server = await spawnServer(env);
    const socket = await connectAs(server.url, alice);
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));
    assert.equal(await server.stop('SIGTERM'), 0);
    await disconnected;
    if (!onPostgres) {
      // A clean close checkpoints the write-ahead log into the file and removes it.
      assert.equal(existsSync(`${env.DATABASE_PATH}-wal`), false);
      assert.equal(existsSync(env.DATABASE_PATH as string), true);
    }
    socket.close();
  });

  it('SIGTERM is not held up by a WebSocket peer that never answers the closing handshake', async () => {
    const server = await spawnServer(await databaseEnv(dir, 'silent-peer.db'));
    // A raw upgrade that then stops reading: a frozen tab, a dead mobile link.
    const silent = connect(Number(new URL(server.url).port), '127.0.0.1');
    await new Promise((resolve) => silent.once('connect', resolve));
    silent.write(
      'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n' +
        'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await new Promise((resolve) => silent.once('data', resolve));
    silent.pause();
    const started = Date.now();
    assert.equal(await server.stop('SIGTERM'), 0);
    // The WebSocket library waits 30 s for the answer; a deploy must not.
    assert.ok(Date.now() - started < 10_000, `stopped after ${Date.now() - started} ms`);
    silent.destroy();
  });
});
