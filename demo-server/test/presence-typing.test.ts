import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  alice,
  bob,
  carol,
  nextEvent,
  ok,
  openProduct,
  record,
  request,
  send,
  settle,
  startTestServer,
  type TestServer,
} from './helpers.js';

describe('typing and presence', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ TYPING_TIMEOUT_MS: '300', PRESENCE_GRACE_MS: '100' });
  });
  after(() => t.close());

  it('typing reaches the other side (not the typist), expires by itself, and stops on send', async () => {
    const aliceSocket = await t.connect(alice);
    const bobSocket = await t.connect(bob);
    const conversation = await openProduct(aliceSocket);
    // Typing in a conversation nobody wrote in yet stays private: the other side does not know it exists.
    const early = record(bobSocket, 'typing');
    await request(aliceSocket, 'typing', { conversationId: conversation.id, typing: true });
    await request(aliceSocket, 'typing', { conversationId: conversation.id, typing: false });
    await settle(aliceSocket, bobSocket);
    assert.deepEqual(early, []);
    await send(aliceSocket, conversation.id, 'hello');
    const own = record(aliceSocket, 'typing');

    const started = nextEvent(bobSocket, 'typing', (e) => e.typing);
    const response = await request(aliceSocket, 'typing', { conversationId: conversation.id, typing: true });
    assert.equal(response?.ok, true);
    assert.deepEqual(await started, {
      conversationId: conversation.id,
      userId: alice.id,
      name: alice.name,
      typing: true,
    });
    // Nobody renews it: it ends by itself.
    const expired = await nextEvent(bobSocket, 'typing', (e) => !e.typing, 2000);
    assert.equal(expired.userId, alice.id);

    // Typing, then an explicit stop.
    await request(aliceSocket, 'typing', { conversationId: conversation.id, typing: true });
    const stopped = nextEvent(bobSocket, 'typing', (e) => !e.typing);
    await request(aliceSocket, 'typing', { conversationId: conversation.id, typing: false });
    assert.equal((await stopped).typing, false);

    // Typing, then sending: the indicator stops with the message.
    await request(aliceSocket, 'typing', { conversationId: conversation.id, typing: true });
    const sentStops = nextEvent(bobSocket, 'typing', (e) => !e.typing, 250);
    await send(aliceSocket, conversation.id, 'done typing');
    assert.equal((await sentStops).userId, alice.id);
    await settle(aliceSocket);
    assert.equal(own.length, 0, 'the typist does not hear themselves');
  });

  it('typing ends when the typist’s last socket leaves', async () => {
    const carolSocket = await t.connect(carol);
    const bobSocket = await t.connect(bob);
    const { id } = await openProduct(carolSocket);
    await send(carolSocket, id, 'hello');
    const started = nextEvent(bobSocket, 'typing', (e) => e.typing && e.userId === carol.id);
    await request(carolSocket, 'typing', { conversationId: id, typing: true });
    await started;
    const ended = nextEvent(bobSocket, 'typing', (e) => !e.typing && e.userId === carol.id, 250);
    carolSocket.disconnect();
    assert.equal((await ended).conversationId, id);
  });

  it('presence: contacts see a user come online and, after the grace period, go offline with lastSeenAt', async () => {
    // A user with no other socket open in this suite.
    const dora = { id: 'buyer-dora', name: 'Dora' };
    const bobSocket = await t.connect(bob);
    const first = await t.connect(dora);
    await send(first, (await openProduct(first)).id, 'hi');
    first.disconnect();
    const offline = await nextEvent(bobSocket, 'presence', (e) => e.userId === dora.id && !e.online, 2000);
    assert.ok(offline.lastSeenAt);
    const online = nextEvent(bobSocket, 'presence', (e) => e.userId === dora.id && e.online);
    const doraAgain = await t.connect(dora);
    await online;
    const { presence } = await ok(bobSocket, 'presence:query', { userIds: [dora.id, 'stranger'] });
    assert.deepEqual(presence, [{ userId: dora.id, online: true }], 'strangers are not disclosed');
    // A reload (disconnect + reconnect within the grace period) does not flash offline.
    const flaps = record(bobSocket, 'presence');
    doraAgain.disconnect();
    await t.connect(dora);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await settle(bobSocket);
    assert.deepEqual(flaps, []);
  });
});
