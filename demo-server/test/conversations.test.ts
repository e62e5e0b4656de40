import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Conversation, UnreadCounts } from '@palaver/protocol';
import {
  alice,
  bob,
  carol,
  nextEvent,
  ok,
  openProduct,
  product,
  productOpen,
  record,
  request,
  sam,
  send,
  settle,
  startTestServer,
  type TestServer,
} from './helpers.js';

describe('conversations', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it('opening the same product conversation twice gives one conversation with buyer and supplier roles', async () => {
    const buyer = await t.connect(alice);
    const first = await openProduct(buyer);
    const second = await openProduct(buyer);
    assert.equal(second.id, first.id);
    assert.equal(first.kind, 'product');
    assert.deepEqual(first.product, product);
    const roles = Object.fromEntries(first.participants.map((p) => [p.userId, p.role]));
    assert.deepEqual(roles, { [alice.id]: 'buyer', [bob.id]: 'supplier' });
    // over REST too, and concurrently from two sockets
    const other = await t.connect(alice);
    const [a, b] = await Promise.all([openProduct(buyer), openProduct(other)]);
    assert.equal(a.id, first.id);
    assert.equal(b.id, first.id);
    const rest = await t.rest<{ conversation: Conversation }>(
      alice,
      'POST',
      '/api/conversations',
      productOpen({ product, supplierId: bob.id, supplierName: bob.name }),
    );
    assert.equal(rest.status, 200);
    assert.equal(rest.body.conversation.id, first.id);
  });

  it('a different product or buyer gives a different conversation', async () => {
    const buyer = await t.connect(alice);
    const mug = await openProduct(buyer);
    const { conversation: bowl } = await ok(
      buyer,
      'conversation:open',
      productOpen({ product: { id: 'p-bowl', title: 'Bowl' }, supplierId: bob.id, supplierName: bob.name }),
    );
    const carolSocket = await t.connect(carol);
    const carols = await openProduct(carolSocket);
    assert.equal(new Set([mug.id, bowl.id, carols.id]).size, 3);
  });

  it('tells the supplier nothing until the first message, then exactly one conversation', async () => {
    const s = await startTestServer();
    try {
      const supplier = await s.connect(bob);
      const heard = record(supplier, 'conversation:updated');
      const unread = record(supplier, 'unread');
      const { cursor } = await ok(supplier, 'sync', { cursor: null });
      const buyer = await s.connect(carol);
      const open = productOpen({
        product: { id: 'p-announce', title: 'Lamp' },
        supplierId: bob.id,
        supplierName: bob.name,
      });
      // Opened three times (reloads, an inline thread), written in never.
      const { conversation } = await ok(buyer, 'conversation:open', open);
      await ok(buyer, 'conversation:open', open);
      await ok(buyer, 'conversation:open', open);
      await settle(buyer, supplier);
      assert.deepEqual(heard, []);
      assert.deepEqual(unread, []);
      const empty = await ok(supplier, 'sync', { cursor });
      assert.deepEqual([empty.conversations, empty.messages, empty.reads], [[], [], []]);
      const listed = await s.rest<{ conversations: Conversation[] }>(bob, 'GET', '/api/conversations');
      assert.deepEqual(listed.body.conversations, []);
      assert.equal((await s.rest<UnreadCounts>(bob, 'GET', '/api/unread')).body.total, 0);
      // Not in the opener's own inbox either, though they can still read it.
      assert.deepEqual(
        (await s.rest<{ conversations: Conversation[] }>(carol, 'GET', '/api/conversations')).body.conversations,
        [],
      );
      assert.equal((await ok(buyer, 'messages:history', { conversationId: conversation.id })).messages.length, 0);

      const announced = nextEvent(supplier, 'conversation:updated', (c) => c.id === conversation.id);
      await send(buyer, conversation.id, 'Is the lamp still available?');
      assert.equal((await announced).lastSeq, 1);
      const after = await ok(supplier, 'sync', { cursor });
      assert.deepEqual(
        after.conversations.map((c) => c.id),
        [conversation.id],
      );
      const listedAfter = await s.rest<{ conversations: Conversation[] }>(bob, 'GET', '/api/conversations');
      assert.deepEqual(
        listedAfter.body.conversations.map((c) => [c.id, c.unreadCount]),
        [[conversation.id, 1]],
      );
      assert.equal((await s.rest<UnreadCounts>(bob, 'GET', '/api/unread')).body.total, 1);
    } finally {
      await s.close();
    }
  });

  it('refuses a conversation with oneself', async () => {
    const buyer = await t.connect(alice);
    const response = await request(
      buyer,
      'conversation:open',
      productOpen({ product, supplierId: alice.id, supplierName: alice.name }),
    );
    assert.equal(response.ok, false);
    assert.equal(!response.ok && response.error.code, 'invalid_payload');
  });

  it('support conversations: one per client and subject, visible to admins, opened by admins for a client', async () => {
    const client = await t.connect(carol);
    const admin = await t.connect(sam);
    const adminSees = nextEvent(admin, 'conversation:updated', (c) => c.subject === 'Order #1234');
    const first = (await ok(client, 'conversation:open', { kind: 'support', subject: 'Order #1234' })).conversation;
    await send(client, first.id, 'Where is my order?');
    const again = (await ok(client, 'conversation:open', { kind: 'support', subject: '  order   #1234 ' }))
      .conversation;
    assert.equal(again.id, first.id);
    assert.equal(first.kind, 'support');
    assert.deepEqual(
      first.participants.map((p) => [p.userId, p.role]),
      [[carol.id, 'client']],
    );
    assert.equal((await adminSees).id, first.id);

    // The admin opens the same thread for the client and joins it as an agent.
    const byAdmin = (
      await ok(admin, 'conversation:open', { kind: 'support', subject: 'Order #1234', clientUserId: carol.id })
    ).conversation;
    assert.equal(byAdmin.id, first.id);
    assert.deepEqual(
      byAdmin.participants.map((p) => [p.userId, p.role]).sort(),
      [
        [sam.id, 'agent'],
        [carol.id, 'client'],
      ].sort(),
    );
  });

  it('only admins open support threads for someone else', async () => {
    const buyer = await t.connect(alice);
    const response = await request(buyer, 'conversation:open', {
      kind: 'support',
      subject: 'x',
      clientUserId: carol.id,
    });
    assert.equal(!response.ok && response.error.code, 'forbidden');
    const admin = await t.connect(sam);
    const unknown = await request(admin, 'conversation:open', {
      kind: 'support',
      subject: 'x',
      clientUserId: 'nobody',
    });
    assert.equal(!unknown.ok && unknown.error.code, 'not_found');
    const named = await ok(admin, 'conversation:open', {
      kind: 'support',
      subject: 'Welcome',
      clientUserId: 'new-user',
      clientName: 'New User',
    });
    assert.equal(named.conversation.participants.find((p) => p.userId === 'new-user')?.name, 'New User');
  });

  it('lists conversations newest activity first, with paging', async () => {
    const s = await startTestServer();
    try {
      const buyer = await s.connect(alice);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const { conversation } = await ok(
          buyer,
          'conversation:open',
          productOpen({ product: { id: `p-${i}`, title: `Product ${i}` }, supplierId: bob.id, supplierName: bob.name }),
        );
        ids.push(conversation.id);
        await send(buyer, conversation.id, `about product ${i}`);
      }
      // activity on the oldest moves it to the top
      await ok(buyer, 'message:send', { clientId: 'list-1', conversationId: ids[0] as string, body: 'hello' });
      const page1 = await s.rest<{ conversations: Conversation[]; next?: string }>(
        alice,
        'GET',
        '/api/conversations?limit=3',
      );
      assert.equal(page1.status, 200);
      assert.deepEqual(
        page1.body.conversations.map((c) => c.id),
        [ids[0], ids[4], ids[3]],
      );
      assert.ok(page1.body.next);
      const page2 = await s.rest<{ conversations: Conversation[]; next?: string }>(
        alice,
        'GET',
        `/api/conversations?limit=3&before=${page1.body.next}`,
      );
      assert.deepEqual(
        page2.body.conversations.map((c) => c.id),
        [ids[2], ids[1]],
      );
      assert.equal(page2.body.next, undefined);
      const supplierView = await s.rest<{ conversations: Conversation[] }>(bob, 'GET', '/api/conversations');
      assert.equal(supplierView.body.conversations.length, 5);
      const stranger = await s.rest<{ conversations: Conversation[] }>(carol, 'GET', '/api/conversations');
      assert.equal(stranger.body.conversations.length, 0);
    } finally {
      await s.close();
    }
  });
});
