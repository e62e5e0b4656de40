import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '@palaver/protocol';
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
  sam,
  send,
  settle,
  startTestServer,
  type TestServer,
} from './helpers.js';

describe('messages', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ RATE_LIMIT_MESSAGES: '1000' });
  });
  after(() => t.close());

  it('reaches the other participant and the sender’s other tabs, not the sending socket', async () => {
    const aliceTab1 = await t.connect(alice);
    const aliceTab2 = await t.connect(alice);
    const bobTab = await t.connect(bob);
    const conversation = await openProduct(aliceTab1);
    const echoes = record(aliceTab1, 'message:new');
    const toBob = nextEvent(bobTab, 'message:new');
    const toTab2 = nextEvent(aliceTab2, 'message:new');
    const { message } = await ok(aliceTab1, 'message:send', {
      clientId: newClientId(),
      conversationId: conversation.id,
      body: '  Is the mug microwave safe?\n\nThanks!  ',
    });
    assert.equal(message.body, 'Is the mug microwave safe?\n\nThanks!', 'trimmed, line breaks kept');
    assert.equal(message.seq, 1);
    assert.equal(message.senderId, alice.id);
    assert.equal(message.fromAdmin, false);
    assert.deepEqual(await toBob, message);
    assert.deepEqual(await toTab2, message);
    await settle(aliceTab1);
    assert.equal(echoes.length, 0);
  });

  it('a resend with the same clientId returns the stored message and broadcasts nothing', async () => {
    const aliceSocket = await t.connect(alice);
    const bobSocket = await t.connect(bob);
    const conversation = await openProduct(aliceSocket);
    const received = record(bobSocket, 'message:new');
    const payload = { clientId: newClientId(), conversationId: conversation.id, body: 'only once' };
    const first = await ok(aliceSocket, 'message:send', payload);
    const again = await ok(aliceSocket, 'message:send', payload);
    // …even over REST, and even with another body (the key decides)
    const viaRest = await t.rest<{ message: Message }>(
      alice,
      'POST',
      `/api/conversations/${conversation.id}/messages`,
      {
        clientId: payload.clientId,
        body: 'changed',
      },
    );
    assert.deepEqual(again.message, first.message);
    assert.deepEqual(viaRest.body.message, first.message);
    await settle(bobSocket);
    assert.equal(received.filter((m) => m.clientId === payload.clientId).length, 1);
    const { messages } = await ok(aliceSocket, 'messages:history', { conversationId: conversation.id });
    assert.equal(messages.filter((m) => m.clientId === payload.clientId).length, 1);
  });

  it('a clientId already used in another conversation is refused, and nothing is stored', async () => {
    const aliceSocket = await t.connect(alice);
    const withBob = await openProduct(aliceSocket);
    const withCarol = await openProduct(aliceSocket, carol);
    const clientId = newClientId();
    await ok(aliceSocket, 'message:send', { clientId, conversationId: withBob.id, body: 'to Bob' });
    const reused = await request(aliceSocket, 'message:send', { clientId, conversationId: withCarol.id, body: 'x' });
    assert.equal(reused.ok, false);
    assert.equal(reused.ok ? '' : reused.error.code, 'invalid_payload');
    const { messages } = await ok(aliceSocket, 'messages:history', { conversationId: withCarol.id });
    assert.equal(messages.length, 0);
  });

  it('40 concurrent sends from both sides get 40 unique increasing seq values; history pages cover each once', async () => {
    const s = await startTestServer();
    try {
      const aliceSocket = await s.connect(alice);
      const bobSocket = await s.connect(bob);
      const conversation = await openProduct(aliceSocket);
      const sends = Array.from({ length: 40 }, (_, i) =>
        ok(i % 2 === 0 ? aliceSocket : bobSocket, 'message:send', {
          clientId: `concurrent-${i}`,
          conversationId: conversation.id,
          body: `message ${i}`,
        }),
      );
      const acks = await Promise.all(sends);
      const seqs = acks.map((ack) => ack.message.seq).sort((a, b) => a - b);
      assert.deepEqual(
        seqs,
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      // each socket's own sends are ordered as sent
      for (const parity of [0, 1]) {
        const own = acks.filter((_, i) => i % 2 === parity).map((ack) => ack.message.seq);
        assert.deepEqual(
          own,
          [...own].sort((a, b) => a - b),
        );
      }
      const seen: number[] = [];
      let beforeSeq: number | undefined;
      for (;;) {
        const page = await ok(aliceSocket, 'messages:history', {
          conversationId: conversation.id,
          limit: 15,
          ...(beforeSeq ? { beforeSeq } : {}),
        });
        const pageSeqs = page.messages.map((m) => m.seq);
        assert.deepEqual(
          pageSeqs,
          [...pageSeqs].sort((a, b) => a - b),
          'ascending within a page',
        );
        seen.unshift(...pageSeqs);
        if (!page.hasMore) break;
        beforeSeq = pageSeqs[0];
      }
      assert.deepEqual(
        seen,
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      // REST history agrees
      const rest = await s.rest<{ messages: Message[]; hasMore: boolean }>(
        bob,
        'GET',
        `/api/conversations/${conversation.id}/messages?limit=100`,
      );
      assert.equal(rest.body.messages.length, 40);
      assert.equal(rest.body.hasMore, false);
    } finally {
      await s.close();
    }
  });

  it('edit and delete: own messages only, broadcast as message:updated, delete leaves a tombstone', async () => {
    const aliceSocket = await t.connect(alice);
    const bobSocket = await t.connect(bob);
    const conversation = await openProduct(aliceSocket);
    const mine = await send(aliceSocket, conversation.id, 'Helo');
    const theirs = await send(bobSocket, conversation.id, 'Hello Alice');

    const editSeen = nextEvent(bobSocket, 'message:updated', (m) => m.id === mine.id);
    const { message: edited } = await ok(aliceSocket, 'message:edit', { messageId: mine.id, body: 'Hello' });
    assert.equal(edited.body, 'Hello');
    assert.ok(edited.editedAt);
    assert.equal(edited.seq, mine.seq);
    assert.deepEqual(await editSeen, edited);

    for (const [event, payload] of [
      ['message:edit', { messageId: theirs.id, body: 'hijacked' }],
      ['message:delete', { messageId: theirs.id }],
    ] as const) {
      const refused = await request(aliceSocket, event, payload as never);
      assert.equal(!refused.ok && refused.error.code, 'forbidden', event);
    }
    const restEdit = await t.rest<{ error: { code: string } }>(alice, 'PATCH', `/api/messages/${theirs.id}`, {
      body: 'x',
    });
    assert.equal(restEdit.status, 403);

    const deleteSeen = nextEvent(bobSocket, 'message:updated', (m) => m.id === mine.id && !!m.deletedAt);
    const { message: deleted } = await ok(aliceSocket, 'message:delete', { messageId: mine.id });
    assert.equal(deleted.body, '');
    assert.ok(deleted.deletedAt);
    assert.deepEqual(deleted.attachments, []);
    assert.deepEqual(await deleteSeen, deleted);
    const { messages } = await ok(bobSocket, 'messages:history', { conversationId: conversation.id });
    assert.equal(messages.find((m) => m.id === mine.id)?.body, '');
    assert.equal(messages.find((m) => m.id === theirs.id)?.body, 'Hello Alice');

    const editDeleted = await request(aliceSocket, 'message:edit', { messageId: mine.id, body: 'back' });
    assert.equal(!editDeleted.ok && editDeleted.error.code, 'invalid_payload');
    const unknown = await request(aliceSocket, 'message:delete', { messageId: 'no-such-message' });
    assert.equal(!unknown.ok && unknown.error.code, 'not_found');
  });

  it('admin messages carry fromAdmin, and admins may delete any message in a support thread', async () => {
    const client = await t.connect(alice);
    const admin = await t.connect(sam);
    const { conversation } = await ok(client, 'conversation:open', { kind: 'support', subject: 'Claim #77' });
    const question = await send(client, conversation.id, 'My parcel arrived broken');
    const clientSees = nextEvent(client, 'message:new', (m) => m.senderId === sam.id);
    const answer = await send(admin, conversation.id, 'Sorry! We will replace it.');
    assert.equal(answer.fromAdmin, true);
    assert.equal((await clientSees).fromAdmin, true);
    assert.equal(question.fromAdmin, false);
    // Writing made the admin an agent of the thread.
    const { conversation: now } = await ok(client, 'conversation:open', { kind: 'support', subject: 'Claim #77' });
    assert.equal(now.participants.find((p) => p.userId === sam.id)?.role, 'agent');
    const { message } = await ok(admin, 'message:delete', { messageId: question.id });
    assert.ok(message.deletedAt);
  });

  it('replies must quote a message of the same conversation', async () => {
    const aliceSocket = await t.connect(alice);
    const conversation = await openProduct(aliceSocket);
    const first = await send(aliceSocket, conversation.id, 'first');
    const { message } = await ok(aliceSocket, 'message:send', {
      clientId: newClientId(),
      conversationId: conversation.id,
      body: 'reply',
      replyToId: first.id,
    });
    assert.equal(message.replyToId, first.id);
    const bad = await request(aliceSocket, 'message:send', {
      clientId: newClientId(),
      conversationId: conversation.id,
      body: 'reply',
      replyToId: 'nope',
    });
    assert.equal(!bad.ok && bad.error.code, 'invalid_payload');
  });
});
