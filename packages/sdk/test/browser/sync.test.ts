import { expect } from '@open-wc/testing';
import {
  clientFor,
  destroyClients,
  product,
  productTokenFor,
  type RunningServer,
  startServer,
  stopServer,
  uniqueUser,
  waitForStore,
} from '../../../../test-support/browser-support.js';

describe('catching up', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ RATE_LIMIT_MESSAGES: '100000', DB_SYNCHRONOUS: 'NORMAL' });
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(destroyClients);

  it('after 1,000 messages and edits sent while it was away, a client catches up with no gap and no duplicate', async function () {
    this.timeout(120000);
    const buyer = uniqueUser('Buyer');
    const supplier = uniqueUser('Supplier');
    const away = await clientFor(server, supplier);
    const busy = await clientFor(server, buyer);
    await Promise.all([away.connect(), busy.connect()]);
    await waitForStore(busy.$connection, (s) => s === 'online');
    const conversation = await busy.openProductConversation({
      productToken: await productTokenFor(product('p-busy'), supplier),
    });
    await busy.send(conversation.id, 'before');
    const awayView = away.messagesOf(conversation.id);
    const seen: number[] = [];
    const stop = awayView.subscribe((list) => seen.push(list.length));
    await waitForStore(awayView, (list) => list.length === 1);
    await waitForStore(away.$syncing, (syncing) => !syncing, 5000, 'first sync done');
    away.disconnect();

    const total = 1000;
    for (let i = 0; i < total; i++) void busy.send(conversation.id, `m${i}`);
    const busyView = busy.messagesOf(conversation.id);
    const started = performance.now();
    await waitForStore(
      busyView,
      (list) => list.length === total + 1 && list.every((m) => !m.pending),
      90000,
      'all sent',
    );
    console.log(`sent ${total} in ${Math.round(performance.now() - started)} ms`);
    // edits of a few, including the very first message
    const edited = [busyView.get()[0], busyView.get()[500], busyView.get()[1000]];
    for (const message of edited) if (message) await busy.edit(message.id, `${message.body} (edited)`);
    const deleted = busyView.get()[10];
    if (deleted) await busy.delete(deleted.id);

    const reconnected = performance.now();
    await away.connect();
    const caught = await waitForStore(
      awayView,
      (list) => list.length === total + 1 && list[1000]?.body === 'm999 (edited)' && !!list[10]?.deletedAt,
      30000,
      'caught up',
    );
    stop();
    console.log(`caught up in ${Math.round(performance.now() - reconnected)} ms`);
    expect(caught.map((m) => m.seq)).to.deep.equal(Array.from({ length: total + 1 }, (_, i) => i + 1));
    expect(new Set(caught.map((m) => m.id)).size).to.equal(total + 1);
    expect(caught[0]?.body).to.equal('before (edited)');
    expect(caught[500]?.body).to.equal('m499 (edited)');
    expect(caught[10]?.body).to.equal('');
    // the view never showed more than there are (no duplicate at any moment)
    expect(Math.max(...seen)).to.be.at.most(total + 1);
    await waitForStore(away.unreadOf(conversation.id), (n) => n === total, 5000, 'unread count');
    await waitForStore(away.$unreadTotal, (n) => n === total, 5000, 'unread total');
  });
});
