import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/chat-thread/define.js';
import type { Conversation } from '@palaver/sdk';
import {
  buyerInConversation,
  clientFor,
  destroyClients,
  type RunningServer,
  startServer,
  stopServer,
  type TestUser,
  waitForStore,
} from '../../../../test-support/browser-support.js';
import type { ChatThread } from '../../src/index.js';
import { allInside, deepActiveElement, eventually, inside } from './helpers.js';

const API_KEY = 'browser-tests-server-api-key-long-enough-for-it';

/** A buyer's thread with a message from the supplier in it (so they have talked), and the supplier's client. */
async function talking(server: RunningServer, productId: string, lang = 'en') {
  const { client, supplier, conversation } = await buyerInConversation(server, productId);
  await client.send(conversation.id, 'Hello, is it still available?');
  const supplierClient = await clientFor(server, supplier);
  await supplierClient.connect();
  await waitForStore(supplierClient.messagesOf(conversation.id), (list) => list.length === 1);
  const answer = await supplierClient.send(conversation.id, 'Yes. Pay me by wire transfer, it is cheaper.');
  const el = await fixture<ChatThread>(
    html`<chat-thread lang=${lang} .client=${client} conversation-id=${conversation.id}></chat-thread>`,
  );
  await eventually(() => expect(inside(el, `[data-key="${answer.clientId}"] [part="bubble"]`)).to.exist);
  return { client, supplier, supplierClient, conversation, el, answerKey: answer.clientId };
}

const button = (el: Element, text: string) =>
  allInside(el, 'button').find((b) => b.textContent?.trim() === text) as HTMLButtonElement | undefined;

async function reportsOn(server: RunningServer) {
  const response = await fetch(`${server.url}/api/server/reports`, { headers: { authorization: `Bearer ${API_KEY}` } });
  expect(response.status).to.equal(200);
  return ((await response.json()) as { reports: Array<Record<string, unknown>> }).reports;
}

describe('<chat-thread> block and report', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ PALAVER_API_KEY: API_KEY });
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(destroyClients);

  it('reports someone else’s message from its menu: the marketplace’s queue holds it', async () => {
    const { el, conversation, answerKey } = await talking(server, 'p-report-message');
    const supplierMessageId = (el.messages.find((m) => m.clientId === answerKey) as { id: string }).id;
    // Own messages keep Edit / Delete; others' get Report.
    (inside(el, `[data-key="${answerKey}"] .more-button`) as HTMLButtonElement).click();
    await eventually(() => expect(button(el, 'Report…')).to.exist);
    expect(button(el, 'Edit')).to.be.undefined;
    button(el, 'Report…')?.click();
    await eventually(() => expect(inside(el, '[part="report"] h2')?.textContent).to.equal('Report this message'));
    expect(deepActiveElement()?.getAttribute('type')).to.equal('radio');
    const send = inside(el, '[part="report"] button[type="submit"]') as HTMLButtonElement;
    expect(send.disabled, 'a reason is needed').to.equal(true);
    (
      allInside(el, '[part="report"] input[type="radio"]').find(
        (r) => (r as HTMLInputElement).value === 'scam',
      ) as HTMLInputElement
    ).click();
    const note = inside(el, '[part="report"] textarea') as HTMLTextAreaElement;
    note.value = 'asks to pay outside';
    note.dispatchEvent(new Event('input'));
    await el.updateComplete;
    await expect(el).to.be.accessible();
    send.click();
    await eventually(() =>
      expect(inside(el, '[part="report"] [role="status"]')?.textContent).to.equal(
        'Thanks, the marketplace will look at it.',
      ),
    );
    const reports = await reportsOn(server);
    const mine = reports.find((r) => r.messageId === supplierMessageId);
    expect(mine, 'the report is in the queue').to.exist;
    expect([mine?.conversationId, mine?.reason, mine?.note]).to.deep.equal([
      conversation.id,
      'scam',
      'asks to pay outside',
    ]);
    button(el, 'Close')?.click();
    await eventually(() => expect(inside(el, '[part="report"]')).to.equal(null));
    expect(deepActiveElement(), 'focus goes back to the message’s button').to.equal(
      inside(el, `[data-key="${answerKey}"] .more-button`),
    );
  });

  it('blocks from the header: the other side’s message fails with the server’s reason; unblocking restores it', async () => {
    const { el, supplier, supplierClient, conversation } = await talking(server, 'p-block');
    const theirs = await fixture<ChatThread>(
      html`<chat-thread .client=${supplierClient} conversation-id=${conversation.id}></chat-thread>`,
    );
    (inside(el, '.thread-menu .more-button') as HTMLButtonElement).click();
    await eventually(() => expect(button(el, `Block ${supplier.name}`)).to.exist);
    button(el, `Block ${supplier.name}`)?.click();
    await eventually(() =>
      expect(inside(el, '[part="banner"].blocked')?.textContent).to.contain(
        `You blocked ${supplier.name}. They cannot write to you.`,
      ),
    );
    // The blocker may still write.
    expect((inside(el, '[part="composer"] textarea') as HTMLTextAreaElement).disabled).to.equal(false);
    await expect(el).to.be.accessible();

    const refused = await supplierClient.send(conversation.id, 'Hello? Are you there?');
    const failed = `[data-key="${refused.clientId}"] [part="status"]`;
    await eventually(() =>
      expect(inside(theirs, failed)?.textContent).to.contain('Not sent — You cannot write to this person.'),
    );
    expect(inside(theirs, failed)?.textContent).to.not.contain('block');
    await expect(theirs).to.be.accessible();

    button(el, 'Unblock')?.click();
    await eventually(() => expect(inside(el, '[part="banner"].blocked')).to.equal(null));
    (inside(el, '.thread-menu .more-button') as HTMLButtonElement).click();
    await eventually(() => expect(button(el, `Block ${supplier.name}`)).to.exist);
    (inside(theirs, `[data-key="${refused.clientId}"] button`) as HTMLButtonElement).click(); // Retry
    await eventually(() =>
      expect(inside(theirs, `[data-key="${refused.clientId}"] [part="status"]`)?.getAttribute('aria-label')).to.equal(
        'Sent',
      ),
    );
  });

  it('is usable with the keyboard alone: menu, report form, focus back where it was', async () => {
    const { el } = await talking(server, 'p-keyboard');
    const trigger = inside(el, '.thread-menu .more-button') as HTMLButtonElement;
    trigger.focus();
    await sendKeys({ press: 'ArrowDown' });
    await eventually(() => expect(deepActiveElement()?.getAttribute('role')).to.equal('menuitem'));
    expect(trigger.getAttribute('aria-expanded')).to.equal('true');
    await sendKeys({ press: 'Escape' });
    await eventually(() => expect(inside(el, '.thread-menu .menu')).to.equal(null));
    expect(deepActiveElement()).to.equal(trigger);

    await sendKeys({ press: 'Enter' });
    await eventually(() => expect(deepActiveElement()?.getAttribute('role')).to.equal('menuitem'));
    await sendKeys({ press: 'End' });
    expect(deepActiveElement()?.textContent?.trim()).to.equal('Report conversation…');
    await sendKeys({ press: 'Enter' });
    await eventually(() => expect(inside(el, '[part="report"] h2')?.textContent).to.equal('Report this conversation'));
    // Escape gives up, and focus is back on the menu's button.
    await eventually(() => expect(deepActiveElement()?.getAttribute('type')).to.equal('radio'));
    await sendKeys({ press: 'Escape' });
    await eventually(() => expect(inside(el, '[part="report"]')).to.equal(null));
    expect(deepActiveElement()).to.equal(trigger);

    await sendKeys({ press: 'ArrowDown' });
    await eventually(() => expect(deepActiveElement()?.getAttribute('role')).to.equal('menuitem'));
    await sendKeys({ press: 'End' });
    await sendKeys({ press: 'Enter' });
    await eventually(() => expect(deepActiveElement()?.getAttribute('type')).to.equal('radio'));
    await sendKeys({ press: 'Space' }); // the first reason: spam
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'keeps sending the same offer' });
    await sendKeys({ press: 'Tab' });
    expect(deepActiveElement()?.textContent?.trim()).to.equal('Send');
    await sendKeys({ press: 'Enter' });
    await eventually(() => expect(deepActiveElement()?.textContent?.trim()).to.equal('Close'));
    expect(inside(el, '[part="report"] [role="status"]')?.textContent).to.contain('Thanks');
    await sendKeys({ press: 'Enter' });
    await eventually(() => expect(deepActiveElement()).to.equal(trigger));
    const reports = await reportsOn(server);
    expect(reports.some((r) => r.note === 'keeps sending the same offer' && r.reason === 'spam')).to.equal(true);
  });

  it('offers no block in a support thread, only a report', async () => {
    const client = await clientFor(server, { id: `client-${Date.now()}`, name: 'Client' } as TestUser);
    await client.connect();
    await waitForStore(client.$connection, (s) => s === 'online');
    const support: Conversation = await client.openSupportConversation({ subject: 'Order 12 is late' });
    await client.send(support.id, 'Where is it?');
    const el = await fixture<ChatThread>(
      html`<chat-thread .client=${client} conversation-id=${support.id}></chat-thread>`,
    );
    await eventually(() => expect(inside(el, '.thread-menu .more-button')).to.exist);
    (inside(el, '.thread-menu .more-button') as HTMLButtonElement).click();
    await eventually(() =>
      expect(allInside(el, '.thread-menu [role="menuitem"]').map((b) => b.textContent?.trim())).to.deep.equal([
        'Report conversation…',
      ]),
    );
  });
});

describe('<chat-thread> block and report in French, with the limit reached', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ RATE_LIMIT_SAFETY: '1' });
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(destroyClients);

  async function reportConversation(el: ChatThread) {
    (inside(el, '.thread-menu .more-button') as HTMLButtonElement).click();
    await eventually(() => expect(button(el, 'Signaler la conversation…')).to.exist);
    button(el, 'Signaler la conversation…')?.click();
    await eventually(() =>
      expect(inside(el, '[part="report"] legend')?.textContent).to.equal('Quel est le problème ?'),
    );
    (allInside(el, '[part="report"] input[type="radio"]')[1] as HTMLInputElement).click();
    await el.updateComplete;
    button(el, 'Envoyer')?.click();
  }

  it('speaks French, says to wait when the limit is reached, and says a refused message in French', async () => {
    const { el, supplier, supplierClient, conversation, client } = await talking(server, 'p-fr', 'fr');
    (inside(el, '.thread-menu .more-button') as HTMLButtonElement).click();
    await eventually(() => expect(button(el, `Bloquer ${supplier.name}`)).to.exist);
    await sendKeys({ press: 'Escape' });

    await reportConversation(el);
    await eventually(() =>
      expect(inside(el, '[part="report"] [role="status"]')?.textContent).to.equal(
        'Merci, la place de marché va s’en occuper.',
      ),
    );
    button(el, 'Fermer')?.click();
    await reportConversation(el);
    await eventually(() =>
      expect(inside(el, '[part="report"] [role="alert"]')?.textContent).to.contain(
        'Trop de signalements ou de blocages en peu de temps : patientez un moment puis réessayez.',
      ),
    );
    expect(inside(el, 'form[part="report"]'), 'the form stays, to try again later').to.exist;
    await expect(el).to.be.accessible();

    // Blocked by the supplier: the buyer's message says so in French, without saying "bloqué".
    await supplierClient.block((client.$user.get() as { id: string }).id);
    const refused = await client.send(conversation.id, 'Allô ?');
    const status = `[data-key="${refused.clientId}"] [part="status"]`;
    await eventually(() =>
      expect(inside(el, status)?.textContent).to.contain('Non envoyé — Vous ne pouvez pas écrire à cette personne.'),
    );
    expect(inside(el, status)?.textContent).to.not.contain('bloqu');
  });
});
