import { expect, fixture, html } from '@open-wc/testing';
import '../../src/chat-thread/define.js';
import {
  buyerInConversation,
  clientFor,
  destroyClients,
  type RunningServer,
  startServer,
  stopServer,
} from '../../../../test-support/browser-support.js';
import type { ChatThread } from '../../src/index.js';
import { eventually, inside } from './helpers.js';

describe('<chat-thread> with contact details hidden (CONTACT_MASKING=mask)', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ CONTACT_MASKING: 'mask' });
  });
  after(async () => {
    await destroyClients();
    await stopServer(server);
  });

  it('the recipient reads the masked text with a note; the sender their own text, told the other side does not see it', async () => {
    const { client, supplier, conversation } = await buyerInConversation(server, 'p-masked');
    const written = 'Text me on 06 12 34 56 78, it is easier';
    await client.send(conversation.id, written);
    const mine = await fixture<ChatThread>(
      html`<chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread>`,
    );
    await eventually(() => expect(inside(mine, '[part="bubble"]')?.textContent).to.equal(written));
    await eventually(() =>
      expect(inside(mine, '[part="masked-note"]')?.textContent).to.contain('hidden from the other side'),
    );

    const supplierClient = await clientFor(server, supplier);
    const theirs = await fixture<ChatThread>(
      html`<chat-thread lang="fr" .client=${supplierClient} conversation-id=${conversation.id}></chat-thread>`,
    );
    await eventually(() =>
      expect(inside(theirs, '[part="bubble"]')?.textContent).to.contain('[contact details hidden]'),
    );
    expect(inside(theirs, '[part="bubble"]')?.textContent).to.not.contain('06 12');
    expect(inside(theirs, '[part="masked-note"]')?.textContent).to.contain('masquées par la place de marché');
    await expect(mine).to.be.accessible();
    await expect(theirs).to.be.accessible();
  });
});
