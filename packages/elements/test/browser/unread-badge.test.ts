import { expect, fixture, html } from '@open-wc/testing';
import '../../src/unread-badge/define.js';
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
import type { UnreadBadge } from '../../src/index.js';
import { eventually } from './helpers.js';

describe('<unread-badge>', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ RATE_LIMIT_MESSAGES: '100000' });
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(destroyClients);

  it('is hidden at 0, counts live as messages arrive, drops when read, says "99+" past max, and is accessible', async () => {
    const supplier = uniqueUser('Supplier');
    const buyer = uniqueUser('Buyer');
    const supplierClient = await clientFor(server, supplier);
    const buyerClient = await clientFor(server, buyer);
    await Promise.all([supplierClient.connect(), buyerClient.connect()]);
    await waitForStore(buyerClient.$connection, (s) => s === 'online');
    await waitForStore(supplierClient.$connection, (s) => s === 'online');
    const badge = await fixture<UnreadBadge>(html`<unread-badge .client=${supplierClient} max="2"></unread-badge>`);
    expect(badge.hidden).to.equal(true);
    expect(badge.shadowRoot?.querySelector('[part="base"]')).to.equal(null);

    const conversation = await buyerClient.openProductConversation({
      productToken: await productTokenFor(product('p-badge'), supplier),
    });
    const one = await fixture<UnreadBadge>(
      html`<unread-badge .client=${supplierClient} conversation-id=${conversation.id}></unread-badge>`,
    );
    await buyerClient.send(conversation.id, 'first');
    await eventually(() => expect(badge.shadowRoot?.querySelector('[part="base"]')?.textContent).to.equal('1'));
    expect(badge.hidden).to.equal(false);
    const base = badge.shadowRoot?.querySelector('[part="base"]');
    expect(base?.getAttribute('aria-label')).to.equal('1 unread message');
    await expect(badge).to.be.accessible();

    await buyerClient.send(conversation.id, 'second');
    await buyerClient.send(conversation.id, 'third');
    await eventually(() => expect(badge.shadowRoot?.querySelector('[part="base"]')?.textContent).to.equal('2+'));
    expect(badge.shadowRoot?.querySelector('[part="base"]')?.getAttribute('aria-label')).to.equal('3 unread messages');
    await eventually(() => expect(one.count).to.equal(3));

    await supplierClient.markRead(conversation.id, 3);
    await eventually(() => expect(badge.hidden).to.equal(true));
    expect(one.hidden).to.equal(true);
  });

  it('speaks the page’s language', async () => {
    const supplier = uniqueUser('Fournisseur');
    const buyer = uniqueUser('Acheteur');
    const supplierClient = await clientFor(server, supplier);
    const buyerClient = await clientFor(server, buyer);
    await Promise.all([supplierClient.connect(), buyerClient.connect()]);
    await waitForStore(buyerClient.$connection, (s) => s === 'online');
    const conversation = await buyerClient.openProductConversation({
      productToken: await productTokenFor(product('p-fr'), supplier),
    });
    const wrapper = await fixture<HTMLElement>(
      html`<div lang="fr"><unread-badge .client=${supplierClient}></unread-badge></div>`,
    );
    const badge = wrapper.querySelector('unread-badge') as UnreadBadge;
    for (const body of ['un', 'deux']) await buyerClient.send(conversation.id, body);
    await eventually(() =>
      expect(badge.shadowRoot?.querySelector('[part="base"]')?.getAttribute('aria-label')).to.equal(
        '2 messages non lus',
      ),
    );
  });
});
