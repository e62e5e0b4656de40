import { expect } from '@open-wc/testing';
import {
  clientFor,
  destroyClients,
  productTokenFor,
  type RunningServer,
  startServer,
  stopServer,
  type TestUser,
  tokenFor,
  uniqueUser,
  waitForStore,
} from '../../../../test-support/browser-support.js';
import { eventually, inside } from './helpers.js';

/**
 * A product page with the `palaver.js` drop-in: the badge and the contact button
 * come with palaver.js; the thread's code (a chunk beside it) is neither fetched
 * nor registered until someone uses the button or the page is idle. Each case is
 * an iframe of its own (a fresh module map, like a page load) whose idle
 * callbacks the test holds back, so "before the page is idle" lasts as long as
 * the test needs.
 */

const FULL = '/packages/elements/dist/palaver.js';

interface FrameWindow extends Window {
  palaver: { configure(options: { url: string; token: () => Promise<string>; userId: string }): unknown };
  /** Idle callbacks the page asked for, not run until `runIdle()`. */
  idleCallbacks: Array<() => void>;
}

async function productPage(body: string): Promise<{ win: FrameWindow; doc: Document }> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width: 800px; height: 700px';
  frame.srcdoc = `<!DOCTYPE html><html><body>
    <script>
      window.process = { env: { NODE_ENV: 'development' } };
      window.idleCallbacks = [];
      window.requestIdleCallback = (callback) => window.idleCallbacks.push(callback);
    </script>
    ${body}
    <script type="module">
      window.palaver = await import(${JSON.stringify(FULL)});
      window.dispatchEvent(new Event('palaver-loaded'));
    </script>
  </body></html>`;
  const loaded = new Promise<void>((resolve) => {
    frame.addEventListener('load', () => {
      const win = frame.contentWindow as FrameWindow;
      if (win.palaver) resolve();
      else win.addEventListener('palaver-loaded', () => resolve());
    });
  });
  document.body.append(frame);
  await loaded;
  return { win: frame.contentWindow as FrameWindow, doc: frame.contentDocument as Document };
}

/** The Palaver files the page has fetched so far. */
const palaverFiles = (win: Window) =>
  win.performance
    .getEntriesByType('resource')
    .map((entry) => new URL(entry.name).pathname)
    .filter((path) => path.startsWith('/packages/elements/dist/'));

const runIdle = (win: FrameWindow) => {
  for (const callback of win.idleCallbacks.splice(0)) callback();
};

async function configured(win: FrameWindow, server: RunningServer, buyer: TestUser) {
  const token = await tokenFor(buyer);
  win.palaver.configure({ url: server.url, token: async () => token, userId: buyer.id });
}

describe('a product page with palaver.js', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(async () => {
    for (const frame of document.querySelectorAll('iframe')) frame.remove();
    await destroyClients();
  });

  it('loads only palaver.js before the click; the click loads the thread, which opens and sends', async () => {
    const buyer = uniqueUser('Buyer');
    const supplier = uniqueUser('Supplier');
    const token = await productTokenFor({ id: 'sku-light', title: 'Linen apron' }, supplier);
    const { win, doc } = await productPage(
      `<header>Messages <unread-badge></unread-badge></header><contact-supplier product-token="${token}"></contact-supplier>`,
    );
    await configured(win, server, buyer);
    const contact = doc.querySelector('contact-supplier') as HTMLElement;
    await eventually(() => expect(inside(contact, '[part="button"]')).to.not.equal(null));

    expect(win.customElements.get('unread-badge'), 'the badge is there at once').to.not.equal(undefined);
    expect(win.customElements.get('chat-thread'), 'no thread before the click').to.equal(undefined);
    expect(win.customElements.get('chat-inbox'), 'no inbox before the click').to.equal(undefined);
    expect(palaverFiles(win), 'files fetched before the click').to.deep.equal(['/packages/elements/dist/palaver.js']);
    expect(win.idleCallbacks.length, 'a prefetch waits for the page to be idle').to.be.greaterThan(0);

    (inside(contact, '[part="button"]') as HTMLButtonElement).click();
    const thread = await eventually(() => {
      const found = inside(contact, 'chat-thread') as (HTMLElement & { conversationId?: string }) | null;
      expect(found?.conversationId).to.be.a('string');
      return found;
    }, 15000).then(() => inside(contact, 'chat-thread') as HTMLElement & { conversationId: string });
    expect(win.customElements.get('chat-thread')).to.not.equal(undefined);
    expect(palaverFiles(win).some((path) => path.includes('/palaver-chunks/'))).to.equal(true);
    expect((inside(contact, 'dialog') as HTMLDialogElement).open).to.equal(true);

    const textarea = await eventually(() => {
      const found = inside(thread, 'textarea') as HTMLTextAreaElement;
      expect(found.disabled).to.equal(false);
    }).then(() => inside(thread, 'textarea') as HTMLTextAreaElement);
    textarea.value = 'Is it machine washable?';
    textarea.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await eventually(() =>
      expect((inside(thread, '[part="send-button"]') as HTMLButtonElement).disabled).to.equal(false),
    );
    (inside(thread, '[part="send-button"]') as HTMLButtonElement).click();

    const supplierClient = await clientFor(server, supplier);
    await supplierClient.connect();
    const received = await waitForStore(supplierClient.messagesOf(thread.conversationId), (list) => list.length === 1);
    expect(received[0]?.body).to.equal('Is it machine washable?');
  });

  it('with no click, the thread is loaded once the page is idle (so the first click does not wait)', async () => {
    const { win } = await productPage('<contact-supplier product-id="sku-1"></contact-supplier>');
    expect(win.customElements.get('chat-thread')).to.equal(undefined);
    runIdle(win);
    await eventually(() => expect(win.customElements.get('chat-thread')).to.not.equal(undefined));
    await eventually(() => expect(win.customElements.get('chat-inbox')).to.not.equal(undefined));
  });

  it('a page that has a <chat-thread> or <chat-inbox> gets them at once, without waiting for idle', async () => {
    const { win } = await productPage('<chat-inbox></chat-inbox>');
    await eventually(() => expect(win.customElements.get('chat-inbox')).to.not.equal(undefined));
    expect(win.idleCallbacks.length, 'nothing was left for idle time').to.equal(0);
  });
});
