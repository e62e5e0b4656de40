import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/chat-thread/define.js';
import {
  buyerInConversation,
  clientFor,
  destroyClients,
  productTokenFor,
  type RunningServer,
  startServer,
  stopServer,
  uniqueUser,
  waitForStore,
} from '../../../../test-support/browser-support.js';
import type { ChatThread } from '../../src/index.js';
import { allInside, eventually, inside } from './helpers.js';

const $ = inside;
const $$ = allInside;
const bodies = (el: ChatThread) => $$(el, '[part="bubble"]').map((b) => b.textContent ?? '');

describe('<chat-thread>', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ RATE_LIMIT_MESSAGES: '100000', MESSAGE_MAX_LENGTH: '50' });
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(destroyClients);

  it('opens by product, shows the product card, sends with Enter, breaks lines with Shift+Enter, and ticks ✓ then ✓✓', async () => {
    const buyer = uniqueUser('Buyer');
    const supplier = uniqueUser('Supplier');
    const client = await clientFor(server, buyer);
    const supplierClient = await clientFor(server, supplier);
    await supplierClient.connect();
    const el = await fixture<ChatThread>(html`<chat-thread
      .client=${client}
      product-token=${await productTokenFor({ id: 'p-thread', title: 'Stoneware mug', price: '€18.00' }, supplier)}
    ></chat-thread>`);
    await eventually(() => expect(el.conversationId).to.be.a('string'));
    expect($(el, '[part="product"]')?.textContent).to.contain('Stoneware mug');
    expect($(el, '[part="product"]')?.textContent).to.contain('€18.00');
    await eventually(() => expect($(el, '.placeholder')?.textContent).to.contain('No messages yet'));

    ($(el, 'textarea') as HTMLTextAreaElement).focus();
    await sendKeys({ type: 'Hello' });
    await sendKeys({ press: 'Shift+Enter' });
    await sendKeys({ type: 'second line' });
    await sendKeys({ press: 'Enter' });
    await eventually(() => expect(bodies(el)).to.deep.equal(['Hello\nsecond line']));
    expect(($(el, 'textarea') as HTMLTextAreaElement).value).to.equal('');
    await eventually(() => expect($(el, '[part="status"]')?.getAttribute('aria-label')).to.equal('Sent'));

    const conversationId = el.conversationId as string;
    await waitForStore(supplierClient.messagesOf(conversationId), (list) => list.length === 1);
    await supplierClient.markRead(conversationId, 1);
    await eventually(() => expect($(el, '[part="status"]')?.getAttribute('aria-label')).to.equal('Read'));
    expect($(el, '[part="status"]')?.getAttribute('aria-label')).to.equal('Read');
    await expect(el).to.be.accessible();
  });

  it('shows HTML and scripts as text, links only http(s) URLs, safely', async () => {
    const { client, conversation } = await buyerInConversation(server, 'p-xss');
    const el = await fixture<ChatThread>(
      html`<chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread>`,
    );
    (window as unknown as { pwned?: boolean }).pwned = false;
    await client.send(conversation.id, '<img src=x onerror="window.pwned=true">');
    await client.send(conversation.id, '<script>window.pwned=true</script>');
    await client.send(conversation.id, 'javascript:alert(1) and https://example.com/a?b=1.');
    await eventually(() => expect(bodies(el)).to.have.length(3));
    expect(bodies(el)[0]).to.equal('<img src=x onerror="window.pwned=true">');
    expect(bodies(el)[1]).to.equal('<script>window.pwned=true</script>');
    expect($$(el, '[part="bubble"] img, [part="bubble"] script')).to.have.length(0);
    const links = $$(el, '[part="bubble"] a') as HTMLAnchorElement[];
    expect(links.map((a) => a.href)).to.deep.equal(['https://example.com/a?b=1']);
    expect(links[0]?.rel).to.equal('noopener noreferrer');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((window as unknown as { pwned?: boolean }).pwned).to.equal(false);
  });

  it('edits and deletes own messages only; a failed message can be retried or discarded', async () => {
    const { client, conversation, supplier } = await buyerInConversation(server, 'p-edit');
    const supplierClient = await clientFor(server, supplier);
    await supplierClient.connect();
    await waitForStore(supplierClient.$connection, (s) => s === 'online');
    await supplierClient.send(conversation.id, 'From the supplier');
    const el = await fixture<ChatThread>(
      html`<chat-thread .client=${client} conversation-id=${conversation.id} max-length="500"></chat-thread>`,
    );
    await client.send(conversation.id, 'Helo');
    await eventually(() => expect($$(el, '[part~="own"] .more-button')).to.have.length(1));
    await eventually(() => expect($$(el, '[part~="other"] .more-button')).to.have.length(1));
    // Others' messages cannot be edited or deleted: their menu only reports them.
    $(el, '[part~="other"] .more-button')?.click();
    await eventually(() =>
      expect($$(el, '[part~="other"] [role="menuitem"]').map((item) => item.textContent?.trim())).to.deep.equal([
        'Report…',
      ]),
    );
    $(el, '[part~="other"] .more-button')?.click();
    await eventually(() => expect($(el, '[role="menu"]')).to.equal(null));

    const menuItem = async (label: string) => {
      $(el, '[part~="own"] .more-button')?.click();
      await eventually(() => expect($(el, '[role="menu"]')).to.exist);
      $$(el, '[role="menu"] button')
        .find((b) => b.textContent?.trim() === label)
        ?.click();
      await el.updateComplete;
    };
    await menuItem('Edit');
    const editor = $(el, '.edit textarea') as HTMLTextAreaElement;
    editor.focus();
    editor.select();
    await sendKeys({ type: 'Hello' });
    await sendKeys({ press: 'Enter' });
    await eventually(() => expect(bodies(el)).to.include('Hello'));
    await eventually(() => expect($(el, '[part~="own"] .meta')?.textContent).to.contain('edited'));

    await menuItem('Delete…');
    $(el, '.confirm .danger')?.click();
    await eventually(() => expect(bodies(el)).to.include('Message deleted'));

    // Longer than the server accepts (50) but within the element's limit: the server refuses it.
    await client.send(conversation.id, 'x'.repeat(60));
    await eventually(() => expect($(el, '[part="status"].failed')).to.not.equal(null));
    expect($(el, '[part="status"].failed')?.textContent).to.contain('60');
    const retry = $$(el, '.failed ~ button, [part="status"].failed + button')[0];
    expect(retry?.textContent?.trim()).to.equal('Retry');
    const discard = $$(el, '.meta button').find((b) => b.textContent?.trim() === 'Discard');
    discard?.click();
    await eventually(() => expect($(el, '[part="status"].failed')).to.equal(null));
  });

  it('counts characters near the limit and disables send when over', async () => {
    const { client, conversation } = await buyerInConversation(server, 'p-counter');
    const el = await fixture<ChatThread>(
      html`<chat-thread .client=${client} conversation-id=${conversation.id} max-length="20"></chat-thread>`,
    );
    ($(el, 'textarea') as HTMLTextAreaElement).focus();
    await sendKeys({ type: 'x'.repeat(18) });
    await eventually(() => expect($(el, '.counter')?.textContent?.trim()).to.equal('2 characters left'));
    await sendKeys({ type: 'xxxx' });
    await eventually(() => expect($(el, '.counter')?.textContent?.trim()).to.equal('2 characters too many'));
    expect(($(el, '[part="send-button"]') as HTMLButtonElement).disabled).to.equal(true);
    await sendKeys({ press: 'Enter' });
    expect(client.messagesOf(conversation.id).get()).to.have.length(0);
  });

  it('shows the staff badge on admin messages, in French when the page is French', async () => {
    const client = await clientFor(server, uniqueUser('Client'));
    const admin = await clientFor(server, uniqueUser('Agent', true));
    await Promise.all([client.connect(), admin.connect()]);
    await waitForStore(client.$connection, (s) => s === 'online');
    await waitForStore(admin.$connection, (s) => s === 'online');
    const conversation = await client.openSupportConversation({ subject: 'Commande 1234' });
    await admin.send(conversation.id, 'Bonjour, je regarde votre commande.');
    const wrapper = await fixture<HTMLElement>(
      html`<div lang="fr"><chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread></div>`,
    );
    const el = wrapper.querySelector('chat-thread') as ChatThread;
    await eventually(() => expect($(el, '.staff')?.textContent).to.equal('Équipe'));
    expect(($(el, 'textarea') as HTMLTextAreaElement).placeholder).to.equal('Écrire un message…');
    expect($(el, '[part="separator"]')?.textContent).to.equal('Aujourd’hui');
    expect($(el, '[part="timestamp"]')?.textContent).to.match(/maintenant|il y a/);
    await expect(el).to.be.accessible();
  });
});
