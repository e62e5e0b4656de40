import { expect, fixture, html } from '@open-wc/testing';
import '../../src/chat-thread/define.js';
import {
  buyerInConversation,
  destroyClients,
  type RunningServer,
  startServer,
  stopServer,
} from '../../../../test-support/browser-support.js';
import type { ChatThread } from '../../src/index.js';
import { eventually, inside } from './helpers.js';

const API_KEY = 'suspension-test-api-key-that-is-long-enough-0123';

describe('<chat-thread> when the other side is suspended', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ PALAVER_API_KEY: API_KEY });
  });
  after(async () => {
    await destroyClients();
    await stopServer(server);
  });

  it('says so as soon as the marketplace suspends them, and no more once reinstated', async () => {
    const { client, supplier, conversation } = await buyerInConversation(server, 'p-suspended');
    await client.send(conversation.id, 'Hello?');
    const el = await fixture<ChatThread>(
      html`<chat-thread lang="fr" .client=${client} conversation-id=${conversation.id}></chat-thread>`,
    );
    await eventually(() => expect(inside(el, '[part="bubble"]')?.textContent).to.equal('Hello?'));
    expect(inside(el, '[part="banner"].suspended')).to.equal(null);
    const moderate = (action: string) =>
      fetch(`${server.url}/api/server/users/${supplier.id}/${action}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ moderatorId: 'moderator-1', reason: 'fraud reports' }),
      });
    expect((await moderate('suspend')).status).to.equal(200);
    await eventually(() => expect(inside(el, '[part="banner"].suspended')?.textContent).to.contain('est suspendu'));
    await expect(el).to.be.accessible();
    expect((await moderate('reinstate')).status).to.equal(200);
    await eventually(() => expect(inside(el, '[part="banner"].suspended')).to.equal(null));
  });
});
