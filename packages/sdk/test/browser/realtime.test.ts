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
import type { ChatMessage } from '../../src/index.js';

describe('realtime messaging', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(destroyClients);

  it('two clients exchange messages live; the sender sees queued → sent, never a duplicate', async () => {
    const buyer = uniqueUser('Buyer');
    const supplier = uniqueUser('Supplier');
    const buyerClient = await clientFor(server, buyer);
    const supplierClient = await clientFor(server, supplier);
    await Promise.all([buyerClient.connect(), supplierClient.connect()]);
    await waitForStore(buyerClient.$connection, (s) => s === 'online');
    await waitForStore(supplierClient.$connection, (s) => s === 'online');

    const conversation = await buyerClient.openProductConversation({
      productToken: await productTokenFor(product(), supplier),
    });

    const buyerView = buyerClient.messagesOf(conversation.id);
    const history: Array<Array<Pick<ChatMessage, 'clientId' | 'status'>>> = [];
    const stop = buyerView.subscribe((messages) =>
      history.push(messages.map(({ clientId, status }) => ({ clientId, status }))),
    );
    const sent = await buyerClient.send(conversation.id, 'Hello, is the mug in stock?');
    expect(sent.status).to.equal('queued');
    const final = await waitForStore(buyerView, (list) => list.some((m) => m.clientId === sent.clientId && !m.pending));
    stop();
    // Every intermediate state showed the message exactly once.
    for (const snapshot of history.slice(1)) {
      expect(snapshot.filter((m) => m.clientId === sent.clientId)).to.have.length(1);
    }
    const statuses = history.map((s) => s.find((m) => m.clientId === sent.clientId)?.status).filter(Boolean);
    expect(statuses[0]).to.equal('queued');
    expect(statuses).to.include('sent');
    expect(final.filter((m) => m.clientId === sent.clientId)).to.have.length(1);

    // The supplier learns about the new conversation with its first message, without asking.
    await waitForStore(supplierClient.$conversations, (list) => list.some((c) => c.id === conversation.id));
    const supplierView = supplierClient.messagesOf(conversation.id);
    const received = await waitForStore(supplierView, (list) => list.some((m) => m.clientId === sent.clientId));
    expect(received.find((m) => m.clientId === sent.clientId)?.body).to.equal('Hello, is the mug in stock?');
    await waitForStore(supplierClient.$unreadTotal, (n) => n === 1, 5000, 'supplier unread 1');

    // The supplier reads and answers: the buyer sees ✓✓ and the answer.
    const [message] = received;
    await supplierClient.markRead(conversation.id, (message as ChatMessage).seq);
    await waitForStore(supplierClient.$unreadTotal, (n) => n === 0, 5000, 'supplier unread 0');
    await waitForStore(buyerView, (list) => list.find((m) => m.clientId === sent.clientId)?.status === 'read');
    await supplierClient.send(conversation.id, 'Yes, 12 left.');
    await waitForStore(buyerView, (list) => list.some((m) => m.body === 'Yes, 12 left.'));
    await waitForStore(buyerClient.$unreadTotal, (n) => n === 1, 5000, 'buyer unread 1');
  });
});
