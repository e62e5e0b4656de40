import { expect, fixture, html } from '@open-wc/testing';
import '../../src/chat-inbox/define.js';
import '../../src/chat-thread/define.js';
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
import type { ChatInbox, ChatThread } from '../../src/index.js';
import { eventually, inside } from './helpers.js';

/** A line of the inbox: each of its parts' text. */
const line = (inbox: ChatInbox) => ({
  who: inside(inbox, '[part~="item"] .title')?.textContent?.trim(),
  about: inside(inbox, '[part~="item"] .about')?.textContent?.replace(/\s+/g, ' ').trim(),
  preview: inside(inbox, '[part~="item"] .preview')?.textContent?.trim(),
});

/** Whether an element's text is cut (an ellipsis shows). */
const cut = (node: HTMLElement | null) => !node || node.scrollWidth > node.clientWidth;

describe('<chat-inbox> lines', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(destroyClients);

  async function online(name: string, admin = false) {
    const user = uniqueUser(name, admin);
    const client = await clientFor(server, user);
    await client.connect();
    await waitForStore(client.$connection, (s) => s === 'online');
    return { user, client };
  }

  it('says who, about what and the last message on lines of their own; the user’s own message starts with "You:"', async () => {
    const buyer = await online('Ada');
    const supplier = uniqueUser('Nordlys Ceramics');
    const conversation = await buyer.client.openProductConversation({
      productToken: await productTokenFor(
        { id: 'p-lines', title: 'Stoneware mug, speckled glaze, large', imageUrl: '/no-such-image.png' },
        supplier,
      ),
    });
    await buyer.client.send(conversation.id, 'Is it dishwasher safe?');
    const inbox = await fixture<ChatInbox>(
      html`<chat-inbox .client=${buyer.client} style="--chat-inbox-list-width: 20rem" with-thread></chat-inbox>`,
    );
    await eventually(() =>
      expect(line(inbox)).to.deep.equal({
        who: supplier.name,
        about: 'Stoneware mug, speckled glaze, large',
        preview: 'You: Is it dishwasher safe?',
      }),
    );
    expect(cut(inside(inbox, '[part~="item"] .title')), 'the counterpart is whole in a 20rem list').to.equal(false);
    expect(cut(inside(inbox, '[part~="item"] .about')), 'and so is the product').to.equal(false);

    // The product's picture cannot load: a neutral placeholder, never the broken-image icon.
    const image = inside(inbox, '[part~="item"] .thumb img') as HTMLImageElement;
    await eventually(() => expect(image.hidden, 'the broken image is hidden').to.equal(true));
    expect(inside(inbox, '[part~="item"] .thumb svg'), 'a drawn placeholder').to.exist;
    inbox.select(conversation.id);
    const thread = await found(() => inside(inbox, 'chat-thread') as ChatThread | null);
    await eventually(() => expect(inside(thread, '[part="product"] .thumb img')).to.exist);
    await eventually(() =>
      expect((inside(thread, '[part="product"] .thumb img') as HTMLImageElement).hidden).to.equal(true),
    );
    await expect(inbox).to.be.accessible();

    inbox.lang = 'fr';
    inbox.requestUpdate();
    await eventually(() => expect(line(inbox).preview).to.equal('Vous : Is it dishwasher safe?'));
  });

  it('shows a support conversation with its subject and a support thumbnail, in the list and the thread', async () => {
    const client = await online('Bea');
    const conversation = await client.client.openSupportConversation({ subject: 'Order 1234 never arrived' });
    const inbox = await fixture<ChatInbox>(html`<chat-inbox .client=${client.client} with-thread></chat-inbox>`);
    await eventually(() =>
      expect(line(inbox)).to.deep.equal({
        who: 'Support',
        about: 'Support Order 1234 never arrived',
        preview: 'No messages yet. Say hello!',
      }),
    );
    expect(inside(inbox, '[part~="item"] .thumb.support svg'), 'a support icon, not an empty square').to.exist;
    inbox.select(conversation.id);
    const thread = await found(() => inside(inbox, 'chat-thread') as ChatThread | null);
    await eventually(() =>
      expect(inside(thread, '[part="product"]')?.getAttribute('aria-label')).to.equal(
        'Support: Order 1234 never arrived',
      ),
    );
    expect(inside(thread, '[part="product"] .thumb.support svg')).to.exist;
    expect(inside(thread, '[part="product"] strong')?.textContent).to.equal('Order 1234 never arrived');
    await expect(inbox).to.be.accessible();
  });
});

/** Waits for `get` to return something, and returns it. */
async function found<T>(get: () => T | null | undefined): Promise<T> {
  let value: T | null | undefined;
  await eventually(() => {
    value = get();
    expect(value).to.exist;
  });
  return value as T;
}
