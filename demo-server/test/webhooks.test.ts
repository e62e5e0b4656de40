import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Message } from '@palaver/protocol';
import {
  bob,
  carol,
  connectAs,
  ok,
  openProduct,
  send,
  spawnServer,
  startCluster,
  startTestServer,
  type TestUser,
} from './helpers.js';
import { SERVER_API_KEY, serverApi } from './server-api-client.js';
import { clusterOnly, databaseEnv, dropDatabase } from './test-database.js';
import { startReceiver, WEBHOOK_SECRET } from './webhook-receiver.js';

const fast = (url: string) => ({
  WEBHOOK_URL: url,
  WEBHOOK_SECRET,
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_POLL_MS: '20',
  WEBHOOK_TIMEOUT_MS: '500',
  PALAVER_API_KEY: SERVER_API_KEY,
});

describe('webhooks', () => {
  it('a receiver that fails three times gets each event once it answers 2xx, signed, once per delivery id', async () => {
    const receiver = await startReceiver((attemptsBefore) => (attemptsBefore < 3 ? 503 : 200));
    const t = await startTestServer(fast(receiver.url));
    try {
      const buyer = await t.connect(carol);
      const conversation = await openProduct(buyer);
      const message = await send(buyer, conversation.id, 'Is the mug dishwasher safe?');
      const accepted = await receiver.waitForAccepted(2);
      assert.deepEqual(accepted.map((entry) => entry.event).sort(), ['conversation.created', 'message.created']);
      for (const entry of accepted) {
        assert.equal(entry.signatureValid, true);
        assert.equal(receiver.received.filter((r) => r.deliveryId === entry.deliveryId).length, 4);
      }
      const created = accepted.find((entry) => entry.event === 'message.created');
      assert.equal((created?.body.data.message as Message | undefined)?.id, message.id);
      assert.deepEqual(created?.body.data.recipientIds, [bob.id]);
      const started = accepted.find((entry) => entry.event === 'conversation.created');
      assert.deepEqual(
        [started?.body.data.conversationId, [...((started?.body.data.participantIds as string[]) ?? [])].sort()],
        [conversation.id, [bob.id, carol.id].sort()],
      );
      // Nothing more comes: a delivered event is not repeated.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(receiver.accepted().length, 2);
      const listed = await serverApi(t.url)<{ deliveries: Array<{ id: string; attempts: number }> }>(
        'GET',
        '/webhooks/deliveries?state=delivered',
      );
      assert.deepEqual(
        listed.body.deliveries.map((d) => d.attempts),
        [4, 4],
      );
      const metrics = await t.metricsText();
      assert.match(metrics, /palaver_webhook_attempts_total\{outcome="retry"\} 6/);
    } finally {
      await t.close();
      await receiver.close();
    }
  });

  it('finished deliveries are deleted after DELIVERY_RETENTION_DAYS; those under way are kept', async () => {
    // One receiver answers, the other never does: a delivered pair and a pending pair.
    const receiver = await startReceiver();
    const dead = await startReceiver(() => 503);
    // 0.00002 days is 1.7 s: finished deliveries go about two seconds after they finish.
    const t = await startTestServer({
      ...fast(`${receiver.url},${dead.url}`),
      WEBHOOK_RETRY_BASE_MS: '600000',
      DELIVERY_RETENTION_DAYS: '0.00002',
    });
    try {
      const buyer = await t.connect(carol);
      const conversation = await openProduct(buyer);
      await send(buyer, conversation.id, 'Do you ship to Lyon?');
      await receiver.waitForAccepted(2);
      const list = async (state: string) =>
        (
          await serverApi(t.url)<{ deliveries: Array<{ endpoint: string }> }>(
            'GET',
            `/webhooks/deliveries?state=${state}`,
          )
        ).body.deliveries;
      // Answered, then recorded: both are listed as delivered, and later neither is.
      const until = async (check: (count: number) => boolean) => {
        const deadline = Date.now() + 10_000;
        let count = (await list('delivered')).length;
        while (!check(count) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          count = (await list('delivered')).length;
        }
        return count;
      };
      assert.equal(await until((count) => count === 2), 2);
      assert.equal(await until((count) => count === 0), 0);
      // The dead receiver's deliveries are still waiting for their next attempt.
      assert.deepEqual(
        (await list('pending')).map((d) => d.endpoint),
        [dead.url, dead.url],
      );
    } finally {
      await t.close();
      await receiver.close();
      await dead.close();
    }
  });

  it('records nothing for a conversation nobody wrote in; edits and deletes are message.updated', async () => {
    const receiver = await startReceiver();
    const t = await startTestServer(fast(receiver.url));
    try {
      const buyer = await t.connect(carol);
      await openProduct(buyer);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(receiver.received.length, 0);
      const conversation = await openProduct(buyer);
      const message = await send(buyer, conversation.id, 'first');
      await ok(buyer, 'message:edit', { messageId: message.id, body: 'first, edited' });
      await ok(buyer, 'message:delete', { messageId: message.id });
      await ok(buyer, 'report:create', { conversationId: conversation.id, reason: 'spam' });
      const accepted = await receiver.waitForAccepted(5);
      const reported = accepted.find((entry) => entry.event === 'report.created');
      assert.equal(
        (reported?.body.data.report as { conversationId?: string } | undefined)?.conversationId,
        conversation.id,
      );
      // Deliveries are not ordered (several go at once); event ids are time-ordered.
      const updates = accepted
        .filter((entry) => entry.event === 'message.updated')
        .sort((a, b) => a.body.id.localeCompare(b.body.id));
      assert.deepEqual(
        updates.map((entry) => (entry.body.data.message as Message).body),
        ['first, edited', ''],
      );
      assert.ok((updates[1]?.body.data.message as Message | undefined)?.deletedAt);
    } finally {
      await t.close();
      await receiver.close();
    }
  });

  it('message.unread: one event per burst for someone away; nothing for who reads in time or is online', async () => {
    const receiver = await startReceiver();
    const t = await startTestServer({
      ...fast(receiver.url),
      NOTIFY_AFTER_MINUTES: '0.005', // 300 ms
      NOTIFY_SCAN_MS: '50',
    });
    const away: TestUser = { id: 'supplier-away', name: 'Away Supplier' };
    const reader: TestUser = { id: 'supplier-reader', name: 'Quick Reader' };
    const present: TestUser = { id: 'supplier-present', name: 'Always Online' };
    const unreadFor = (userId: string) =>
      receiver.accepted().filter((entry) => entry.event === 'message.unread' && entry.body.data.userId === userId);
    try {
      const buyer = await t.connect(carol);
      const readerSocket = await t.connect(reader);
      const presentSocket = await t.connect(present);
      const toAway = await openProduct(buyer, away);
      const toReader = await openProduct(buyer, reader);
      const toPresent = await openProduct(buyer, present);
      for (let i = 0; i < 5; i++) await send(buyer, toAway.id, `burst ${i}`);
      const last = await send(buyer, toReader.id, 'read me quickly');
      await send(buyer, toPresent.id, 'you are online');
      await ok(readerSocket, 'conversation:read', { conversationId: toReader.id, seq: last.seq });
      readerSocket.disconnect();

      await receiver.waitForAccepted(1, 5000);
      await new Promise((resolve) => setTimeout(resolve, 800));
      const events = unreadFor(away.id);
      assert.equal(events.length, 1);
      const digest = events[0]?.body.data as {
        totalUnread: number;
        conversations: Array<{ conversationId: string; latest: Message[] }>;
      };
      assert.equal(digest.totalUnread, 5);
      assert.deepEqual(
        digest.conversations.map((c) => [c.conversationId, c.latest.map((m) => m.body)]),
        [[toAway.id, ['burst 0', 'burst 1', 'burst 2', 'burst 3', 'burst 4']]],
      );
      assert.deepEqual(unreadFor(reader.id), []);
      assert.deepEqual(unreadFor(present.id), []);
      presentSocket.disconnect();

      // A new burst is a new event, with everything still unread.
      await send(buyer, toAway.id, 'anyone there?');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.equal(unreadFor(away.id).length, 2);
      assert.equal((unreadFor(away.id)[1]?.body.data as { totalUnread: number } | undefined)?.totalUnread, 6);
    } finally {
      await t.close();
      await receiver.close();
    }
  });

  it('a server killed between commit and delivery, and during a delivery, loses nothing', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'palaver-webhooks-'));
    const database = await databaseEnv(folder);
    // One receiver address throughout: first nobody listens there (connection refused),
    // then a receiver that hangs mid-request, then one that answers.
    const probe = await startReceiver();
    const { url } = probe;
    const port = Number(new URL(url).port);
    await probe.close();
    try {
      const first = await spawnServer({ ...database, ...fast(url) });
      const buyer = await connectAs(first.url, carol);
      const conversation = await openProduct(buyer);
      const sent: Message[] = [];
      for (let i = 0; i < 5; i++) sent.push(await send(buyer, conversation.id, `message ${i}`));
      buyer.disconnect();
      await first.stop('SIGKILL');

      const hanging = await startReceiver(() => 'hang', port);
      const second = await spawnServer({ ...database, ...fast(url) });
      // Let it start sending into the hanging receiver, then kill it mid-request.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await second.stop('SIGKILL');
      await hanging.close();

      const receiver = await startReceiver(() => 200, port);
      const third = await spawnServer({ ...database, ...fast(url) });
      try {
        const accepted = await receiver.waitForAccepted(6, 20_000);
        const created = accepted.filter((entry) => entry.event === 'message.created');
        assert.deepEqual(
          created.map((entry) => (entry.body.data.message as Message).id).sort(),
          sent.map((message) => message.id).sort(),
        );
        // Each event once, whatever the crashes did.
        assert.equal(new Set(accepted.map((entry) => entry.body.id)).size, accepted.length);
        assert.ok(accepted.every((entry) => entry.signatureValid));
      } finally {
        await third.stop('SIGTERM');
        await receiver.close();
      }
    } finally {
      await dropDatabase(folder);
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('two nodes never both deliver the same event', { skip: clusterOnly() }, async () => {
    const receiver = await startReceiver();
    const cluster = await startCluster(fast(receiver.url));
    try {
      const onA = await cluster.a.connect(carol);
      const onB = await cluster.b.connect(bob);
      const conversation = await openProduct(onA);
      const total = 40;
      for (let i = 0; i < total; i++) await send(i % 2 ? onB : onA, conversation.id, `message ${i}`);
      const accepted = await receiver.waitForAccepted(total + 1, 20_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(receiver.received.length, total + 1);
      assert.equal(new Set(receiver.received.map((entry) => entry.body.id)).size, total + 1);
      assert.equal(accepted.filter((entry) => entry.event === 'message.created').length, total);
    } finally {
      await cluster.close();
      await receiver.close();
    }
  });
});
