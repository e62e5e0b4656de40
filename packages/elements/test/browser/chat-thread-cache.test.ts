import { expect, fixture, html } from '@open-wc/testing';
import '../../src/chat-thread/define.js';
import {
  buyerInConversation,
  clientFor,
  destroyClients,
  killServer,
  type RunningServer,
  startServer,
  stopServer,
  waitForStore,
} from '../../../../test-support/browser-support.js';
import { type ChatThread, configure } from '../../src/index.js';
import { allInside, eventually } from './helpers.js';

const bubbles = (el: ChatThread) => allInside(el, '[part="bubble"]').map((b) => b.textContent);

describe('<chat-thread> from the cache', () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await startServer({ RATE_LIMIT_MESSAGES: '100000' });
  });
  afterEach(async () => {
    await destroyClients();
    await stopServer(server);
  });

  it('in the drop-in order (configure() and the element in one tick), shows the cache with the server down', async () => {
    // An earlier visit, online, leaves the conversation in this browser's cache.
    const { client, buyer, conversation } = await buyerInConversation(server, 'p-drop-in-cache');
    const bodies = ['one', 'two', 'three'];
    for (const body of bodies) await client.send(conversation.id, body);
    await waitForStore(
      client.messagesOf(conversation.id),
      (list) => list.length === 3 && list.every((m) => !m.pending),
    );
    await client.destroy(); // writes the cache
    await killServer(server);

    // The next visit, as the README's snippet does it: the element subscribes to the
    // thread while the client it was given has not opened its storage yet.
    const visit = await clientFor(server, buyer);
    configure(visit);
    const el = await fixture<ChatThread>(html`<chat-thread conversation-id=${conversation.id}></chat-thread>`);
    await eventually(() => expect(bubbles(el)).to.deep.equal(bodies), 5000);
    expect(visit.$connection.get()).to.not.equal('online');
    await expect(el).to.be.accessible();
  });
});
