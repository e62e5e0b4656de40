import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatErrorBody } from '@palaver/protocol';
import {
  alice,
  bob,
  carol,
  newClientId,
  ok,
  openProduct,
  productOpen,
  record,
  request,
  send,
  settle,
  startCluster,
  startTestServer,
  type TestServer,
  type TestUser,
} from './helpers.js';
import { clusterOnly } from './test-database.js';

const productNo = (n: number) => ({ id: `p-limit-${n}`, title: `Product ${n}` });

/** The refusal of a rate-limited ack, checked to carry a sensible `retryAfterMs`. */
function limited(answer: { ok: boolean; error?: ChatErrorBody }, windowMs: number): ChatErrorBody {
  assert.equal(answer.ok, false, 'refused');
  const error = answer.error as ChatErrorBody;
  assert.equal(error.code, 'rate_limited');
  assert.ok(error.retryAfterMs !== undefined && error.retryAfterMs > 0 && error.retryAfterMs <= windowMs);
  return error;
}

describe('limits on every write', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({
      // '' falls back to the default: 20 new conversations an hour.
      RATE_LIMIT_OPENS: '',
      RATE_LIMIT_EDITS: '5',
      RATE_LIMIT_DELETES: '2',
      RATE_LIMIT_TYPING: '5',
      RATE_LIMIT_READS: '3',
    });
  });
  after(() => t.close());

  it('the 21st new conversation within an hour is rate_limited; reopening one is not, nor is another user', async () => {
    const buyer: TestUser = { id: 'opener-olga', name: 'Olga' };
    const socket = await t.connect(buyer);
    const open = (n: number) =>
      request(
        socket,
        'conversation:open',
        productOpen({ product: productNo(n), supplierId: bob.id, supplierName: bob.name }),
      );
    for (let n = 1; n <= 19; n++) assert.equal((await open(n)).ok, true, `open ${n}`);
    const support = await ok(socket, 'conversation:open', { kind: 'support', subject: 'First question' });
    // Opening one that exists creates nothing: free, even at the limit.
    assert.equal((await open(1)).ok, true);
    const refusal = limited(await open(21), 3_600_000);
    assert.ok((refusal.retryAfterMs as number) > 3_500_000, 'the oldest slot frees up in about an hour');
    const reopened = await open(19);
    assert.equal(reopened.ok && reopened.conversation.product?.id, 'p-limit-19', 'reopening at the limit works');
    const again = await ok(socket, 'conversation:open', { kind: 'support', subject: '  first   QUESTION ' });
    assert.equal(again.conversation.id, support.conversation.id, 'so does reopening a support thread');
    limited(await request(socket, 'conversation:open', { kind: 'support', subject: 'one more' }), 3_600_000);
    const rest = await t.rest<{ error: ChatErrorBody }>(
      buyer,
      'POST',
      '/api/conversations',
      productOpen({ product: productNo(22), supplierId: bob.id, supplierName: bob.name }),
    );
    assert.equal(rest.status, 429);
    assert.equal(rest.body.error.code, 'rate_limited');
    for (const n of [21, 22]) {
      const key = { kind: 'product' as const, productId: `p-limit-${n}`, buyerId: buyer.id, supplierId: bob.id };
      assert.equal(await t.server.store.findConversation(key), undefined, `the refused open ${n} created nothing`);
    }
    // Someone else has slots of their own.
    assert.equal((await openProduct(await t.connect(carol))).kind, 'product');
  });

  it('a flood of edits is rate_limited; a repeated edit to the same text is free; REST counts too', async () => {
    const socket = await t.connect(alice);
    const { id } = await openProduct(socket);
    const message = await send(socket, id, 'v0');
    for (let i = 1; i <= 4; i++) await ok(socket, 'message:edit', { messageId: message.id, body: `v${i}` });
    await ok(socket, 'message:edit', { messageId: message.id, body: 'v4' });
    const rest = await t.rest<{ error: ChatErrorBody }>(alice, 'PATCH', `/api/messages/${message.id}`, { body: 'v5' });
    assert.equal(rest.status, 200, 'the fifth edit');
    limited(await request(socket, 'message:edit', { messageId: message.id, body: 'v6' }), 60_000);
    const again = await t.rest<{ error: ChatErrorBody }>(alice, 'PATCH', `/api/messages/${message.id}`, { body: 'v7' });
    assert.equal(again.status, 429);
    assert.equal(again.body.error.code, 'rate_limited');
    const { messages } = await ok(socket, 'messages:history', { conversationId: id });
    assert.equal(messages.find((m) => m.id === message.id)?.body, 'v5', 'refused edits changed nothing');
  });

  it('a flood of deletes is rate_limited; deleting twice is free', async () => {
    const socket = await t.connect(carol);
    const { id } = await openProduct(socket);
    const messages = [];
    for (let i = 0; i < 3; i++) messages.push(await send(socket, id, `to delete ${i}`));
    const [first, second, third] = messages as [(typeof messages)[0], (typeof messages)[0], (typeof messages)[0]];
    await ok(socket, 'message:delete', { messageId: first.id });
    await ok(socket, 'message:delete', { messageId: first.id });
    await ok(socket, 'message:delete', { messageId: second.id });
    limited(await request(socket, 'message:delete', { messageId: third.id }), 60_000);
    const { messages: after } = await ok(socket, 'messages:history', { conversationId: id });
    assert.equal(after.find((m) => m.id === third.id)?.deletedAt, undefined, 'the refused delete changed nothing');
  });

  it('a flood of typing events: the ack says rate_limited, and nothing beyond the limit reaches the others', async () => {
    const typist: TestUser = { id: 'typist-tom', name: 'Tom' };
    const socket = await t.connect(typist);
    const supplier = await t.connect(bob);
    const { id } = await openProduct(socket);
    // Typing reaches the other side once the conversation has a message.
    await send(socket, id, 'hello');
    const seen = record(supplier, 'typing');
    const answers = [];
    // Alternating, so each one that passes is a change the others hear.
    for (let i = 0; i < 12; i++)
      answers.push(await request(socket, 'typing', { conversationId: id, typing: i % 2 === 0 }));
    assert.equal(answers.filter((a) => a.ok).length, 5);
    for (const answer of answers.slice(5)) limited(answer, 60_000);
    // Without an ack a flooded typing event is dropped silently.
    for (let i = 0; i < 5; i++) socket.emit('typing', { conversationId: id, typing: i % 2 === 0 });
    await settle(socket, supplier);
    assert.equal(seen.filter((e) => e.conversationId === id).length, 5);
  });

  it('a flood of reads is rate_limited', async () => {
    const reader: TestUser = { id: 'reader-rita', name: 'Rita' };
    const socket = await t.connect(reader);
    const { id } = await openProduct(socket);
    const supplier = await t.connect(bob);
    for (let i = 0; i < 4; i++) await send(supplier, id, `read me ${i}`);
    for (let seq = 1; seq <= 3; seq++) await ok(socket, 'conversation:read', { conversationId: id, seq });
    limited(await request(socket, 'conversation:read', { conversationId: id, seq: 4 }), 60_000);
    const rest = await t.rest<{ error: ChatErrorBody }>(reader, 'POST', `/api/conversations/${id}/read`, { seq: 4 });
    assert.equal(rest.status, 429);
  });
});

const skip = clusterOnly();

describe('limits on a cluster', () => {
  it('are counted across nodes: slots taken on one node are gone on the other', { skip }, async () => {
    const cluster = await startCluster({ RATE_LIMIT_OPENS: '3', RATE_LIMIT_EDITS: '2' });
    try {
      const user: TestUser = { id: `cluster-limited-${newClientId()}`, name: 'Uma' };
      const onA = await cluster.a.connect(user);
      const onB = await cluster.b.connect(user);
      const open = (socket: typeof onA, n: number) =>
        request(
          socket,
          'conversation:open',
          productOpen({ product: productNo(n), supplierId: bob.id, supplierName: bob.name }),
        );
      assert.equal((await open(onA, 1)).ok, true);
      assert.equal((await open(onB, 2)).ok, true);
      assert.equal((await open(onA, 3)).ok, true);
      limited(await open(onB, 4), 3_600_000);
      limited(await open(onA, 5), 3_600_000);
      const { conversation } = await ok(
        onA,
        'conversation:open',
        productOpen({ product: productNo(1), supplierId: bob.id, supplierName: bob.name }),
      );
      const message = await send(onA, conversation.id, 'x');
      await ok(onA, 'message:edit', { messageId: message.id, body: 'y' });
      await ok(onB, 'message:edit', { messageId: message.id, body: 'z' });
      limited(await request(onA, 'message:edit', { messageId: message.id, body: 'w' }), 60_000);
    } finally {
      await cluster.close();
    }
  });
});
