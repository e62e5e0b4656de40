import { expect, fixture, html } from '@open-wc/testing';
import '../../src/chat-thread/define.js';
import {
  clientFor,
  destroyClients,
  killServer,
  productTokenFor,
  type RunningServer,
  restartServer,
  startServer,
  stopServer,
  uniqueUser,
  waitForStore,
} from '../../../../test-support/browser-support.js';
import type { ChatThread } from '../../src/index.js';
import { eventually } from './helpers.js';

describe('<chat-thread> opening by product', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(destroyClients);

  it('waits for the connection to open the conversation, but stops waiting once off the page', async () => {
    const supplier = uniqueUser('Supplier');
    const client = await clientFor(server, uniqueUser('Buyer'));
    await client.connect();
    await waitForStore(client.$connection, (s) => s === 'online');
    await killServer(server);
    await waitForStore(client.$connection, (s) => s === 'offline', 10000, 'offline');

    const el = await fixture<ChatThread>(html`<chat-thread
      .client=${client}
      product-token=${await productTokenFor({ id: 'p-open-later', title: 'p-open-later' }, supplier)}
    ></chat-thread>`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(el.conversationId).to.equal(undefined);
    el.remove();

    await restartServer(server);
    await waitForStore(client.$connection, (s) => s === 'online', 15000, 'online again');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(el.conversationId).to.equal(undefined, 'a thread off the page opened nothing');
    expect(client.$conversations.get()).to.deep.equal([]);

    // Back on the page, it opens the conversation.
    document.body.append(el);
    await eventually(() => expect(el.conversationId).to.be.a('string'));
    el.remove();
  });
});
