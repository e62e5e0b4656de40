import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/chat-thread/define.js';
import {
  buyerInConversation,
  clientFor,
  destroyClients,
  killServer,
  type RunningServer,
  restartServer,
  startServer,
  stopServer,
  waitForStore,
} from '../../../../test-support/browser-support.js';
import type { ChatThread } from '../../src/index.js';
import { allInside, deepActiveElement, eventually, inside } from './helpers.js';

/** A real PNG (the server decodes and re-encodes images), drawn on a canvas. */
async function photo(name = 'photo.png', width = 64, height = 48): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d') as CanvasRenderingContext2D;
  g.fillStyle = '#c33';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#36c';
  g.fillRect(0, 0, width / 2, height / 2);
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b as Blob), 'image/png'));
  return new File([blob], name, { type: 'image/png' });
}

function paste(target: HTMLElement, file: File): void {
  const data = new DataTransfer();
  data.items.add(file);
  target.dispatchEvent(
    new ClipboardEvent('paste', { clipboardData: data, bubbles: true, composed: true, cancelable: true }),
  );
}

function pick(el: ChatThread, files: File[]): void {
  const input = inside(el, 'input[type="file"]') as HTMLInputElement;
  const data = new DataTransfer();
  for (const file of files) data.items.add(file);
  input.files = data.files;
  input.dispatchEvent(new Event('change'));
}

const composer = (el: ChatThread) => inside(el, '[part="composer"] textarea') as HTMLTextAreaElement;
const sendButton = (el: ChatThread) => inside(el, '[part="send-button"]') as HTMLButtonElement;

describe('<chat-thread> attachments', () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    fixtureCleanup();
    await destroyClients();
    await stopServer(server);
  });

  it('a photo pasted offline shows at once as waiting, survives a reload, and is delivered once with its preview', async () => {
    const { client, buyer, supplier, conversation } = await buyerInConversation(server, 'p-photo-offline');
    await killServer(server);
    await waitForStore(client.$connection, (s) => s === 'offline', 10000, 'offline');
    const el = await fixture<ChatThread>(
      html`<chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread>`,
    );
    paste(composer(el), await photo());
    await eventually(() => expect(allInside(el, '.picked li')).to.have.length(1));
    sendButton(el).click();

    // At once: a pending message with the photo's local preview and a waiting progress bar.
    await eventually(() => {
      const file = inside(el, '.pending-file') as HTMLElement;
      expect(file.querySelector('img')?.getAttribute('src')).to.match(/^blob:/);
      const bar = file.querySelector('[role="progressbar"]') as HTMLElement;
      expect(bar.getAttribute('aria-valuenow')).to.equal('0');
      expect(bar.getAttribute('aria-valuetext')).to.equal('Waiting to upload');
      expect(inside(el, '[part="status"]')?.getAttribute('aria-label')).to.equal('Waiting to send');
    });
    expect(allInside(el, '.picked li')).to.have.length(0);
    await expect(el).to.be.accessible();

    // The page reloads: a new client on the same browser storage, still offline.
    fixtureCleanup();
    await client.destroy();
    const again = await clientFor(server, buyer);
    const reloaded = await fixture<ChatThread>(
      html`<chat-thread .client=${again} conversation-id=${conversation.id}></chat-thread>`,
    );
    await eventually(() => {
      const file = inside(reloaded, '.pending-file') as HTMLElement;
      expect(file.querySelector('.name')?.textContent).to.equal('photo.png');
      expect(file.querySelector('img')?.getAttribute('src')).to.match(/^blob:/);
    });

    await restartServer(server);
    const [delivered] = await waitForStore(
      again.messagesOf(conversation.id),
      (list) => list.length === 1 && !list[0]?.pending,
      20000,
      'delivered',
    );
    expect(delivered?.attachments.map((a) => [a.name, a.type.startsWith('image/')])).to.deep.equal([
      ['photo.png', true],
    ]);
    // Shown from the server: the preview loads, over its placeholder, in a box of the photo's shape.
    await eventually(() => {
      const img = inside(reloaded, '.image img') as HTMLImageElement;
      expect(img.complete && img.naturalWidth > 0, 'preview loaded').to.equal(true);
      expect(img.alt).to.equal('photo.png');
      const box = inside(reloaded, '.image') as HTMLElement;
      expect(box.style.aspectRatio.replace(/\s/g, '')).to.equal('64/48');
    }, 15000);

    // The other side: exactly one message, with one attachment that downloads.
    const theirs = await clientFor(server, supplier);
    await theirs.connect();
    const list = await waitForStore(theirs.messagesOf(conversation.id), (l) => l.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300)); // a duplicate would have arrived by now
    expect(theirs.messagesOf(conversation.id).get()).to.have.length(1);
    expect(list[0]?.attachments).to.have.length(1);
    const response = await fetch(new URL(list[0]?.attachments[0]?.url as string, server.url));
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^image\//);
  });

  it('a refused file (SVG) fails with its reason and can be removed; the rest of the message goes', async () => {
    const { client, conversation } = await buyerInConversation(server, 'p-svg');
    const el = await fixture<ChatThread>(
      html`<chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread>`,
    );
    const svg = new File(['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'], 'logo.svg', {
      type: 'image/svg+xml',
    });
    pick(el, [svg]);
    composer(el).value = 'Our logo';
    composer(el).dispatchEvent(new Event('input'));
    await eventually(() => expect(allInside(el, '.picked li')).to.have.length(1));
    sendButton(el).click();
    await eventually(() => {
      expect(inside(el, '.pending-file.failed .reason')?.textContent).to.equal('This type of file is not accepted.');
    }, 15000);
    await expect(el).to.be.accessible();
    (inside(el, '.pending-file.failed .remove') as HTMLButtonElement).click();
    const [sent] = await waitForStore(
      client.messagesOf(conversation.id),
      (l) => l.length === 1 && !l[0]?.pending,
      15000,
    );
    expect(sent?.body).to.equal('Our logo');
    expect(sent?.attachments).to.deep.equal([]);
  });

  it('the image viewer: keyboard, counter, download, Escape, focus back; axe-clean', async () => {
    const { client, conversation } = await buyerInConversation(server, 'p-viewer');
    await client.send(conversation.id, 'Two views', {
      files: [await photo('front.png'), await photo('back.png', 40, 60)],
    });
    await waitForStore(client.messagesOf(conversation.id), (l) => l.length === 1 && !l[0]?.pending, 20000);
    const el = await fixture<ChatThread>(
      html`<chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread>`,
    );
    await eventually(() => expect(allInside(el, '.image')).to.have.length(2));
    const first = allInside(el, '.image')[0] as HTMLButtonElement;
    expect(first.getAttribute('aria-label')).to.equal('Open front.png');
    first.focus();
    await sendKeys({ press: 'Enter' });
    let viewer: HTMLElement | null = null;
    await eventually(() => {
      viewer = inside(el, 'chat-lightbox');
      expect(viewer?.shadowRoot?.querySelector('dialog')?.open).to.equal(true);
      expect(deepActiveElement()?.getAttribute('aria-label')).to.equal('Close');
    });
    const box = viewer as unknown as HTMLElement;
    const counter = () => box.shadowRoot?.querySelector('.counter')?.textContent;
    expect(counter()).to.equal('1 of 2');
    expect(box.shadowRoot?.querySelector('img')?.alt).to.equal('front.png');
    await sendKeys({ press: 'ArrowRight' });
    await eventually(() => expect(counter()).to.equal('2 of 2'));
    expect(box.shadowRoot?.querySelector('img')?.alt).to.equal('back.png');
    expect(box.shadowRoot?.querySelector('a[download]')?.getAttribute('download')).to.equal('back.png');
    await sendKeys({ press: 'ArrowLeft' });
    await eventually(() => expect(counter()).to.equal('1 of 2'));
    await expect(box).to.be.accessible();
    await sendKeys({ press: 'Escape' });
    await eventually(() => {
      expect(inside(el, 'chat-lightbox')).to.equal(null);
      expect(deepActiveElement()).to.equal(first);
    });
  });
});
