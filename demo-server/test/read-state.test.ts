import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Conversation, Message, UnreadCounts } from '@palaver/protocol';
import {
  alice,
  bob,
  type ClientSocket,
  nextEvent,
  ok,
  openProduct,
  productOpen,
  record,
  request,
  send,
  settle,
  startTestServer,
  type TestServer,
} from './helpers.js';

describe('read pointers and unread counts', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ RATE_LIMIT_MESSAGES: '1000' });
  });
  after(() => t.close());

  it('counts unread on both sides, pushes unread events, sends read receipts, never moves backwards', async () => {
    const aliceSocket = await t.connect(alice);
    const bobSocket = await t.connect(bob);
    const bobOtherTab = await t.connect(bob);
    const conversation = await openProduct(aliceSocket);

    const bobUnread = nextEvent(bobSocket, 'unread', (u) => u.conversations[conversation.id] === 3);
    await send(aliceSocket, conversation.id, 'one');
    await send(aliceSocket, conversation.id, 'two');
    await send(aliceSocket, conversation.id, 'three');
    const pushed = await bobUnread;
    assert.equal(pushed.total, 3);

    const rest = await t.rest<UnreadCounts>(bob, 'GET', '/api/unread');
    assert.deepEqual(rest.body, { total: 3, conversations: { [conversation.id]: 3 } });
    const viaSocket = await ok(bobSocket, 'unread:get', {});
    assert.deepEqual({ total: viaSocket.total, conversations: viaSocket.conversations }, rest.body);
    assert.equal(
      (await t.rest<UnreadCounts>(alice, 'GET', '/api/unread')).body.total,
      0,
      'own messages are not unread',
    );
    const { conversation: bobView } = (
      await t.rest<{ conversation: Conversation }>(bob, 'GET', `/api/conversations/${conversation.id}`)
    ).body;
    assert.equal(bobView.unreadCount, 3);
    assert.equal(bobView.lastSeq, 3);
    assert.equal(bobView.lastMessage?.body, 'three');

    // Bob reads up to 2: Alice gets a receipt, Bob's other tab gets the new count.
    const receipt = nextEvent(aliceSocket, 'read', (r) => r.userId === bob.id);
    const otherTab = nextEvent(bobOtherTab, 'unread', (u) => u.conversations[conversation.id] === 1);
    const read = await ok(bobSocket, 'conversation:read', { conversationId: conversation.id, seq: 2 });
    assert.deepEqual(
      { unreadCount: read.unreadCount, unreadTotal: read.unreadTotal },
      { unreadCount: 1, unreadTotal: 1 },
    );
    const got = await receipt;
    assert.equal(got.conversationId, conversation.id);
    assert.equal(got.seq, 2);
    assert.ok(got.readAt);
    assert.equal((await otherTab).total, 1);

    // Backwards is ignored.
    const back = await ok(bobSocket, 'conversation:read', { conversationId: conversation.id, seq: 1 });
    assert.equal(back.unreadCount, 1);
    const { conversation: seen } = await ok(
      aliceSocket,
      'conversation:open',
      productOpen({
        product: conversation.product as NonNullable<Conversation['product']>,
        supplierId: bob.id,
        supplierName: bob.name,
      }),
    );
    assert.equal(seen.participants.find((p) => p.userId === bob.id)?.lastReadSeq, 2);

    // Past the end is clamped to the last message, over REST too.
    const all = await t.rest<{ unreadCount: number; unreadTotal: number }>(
      bob,
      'POST',
      `/api/conversations/${conversation.id}/read`,
      {
        seq: 999,
      },
    );
    assert.deepEqual(all.body, { unreadCount: 0, unreadTotal: 0 });
    const { conversation: after } = (
      await t.rest<{ conversation: Conversation }>(alice, 'GET', `/api/conversations/${conversation.id}`)
    ).body;
    assert.equal(after.participants.find((p) => p.userId === bob.id)?.lastReadSeq, 3);

    const negative = await request(bobSocket, 'conversation:read', { conversationId: conversation.id, seq: -1 });
    assert.equal(!negative.ok && negative.error.code, 'invalid_payload');
  });

  it('replying marks what came before as read; deleting an unread message lowers the count', async () => {
    const aliceSocket = await t.connect(alice);
    const bobSocket = await t.connect(bob);
    const { id } = await ok(
      aliceSocket,
      'conversation:open',
      productOpen({ product: { id: 'p-reply', title: 'Teapot' }, supplierId: bob.id, supplierName: bob.name }),
    ).then((r) => r.conversation);
    await send(aliceSocket, id, 'question 1');
    const second = await send(aliceSocket, id, 'question 2');
    assert.equal((await t.rest<UnreadCounts>(bob, 'GET', '/api/unread')).body.conversations[id], 2);

    const lowered = nextEvent(bobSocket, 'unread', (u) => u.conversations[id] === 1);
    await ok(aliceSocket, 'message:delete', { messageId: second.id });
    assert.equal((await lowered).conversations[id], 1);

    const receipt = nextEvent(aliceSocket, 'read', (r) => r.userId === bob.id && r.conversationId === id);
    const reply = await send(bobSocket, id, 'answer');
    assert.equal((await receipt).seq, reply.seq);
    assert.equal((await t.rest<UnreadCounts>(bob, 'GET', '/api/unread')).body.conversations[id], undefined);
    assert.equal((await t.rest<UnreadCounts>(alice, 'GET', '/api/unread')).body.conversations[id], 1);
  });

  it('gives sockets that ask for it the unread counts on message:new, and no separate unread event', async () => {
    const withCounts = { unreadWithMessages: true };
    const aliceSocket = await t.connect(alice, withCounts);
    const aliceOtherTab = await t.connect(alice, withCounts);
    const bobSocket = await t.connect(bob, withCounts);
    const bobOlderClient = await t.connect(bob);
    const { id } = await ok(
      aliceSocket,
      'conversation:open',
      productOpen({
        product: { id: 'p-counts-on-messages', title: 'Teapot' },
        supplierId: bob.id,
        supplierName: bob.name,
      }),
    ).then((r) => r.conversation);
    const bobTotalBefore = (await t.rest<UnreadCounts>(bob, 'GET', '/api/unread')).body.total;
    const newMessages = (socket: ClientSocket) => {
      const seen: Array<{ message: Message; unread: UnreadCounts | undefined }> = [];
      (socket.on as (event: string, listener: (message: Message, unread?: UnreadCounts) => void) => void)(
        'message:new',
        (message, unread) => seen.push({ message, unread }),
      );
      return seen;
    };
    const atBob = newMessages(bobSocket);
    const atBobOlderClient = newMessages(bobOlderClient);
    const atAliceOtherTab = newMessages(aliceOtherTab);
    const atAlice = newMessages(aliceSocket);
    const bobUnreadEvents = record(bobSocket, 'unread');
    const olderClientUnread = nextEvent(bobOlderClient, 'unread', (u) => u.conversations[id] === 1);

    const sent = await send(aliceSocket, id, 'Is the teapot still available?');
    await settle(bobSocket, bobOlderClient, aliceOtherTab);
    const counts = { total: bobTotalBefore + 1, conversations: { [id]: 1 } };
    assert.deepEqual(atBob, [{ message: sent, unread: counts }]);
    assert.deepEqual(bobUnreadEvents, [], 'the counts came with the message, not again');
    // A client that did not ask gets the counts as before, in their own event.
    assert.deepEqual(await olderClientUnread, counts);
    // … and its message:new without them: they ride only to sockets that asked (docs/protocol.md).
    assert.deepEqual(atBobOlderClient, [{ message: sent, unread: undefined }]);
    // The sender's other tab gets the message without counts (theirs did not change); the sending socket, nothing.
    assert.deepEqual(atAliceOtherTab, [{ message: sent, unread: undefined }]);
    assert.deepEqual(atAlice, []);

    // Bob answers: Alice's counts ride on his message; Bob's own went to 0, which his sockets learn from `unread`.
    const aliceTotalBefore = (await t.rest<UnreadCounts>(alice, 'GET', '/api/unread')).body.total;
    const bobZero = nextEvent(bobSocket, 'unread', (u) => u.conversations[id] === 0);
    const reply = await send(bobSocket, id, 'Yes, in blue and in green.');
    assert.equal((await bobZero).total, bobTotalBefore);
    await settle(aliceSocket);
    assert.deepEqual(atAlice, [
      { message: reply, unread: { total: aliceTotalBefore + 1, conversations: { [id]: 1 } } },
    ]);
  });
});
