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
} from '../../../../test-support/browser-support.js';
import { eventually, inside } from './helpers.js';

/**
 * A header with `palaver-badge.js` and a product page with `palaver.js` on one
 * page: whichever loads first and whichever is configured, the page has one
 * client and one socket, and both the badge and the contact button work. Each
 * case runs in an iframe of its own, so each starts with a fresh module map and
 * `globalThis`, exactly like a new page load.
 */

const BADGE = '/packages/elements/dist/palaver-badge.js';
const FULL = '/packages/elements/dist/palaver.js';

interface Bundle {
  configure(options: { url: string; token: () => Promise<string>; userId: string }): {
    send(conversationId: string, body: string): Promise<unknown>;
  };
}
interface FrameWindow extends Window {
  bundles: Bundle[];
  socketsOpened: number;
}

/** A page that loads `order` one after the other, counting every WebSocket it opens. */
async function pageLoading(order: string[], supplier: TestUser): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width: 800px; height: 600px';
  frame.srcdoc = `<!DOCTYPE html><html><body>
    <script>
      window.process = { env: { NODE_ENV: 'development' } };
      window.socketsOpened = 0;
      const Native = WebSocket;
      window.WebSocket = class extends Native {
        constructor(...args) { super(...args); window.socketsOpened++; }
      };
    </script>
    <header>Messages <unread-badge></unread-badge></header>
    <contact-supplier product-token="${await productTokenFor({ id: 'sku-1', title: 'Mug' }, supplier)}"></contact-supplier>
    <script type="module">
      const bundles = [];
      for (const url of ${JSON.stringify(order)}) bundles.push(await import(url));
      window.bundles = bundles;
      window.dispatchEvent(new Event('bundles-loaded'));
    </script>
  </body></html>`;
  const loaded = new Promise<void>((resolve) => {
    frame.addEventListener('load', () => {
      const win = frame.contentWindow as FrameWindow;
      if (win.bundles) resolve();
      else win.addEventListener('bundles-loaded', () => resolve());
    });
  });
  document.body.append(frame);
  await loaded;
  return frame;
}

describe('palaver-badge.js and palaver.js on one page', () => {
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

  const cases = [
    { order: [BADGE, FULL], configuredBy: [0], what: 'badge first, configured through the badge bundle only' },
    { order: [BADGE, FULL], configuredBy: [0, 1], what: 'badge first, configured through both' },
    { order: [FULL, BADGE], configuredBy: [0, 1], what: 'full first, configured through both' },
    { order: [FULL, BADGE], configuredBy: [1], what: 'full first, configured through the badge bundle only' },
  ];
  for (const { order, configuredBy, what } of cases) {
    it(`${what}: one socket, the contact button opens the thread, the badge counts`, async () => {
      const buyer = uniqueUser('Buyer');
      const supplier = uniqueUser('Supplier');
      const frame = await pageLoading(order, supplier);
      const win = frame.contentWindow as FrameWindow;
      const doc = frame.contentDocument as Document;
      const token = await tokenFor(buyer);
      const clients = configuredBy.map((index) =>
        win.bundles[index]?.configure({ url: server.url, token: async () => token, userId: buyer.id }),
      );
      expect(new Set(clients).size, 'configure() returned one client').to.equal(1);

      const contact = doc.querySelector('contact-supplier') as HTMLElement & { show(): Promise<void>; hide(): void };
      await contact.show();
      const thread = inside(contact, 'chat-thread') as HTMLElement & { conversationId?: string };
      await eventually(() => expect(thread.conversationId).to.be.a('string'), 15000);
      await eventually(() => expect(inside(thread, 'textarea')?.hasAttribute('disabled')).to.equal(false));
      const conversationId = thread.conversationId as string;
      await clients[0]?.send(conversationId, 'Is it dishwasher safe?');
      contact.hide();

      const supplierClient = await clientFor(server, supplier);
      await supplierClient.connect();
      await supplierClient.send(conversationId, 'Yes, it is.');
      const badge = doc.querySelector('unread-badge') as HTMLElement & { count: number };
      await eventually(() => expect(badge.count).to.equal(1), 15000);
      expect(win.socketsOpened, 'WebSockets the page opened').to.equal(1);
    });
  }
});
