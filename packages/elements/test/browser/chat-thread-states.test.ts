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
import { eventually, inside } from './helpers.js';

const $ = inside;

describe('<chat-thread> states, theming and direction', () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await startServer({ RATE_LIMIT_MESSAGES: '100000', MESSAGE_MAX_LENGTH: '20' });
  });
  afterEach(async () => {
    await destroyClients();
    await stopServer(server);
  });

  it('renders loading, empty, offline and error states, each accessible', async () => {
    const { client, conversation } = await buyerInConversation(server, 'p-states');
    const unconfigured = await fixture<ChatThread>(html`<chat-thread conversation-id="nothing-yet"></chat-thread>`);
    expect($(unconfigured, '.placeholder')?.textContent).to.contain('Loading');
    await expect(unconfigured).to.be.accessible();

    const el = await fixture<ChatThread>(
      html`<chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread>`,
    );
    await eventually(() => expect($(el, '.placeholder')?.textContent).to.contain('No messages yet'));
    await expect(el).to.be.accessible();

    await killServer(server);
    await waitForStore(client.$connection, (s) => s === 'offline');
    await eventually(() => expect($(el, '[part="banner"]')?.textContent).to.contain('offline'));
    await client.send(conversation.id, 'written offline');
    await eventually(() => expect($(el, '[part="status"]')?.getAttribute('aria-label')).to.equal('Waiting to send'));
    await expect(el).to.be.accessible();
    await restartServer(server);
    await eventually(() => expect($(el, '[part="status"]')?.getAttribute('aria-label')).to.equal('Sent'), 15000);
    expect($(el, '[part="banner"]')).to.equal(null);

    const missing = await fixture<ChatThread>(
      html`<chat-thread .client=${client} conversation-id="no-such-conversation"></chat-thread>`,
    );
    await eventually(() => expect($(missing, '[part="banner"]')?.textContent).to.contain('could not be loaded'));
    await expect(missing).to.be.accessible();
  });

  it('a failed message is retried from its Retry button once the server accepts it', async () => {
    const { client, conversation } = await buyerInConversation(server, 'p-retry');
    const el = await fixture<ChatThread>(
      html`<chat-thread .client=${client} conversation-id=${conversation.id} max-length="100"></chat-thread>`,
    );
    await client.send(conversation.id, 'longer than twenty characters');
    await eventually(() => expect($(el, '[part="status"].failed')).to.not.equal(null));
    await restartServer(server, { MESSAGE_MAX_LENGTH: '5000' });
    await waitForStore(client.$connection, (s) => s === 'online', 15000);
    const retry = [...(el.shadowRoot?.querySelectorAll('button') ?? [])].find((b) => b.textContent?.trim() === 'Retry');
    retry?.click();
    await eventually(() => expect($(el, '[part="status"]')?.getAttribute('aria-label')).to.equal('Sent'));
  });

  it('restyles by tokens alone (dark theme) and mirrors for right-to-left', async () => {
    const { client, conversation } = await buyerInConversation(server, 'p-theme');
    await client.send(conversation.id, 'mine');
    const wrapper = await fixture<HTMLElement>(html`<div
      dir="rtl"
      style="--chat-color-surface: #101418; --chat-color-text: #e6edf3; --chat-color-accent: #2f81f7; --chat-color-on-accent: #0d1117"
    >
      <chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread>
    </div>`);
    const el = wrapper.querySelector('chat-thread') as ChatThread;
    await eventually(() => expect($(el, '[part~="own"]')).to.not.equal(null));
    const base = $(el, '[part="base"]') as HTMLElement;
    expect(getComputedStyle(base).backgroundColor).to.equal('rgb(16, 20, 24)');
    expect(getComputedStyle(base).color).to.equal('rgb(230, 237, 243)');
    expect(getComputedStyle($(el, '[part~="own"] [part="bubble"]') as HTMLElement).backgroundColor).to.equal(
      'rgb(47, 129, 247)',
    );
    // In RTL the user's own messages sit on the left.
    const log = ($(el, '[part="log"]') as HTMLElement).getBoundingClientRect();
    const own = ($(el, '[part~="own"]') as HTMLElement).getBoundingClientRect();
    expect(own.left - log.left).to.be.lessThan(log.right - own.right);
    await expect(el).to.be.accessible();
  });
});
