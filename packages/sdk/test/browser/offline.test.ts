import { expect } from '@open-wc/testing';
import { createStore, get } from 'idb-keyval';
import {
  buyerInConversation,
  clientFor,
  destroyClients,
  killServer,
  product,
  productTokenFor,
  type RunningServer,
  restartServer,
  startServer,
  stopServer,
  tokenFor,
  uniqueUser,
  waitForStore,
} from '../../../../test-support/browser-support.js';
import { type ChatClient, createChatClient } from '../../src/index.js';
import type { MessageWindow } from '../../src/state/message-window.js';

/** Reads a conversation straight from the server, as the other side would see it. */
async function serverHistory(client: ChatClient, conversationId: string) {
  await waitForStore(client.$connection, (s) => s === 'online');
  const all = [];
  let hasMore = true;
  while (hasMore) {
    const before = await client.loadOlder(conversationId);
    hasMore = before;
  }
  for (const message of client.messagesOf(conversationId).get()) all.push(message);
  return all;
}

describe('offline first', () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await startServer({ RATE_LIMIT_MESSAGES: '100000' });
  });
  afterEach(async () => {
    await destroyClients();
    await stopServer(server);
  });

  it('messages written while the server is unreachable survive a reload and are delivered once, in order', async () => {
    const buyer = uniqueUser('Buyer');
    const supplier = uniqueUser('Supplier');
    const first = await clientFor(server, buyer);
    await first.connect();
    await waitForStore(first.$connection, (s) => s === 'online');
    const conversation = await first.openProductConversation({
      productToken: await productTokenFor(product(), supplier),
    });

    await killServer(server);
    await waitForStore(first.$connection, (s) => s === 'offline');
    // Offline, the conversation opened before is still at hand.
    const again = await first.openProductConversation({
      productToken: await productTokenFor(product(), supplier),
    });
    expect(again.id).to.equal(conversation.id);
    const bodies = ['one', 'two', 'three'];
    for (const body of bodies) await first.send(conversation.id, body);
    const queued = first
      .messagesOf(conversation.id)
      .get()
      .filter((m) => m.pending);
    expect(queued.map((m) => [m.body, m.status])).to.deep.equal(bodies.map((b) => [b, 'queued']));
    await first.destroy(); // the page closes

    // A new page, same browser storage, still offline.
    const token = await tokenFor(buyer);
    const second = createChatClient({
      url: server.url,
      token,
      reconnectionDelayMax: 500,
      namespace: `test-${server.id}`,
    });
    await second.connect();
    const restored = second.messagesOf(conversation.id);
    await waitForStore(restored, (list) => list.filter((m) => m.pending).length === 3, 5000, 'outbox restored');
    expect(restored.get().map((m) => m.body)).to.deep.equal(bodies);

    await restartServer(server);
    await waitForStore(restored, (list) => list.length === 3 && list.every((m) => !m.pending), 15000, 'delivered');
    expect(restored.get().map((m) => [m.body, m.seq])).to.deep.equal([
      ['one', 1],
      ['two', 2],
      ['three', 3],
    ]);

    const supplierClient = await clientFor(server, supplier);
    await supplierClient.connect();
    const theirs = await waitForStore(supplierClient.messagesOf(conversation.id), (list) => list.length >= 3);
    expect(theirs.map((m) => m.body)).to.deep.equal(bodies);
    await second.destroy();

    // Next visit with the server down: the thread renders from the cache alone.
    await killServer(server);
    const third = createChatClient({ url: server.url, token, namespace: `test-${server.id}` });
    await third.connect();
    const cached = await waitForStore(third.messagesOf(conversation.id), (list) => list.length === 3, 5000, 'cached');
    expect(cached.map((m) => [m.body, m.status])).to.deep.equal(bodies.map((b) => [b, 'sent']));
    expect(third.$connection.get()).to.not.equal('online');
    expect(third.$conversations.get().map((c) => c.id)).to.deep.equal([conversation.id]);
    await third.destroy();
  });

  it('first contact written offline: after a reload the conversation opens and each message goes once', async () => {
    const buyer = uniqueUser('Buyer');
    const supplier = uniqueUser('Supplier');
    const first = await clientFor(server, buyer);
    await first.connect();
    await waitForStore(first.$connection, (s) => s === 'online');
    await killServer(server);
    await waitForStore(first.$connection, (s) => s === 'offline');
    const productToken = await productTokenFor(product('p-first-offline'), supplier);
    const one = await first.sendAbout({ productToken }, 'Is it still available?');
    const two = await first.sendAbout({ productToken }, 'And in blue?');
    expect(two.conversationId).to.equal(one.conversationId);
    expect(
      first
        .messagesOf(one.conversationId)
        .get()
        .map((m) => [m.body, m.status]),
    ).to.deep.equal([
      ['Is it still available?', 'queued'],
      ['And in blue?', 'queued'],
    ]);
    await first.destroy(); // the page closes

    const second = await clientFor(server, buyer);
    await second.connect();
    await waitForStore(second.messagesOf(one.conversationId), (list) => list.length === 2, 5000, 'outbox restored');
    await restartServer(server);
    const [opened] = await waitForStore(
      second.$conversations,
      (list) => list.some((c) => c.product?.id === 'p-first-offline'),
      15000,
      'opened',
    );
    const id = (opened?.product?.id === 'p-first-offline' ? opened : second.$conversations.get()[0])?.id as string;
    const mine = await waitForStore(
      second.messagesOf(id),
      (list) => list.length === 2 && list.every((m) => !m.pending),
      15000,
      'delivered',
    );
    expect(mine.map((m) => [m.body, m.seq])).to.deep.equal([
      ['Is it still available?', 1],
      ['And in blue?', 2],
    ]);

    // The supplier sees exactly one conversation, with each message once.
    const supplierClient = await clientFor(server, supplier);
    await supplierClient.connect();
    const theirs = await waitForStore(supplierClient.$conversations, (list) => list.length > 0, 10000, 'listed');
    expect(theirs.map((c) => [c.id, c.product?.id])).to.deep.equal([[id, 'p-first-offline']]);
    const history = await serverHistory(supplierClient, id);
    expect(history.map((m) => m.body)).to.deep.equal(['Is it still available?', 'And in blue?']);
  });

  it('a thread subscribed before connect() shows its cache, and loading the newest page online keeps it', async () => {
    const { client: opener, buyer, supplier, conversation } = await buyerInConversation(server, 'p-early-thread');
    await opener.destroy();
    const total = 80; // more than the newest page (50) a thread loads from the server
    const sender = await clientFor(server, supplier);
    for (let i = 0; i < total; i++) void sender.send(conversation.id, `message ${i}`);
    await waitForStore(
      sender.messagesOf(conversation.id),
      (list) => list.length === total && list.every((m) => !m.pending),
      20000,
      'all sent',
    );
    // The buyer's visit: the change feed brings every message, and the cache holds them
    // all with a cursor past them (the next visit's sync brings nothing new).
    const visit = await clientFor(server, buyer);
    await visit.connect();
    await waitForStore(visit.messagesOf(conversation.id), (list) => list.length === total, 10000, 'synced');
    await waitForStore(visit.$syncing, (syncing) => !syncing);
    await visit.destroy(); // writes the cache

    // Server down: the thread, subscribed before the client opened its storage, shows the cache.
    await killServer(server);
    const offline = await clientFor(server, buyer);
    const offlineThread = offline.messagesOf(conversation.id);
    const stopOffline = offlineThread.listen(() => undefined);
    void offline.connect();
    await waitForStore(offlineThread, (list) => list.length === total, 5000, 'cached messages');
    stopOffline();
    await offline.destroy();

    // Server up: the newest page from the server joins the cached messages instead of
    // replacing them, on screen and on disk.
    await restartServer(server);
    const online = await clientFor(server, buyer);
    const thread = online.messagesOf(conversation.id);
    const stop = thread.listen(() => undefined);
    const pageLoaded = new Promise<void>((resolve) => {
      let loading = false;
      online.threadStatusOf(conversation.id).listen((status) => {
        if (status.loading) loading = true;
        else if (loading) resolve();
      });
    });
    void online.connect();
    await pageLoaded;
    expect(thread.get().map((m) => m.seq)).to.deep.equal(Array.from({ length: total }, (_, i) => i + 1));
    stop();
    await online.destroy(); // writes the cache
    const disk = createStore(`palaver:test-${server.id}:${buyer.id}`, 'kv');
    const cached = await get<MessageWindow>(`m:${conversation.id}`, disk);
    expect(cached?.messages.length).to.equal(total);
  });

  it('a thread on screen shows the cache of the user signed in now, after a switch of user', async () => {
    const { client, buyer, supplier, conversation } = await buyerInConversation(server, 'p-switch');
    await client.send(conversation.id, 'from the buyer');
    await waitForStore(client.messagesOf(conversation.id), (list) => list[0]?.status === 'sent');
    await client.destroy(); // the buyer's cache: one message
    const supplierClient = await clientFor(server, supplier);
    await supplierClient.connect();
    await waitForStore(supplierClient.messagesOf(conversation.id), (list) => list.length === 1);
    await supplierClient.send(conversation.id, 'from the supplier');
    await waitForStore(supplierClient.messagesOf(conversation.id), (list) => list[1]?.status === 'sent');
    await supplierClient.destroy(); // the supplier's cache: two messages

    await killServer(server);
    const shared = await clientFor(server, buyer);
    await shared.connect();
    const thread = shared.messagesOf(conversation.id);
    await waitForStore(thread, (list) => list.length === 1, 5000, "the buyer's cache");
    // Another user signs in on this page (the server is still down): the thread shows theirs.
    shared.setToken(await tokenFor(supplier));
    await waitForStore(shared.$user, (user) => user?.id === supplier.id, 5000, 'the supplier signed in');
    const theirs = await waitForStore(thread, (list) => list.length === 2, 5000, "the supplier's cache");
    expect(theirs.map((m) => m.body)).to.deep.equal(['from the buyer', 'from the supplier']);
  });

  it('the server killed and restarted while messages are being sent: every message arrives exactly once', async () => {
    const buyer = uniqueUser('Buyer');
    const supplier = uniqueUser('Supplier');
    const sender = await clientFor(server, buyer);
    const receiver = await clientFor(server, supplier);
    await Promise.all([sender.connect(), receiver.connect()]);
    await waitForStore(sender.$connection, (s) => s === 'online');
    const conversation = await sender.openProductConversation({
      productToken: await productTokenFor(product('p-crash'), supplier),
    });
    const total = 60;
    const sends = [];
    for (let i = 0; i < total; i++) {
      sends.push(sender.send(conversation.id, `message ${i}`));
      if (i === 20) await killServer(server);
      if (i === 40) await restartServer(server);
    }
    await Promise.all(sends);
    const view = sender.messagesOf(conversation.id);
    await waitForStore(view, (list) => list.length === total && list.every((m) => !m.pending), 30000, 'all sent');
    expect(view.get().map((m) => m.seq)).to.deep.equal(Array.from({ length: total }, (_, i) => i + 1));
    expect(view.get().map((m) => m.body)).to.deep.equal(Array.from({ length: total }, (_, i) => `message ${i}`));

    // The other side gets the last one live, and its history (loading older pages) has each once.
    const theirs = receiver.messagesOf(conversation.id);
    await waitForStore(theirs, (list) => list.at(-1)?.seq === total, 20000, 'receiver has the last');
    const onServer = await serverHistory(receiver, conversation.id);
    expect(onServer.map((m) => m.seq)).to.deep.equal(Array.from({ length: total }, (_, i) => i + 1));
    expect(onServer.map((m) => m.body)).to.deep.equal(Array.from({ length: total }, (_, i) => `message ${i}`));
  });

  it('follows the browser going offline and online at once, without waiting for a socket timeout', async () => {
    const buyer = uniqueUser('Buyer');
    const supplier = uniqueUser('Supplier');
    const client = await clientFor(server, buyer);
    await client.connect();
    await waitForStore(client.$connection, (s) => s === 'online');
    const conversation = await client.openProductConversation({
      productToken: await productTokenFor(product('p-browser-offline'), supplier),
    });
    window.dispatchEvent(new Event('offline'));
    expect(client.$connection.get()).to.equal('offline');
    await client.send(conversation.id, 'queued while the browser is offline');
    const view = client.messagesOf(conversation.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(view.get()[0]?.status).to.equal('queued');
    window.dispatchEvent(new Event('online'));
    await waitForStore(view, (list) => list[0]?.status === 'sent', 10000, 'sent once back online');
  });
});
