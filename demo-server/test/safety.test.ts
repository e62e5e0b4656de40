import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AckResponse, Report } from '@palaver/protocol';
import {
  bob,
  carol,
  nextEvent,
  ok,
  openProduct,
  productOpen,
  record,
  request,
  sam,
  send,
  settle,
  startCluster,
  startTestServer,
  type TestServer,
  type TestUser,
} from './helpers.js';
import { SERVER_API_KEY, serverApi } from './server-api-client.js';
import { clusterOnly } from './test-database.js';

const code = (answer: AckResponse<object> | undefined) => (answer?.ok ? 'ok' : answer?.error.code);

describe('block and report', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ PALAVER_API_KEY: SERVER_API_KEY });
  });
  after(() => t.close());

  it("a blocked user's send, open and typing are refused and nothing reaches the blocker; unblocking restores it", async () => {
    const buyer: TestUser = { id: 'buyer-blocked', name: 'Pushy Buyer' };
    const buyerSocket = await t.connect(buyer);
    const supplier = await t.connect(bob);
    const conversation = await openProduct(buyerSocket);
    await send(buyerSocket, conversation.id, 'hello');
    await ok(supplier, 'user:block', { userId: buyer.id });
    assert.deepEqual((await ok(supplier, 'user:blocks', {})).userIds, [buyer.id]);

    const heard = record(supplier, 'message:new');
    const typing = record(supplier, 'typing');
    const presence = record(supplier, 'presence');
    const refused = await request(buyerSocket, 'message:send', {
      conversationId: conversation.id,
      clientId: 'after-block',
      body: 'are you there?',
    });
    assert.equal(code(refused), 'forbidden');
    assert.match(!refused.ok ? refused.error.message : '', /cannot write/);
    assert.doesNotMatch(!refused.ok ? refused.error.message : '', /block/i);
    assert.equal(
      code(await request(buyerSocket, 'typing', { conversationId: conversation.id, typing: true })),
      'forbidden',
    );
    const reopen = await request(
      buyerSocket,
      'conversation:open',
      productOpen({ product: { id: 'p-other', title: 'Other' }, supplierId: bob.id, supplierName: bob.name }),
    );
    assert.equal(code(reopen), 'forbidden');
    const rest = await t.rest(buyer, 'POST', `/api/conversations/${conversation.id}/messages`, {
      clientId: 'after-block-rest',
      body: 'via REST',
    });
    assert.equal(rest.status, 403);
    // The blocker no longer sees them come and go.
    buyerSocket.disconnect();
    const again = await t.connect(buyer);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await settle(again, supplier);
    assert.deepEqual([heard, typing, presence.filter((p) => p.userId === buyer.id)], [[], [], []]);

    await ok(supplier, 'user:unblock', { userId: buyer.id });
    const arrives = nextEvent(supplier, 'message:new', (m) => m.body === 'back again');
    await send(again, conversation.id, 'back again');
    await arrives;
  });

  it('cannot block or report outside one’s conversations, oneself, staff or strangers', async () => {
    const stranger: TestUser = { id: 'buyer-stranger', name: 'Stranger' };
    const strangerSocket = await t.connect(stranger);
    const buyer = await t.connect(carol);
    const conversation = await openProduct(buyer);
    const message = await send(buyer, conversation.id, 'hi');
    assert.equal(code(await request(strangerSocket, 'user:block', { userId: carol.id })), 'forbidden');
    assert.equal(code(await request(buyer, 'user:block', { userId: carol.id })), 'invalid_payload');
    assert.equal(code(await request(buyer, 'user:block', { userId: 'nobody-at-all' })), 'not_found');
    await t.connect(sam);
    const support = await ok(buyer, 'conversation:open', { kind: 'support', subject: 'Help' });
    const admin = await t.connect(sam);
    await send(admin, support.conversation.id, 'How can I help?');
    assert.equal(code(await request(buyer, 'user:block', { userId: sam.id })), 'forbidden');
    assert.equal(
      code(await request(strangerSocket, 'report:create', { conversationId: conversation.id, reason: 'spam' })),
      'forbidden',
    );
    const other = await openProduct(buyer, { id: 'supplier-elsewhere', name: 'Elsewhere' });
    assert.equal(
      code(await request(buyer, 'report:create', { conversationId: other.id, messageId: message.id, reason: 'spam' })),
      'invalid_payload',
    );
    assert.equal(
      code(await request(buyer, 'report:create', { conversationId: conversation.id, reason: 'rude' } as never)),
      'invalid_payload',
    );
  });

  it('reports go to the moderation queue, where the marketplace resolves them', async () => {
    const supplier = await t.connect(bob);
    const buyer = await t.connect(carol);
    const conversation = await openProduct(buyer);
    const message = await send(buyer, conversation.id, 'Pay me outside the platform, it is cheaper');
    const { report } = await ok(supplier, 'report:create', {
      conversationId: conversation.id,
      messageId: message.id,
      reason: 'off_platform',
      note: '  asked to pay by bank transfer  ',
    });
    assert.deepEqual(
      [report.status, report.reason, report.note, report.reporterId],
      ['open', 'off_platform', 'asked to pay by bank transfer', bob.id],
    );
    const api = serverApi(t.url);
    const queue = await api<{ reports: Report[] }>('GET', '/reports?status=open');
    assert.ok(queue.body.reports.some((r) => r.id === report.id));
    const resolved = await api<{ report: Report }>('POST', `/reports/${report.id}/resolve`, {
      status: 'resolved',
      moderatorId: 'moderator-1',
      note: 'warned the buyer',
    });
    assert.deepEqual([resolved.body.report.status, resolved.body.report.resolvedBy], ['resolved', 'moderator-1']);
    const twice = await api<{ report: Report }>('POST', `/reports/${report.id}/resolve`, {
      status: 'dismissed',
      moderatorId: 'moderator-2',
    });
    assert.equal(twice.body.report.status, 'resolved');
    assert.ok(
      !(await api<{ reports: Report[] }>('GET', '/reports?status=open')).body.reports.some((r) => r.id === report.id),
    );
    assert.equal((await api('POST', '/reports/nope/resolve', { status: 'resolved', moderatorId: 'm' })).status, 404);
    const rest = await t.rest<{ report: Report }>(carol, 'POST', '/api/reports', {
      conversationId: conversation.id,
      reason: 'abuse',
    });
    assert.equal(rest.status, 200);
  });

  it('blocks and reports are rate-limited', async () => {
    const s = await startTestServer({ RATE_LIMIT_SAFETY: '2' });
    try {
      const buyer = await s.connect(carol);
      const conversation = await openProduct(buyer);
      await send(buyer, conversation.id, 'x');
      for (let i = 0; i < 2; i++) await ok(buyer, 'report:create', { conversationId: conversation.id, reason: 'spam' });
      const third = await request(buyer, 'report:create', { conversationId: conversation.id, reason: 'spam' });
      assert.equal(code(third), 'rate_limited');
      assert.ok(!third.ok && (third.error.retryAfterMs ?? 0) > 0);
    } finally {
      await s.close();
    }
  });
});

describe('block on a cluster', () => {
  it('a block on one node stops the blocked user’s writes on the other at once', { skip: clusterOnly() }, async () => {
    const cluster = await startCluster();
    try {
      const buyer: TestUser = { id: 'buyer-cluster-blocked', name: 'Buyer' };
      const onA = await cluster.a.connect(bob);
      const onB = await cluster.b.connect(buyer);
      const conversation = await openProduct(onB);
      await send(onB, conversation.id, 'first');
      await ok(onA, 'user:block', { userId: buyer.id });
      const answer = await request(onB, 'message:send', {
        conversationId: conversation.id,
        clientId: 'cluster-after-block',
        body: 'second',
      });
      assert.equal(code(answer), 'forbidden');
    } finally {
      await cluster.close();
    }
  });
});
