import { expect } from '@open-wc/testing';
import { get } from 'idb-keyval';
import {
  buyerInConversation,
  clientFor,
  destroyClients,
  product,
  productTokenFor,
  type RunningServer,
  serverMetrics,
  startServer,
  stopServer,
  uniqueUser,
  waitForStore,
} from '../../../../test-support/browser-support.js';

/** How many `message:send` events the server has handled (its Prometheus counter). */
async function sendRequestsSeenBy(server: RunningServer): Promise<number> {
  const text = await serverMetrics(server);
  const match = /^palaver_ack_latency_seconds_count\{event="message:send"\} (\d+)$/m.exec(text);
  return Number(match?.[1] ?? 0);
}

describe('tabs and storage', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ RATE_LIMIT_MESSAGES: '100000' });
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(destroyClients);

  it('two tabs of one user never send a message twice and agree on unread counts', async () => {
    const buyer = uniqueUser('Buyer');
    const supplier = uniqueUser('Supplier');
    const tabA = await clientFor(server, buyer);
    const tabB = await clientFor(server, buyer);
    const other = await clientFor(server, supplier);
    await Promise.all([tabA.connect(), tabB.connect(), other.connect()]);
    await waitForStore(tabB.$connection, (s) => s === 'online');
    const conversation = await tabA.openProductConversation({
      productToken: await productTokenFor(product('p-tabs'), supplier),
    });
    // Both tabs write; only one of them sends the shared outbox.
    for (let i = 0; i < 10; i++)
      await (i % 2 === 0 ? tabA : tabB).send(conversation.id, `from tab ${i % 2 === 0 ? 'A' : 'B'} #${i}`);
    const theirs = other.messagesOf(conversation.id);
    await waitForStore(theirs, (list) => list.length === 10, 15000, 'supplier got 10');
    for (const tab of [tabA, tabB]) {
      const view = await waitForStore(
        tab.messagesOf(conversation.id),
        (list) => list.length === 10 && list.every((m) => !m.pending),
        15000,
        'tab sees 10 sent',
      );
      expect(new Set(view.map((m) => m.clientId)).size).to.equal(10);
    }
    // A little later still exactly ten, and the server was asked exactly ten times:
    // one tab sent, the other did not send the same entries again.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await other.loadOlder(conversation.id);
    expect(theirs.get().map((m) => m.seq)).to.deep.equal(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(await sendRequestsSeenBy(server)).to.equal(10);

    // Unread counts: the supplier answers three times; both tabs count 3, then 0 after one tab reads.
    for (const body of ['a', 'b', 'c']) await other.send(conversation.id, body);
    await waitForStore(tabA.$unreadTotal, (n) => n === 3, 10000, 'tab A: 3');
    await waitForStore(tabB.$unreadTotal, (n) => n === 3, 10000, 'tab B: 3');
    await tabA.markRead(conversation.id, 13);
    await waitForStore(tabB.$unreadTotal, (n) => n === 0, 10000, 'tab B: 0');
    await waitForStore(tabB.unreadOf(conversation.id), (n) => n === 0, 10000, 'tab B conversation: 0');
    expect(tabA.$unreadTotal.get()).to.equal(0);
  });

  it('falls back to memory when IndexedDB throws, and messages still flow', async () => {
    const original = indexedDB.open;
    indexedDB.open = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
    try {
      const { client, conversation } = await buyerInConversation(server, 'p-memory', {
        namespace: `no-idb-${Date.now()}`,
      });
      expect(client.$storage.get()).to.equal('memory');
      await client.send(conversation.id, 'works without IndexedDB');
      await waitForStore(client.messagesOf(conversation.id), (list) => list[0]?.status === 'sent', 10000);
    } finally {
      indexedDB.open = original;
    }
  });

  it('logout removes the user’s local data; the next user on the same browser sees none of it', async () => {
    const namespace = `shared-browser-${Date.now()}`;
    const first = uniqueUser('First');
    const second = uniqueUser('Second');
    const supplier = uniqueUser('Supplier');
    const client = await clientFor(server, first, { namespace });
    await client.connect();
    expect(client.$storage.get()).to.equal('indexeddb');
    await waitForStore(client.$connection, (s) => s === 'online');
    const conversation = await client.openProductConversation({
      productToken: await productTokenFor(product('p-private'), supplier),
    });
    await client.send(conversation.id, 'my private note');
    await waitForStore(client.messagesOf(conversation.id), (list) => list[0]?.status === 'sent', 10000);
    await client.destroy(); // writes the cache
    const dbName = `palaver:${namespace}:${first.id}`;
    const { createStore } = await import('idb-keyval');
    const firstStore = createStore(dbName, 'kv');
    expect(await get('conversations', firstStore)).to.have.length(1);

    const again = await clientFor(server, first, { namespace });
    await again.connect();
    expect(again.$conversations.get().map((c) => c.id)).to.deep.equal(
      [conversation.id],
      'cache shown before the network',
    );
    await again.logout();
    expect(again.$conversations.get()).to.deep.equal([]);
    expect(again.$user.get()).to.equal(null);
    expect(await get('conversations', firstStore)).to.equal(undefined);
    expect(await get(`m:${conversation.id}`, firstStore)).to.equal(undefined);

    const next = await clientFor(server, second, { namespace });
    await next.connect();
    await waitForStore(next.$connection, (s) => s === 'online');
    await waitForStore(next.$syncing, (s) => !s);
    expect(next.$conversations.get()).to.deep.equal([]);
    expect(next.messagesOf(conversation.id).get()).to.deep.equal([]);
  });
});
