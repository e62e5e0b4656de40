import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/contact-supplier/define.js';
import {
  clientFor,
  destroyClients,
  productTokenFor,
  type RunningServer,
  startServer,
  stopServer,
  uniqueUser,
  waitForStore,
} from '../../../../test-support/browser-support.js';
import type { ContactSupplier } from '../../src/index.js';
import { deepActiveElement, eventually, inside } from './helpers.js';

describe('<contact-supplier>', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(destroyClients);

  it('opens the product’s thread in a modal dialog, keeps focus inside, closes on Escape and returns focus', async () => {
    const buyer = uniqueUser('Buyer');
    const supplier = uniqueUser('Supplier');
    const client = await clientFor(server, buyer);
    const page = await fixture<HTMLElement>(html`<div>
      <a href="#before">before</a>
      <contact-supplier
        .client=${client}
        product-token=${await productTokenFor({ id: 'sku-9', title: 'Copper kettle' }, supplier)}
      ></contact-supplier>
      <a href="#after">after</a>
    </div>`);
    const contact = page.querySelector('contact-supplier') as ContactSupplier;
    await expect(contact).to.be.accessible();
    const button = inside(contact, '[part="button"]') as HTMLButtonElement;
    expect(button.textContent?.trim()).to.equal('Contact supplier');
    button.focus();
    await sendKeys({ press: 'Enter' });
    await eventually(() => expect(contact.open).to.equal(true));
    const thread = inside(contact, 'chat-thread') as HTMLElement & { conversationId?: string };
    await eventually(() => expect(thread.conversationId).to.be.a('string'));
    expect(inside(thread as unknown as ContactSupplier, '[part="product"]')?.textContent).to.contain('Copper kettle');

    // The conversation is the product's: the supplier sees it once the buyer wrote.
    await client.send(thread.conversationId as string, 'Is the kettle copper all through?');
    const supplierClient = await clientFor(server, supplier);
    await supplierClient.connect();
    await waitForStore(supplierClient.$conversations, (list) =>
      list.some((c) => c.id === thread.conversationId && c.product?.id === 'sku-9'),
    );

    // Tabbing never leaves the dialog.
    for (let i = 0; i < 12; i++) {
      await sendKeys({ press: 'Tab' });
      const active = deepActiveElement();
      expect(page.querySelector('a')?.contains(active) || page.querySelectorAll('a')[1]?.contains(active)).to.equal(
        false,
      );
    }
    await sendKeys({ press: 'Escape' });
    await eventually(() => expect(contact.open).to.equal(false));
    await eventually(() => expect(deepActiveElement()).to.equal(button));
  });

  it('at the first open, focus is on the composer: what the buyer types at once is kept and sent', async () => {
    const supplier = uniqueUser('Supplier');
    const client = await clientFor(server, uniqueUser('Buyer'));
    const contact = await fixture<ContactSupplier>(html`<contact-supplier
      .client=${client}
      product-token=${await productTokenFor({ id: 'sku-first', title: 'Oak board' }, supplier)}
    ></contact-supplier>`);
    (inside(contact, '[part="button"]') as HTMLButtonElement).focus();
    await sendKeys({ press: 'Enter' });
    await eventually(() => expect(contact.open).to.equal(true));
    // No waiting for the conversation: a buyer types as soon as the dialog shows.
    await sendKeys({ type: 'Hi! Is it oiled?' });
    await sendKeys({ press: 'Enter' });
    const thread = inside(contact, 'chat-thread') as HTMLElement & { conversationId?: string };
    expect(deepActiveElement()?.tagName).to.equal('TEXTAREA');
    await eventually(() => expect(thread.conversationId).to.be.a('string'));
    await eventually(() => expect(inside(thread, '[part="bubble"]')?.textContent).to.equal('Hi! Is it oiled?'));
  });
});
