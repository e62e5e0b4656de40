import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import {
  clientFor,
  destroyClients,
  productTokenFor,
  type RunningServer,
  startServer,
  stopServer,
  tokenFor,
  uniqueUser,
  waitForStore,
} from '../../../../test-support/browser-support.js';
import { eventually, inside } from './helpers.js';

interface DropIn {
  configure(options: { url: string; token: () => Promise<string> }): unknown;
}

describe('the palaver.js drop-in', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(destroyClients);

  it('one script, one configure() call and plain tags: a buyer contacts a supplier', async () => {
    // The built bundle, exactly what a marketplace page loads.
    const palaver = (await import(/* @vite-ignore */ `${'/packages/elements/dist/palaver.js'}`)) as DropIn;
    const buyer = uniqueUser('Buyer');
    const supplier = uniqueUser('Supplier');
    palaver.configure({ url: server.url, token: () => tokenFor(buyer) });
    const page = await fixture<HTMLElement>(html`<div>
      <header>Messages <unread-badge></unread-badge></header>
      <chat-thread
        product-token=${await productTokenFor({ id: 'sku-42', title: 'Stoneware mug' }, supplier)}
      ></chat-thread>
    </div>`);
    const thread = page.querySelector('chat-thread') as HTMLElement & { conversationId?: string };
    const badge = page.querySelector('unread-badge') as HTMLElement & { count: number };
    // The thread and the inbox are a chunk palaver.js loads by itself (at once, or when idle).
    await customElements.whenDefined('chat-thread');
    await eventually(() => expect(thread.conversationId).to.be.a('string'));

    (inside(thread, 'textarea') as HTMLTextAreaElement).focus();
    await sendKeys({ type: 'Do you ship to Lyon?' });
    await sendKeys({ press: 'Enter' });

    const supplierClient = await clientFor(server, supplier);
    await supplierClient.connect();
    const conversationId = thread.conversationId as string;
    const received = await waitForStore(supplierClient.messagesOf(conversationId), (list) => list.length === 1);
    expect(received[0]?.body).to.equal('Do you ship to Lyon?');
    await supplierClient.send(conversationId, 'Yes, in 3 days.');
    // The thread is on screen: the answer arrives and is read at once, so the badge comes back to 0 …
    await eventually(() =>
      expect([...(thread.shadowRoot?.querySelectorAll('[part="bubble"]') ?? [])].map((b) => b.textContent)).to.include(
        'Yes, in 3 days.',
      ),
    );
    await eventually(() => expect(badge.count).to.equal(0));
    // … while a second answer with the thread gone shows in the badge.
    thread.remove();
    await supplierClient.send(conversationId, 'Anything else?');
    await eventually(() => expect(badge.count).to.equal(1));
  });
});
