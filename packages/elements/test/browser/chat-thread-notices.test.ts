import { expect, fixture, html } from '@open-wc/testing';
import '../../src/chat-thread/define.js';
import {
  buyerInConversation,
  destroyClients,
  killServer,
  type RunningServer,
  restartServer,
  startServer,
  stopServer,
  waitForStore,
} from '../../../../test-support/browser-support.js';
import type { ChatThread } from '../../src/index.js';
import { allInside, eventually, inside } from './helpers.js';

const $ = inside;
const bodies = (el: ChatThread) => allInside(el, '[part="bubble"]').map((b) => b.textContent ?? '');
const button = (el: ChatThread, scope: string, label: string) =>
  allInside(el, `${scope} button`).find((b) => b.textContent?.trim() === label) as HTMLButtonElement;

/** Opens the editor on the only message (through its actions menu) and types `body` into it. */
async function startEditing(el: ChatThread, body: string): Promise<void> {
  ($(el, '[part~="message"] .more-button') as HTMLButtonElement).click();
  await eventually(() => expect($(el, '[role="menu"]')).to.exist);
  button(el, '[role="menu"]', 'Edit').click();
  await eventually(() => expect($(el, '.edit textarea')).to.exist);
  const editor = $(el, '.edit textarea') as HTMLTextAreaElement;
  editor.value = body;
  editor.dispatchEvent(new Event('input'));
}

describe('<chat-thread> notices', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ RATE_LIMIT_MESSAGES: '100000', MESSAGE_MAX_LENGTH: '20' });
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(destroyClients);

  it('a failed edit shows a notice with Retry; retrying once the server is back saves it', async () => {
    const { client, conversation } = await buyerInConversation(server, 'p-notice-retry');
    const el = await fixture<ChatThread>(
      html`<chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread>`,
    );
    await client.send(conversation.id, 'helo');
    await eventually(() => expect($(el, '[part="status"]')?.getAttribute('aria-label')).to.equal('Sent'));

    await startEditing(el, 'hello');
    await killServer(server);
    await waitForStore(client.$connection, (s) => s === 'offline', 10000, 'offline');
    button(el, '.edit', 'Save').click();
    await eventually(() => expect($(el, '[part="notice"]')?.textContent).to.contain('Your edit was not saved.'));
    expect($(el, '[part="notice"]')?.getAttribute('role')).to.equal('alert');
    expect(bodies(el)).to.deep.equal(['helo']);
    await expect(el).to.be.accessible();

    await restartServer(server);
    await waitForStore(client.$connection, (s) => s === 'online', 15000, 'online again');
    button(el, '[part="notice"]', 'Retry').click();
    await eventually(() => expect(bodies(el)).to.deep.equal(['hello']));
    expect($(el, '[part="notice"]')).to.equal(null);
  });

  it('an edit the server refuses says why, offers no Retry, and Dismiss closes it', async () => {
    const { client, conversation } = await buyerInConversation(server, 'p-notice-refused');
    // The element allows more than this server does: the server has the last word.
    const el = await fixture<ChatThread>(html`<chat-thread
      .client=${client}
      conversation-id=${conversation.id}
      max-length="100"
    ></chat-thread>`);
    await client.send(conversation.id, 'short');
    await eventually(() => expect($(el, '[part="status"]')?.getAttribute('aria-label')).to.equal('Sent'));

    await startEditing(el, 'far too long for this server');
    button(el, '.edit', 'Save').click();
    await eventually(() => expect($(el, '[part="notice"]')?.textContent).to.contain('Your edit was not saved.'));
    expect($(el, '[part="notice"]')?.textContent).to.contain('at most 20');
    expect(button(el, '[part="notice"]', 'Retry')).to.equal(undefined);
    expect(client.$notices.get()).to.have.length(1);
    button(el, '[part="notice"]', 'Dismiss').click();
    await eventually(() => expect($(el, '[part="notice"]')).to.equal(null));
    expect(client.$notices.get()).to.deep.equal([]);
    expect(bodies(el)).to.deep.equal(['short']);
  });
});
