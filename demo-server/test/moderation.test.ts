import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Conversation, Message, ModerationLogEntry, Report } from '@palaver/protocol';
import {
  bob,
  carol,
  connectSocket,
  nextEvent,
  ok,
  openProduct,
  sam,
  send,
  startCluster,
  startTestServer,
  type TestServer,
  type TestUser,
} from './helpers.js';
import { SERVER_API_KEY, serverApi } from './server-api-client.js';
import { clusterOnly } from './test-database.js';

const moderator = { moderatorId: 'moderator-ada', reason: 'scam attempt' };

describe('moderation', () => {
  let t: TestServer;
  let api: ReturnType<typeof serverApi>;
  before(async () => {
    t = await startTestServer({ PALAVER_API_KEY: SERVER_API_KEY, CONTACT_MASKING: 'mask' });
    api = serverApi(t.url);
  });
  after(() => t.close());

  it('a removed message reads "removed by moderation" for everyone in it, its sender included; moderators still read it', async () => {
    const buyer = await t.connect(carol);
    const supplier = await t.connect(bob);
    const admin = await t.connect(sam);
    const conversation = await openProduct(buyer);
    const scam = await send(buyer, conversation.id, 'Send the money by Western Union to my cousin');
    assert.equal((await ok(supplier, 'unread:get', {})).conversations[conversation.id], 1);
    const supplierSees = nextEvent(supplier, 'message:updated', (m) => m.id === scam.id);
    const buyerSees = nextEvent(buyer, 'message:updated', (m) => m.id === scam.id);
    const removed = await api<{ message: Message }>('POST', `/messages/${scam.id}/remove`, moderator);
    assert.equal(removed.status, 200);
    assert.equal(removed.body.message.body, scam.body);
    for (const seen of [await supplierSees, await buyerSees]) {
      assert.deepEqual([seen.body, seen.removedByModeration], ['', true]);
    }
    for (const socket of [buyer, supplier]) {
      const { messages } = await ok(socket, 'messages:history', { conversationId: conversation.id });
      assert.deepEqual([messages[0]?.body, messages[0]?.removedByModeration], ['', true]);
    }
    const moderatorHistory = await ok(admin, 'messages:history', { conversationId: conversation.id });
    assert.equal(moderatorHistory.messages[0]?.body, scam.body);
    // It no longer counts as unread.
    assert.equal((await ok(supplier, 'unread:get', {})).conversations[conversation.id] ?? 0, 0);
    assert.equal((await api('POST', '/messages/nope/remove', moderator)).status, 404);
    assert.equal((await api('POST', `/messages/${scam.id}/remove`, { moderatorId: 'm' })).status, 400);
  });

  it('a suspended account is cut off and refused with `suspended`, its counterparts see it; reinstating lets it back', async () => {
    const seller: TestUser = { id: 'supplier-suspect', name: 'Suspect Seller' };
    await api('PUT', `/users/${seller.id}`, { name: seller.name });
    const sellerSocket = await t.connect(seller);
    const buyer = await t.connect(carol);
    const conversation = await openProduct(buyer, seller);
    await send(buyer, conversation.id, 'Is this genuine?');
    const ended = nextEvent(sellerSocket, 'session:ended', () => true);
    const told = nextEvent(buyer, 'conversation:updated', (c) => c.id === conversation.id);
    const suspended = await api('POST', `/users/${seller.id}/suspend`, moderator);
    assert.equal(suspended.status, 200);
    assert.equal((await ended).code, 'suspended');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(sellerSocket.connected, false);
    assert.equal((await told).participants.find((p) => p.userId === seller.id)?.suspended, true);
    await assert.rejects(connectSocket(t.url, await t.token(seller)), (error: Error & { data?: { code?: string } }) => {
      assert.equal(error.data?.code, 'suspended');
      return true;
    });
    const rest = await t.rest<{ error: { code: string } }>(seller, 'GET', '/api/conversations');
    assert.deepEqual([rest.status, rest.body.error.code], [403, 'suspended']);
    const listed = await t.rest<{ conversations: Conversation[] }>(carol, 'GET', '/api/conversations');
    const seen = listed.body.conversations.find((c) => c.id === conversation.id);
    assert.equal(seen?.participants.find((p) => p.userId === seller.id)?.suspended, true);

    assert.equal(
      (await api('POST', `/users/${seller.id}/reinstate`, { ...moderator, reason: 'appeal accepted' })).status,
      200,
    );
    const back = await t.connect(seller);
    assert.equal(back.connected, true);
    const again = await ok(back, 'messages:history', { conversationId: conversation.id });
    assert.equal(again.messages.length, 1);
    assert.equal((await api('POST', '/users/nobody-here/suspend', moderator)).status, 404);
  });

  it('every moderator action is in the audit log; moderators search every conversation', async () => {
    const buyer = await t.connect(carol);
    const supplier: TestUser = { id: 'supplier-searchable', name: 'Searchable' };
    const conversation = await openProduct(buyer, supplier);
    const message = await send(buyer, conversation.id, 'My number is 06 12 34 56 78, call me about the WALNUT table');
    const reporter = await t.connect(supplier);
    const { report } = await ok(reporter, 'report:create', {
      conversationId: conversation.id,
      messageId: message.id,
      reason: 'off_platform',
    });
    await api<{ report: Report }>('POST', `/reports/${report.id}/resolve`, {
      status: 'dismissed',
      moderatorId: 'moderator-bo',
      note: 'harmless',
    });
    await api<{ report: Report }>('POST', `/reports/${report.id}/resolve`, {
      status: 'resolved',
      moderatorId: 'moderator-bo',
    });
    const { body } = await api<{ entries: ModerationLogEntry[] }>('GET', '/moderation/log');
    const actions = body.entries.map((e) => `${e.action} ${e.moderatorId}`);
    assert.ok(actions.includes('message.removed moderator-ada'));
    assert.ok(actions.includes('user.suspended moderator-ada'));
    assert.ok(actions.includes('user.reinstated moderator-ada'));
    assert.equal(actions.filter((a) => a === 'report.dismissed moderator-bo').length, 1);
    assert.ok(!actions.includes('report.resolved moderator-bo'), 'a report is closed once');
    assert.equal(body.entries.find((e) => e.action === 'user.reinstated')?.reason, 'appeal accepted');

    const search = (query: string) => api<{ conversations: Conversation[] }>('GET', `/moderation/search?${query}`);
    const byText = await search('q=walnut');
    assert.deepEqual(
      byText.body.conversations.map((c) => c.id),
      [conversation.id],
    );
    // Moderators search and read what was written, masked or not.
    assert.match(byText.body.conversations[0]?.lastMessage?.body ?? '', /06 12 34 56 78/);
    assert.ok((await search(`userId=${supplier.id}`)).body.conversations.some((c) => c.id === conversation.id));
    assert.ok((await search('productId=p-mug')).body.conversations.some((c) => c.id === conversation.id));
    assert.deepEqual((await search('q=50%25_off')).body.conversations, []);
    assert.equal((await search('')).status, 400);
  });
});

describe('moderation by signed-in admins (the console)', () => {
  it('admins act under their own id through /api/moderation; anyone else is forbidden', async () => {
    const t = await startTestServer();
    try {
      const buyer = await t.connect(carol);
      const conversation = await openProduct(buyer);
      const message = await send(buyer, conversation.id, 'spam spam spam');
      await ok(buyer, 'report:create', { conversationId: conversation.id, messageId: message.id, reason: 'spam' });
      for (const [method, path, body] of [
        ['GET', '/api/moderation/reports', undefined],
        ['GET', '/api/moderation/log', undefined],
        ['GET', '/api/moderation/search?q=spam', undefined],
        ['POST', `/api/moderation/messages/${message.id}/remove`, { reason: 'x' }],
        ['POST', `/api/moderation/users/${bob.id}/suspend`, { reason: 'x' }],
      ] as const) {
        assert.equal((await t.rest(carol, method, path, body)).status, 403, path);
      }
      const queue = await t.rest<{ reports: Report[] }>(sam, 'GET', '/api/moderation/reports?status=open');
      const report = queue.body.reports.find((r) => r.messageId === message.id);
      assert.ok(report);
      const removed = await t.rest<{ message: Message }>(sam, 'POST', `/api/moderation/messages/${message.id}/remove`, {
        reason: 'spam',
      });
      assert.deepEqual([removed.status, removed.body.message.body], [200, 'spam spam spam']);
      await t.rest(sam, 'POST', `/api/moderation/reports/${report?.id}/resolve`, {
        status: 'resolved',
        note: 'removed',
      });
      const log = await t.rest<{ entries: ModerationLogEntry[] }>(sam, 'GET', '/api/moderation/log');
      assert.deepEqual(
        log.body.entries.map((e) => [e.action, e.moderatorId]).sort(),
        [
          ['message.removed', sam.id],
          ['report.resolved', sam.id],
        ].sort(),
      );
      const found = await t.rest<{ conversations: Conversation[] }>(sam, 'GET', '/api/moderation/search?q=spam');
      assert.deepEqual(
        found.body.conversations.map((c) => c.id),
        [conversation.id],
      );
      assert.equal((await t.rest(sam, 'POST', `/api/moderation/users/${sam.id}/suspend`, { reason: 'x' })).status, 400);
    } finally {
      await t.close();
    }
  });
});

describe('moderator actions are rate-limited', () => {
  it('refuses an admin’s actions beyond RATE_LIMIT_MODERATION', async () => {
    const t = await startTestServer({ RATE_LIMIT_MODERATION: '2' });
    try {
      const buyer = await t.connect(carol);
      const conversation = await openProduct(buyer);
      const messages = [];
      for (let i = 0; i < 3; i++) messages.push(await send(buyer, conversation.id, `spam ${i}`));
      const remove = (id: string) =>
        t.rest<{ error?: { code: string; retryAfterMs?: number } }>(
          sam,
          'POST',
          `/api/moderation/messages/${id}/remove`,
          {
            reason: 'spam',
          },
        );
      assert.equal((await remove(messages[0]?.id as string)).status, 200);
      assert.equal((await remove(messages[1]?.id as string)).status, 200);
      const third = await remove(messages[2]?.id as string);
      assert.deepEqual([third.status, third.body.error?.code], [429, 'rate_limited']);
      assert.ok((third.body.error?.retryAfterMs ?? 0) > 0);
    } finally {
      await t.close();
    }
  });
});

describe('suspension on a cluster', () => {
  it('closes the account’s sockets on every node within a second', { skip: clusterOnly() }, async () => {
    const cluster = await startCluster({ PALAVER_API_KEY: SERVER_API_KEY });
    try {
      const user: TestUser = { id: 'buyer-cluster-suspended', name: 'Buyer' };
      const onA = await cluster.a.connect(user);
      const onB = await cluster.b.connect(user);
      const started = Date.now();
      const closed = Promise.all(
        [onA, onB].map((socket) => new Promise<void>((resolve) => socket.once('disconnect', () => resolve()))),
      );
      assert.equal((await serverApi(cluster.a.url)('POST', `/users/${user.id}/suspend`, moderator)).status, 200);
      await closed;
      assert.ok(Date.now() - started < 1000);
      await assert.rejects(cluster.b.connect(user));
    } finally {
      await cluster.close();
    }
  });
});
