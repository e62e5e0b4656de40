import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message, SyncResult } from '@palaver/protocol';
import {
  alice,
  bob,
  newClientId,
  ok,
  openProduct,
  productOpen,
  request,
  send,
  startTestServer,
  type TestServer,
} from './helpers.js';

/** Pulls every page from `cursor` on, as a client catching up would. */
async function syncAll(pull: (cursor: string) => Promise<SyncResult>, cursor: string) {
  const pages: SyncResult[] = [];
  let next = cursor;
  for (let i = 0; i < 1000; i++) {
    const page = await pull(next);
    pages.push(page);
    next = page.cursor;
    if (!page.hasMore) break;
  }
  return {
    pages,
    cursor: next,
    messages: pages.flatMap((p) => p.messages),
    conversations: pages.flatMap((p) => p.conversations),
    reads: pages.flatMap((p) => p.reads),
  };
}

describe('sync', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ RATE_LIMIT_MESSAGES: '100000' });
  });
  after(() => t.close());

  it('after a disconnection returns exactly the missed changes, then nothing', async () => {
    const bobSocket = await t.connect(bob);
    const aliceSocket = await t.connect(alice);
    const conversation = await openProduct(aliceSocket);
    const early = await send(aliceSocket, conversation.id, 'before the tunnel');
    const { cursor } = await ok(bobSocket, 'sync', { cursor: null });
    bobSocket.disconnect();

    // While Bob is away: new messages, an edit, a delete, a new conversation, a read.
    const sent: Message[] = [];
    for (let i = 0; i < 5; i++) sent.push(await send(aliceSocket, conversation.id, `missed ${i}`));
    await ok(aliceSocket, 'message:edit', { messageId: early.id, body: 'before the tunnel (edited)' });
    await ok(aliceSocket, 'message:delete', { messageId: (sent[1] as Message).id });
    const { conversation: another } = await ok(
      aliceSocket,
      'conversation:open',
      productOpen({ product: { id: 'p-sync-2', title: 'Vase' }, supplierId: bob.id, supplierName: bob.name }),
    );
    const otherMessage = await send(aliceSocket, another.id, 'about the vase');

    const back = await t.connect(bob);
    const caught = await syncAll(async (c) => (await ok(back, 'sync', { cursor: c })) as SyncResult, cursor);
    const byId = new Map(caught.messages.map((m) => [m.id, m]));
    assert.equal(caught.messages.length, byId.size, 'no message twice');
    assert.deepEqual(
      [...byId.keys()].sort(),
      [early.id, ...sent.map((m) => m.id), otherMessage.id].sort(),
      'exactly the changed messages',
    );
    assert.equal(byId.get(early.id)?.body, 'before the tunnel (edited)');
    assert.ok(byId.get((sent[1] as Message).id)?.deletedAt);
    assert.deepEqual(caught.conversations.map((c) => c.id).sort(), [conversation.id, another.id].sort());
    const summary = caught.conversations.find((c) => c.id === conversation.id);
    assert.equal(summary?.unreadCount, 5, 'six from Alice, one deleted');
    assert.ok(caught.reads.some((r) => r.userId === alice.id && r.conversationId === another.id));

    const again = await ok(back, 'sync', { cursor: caught.cursor });
    assert.deepEqual([again.messages, again.conversations, again.reads, again.hasMore], [[], [], [], false]);
    // and over REST
    const rest = await t.rest<SyncResult>(bob, 'GET', `/api/sync?cursor=${caught.cursor}`);
    assert.equal(rest.status, 200);
    assert.deepEqual(rest.body.messages, []);
  });

  it('pages through a large gap with no gap and no duplicate, while changes keep coming', async () => {
    const aliceSocket = await t.connect(alice);
    const bobSocket = await t.connect(bob);
    const { conversation } = await ok(
      aliceSocket,
      'conversation:open',
      productOpen({ product: { id: 'p-sync-big', title: 'Bench' }, supplierId: bob.id, supplierName: bob.name }),
    );
    const { cursor } = await ok(bobSocket, 'sync', { cursor: null });
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) ids.push((await send(aliceSocket, conversation.id, `bulk ${i}`)).id);

    let injected = false;
    const caught = await syncAll(async (c) => {
      const page = (await ok(bobSocket, 'sync', { cursor: c, limit: 25 })) as SyncResult;
      if (!injected) {
        // A change that lands mid-catch-up must still be seen, once.
        injected = true;
        ids.push((await send(aliceSocket, conversation.id, 'late')).id);
        await ok(aliceSocket, 'message:edit', { messageId: ids[0] as string, body: 'bulk 0 (edited)' });
      }
      return page;
    }, cursor);
    assert.ok(caught.pages.length >= 5, `paged (${caught.pages.length} pages)`);
    const seen = caught.messages.map((m) => m.id);
    assert.deepEqual([...new Set(seen)].sort(), [...ids].sort(), 'every message');
    // the edited one may show twice (before and after its edit); the latest version wins
    const latest = new Map(caught.messages.map((m) => [m.id, m]));
    assert.equal(latest.get(ids[0] as string)?.body, 'bulk 0 (edited)');
    assert.equal(seen.length, ids.length + (seen.filter((id) => id === ids[0]).length - 1));
  });

  it('a null cursor gives the recent state; a cursor from another database resets; garbage is refused', async () => {
    const aliceSocket = await t.connect(alice);
    const fresh = await ok(aliceSocket, 'sync', { cursor: null });
    assert.equal(fresh.reset, true);
    assert.ok(fresh.conversations.length >= 1);
    assert.deepEqual(fresh.messages, []);

    const other = await startTestServer();
    try {
      const elsewhere = await other.connect(alice);
      const foreign = await ok(elsewhere, 'sync', { cursor: null });
      const reset = await ok(aliceSocket, 'sync', { cursor: foreign.cursor });
      assert.equal(reset.reset, true);
    } finally {
      await other.close();
    }
    const garbage = await request(aliceSocket, 'sync', { cursor: 'not-a-cursor' });
    assert.equal(!garbage.ok && garbage.error.code, 'invalid_payload');
  });

  it('resends after a reconnect are idempotent (the outbox path)', async () => {
    const aliceSocket = await t.connect(alice);
    const conversation = await openProduct(aliceSocket);
    const payload = { clientId: newClientId(), conversationId: conversation.id, body: 'sent in a tunnel' };
    const first = await ok(aliceSocket, 'message:send', payload);
    aliceSocket.disconnect();
    const again = await t.connect(alice);
    const second = await ok(again, 'message:send', payload);
    assert.deepEqual(second.message, first.message);
  });
});
