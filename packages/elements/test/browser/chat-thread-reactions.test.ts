import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/chat-thread/define.js';
import {
  buyerInConversation,
  clientFor,
  destroyClients,
  type RunningServer,
  startServer,
  stopServer,
  waitForStore,
} from '../../../../test-support/browser-support.js';
import type { ChatThread } from '../../src/index.js';
import { allInside, eventually, inside } from './helpers.js';

describe('<chat-thread> reactions', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(destroyClients);

  it('a quick reaction from the menu shows on both sides; a chip adds or takes back one’s own; keyboard and axe-clean', async () => {
    const { client: buyer, supplier, conversation } = await buyerInConversation(server, 'p-reactions');
    await buyer.send(conversation.id, 'Does it come in blue?');
    const supplierClient = await clientFor(server, supplier);
    await supplierClient.connect();
    await waitForStore(supplierClient.messagesOf(conversation.id), (l) => l.length === 1 && !l[0]?.pending);
    const theirs = await fixture<ChatThread>(
      html`<chat-thread .client=${supplierClient} conversation-id=${conversation.id}></chat-thread>`,
    );
    const mine = await fixture<ChatThread>(
      html`<chat-thread lang="fr" .client=${buyer} conversation-id=${conversation.id}></chat-thread>`,
    );
    // The supplier opens the buyer's message's menu with the keyboard and picks 👍.
    const messageMenu = () => inside(theirs, '[part~="message"] .more-button') as HTMLButtonElement | null;
    await eventually(() => expect(messageMenu()).to.exist);
    messageMenu()?.focus();
    await sendKeys({ press: 'ArrowDown' });
    await eventually(() => expect(allInside(theirs, '.quick-reactions [role="menuitemcheckbox"]')).to.have.length(6));
    await expect(theirs).to.be.accessible();
    (inside(theirs, '.quick-reactions [aria-label="React with 👍"]') as HTMLButtonElement).click();
    await eventually(() => {
      const chip = inside(theirs, '[part="reaction"]');
      expect(chip?.getAttribute('aria-pressed')).to.equal('true');
      expect(chip?.getAttribute('aria-label')).to.equal('👍: 1 reaction, yours');
    });
    expect(inside(theirs, '.menu'), 'the menu closed').to.equal(null);
    // The buyer sees it, in French, not pressed; pressing it adds theirs.
    await eventually(() =>
      expect(inside(mine, '[part="reaction"]')?.getAttribute('aria-label')).to.equal('👍 : 1 réaction'),
    );
    (inside(mine, '[part="reaction"]') as HTMLButtonElement).click();
    await eventually(() =>
      expect(inside(theirs, '[part="reaction"]')?.getAttribute('aria-label')).to.equal(
        '👍: 2 reactions, yours included',
      ),
    );
    await expect(mine).to.be.accessible();
    // The supplier takes theirs back with the chip: one left, the buyer's.
    (inside(theirs, '[part="reaction"]') as HTMLButtonElement).click();
    await eventually(() =>
      expect(inside(mine, '[part="reaction"]')?.getAttribute('aria-label')).to.equal('👍 : 1 réaction, la vôtre'),
    );
  });

  it('offline, a reaction shows at once and is sent once back online', async () => {
    const { client: buyer, conversation } = await buyerInConversation(server, 'p-reactions-offline');
    await buyer.send(conversation.id, 'Thanks!');
    const [sent] = await waitForStore(buyer.messagesOf(conversation.id), (l) => l.length === 1 && !l[0]?.pending);
    const el = await fixture<ChatThread>(
      html`<chat-thread .client=${buyer} conversation-id=${conversation.id}></chat-thread>`,
    );
    buyer.disconnect();
    await waitForStore(buyer.$connection, (s) => s !== 'online');
    await buyer.react(sent?.id as string, '🙏');
    await eventually(() => expect(inside(el, '[part="reaction"]')?.getAttribute('aria-pressed')).to.equal('true'));
    await buyer.connect();
    // Confirmed by the server: its copy carries reactionsAt (the shown-at-once overlay does not).
    await waitForStore(
      buyer.messagesOf(conversation.id),
      (l) => l[0]?.reactionsAt !== undefined && l[0]?.reactions?.[0]?.emoji === '🙏',
      10000,
    );
  });
});
