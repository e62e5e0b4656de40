import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message, SyncResult } from '@palaver/protocol';
import {
  alice,
  bob,
  carol,
  newClientId,
  nextEvent,
  ok,
  openProduct,
  record,
  request,
  send,
  settle,
  startCluster,
  type TestServer,
  type TestUser,
} from './helpers.js';
import { clusterOnly } from './test-database.js';

/**
 * Two nodes on one PostgreSQL database and one Redis: the buyer on node A, the
 * supplier on node B, and each with a second socket on the other node. What
 * one node does, every socket on either node hears at once.
 */
const sam: TestUser = { id: 'admin-sam-cluster', name: 'Sam', admin: true };
const skip = clusterOnly();

describe('a cluster of two nodes', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    if (skip) return;
    cluster = await startCluster({ RATE_LIMIT_MESSAGES: '1000' });
    ({ a, b } = cluster);
  });
  after(async () => {
    if (!skip) await cluster.close();
  });

  it('delivers to every socket of both users, on both nodes; a resend to the other node is the same message', {
    skip,
  }, async () => {
    const aliceOnA = await a.connect(alice);
    const aliceOnB = await b.connect(alice);
    const bobOnB = await b.connect(bob);
    const bobOnA = await a.connect(bob);
    const conversation = await openProduct(aliceOnA);
    const heard = [aliceOnB, bobOnB, bobOnA].map((socket) =>
      nextEvent(socket, 'message:new', (m) => m.conversationId === conversation.id),
    );
    const echo = record(aliceOnA, 'message:new');
    const clientId = newClientId();
    const { message } = await ok(aliceOnA, 'message:send', { clientId, conversationId: conversation.id, body: 'hi' });
    for (const event of await Promise.all(heard)) assert.deepEqual(event, message);
    const resent = await ok(aliceOnB, 'message:send', { clientId, conversationId: conversation.id, body: 'hi' });
    assert.deepEqual(resent.message, message, 'the other node recognises the clientId');
    await settle(aliceOnA, aliceOnB, bobOnA, bobOnB);
    assert.deepEqual(echo, [], 'the sending socket gets its ack only');
    const { messages } = await ok(bobOnB, 'messages:history', { conversationId: conversation.id });
    assert.equal(messages.filter((m) => m.clientId === clientId).length, 1);
  });

  it('read receipts, unread counts and typing cross nodes', { skip }, async () => {
    const carolOnA = await a.connect(carol);
    // A socket that takes its counts as separate `unread` events, on the other node.
    const bobOnB = await b.connect(bob);
    const conversation = await openProduct(carolOnA);
    const unread = nextEvent(bobOnB, 'unread', (u) => u.conversations[conversation.id] === 2);
    await send(carolOnA, conversation.id, 'one');
    const second = await send(carolOnA, conversation.id, 'two');
    const counts = await unread;
    assert.equal(counts.conversations[conversation.id], 2);
    assert.equal(counts.total, (await ok(bobOnB, 'unread:get', {})).total);

    const receipt = nextEvent(carolOnA, 'read', (r) => r.conversationId === conversation.id && r.userId === bob.id);
    await ok(bobOnB, 'conversation:read', { conversationId: conversation.id, seq: second.seq });
    assert.equal((await receipt).seq, second.seq);

    const typing = nextEvent(bobOnB, 'typing', (t) => t.conversationId === conversation.id && t.typing);
    assert.deepEqual(await request(carolOnA, 'typing', { conversationId: conversation.id, typing: true }), {
      ok: true,
    });
    assert.equal((await typing).userId, carol.id);
  });

  it('presence is cluster-wide: online on either node, offline once the last socket anywhere closed', {
    skip,
  }, async () => {
    const dora: TestUser = { id: 'buyer-dora-cluster', name: 'Dora' };
    const doraOnA = await a.connect(dora);
    // Contacts share a conversation someone wrote in.
    await send(doraOnA, (await openProduct(doraOnA)).id, 'hello');
    const bobOnB = await b.connect(bob);
    const doraOnB = await b.connect(dora);
    assert.deepEqual((await ok(bobOnB, 'presence:query', { userIds: [dora.id] })).presence, [
      { userId: dora.id, online: true },
    ]);
    const flaps = record(bobOnB, 'presence');
    doraOnA.close();
    // Dora is still on node B: nobody hears she left.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(
      flaps.filter((p) => p.userId === dora.id),
      [],
    );
    const offline = nextEvent(bobOnB, 'presence', (p) => p.userId === dora.id && !p.online, 3000);
    doraOnB.close();
    assert.ok((await offline).lastSeenAt);
    const { presence } = await ok(await a.connect(bob), 'presence:query', { userIds: [dora.id] });
    assert.equal(presence[0]?.online, false, 'node A knows too');
    const online = nextEvent(bobOnB, 'presence', (p) => p.userId === dora.id && p.online);
    await a.connect(dora);
    assert.equal((await online).online, true);
  });

  it('counts the message rate limit across nodes', { skip }, async () => {
    const limited = await startCluster({ RATE_LIMIT_MESSAGES: '4' });
    try {
      const erin: TestUser = { id: 'buyer-erin-cluster', name: 'Erin' };
      const onA = await limited.a.connect(erin);
      const onB = await limited.b.connect(erin);
      const conversation = await openProduct(onA);
      const first = { clientId: newClientId(), conversationId: conversation.id, body: 'first' };
      await ok(onA, 'message:send', first);
      // Resends of a stored message, on the other node: answered, and not counted.
      for (let i = 0; i < 2; i++) await ok(onB, 'message:send', first);
      for (const socket of [onB, onA, onB]) await send(socket, conversation.id, 'within the limit');
      for (const socket of [onA, onB]) {
        const refused = await request(socket, 'message:send', {
          clientId: newClientId(),
          conversationId: conversation.id,
          body: 'one too many',
        });
        assert.equal(refused.ok, false);
        if (!refused.ok) {
          assert.equal(refused.error.code, 'rate_limited');
          assert.ok((refused.error.retryAfterMs ?? 0) > 0);
        }
      }
    } finally {
      await limited.close();
    }
  });

  it('syncs on either node what was written on the other', { skip }, async () => {
    const frank: TestUser = { id: 'buyer-frank-cluster', name: 'Frank' };
    const onA = await a.connect(frank);
    const bobOnB = await b.connect(bob);
    const conversation = await openProduct(onA);
    const { cursor } = (await ok(bobOnB, 'sync', { cursor: null })) as SyncResult;
    const sent: Message[] = [];
    for (let i = 0; i < 3; i++) sent.push(await send(onA, conversation.id, `while Bob syncs on B ${i}`));
    const caught = (await ok(bobOnB, 'sync', { cursor })) as SyncResult;
    assert.deepEqual(
      caught.messages.map((m) => m.id),
      sent.map((m) => m.id),
    );
  });

  it('an agent who joins a support thread on node A gets its events on node B at once', { skip }, async () => {
    const gina: TestUser = { id: 'client-gina-cluster', name: 'Gina' };
    const ginaOnA = await a.connect(gina);
    const ginaOnB = await b.connect(gina);
    const { conversation } = await ok(ginaOnA, 'conversation:open', { kind: 'support', subject: 'Order 77' });
    // Node B learns who is in the conversation before the agent joins.
    await send(ginaOnB, conversation.id, 'my order has not arrived');
    const samOnA = await a.connect(sam);
    const samOnB = await b.connect(sam);
    await send(samOnA, conversation.id, 'Sam here, I take this one');
    // Node B counts the agent in at once: their unread count rides on Gina's next message from B.
    const counted = nextEvent(samOnB, 'unread', (u) => u.conversations[conversation.id] === 1);
    await send(ginaOnB, conversation.id, 'thank you');
    await counted;
    // Membership is read from the database on every node: node B lets the agent type at once…
    const typing = nextEvent(ginaOnA, 'typing', (t) => t.userId === sam.id && t.typing);
    assert.deepEqual(await request(samOnB, 'typing', { conversationId: conversation.id, typing: true }), { ok: true });
    await typing;
    // …and the agent's sockets on B hear what the client does on A.
    const heard = nextEvent(samOnB, 'message:new', (m) => m.conversationId === conversation.id);
    const reply = await send(ginaOnA, conversation.id, 'thanks');
    assert.equal((await heard).id, reply.id);
    const unread = await ok(samOnB, 'unread:get', {});
    assert.equal(unread.conversations[conversation.id], 2);
  });
});
