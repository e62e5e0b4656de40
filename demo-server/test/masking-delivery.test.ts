import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Conversation, HistoryResult, Message } from '@palaver/protocol';
import { bob, carol, nextEvent, ok, openProduct, sam, send, startTestServer, type TestServer } from './helpers.js';
import { SERVER_API_KEY, serverApi } from './server-api-client.js';

const PHONE = '06 12 34 56 78';
const EMAIL = 'carol.martin@example.com';
const NEW_PHONE = '07 11 22 33 44';
const leaks = (value: unknown) =>
  [PHONE, EMAIL, NEW_PHONE, '0612345678'].filter((secret) => JSON.stringify(value).includes(secret));

describe('contact-detail masking (CONTACT_MASKING=mask)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({
      CONTACT_MASKING: 'mask',
      CONTACT_MASKING_REGION: 'FR',
      PALAVER_API_KEY: SERVER_API_KEY,
    });
  });
  after(() => t.close());

  it('the recipient never reads the hidden details — live, in history, sync, the inbox and REST; the sender and admins do', async () => {
    const buyer = await t.connect(carol);
    const supplier = await t.connect(bob);
    const admin = await t.connect(sam);
    const { cursor } = await ok(supplier, 'sync', { cursor: null });
    const conversation = await openProduct(buyer);
    const live = nextEvent(supplier, 'message:new', (m) => m.conversationId === conversation.id);
    const text = `Call me on ${PHONE} or write to ${EMAIL} and we sort it out`;
    const sent = await send(buyer, conversation.id, text);

    // The sender reads what they wrote, and is told the other side does not.
    assert.equal(sent.body, text);
    assert.equal(sent.masked, true);

    const received = await live;
    assert.deepEqual(leaks(received), []);
    assert.match(received.body, /\[contact details hidden\]/);
    assert.match(received.body, /and we sort it out/);
    assert.equal(received.masked, true);

    const supplierReads = [
      await ok(supplier, 'messages:history', { conversationId: conversation.id }),
      await ok(supplier, 'sync', { cursor }),
      await ok(supplier, 'sync', { cursor: null }),
      (await t.rest<{ conversations: Conversation[] }>(bob, 'GET', '/api/conversations')).body,
      (await t.rest(bob, 'GET', `/api/conversations/${conversation.id}`)).body,
      (await t.rest(bob, 'GET', `/api/conversations/${conversation.id}/messages`)).body,
      (await t.rest(bob, 'GET', `/api/sync`)).body,
    ];
    for (const read of supplierReads) assert.deepEqual(leaks(read), [], JSON.stringify(read).slice(0, 300));

    // The sender's own reads keep the original.
    const buyerHistory = await ok(buyer, 'messages:history', { conversationId: conversation.id });
    assert.equal(buyerHistory.messages.at(-1)?.body, text);
    const buyerList = await t.rest<{ conversations: Conversation[] }>(carol, 'GET', '/api/conversations');
    assert.equal(buyerList.body.conversations.find((c) => c.id === conversation.id)?.lastMessage?.body, text);

    // Admins (moderators) read the original: by socket and through the server API.
    const adminHistory = await ok(admin, 'messages:history', { conversationId: conversation.id });
    assert.equal(adminHistory.messages.at(-1)?.body, text);
    const backend = await serverApi(t.url)<HistoryResult>('GET', `/conversations/${conversation.id}/messages`);
    assert.equal(backend.body.messages.at(-1)?.body, text);

    // An edit is masked for the other side as well.
    const updated = nextEvent(supplier, 'message:updated', (m) => m.id === sent.id);
    const { message: edited } = await ok(buyer, 'message:edit', {
      messageId: sent.id,
      body: `Sorry, my number is ${NEW_PHONE}`,
    });
    assert.equal(edited.body, `Sorry, my number is ${NEW_PHONE}`);
    const supplierSees = await updated;
    assert.deepEqual(leaks(supplierSees), []);
    assert.equal(supplierSees.masked, true);

    // An ordinary message is not touched.
    const plain = await send(buyer, conversation.id, 'The 12 x 30 cm one, order 1234567, for €18.00');
    assert.equal(plain.masked, undefined);
    const { messages } = await ok(supplier, 'messages:history', { conversationId: conversation.id });
    assert.equal(messages.at(-1)?.body, 'The 12 x 30 cm one, order 1234567, for €18.00');

    assert.match(await t.metricsText(), /palaver_messages_masked_total\{kind="phone"\} 2/);
    // Moderators list what was hidden, as it was written.
    const listed = await serverApi(t.url)<{ messages: Message[] }>('GET', '/moderation/masked');
    assert.deepEqual(
      listed.body.messages.map((m) => m.body),
      [`Sorry, my number is ${NEW_PHONE}`],
    );
    const byAdmin = await t.rest<{ messages: Message[] }>(sam, 'GET', '/api/moderation/masked');
    assert.equal(byAdmin.body.messages[0]?.id, sent.id);
    assert.equal((await t.rest(carol, 'GET', '/api/moderation/masked')).status, 403);
  });

  it('does not hide anything from the marketplace’s own staff in support conversations', async () => {
    const client = await t.connect(carol);
    const admin = await t.connect(sam);
    const { conversation } = await ok(client, 'conversation:open', { kind: 'support', subject: 'Refund' });
    const heard = nextEvent(admin, 'message:new', (m) => m.conversationId === conversation.id);
    await send(client, conversation.id, `Please call me back on ${PHONE}`);
    const message: Message = await heard;
    assert.equal(message.body, `Please call me back on ${PHONE}`);
    assert.equal(message.masked, undefined);
  });
});

describe('contact-detail masking off (the default)', () => {
  it('delivers the text as written', async () => {
    const s = await startTestServer();
    try {
      const buyer = await s.connect(carol);
      const supplier = await s.connect(bob);
      const conversation = await openProduct(buyer);
      const live = nextEvent(supplier, 'message:new', (m) => m.conversationId === conversation.id);
      await send(buyer, conversation.id, `Call me on ${PHONE}`);
      assert.equal((await live).body, `Call me on ${PHONE}`);
    } finally {
      await s.close();
    }
  });
});
