import { expect } from '@open-wc/testing';
import {
  destroyClients,
  product,
  productTokenFor,
  type RunningServer,
  serverMetrics,
  startServer,
  stopServer,
  tokenFor,
  uniqueUser,
  waitForStore,
} from '../../../../test-support/browser-support.js';
import type { ChatClient } from '../../src/index.js';

type Sdk = typeof import('../../src/index.js');

/** How many `message:send` events the server has handled (its Prometheus counter). */
async function sendRequestsSeenBy(server: RunningServer): Promise<number> {
  const text = await serverMetrics(server);
  const match = /^palaver_ack_latency_seconds_count\{event="message:send"\} (\d+)$/m.exec(text);
  return Number(match?.[1] ?? 0);
}

/**
 * A "tab": a same-origin iframe with its own copy of the SDK (its own memory),
 * sharing Web Locks and BroadcastChannel with the other tabs, as real tabs do,
 * and (unless asked) without IndexedDB, as in a private mode that blocks it.
 */
async function openTab(withIndexedDb = false): Promise<{ sdk: Sdk; frame: HTMLIFrameElement }> {
  const frame = document.createElement('iframe');
  const sdkUrl = new URL('../../src/index.ts', import.meta.url).href;
  frame.srcdoc = `<!DOCTYPE html><script>
      window.process = { env: { NODE_ENV: 'development' } };
      ${withIndexedDb ? '' : "Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });"}
    </script><script type="module">
      window.sdkReady = import(${JSON.stringify(sdkUrl)});
    </script>`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  const win = frame.contentWindow as Window & { sdkReady?: Promise<Sdk> };
  for (let i = 0; i < 100 && !win.sdkReady; i++) await new Promise((r) => setTimeout(r, 20));
  return { sdk: await (win.sdkReady as Promise<Sdk>), frame };
}

describe('two tabs without IndexedDB', () => {
  let server: RunningServer;
  const frames: HTMLIFrameElement[] = [];
  const tabs: ChatClient[] = [];
  before(async () => {
    server = await startServer({ RATE_LIMIT_MESSAGES: '100000' });
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(async () => {
    await Promise.all(tabs.splice(0).map((tab) => tab.destroy()));
    for (const frame of frames.splice(0)) frame.remove();
    await destroyClients();
  });

  /** Two tabs of one buyer, online, the first one elected first; and a conversation. */
  async function twoTabs(withIndexedDb: boolean) {
    const buyer = uniqueUser('Buyer');
    const supplier = uniqueUser('Supplier');
    const namespace = `no-idb-tabs-${Date.now()}`;
    const token = await tokenFor(buyer);
    for (let i = 0; i < 2; i++) {
      const { sdk, frame } = await openTab(withIndexedDb);
      frames.push(frame);
      const tab = sdk.createChatClient({ url: server.url, token, namespace, reconnectionDelayMax: 500 });
      tabs.push(tab);
      await tab.connect();
      await waitForStore(tab.$connection, (s) => s === 'online', 10000, `tab ${i} online`);
      expect(tab.$storage.get()).to.equal(withIndexedDb ? 'indexeddb' : 'memory');
    }
    const [first, second] = tabs as [ChatClient, ChatClient];
    const conversation = await first.openProductConversation({
      productToken: await productTokenFor(product('p-no-idb-tabs'), supplier),
    });
    return { first, second, conversation };
  }

  it('a message typed in either tab is sent at once, and exactly once', async () => {
    const { first, second, conversation } = await twoTabs(false);
    const before = await sendRequestsSeenBy(server);
    await second.send(conversation.id, 'typed in the second tab');
    await first.send(conversation.id, 'typed in the first tab');
    for (const [tab, body] of [
      [second, 'typed in the second tab'],
      [first, 'typed in the first tab'],
    ] as const) {
      await waitForStore(
        tab.messagesOf(conversation.id),
        (list) => list.some((m) => m.body === body && m.status === 'sent'),
        3000,
        `"${body}" sent`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await sendRequestsSeenBy(server)) - before).to.equal(2);
  });

  it('a tab whose IndexedDB fails mid-session sends its own messages', async () => {
    const { second, conversation } = await twoTabs(true);
    const secondWindow = (frames[1] as HTMLIFrameElement).contentWindow as Window & typeof globalThis;
    secondWindow.IDBDatabase.prototype.transaction = () => {
      throw new DOMException('The database connection is closing.', 'InvalidStateError');
    };
    const before = await sendRequestsSeenBy(server);
    await second.send(conversation.id, 'after IndexedDB broke');
    await waitForStore(
      second.messagesOf(conversation.id),
      (list) => list.some((m) => m.body === 'after IndexedDB broke' && m.status === 'sent'),
      3000,
      'sent from the broken tab',
    );
    expect(second.$storage.get()).to.equal('memory');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await sendRequestsSeenBy(server)) - before).to.equal(1);
  });
});
