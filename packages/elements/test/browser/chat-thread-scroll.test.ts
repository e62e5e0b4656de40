import { expect, fixture, html } from '@open-wc/testing';
import '../../src/chat-thread/define.js';
import { createChatClient } from '@palaver/sdk';
import { FakeChatBackend, fakeToken } from '@palaver/sdk/testing';
import {
  buyerInConversation,
  clientFor,
  destroyClients,
  type RunningServer,
  startServer,
  stopServer,
  waitForStore,
} from '../../../../test-support/browser-support.js';
import { type ChatThread, MAX_RENDERED_MESSAGES } from '../../src/index.js';
import { eventually, frames, inside } from './helpers.js';

const $ = inside;
const messagesIn = (el: ChatThread) => [...(el.shadowRoot?.querySelectorAll<HTMLElement>('[part~="message"]') ?? [])];

/**
 * Every node in the shadow root: elements, text and comments. Counting only
 * message elements misses what the template engine leaves behind (lit-html
 * 3.3.1–3.3.3 left one comment marker per removed list item, lit/lit#5298).
 */
function shadowNodeCount(el: ChatThread): number {
  const walker = document.createTreeWalker(el.shadowRoot as ShadowRoot, NodeFilter.SHOW_ALL);
  let count = 0;
  while (walker.nextNode()) count++;
  return count;
}

/**
 * A thread of `count` messages seeded in memory (the in-memory backend): what these
 * tests measure is the element, not the wire, which the other tests cover against
 * the real server.
 */
async function bigThread(count: number) {
  const backend = new FakeChatBackend();
  const buyer = { id: 'b', name: 'Buyer', isAdmin: false };
  const supplier = { id: 's', name: 'Supplier', isAdmin: false };
  const conversation = backend.seedProductConversation(buyer, supplier, { id: 'p', title: 'Big' });
  for (let i = 0; i < count; i++) backend.seedMessage(i % 2 ? buyer : supplier, conversation.id, `message ${i}`);
  const client = createChatClient({
    transport: backend.transport(),
    token: fakeToken(buyer),
    storage: 'memory',
    namespace: `big-${count}`,
  });
  await client.connect();
  const el = await fixture<ChatThread>(
    html`<chat-thread .client=${client} conversation-id=${conversation.id} style="--chat-thread-height: 400px"></chat-thread>`,
  );
  await eventually(() => expect(messagesIn(el).length).to.be.greaterThan(20));
  return { client, conversation, el };
}

/** Counts the Intl formatters built (the real ones) until `stop()` puts the constructors back. */
function countFormattersBuilt(): { count: number; stop(): void } {
  const originals = { DateTimeFormat: Intl.DateTimeFormat, RelativeTimeFormat: Intl.RelativeTimeFormat };
  const counter = {
    count: 0,
    stop: () => {
      Object.assign(Intl, originals);
    },
  };
  for (const [name, original] of Object.entries(originals)) {
    const counting = new Proxy(original, {
      construct(target, args, newTarget) {
        counter.count++;
        return Reflect.construct(target, args, newTarget);
      },
    });
    Object.assign(Intl, { [name]: counting });
  }
  return counter;
}

describe('<chat-thread> scrolling and reading', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ RATE_LIMIT_MESSAGES: '100000', DB_SYNCHRONOUS: 'NORMAL' });
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(async () => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    await destroyClients();
  });

  it('marks messages read only once they are on screen and the tab is visible', async () => {
    const { client, conversation, supplier } = await buyerInConversation(server, 'p-visible');
    const supplierClient = await clientFor(server, supplier);
    await supplierClient.connect();
    await waitForStore(supplierClient.$connection, (s) => s === 'online');
    for (let i = 0; i < 5; i++) await supplierClient.send(conversation.id, `unread ${i}`);
    await waitForStore(client.$unreadTotal, (n) => n === 5);

    // Mounted but not displayed: nothing is on screen.
    const wrapper = await fixture<HTMLElement>(
      html`<div style="display:none"><chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread></div>`,
    );
    const el = wrapper.querySelector('chat-thread') as ChatThread;
    await eventually(() => expect(messagesIn(el)).to.have.length(5));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(client.$unreadTotal.get()).to.equal(5);

    // On screen, but the tab is in the background.
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    wrapper.style.display = 'block';
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(client.$unreadTotal.get()).to.equal(5);

    // The tab comes back: now they are read, on the server too.
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    document.dispatchEvent(new Event('visibilitychange'));
    await waitForStore(client.$unreadTotal, (n) => n === 0, 5000, 'read');
    await waitForStore(supplierClient.conversationOf(conversation.id), (c) =>
      Boolean(c?.participants.some((p) => p.role === 'buyer' && p.lastReadSeq === 5)),
    );
  });

  it('loading older messages keeps the first visible message in place', async () => {
    const { client, conversation } = await buyerInConversation(server, 'p-older');
    for (let i = 0; i < 150; i++) void client.send(conversation.id, `message ${i}`);
    await waitForStore(
      client.messagesOf(conversation.id),
      (list) => list.length === 150 && list.every((m) => !m.pending),
      20000,
    );
    await client.destroy();
    // A fresh page: the thread starts with the newest page only.
    const reader = await clientFor(server, { id: conversation.participants[0]?.userId as string, name: 'Buyer' });
    const el = await fixture<ChatThread>(
      html`<chat-thread .client=${reader} conversation-id=${conversation.id} style="--chat-thread-height: 300px"></chat-thread>`,
    );
    await eventually(() => expect(messagesIn(el).length).to.be.greaterThan(20));
    const log = $(el, '[part="log"]') as HTMLElement;
    await eventually(() => expect(log.scrollHeight - log.scrollTop - log.clientHeight).to.be.lessThan(2), 3000);
    const firstBefore = messagesIn(el)[0] as HTMLElement;
    const key = firstBefore.dataset.key;
    log.scrollTop = 0;
    const viewBefore = firstBefore.offsetTop - log.scrollTop;
    log.dispatchEvent(new Event('scroll'));
    await eventually(() => expect(messagesIn(el)[0]?.dataset.key).to.not.equal(key), 10000);
    await frames();
    const same = el.shadowRoot?.querySelector<HTMLElement>(`[data-key="${key}"]`) as HTMLElement;
    const offsetInView = same.offsetTop - log.scrollTop;
    expect(Math.abs(offsetInView - viewBefore)).to.be.lessThan(4, `moved from ${viewBefore} to ${offsetInView}`);
  });

  it('a 10,000-message thread keeps the number of message nodes, and of all DOM nodes, bounded', async () => {
    const { client, conversation, el } = await bigThread(10_000);
    const log = $(el, '[part="log"]') as HTMLElement;
    // What one rendered message costs in nodes (its share of the chrome around the log
    // included), before anything was ever removed.
    const nodesPerMessage = shadowNodeCount(el) / messagesIn(el).length;
    let most = 0;
    let mostNodes = 0;
    for (let i = 0; i < 40; i++) {
      log.scrollTop = 0;
      log.dispatchEvent(new Event('scroll'));
      await frames(2);
      const messages = messagesIn(el).length;
      const nodes = shadowNodeCount(el);
      most = Math.max(most, messages);
      mostNodes = Math.max(mostNodes, nodes);
    }
    expect(client.messagesOf(conversation.id).get().length).to.be.greaterThan(MAX_RENDERED_MESSAGES * 3);
    expect(most).to.be.at.most(MAX_RENDERED_MESSAGES);
    // Sliding the window over hundreds of messages must not leave anything behind: the
    // node count stays that of a full window (a little slack for day separators).
    expect(mostNodes).to.be.at.most(Math.ceil(nodesPerMessage * MAX_RENDERED_MESSAGES * 1.1), `${mostNodes} nodes`);
    await expect(el).to.be.accessible();
    // Back to the newest: a click on "new messages" returns to the end.
    ($(el, '.jump') as HTMLButtonElement).click();
    await eventually(() => expect(messagesIn(el).at(-1)?.textContent).to.contain('message 9999'));
    await client.destroy();
  });

  it('renders times without building a date formatter per message', async () => {
    // Formatters cost far more to build than to use: built per message (three per message,
    // each update) they made every scroll step of a long thread a long task.
    const { client, el } = await bigThread(1000);
    const log = $(el, '[part="log"]') as HTMLElement;
    const built = countFormattersBuilt();
    let renders = 0;
    try {
      for (let i = 0; i < 10; i++) {
        log.scrollTop = 0;
        log.dispatchEvent(new Event('scroll'));
        await el.updateComplete;
        await frames(2);
        renders += messagesIn(el).length;
      }
    } finally {
      built.stop();
    }
    expect(renders).to.be.greaterThan(MAX_RENDERED_MESSAGES * 5);
    // At most one per kind of date (relative, clock, full, day, day with the year), once.
    expect(built.count).to.be.at.most(5, `${built.count} formatters built for ${renders} rendered messages`);
    await client.destroy();
  });
});
