import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/chat-thread/define.js';
import {
  buyerInConversation,
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
import { eventually, inside } from './helpers.js';

/**
 * What a thread says and allows before and around its first message: every
 * state tells one story (no "could not be loaded" above "Say hello!", no
 * "will be sent later" above a disabled composer, no silent wait).
 */
describe('<chat-thread> states that agree with each other', () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await startServer({ RATE_LIMIT_MESSAGES: '2', RATE_LIMIT_WINDOW_MS: '3000' });
  });
  afterEach(async () => {
    await destroyClients();
    await stopServer(server);
  });

  const textarea = (el: ChatThread) => inside(el, '[part="composer"] textarea') as HTMLTextAreaElement;

  it('contacting yourself: the server’s reason, no invitation to say hello, nothing to write into', async () => {
    const me = uniqueUser('Seller');
    const client = await clientFor(server, me);
    const el = await fixture<ChatThread>(html`<chat-thread
      .client=${client}
      product-token=${await productTokenFor({ id: 'p-own', title: 'My own mug' }, me)}
    ></chat-thread>`);
    await eventually(() => expect(inside(el, '[part="banner"]')?.textContent).to.contain('yourself'));
    expect(el.shadowRoot?.textContent).to.not.contain('Say hello');
    expect(el.shadowRoot?.textContent).to.not.contain('Loading');
    expect(textarea(el).disabled).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('offline on a new product: the outbox takes the message and sends it once the conversation opens', async () => {
    const supplier = uniqueUser('Supplier');
    const client = await clientFor(server, uniqueUser('Buyer'));
    await client.connect();
    await waitForStore(client.$connection, (s) => s === 'online');
    await killServer(server);
    await waitForStore(client.$connection, (s) => s === 'offline', 10000, 'offline');
    const el = await fixture<ChatThread>(html`<chat-thread
      .client=${client}
      product-token=${await productTokenFor({ id: 'p-offline-first', title: 'p-offline-first' }, supplier)}
    ></chat-thread>`);
    await eventually(() => expect(inside(el, '[part="banner"]')?.textContent).to.contain('offline'));
    expect(textarea(el).disabled, 'the banner promises sending later: the composer must take it').to.equal(false);
    textarea(el).focus();
    await sendKeys({ type: 'Written in the tunnel' });
    await sendKeys({ press: 'Enter' });
    // Kept, not lost: queued in the (persistent) outbox and shown as waiting.
    await eventually(() => expect(inside(el, '[part="bubble"]')?.textContent).to.equal('Written in the tunnel'));
    expect(inside(el, '[part="status"]')?.getAttribute('aria-label')).to.not.equal('Sent');
    expect(textarea(el).value).to.equal('');
    await expect(el).to.be.accessible();

    await restartServer(server);
    await eventually(() => expect(el.conversationId).to.be.a('string'), 15000);
    await eventually(() => expect(inside(el, '[part="bubble"]')?.textContent).to.equal('Written in the tunnel'));
    await eventually(() => expect(inside(el, '[part="status"]')?.getAttribute('aria-label')).to.equal('Sent'));
    expect(textarea(el).value).to.equal('');
    expect(inside(el, '.hint')).to.equal(null);
  });

  it('a rate-limited message says why it waits, then goes by itself', async () => {
    const { client, conversation } = await buyerInConversation(server, 'p-rate');
    const el = await fixture<ChatThread>(
      html`<chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread>`,
    );
    for (const body of ['one', 'two', 'three']) await client.send(conversation.id, body);
    await eventually(() => expect(inside(el, '.held')?.textContent).to.contain('Too many messages'));
    await expect(el).to.be.accessible();
    await eventually(() => expect(inside(el, '.held')).to.equal(null), 15000);
    await eventually(() =>
      expect(
        [...(el.shadowRoot?.querySelectorAll('[part="status"]') ?? [])].map((s) => s.getAttribute('aria-label')),
      ).to.deep.equal(['Sent', 'Sent', 'Sent']),
    );
  });

  it('bubbles and editors take the direction of their own text (dir="auto")', async () => {
    const { client, conversation } = await buyerInConversation(server, 'p-dir');
    await client.send(conversation.id, 'Hello?');
    const wrapper = await fixture<HTMLElement>(html`<div dir="rtl" lang="ar">
      <chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread>
    </div>`);
    const el = wrapper.querySelector('chat-thread') as ChatThread;
    await eventually(() => expect(inside(el, '[part="bubble"]')).to.not.equal(null));
    const bubble = inside(el, '[part="bubble"]') as HTMLElement;
    expect(bubble.getAttribute('dir')).to.equal('auto');
    // Latin text in a right-to-left page reads left to right, "?" at its end.
    expect(getComputedStyle(bubble).direction).to.equal('ltr');
    expect(textarea(el).getAttribute('dir')).to.equal('auto');
  });
});
