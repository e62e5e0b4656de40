import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../../src/chat-inbox/define.js';
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
import type { ChatInbox } from '../../src/index.js';
import { allInside, eventually, inside } from './helpers.js';

const titles = (inbox: ChatInbox) => allInside(inbox, '[part~="item"] .title').map((t) => t.textContent ?? '');

describe('<chat-inbox>', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ RATE_LIMIT_MESSAGES: '100000' });
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(async () => {
    await setViewport({ width: 1024, height: 768 });
    await destroyClients();
  });

  /** A supplier with conversations from three buyers, the newest activity last. */
  async function supplierWithBuyers() {
    const supplier = uniqueUser('Supplier');
    const supplierClient = await clientFor(server, supplier);
    await supplierClient.connect();
    await waitForStore(supplierClient.$connection, (s) => s === 'online');
    const buyers = [];
    for (const name of ['Ada', 'Bea', 'Cy']) {
      const buyer = uniqueUser(name);
      const client = await clientFor(server, buyer);
      await client.connect();
      await waitForStore(client.$connection, (s) => s === 'online');
      const conversation = await client.openProductConversation({
        productToken: await productTokenFor(product(`p-${name}`), supplier),
      });
      await client.send(conversation.id, `Hello from ${name}`);
      buyers.push({ name, client, conversation });
    }
    return { supplierClient, buyers };
  }

  it('says it is loading until the server has answered, and only then that there are no conversations', async () => {
    const client = await clientFor(server, uniqueUser('Newcomer'));
    const seen: string[] = [];
    const inbox = await fixture<ChatInbox>(html`<chat-inbox .client=${client}></chat-inbox>`);
    const placeholder = () => inside(inbox, '.placeholder')?.textContent?.trim() ?? '';
    seen.push(placeholder());
    await expect(inbox).to.be.accessible();
    await eventually(() => {
      seen.push(placeholder());
      expect(placeholder()).to.equal('No conversations yet.');
    });
    expect(seen[0]).to.equal('Loading conversations…');
    expect(seen.indexOf('No conversations yet.')).to.be.greaterThan(seen.lastIndexOf('Loading conversations…'));
    expect(client.$connection.get()).to.equal('online');
  });

  it('lists conversations by last activity, updates live, filters unread, and is accessible', async () => {
    const { supplierClient, buyers } = await supplierWithBuyers();
    const inbox = await fixture<ChatInbox>(html`<chat-inbox .client=${supplierClient}></chat-inbox>`);
    await eventually(() => expect(titles(inbox).map((t) => t.split(' ')[0])).to.deep.equal(['Cy', 'Bea', 'Ada']));
    await eventually(() =>
      expect(allInside(inbox, '[part="count"]').map((c) => c.textContent)).to.deep.equal(['1', '1', '1']),
    );
    await expect(inbox).to.be.accessible();

    // Ada writes again: her conversation moves to the top with 2 unread.
    const ada = buyers[0] as (typeof buyers)[number];
    await ada.client.send(ada.conversation.id, 'Are you there?');
    await eventually(() => expect(titles(inbox)[0]).to.match(/^Ada/));
    await eventually(() => expect(inside(inbox, '[part="count"]')?.textContent).to.equal('2'));
    await eventually(() => expect(inside(inbox, '[part~="item"] .preview')?.textContent).to.equal('Are you there?'));

    // A new buyer appears without a reload.
    const dee = uniqueUser('Dee');
    const deeClient = await clientFor(server, dee);
    await deeClient.connect();
    await waitForStore(deeClient.$connection, (s) => s === 'online');
    const conversation = await deeClient.openProductConversation({
      productToken: await productTokenFor(product('p-Dee'), {
        id: supplierClient.$user.get()?.id as string,
        name: 'Supplier',
      }),
    });
    await deeClient.send(conversation.id, 'New here');
    await eventually(() => expect(titles(inbox)[0]).to.match(/^Dee/));

    // Read two of them: the unread filter keeps the other two.
    await supplierClient.markRead(ada.conversation.id, 2);
    await supplierClient.markRead((buyers[1] as (typeof buyers)[number]).conversation.id, 1);
    inbox.unreadOnly = true;
    await eventually(() => expect(titles(inbox).map((t) => t.split(' ')[0])).to.deep.equal(['Dee', 'Cy']));
  });

  it('is navigable with the keyboard and selects with Enter', async () => {
    const { supplierClient, buyers } = await supplierWithBuyers();
    const inbox = await fixture<ChatInbox>(html`<chat-inbox .client=${supplierClient}></chat-inbox>`);
    await eventually(() => expect(titles(inbox)).to.have.length(3));
    const selected: string[] = [];
    inbox.addEventListener('chat-conversation-selected', (e) => selected.push(e.detail.conversationId));
    (inside(inbox, '[part="list"]') as HTMLElement).focus();
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    expect(selected).to.deep.equal([(buyers[0] as (typeof buyers)[number]).conversation.id]);
    await sendKeys({ press: 'Home' });
    await sendKeys({ press: ' ' });
    expect(selected[1]).to.equal((buyers[2] as (typeof buyers)[number]).conversation.id);
    expect(inside(inbox, '[aria-selected="true"]')?.id).to.equal(`item-${selected[1]}`);
  });

  it('shows the thread beside the list, and list or thread on a narrow screen', async () => {
    const { supplierClient, buyers } = await supplierWithBuyers();
    const inbox = await fixture<ChatInbox>(html`<chat-inbox .client=${supplierClient} with-thread></chat-inbox>`);
    await eventually(() => expect(titles(inbox)).to.have.length(3));
    const list = inside(inbox, '.list-pane') as HTMLElement;
    const detail = inside(inbox, '.detail-pane') as HTMLElement;
    inbox.select((buyers[1] as (typeof buyers)[number]).conversation.id);
    await eventually(() =>
      expect(inside(inbox, 'chat-thread')?.getAttribute('conversation-id')).to.equal(inbox.selectedId),
    );
    expect(list.getBoundingClientRect().width).to.be.greaterThan(0);
    expect(detail.getBoundingClientRect().width).to.be.greaterThan(0);

    await setViewport({ width: 400, height: 700 });
    await eventually(() => expect(list.getBoundingClientRect().width).to.equal(0));
    expect(detail.getBoundingClientRect().width).to.be.greaterThan(300);
    (inside(inbox, '.back') as HTMLButtonElement).click();
    await eventually(() => expect(detail.getBoundingClientRect().width).to.equal(0));
    expect(list.getBoundingClientRect().width).to.be.greaterThan(300);
    await expect(inbox).to.be.accessible();
  });
});
