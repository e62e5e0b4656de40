import { expect, fixture, html } from '@open-wc/testing';
import '../../src/chat-moderation/define.js';
import '../../src/chat-thread/define.js';
import type { ChatClient, Conversation } from '@palaver/sdk';
import {
  buyerInConversation,
  clientFor,
  destroyClients,
  type RunningServer,
  startServer,
  stopServer,
  type TestUser,
  uniqueUser,
  waitForStore,
} from '../../../../test-support/browser-support.js';
import { accessOf } from '../../../sdk/src/access.js';
import type { ChatModeration, ChatThread } from '../../src/index.js';
import { allInside, eventually, inside } from './helpers.js';

/** The buyer reports a message the way `<chat-thread>`'s menu will: the socket's `report:create`. */
async function report(client: ChatClient, conversationId: string, messageId: string, note: string) {
  await accessOf(client)?.request('report:create', { conversationId, messageId, reason: 'off_platform', note });
}

/** Types a reason in the console's dialog and confirms it, as a moderator would. */
async function confirmWithReason(moderation: ChatModeration, reason: string) {
  const dialog = inside(moderation, 'dialog') as HTMLDialogElement;
  await eventually(() => expect(dialog.open).to.equal(true));
  const textarea = dialog.querySelector('textarea') as HTMLTextAreaElement;
  // The modal dialog takes the focus to the reason: keyboard users type at once.
  expect(moderation.shadowRoot?.activeElement).to.equal(textarea);
  textarea.value = reason;
  (dialog.querySelector('button[type="submit"]') as HTMLButtonElement).click();
}

describe('<chat-moderation>', () => {
  let server: RunningServer;
  let buyerClient: ChatClient;
  let supplier: TestUser;
  let conversation: Conversation;
  let admin: ChatClient;
  const reported = 'Pay me by bank transfer instead, it is cheaper off the site';
  let reportedId: string;

  before(async () => {
    server = await startServer();
    ({ client: buyerClient, supplier, conversation } = await buyerInConversation(server, `p-mod-${Date.now()}`));
    for (const body of ['Hello, is the mug still available?', 'Yes it is', reported, 'Anything else?', 'No thanks']) {
      await buyerClient.send(conversation.id, body);
    }
    const sent = await waitForStore(buyerClient.messagesOf(conversation.id), (list) =>
      list.some((m) => m.body === reported && !m.pending),
    );
    reportedId = sent.find((m) => m.body === reported)?.id as string;
    await report(buyerClient, conversation.id, reportedId, 'wants to be paid outside');
    admin = await clientFor(server, uniqueUser('Moderator', true));
    await admin.connect();
  });
  after(async () => {
    await destroyClients();
    await stopServer(server);
  });

  it('shows the open report with the message in its context, and removing it hides it from the participants', async () => {
    const el = await fixture<ChatModeration>(html`<chat-moderation .client=${admin}></chat-moderation>`);
    const card = () => inside(el, `[data-report-id]`);
    await eventually(() => expect(inside(el, '[aria-current="true"] [part="bubble"]')?.textContent).to.equal(reported));
    // Its neighbours are there too, in order.
    const bodies = allInside(el, '[part~="message"] [part="bubble"]').map((p) => p.textContent);
    expect(bodies).to.include.members(['Yes it is', 'Anything else?']);
    expect(bodies.indexOf('Yes it is')).to.be.below(bodies.indexOf(reported));
    expect(card()?.textContent).to.contain('Taking the sale off the platform');
    expect(card()?.textContent).to.contain('wants to be paid outside');
    await expect(el).to.be.accessible();

    const remove = inside(el, '[aria-current="true"] button') as HTMLButtonElement;
    remove.click();
    await confirmWithReason(el, 'Payment outside the marketplace');
    await eventually(() => expect(inside(el, '[aria-current="true"] [part="removed-mark"]')).to.exist);
    // Moderators still read the original.
    expect(inside(el, '[aria-current="true"] [part="bubble"]')?.textContent).to.equal(reported);
    expect(inside(el, '.announce')?.textContent).to.contain('Removed a message');

    // The buyer's client is told (message:updated); the supplier reads it removed in <chat-thread>.
    await waitForStore(buyerClient.messagesOf(conversation.id), (list) =>
      list.some((m) => m.id === reportedId && m.removedByModeration === true && m.body === ''),
    );
    const supplierClient = await clientFor(server, supplier);
    const thread = await fixture<ChatThread>(
      html`<chat-thread .client=${supplierClient} conversation-id=${conversation.id}></chat-thread>`,
    );
    await eventually(() =>
      expect(allInside(thread, '[part="bubble"]').map((b) => b.textContent)).to.include('Removed by moderation'),
    );
    expect(thread.shadowRoot?.textContent).to.not.contain('cheaper off the site');
    await expect(thread).to.be.accessible();
    // An admin's thread shows the original, marked.
    const adminThread = await fixture<ChatThread>(
      html`<chat-thread .client=${admin} conversation-id=${conversation.id}></chat-thread>`,
    );
    await eventually(() =>
      expect(inside(adminThread, '[part="removed-note"]')?.textContent).to.equal('Removed by moderation'),
    );
    expect(adminThread.shadowRoot?.textContent).to.contain('cheaper off the site');
  });

  it('resolves the report with a note, and the audit log says who did what, when and why', async () => {
    const el = await fixture<ChatModeration>(html`<chat-moderation .client=${admin}></chat-moderation>`);
    await eventually(() => expect(inside(el, `[data-report-id] textarea`)).to.exist);
    const card = inside(el, '[data-report-id]') as HTMLElement;
    (card.querySelector('textarea') as HTMLTextAreaElement).value = 'Message removed, buyer warned';
    (card.querySelector('button.primary') as HTMLButtonElement).click();
    await eventually(() => expect(inside(el, '.placeholder')?.textContent).to.equal('No reports here.'));

    // The resolved filter shows it with its note.
    const select = inside(el, 'select') as HTMLSelectElement;
    select.value = 'resolved';
    select.dispatchEvent(new Event('change'));
    await eventually(() =>
      expect(inside(el, '[data-report-id]')?.textContent).to.contain('Message removed, buyer warned'),
    );

    // Keyboard: from the Reports tab, End goes to the audit log.
    const tab = inside(el, '#tab-reports') as HTMLButtonElement;
    tab.focus();
    tab.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true, composed: true }));
    await eventually(() => expect(el.shadowRoot?.activeElement?.id).to.equal('tab-log'));
    await eventually(() => expect(allInside(el, 'tbody tr').length).to.be.at.least(2));
    const rows = allInside(el, 'tbody tr').map((r) => r.textContent ?? '');
    expect(rows.some((r) => r.includes('Removed a message') && r.includes('Payment outside the marketplace'))).to.equal(
      true,
    );
    expect(rows.some((r) => r.includes('Resolved a report') && r.includes('Message removed, buyer warned'))).to.equal(
      true,
    );
    await expect(el).to.be.accessible();
  });

  it('finds conversations by text, suspends and reinstates a participant, showing the state', async () => {
    const el = await fixture<ChatModeration>(html`<chat-moderation .client=${admin}></chat-moderation>`);
    (inside(el, '#tab-search') as HTMLButtonElement).click();
    await eventually(() => expect(inside(el, 'form.search')).to.exist);
    const form = inside(el, 'form.search') as HTMLFormElement;
    (form.querySelector('input[name="q"]') as HTMLInputElement).value = 'mug still available';
    form.requestSubmit();
    await eventually(() => expect(allInside(el, '[part="result"]').length).to.equal(1));
    (inside(el, '[part="result"] button[aria-expanded]') as HTMLButtonElement).click();
    await eventually(() =>
      expect(inside(el, '[part="result"] [part="context"]')?.textContent).to.contain('Anything else?'),
    );

    const suspendButton = () =>
      allInside(el, '[part="participant"]')
        .find((li) => li.textContent?.includes(supplier.name))
        ?.querySelector('button');
    suspendButton()?.click();
    await confirmWithReason(el, 'Repeated scams');
    await eventually(
      () =>
        expect(
          allInside(el, '[part="participant"]')
            .find((li) => li.textContent?.includes(supplier.name))
            ?.querySelector('[part="suspended"]'),
        ).to.exist,
    );
    expect(suspendButton()?.textContent).to.contain('Reinstate');
    // The server agrees: the conversation lists the supplier as suspended.
    const fetched = await fetch(`${server.url}/api/moderation/search?q=mug%20still`, {
      headers: { authorization: `Bearer ${await accessOf(admin)?.token()}` },
    });
    const { conversations } = (await fetched.json()) as { conversations: Conversation[] };
    expect(conversations[0]?.participants.find((p) => p.userId === supplier.id)?.suspended).to.equal(true);

    suspendButton()?.click();
    await confirmWithReason(el, 'Appeal accepted');
    await eventually(() => expect(suspendButton()?.textContent).to.contain('Suspend'));
    await expect(el).to.be.accessible();
  });

  it('speaks French, and tells a non-admin they cannot use it (an error state, not a crash)', async () => {
    const buyer = uniqueUser('Nosy');
    const nosy = await clientFor(server, buyer);
    await nosy.connect();
    const el = await fixture<ChatModeration>(html`<chat-moderation lang="fr" .client=${nosy}></chat-moderation>`);
    expect(inside(el, '#tab-reports')?.textContent).to.equal('Signalements');
    await eventually(() => expect(inside(el, '[role="alert"]')?.textContent).to.contain('Impossible de charger ceci.'));
    await expect(el).to.be.accessible();
  });
});
