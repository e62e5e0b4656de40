import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/chat-thread/define.js';
import {
  buyerInConversation,
  destroyClients,
  type RunningServer,
  startServer,
  stopServer,
} from '../../../../test-support/browser-support.js';
import type { ChatThread } from '../../src/index.js';
import { deepActiveElement, eventually, inside } from './helpers.js';

describe('<chat-thread> message status and actions', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await stopServer(server);
  });
  afterEach(destroyClients);

  it('shows delivery as drawn icons with a text alternative, never as emoji', async () => {
    const { client, conversation } = await buyerInConversation(server, 'p-icons');
    await client.send(conversation.id, 'tick me');
    const el = await fixture<ChatThread>(
      html`<chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread>`,
    );
    await eventually(() => expect(inside(el, '[part="status"]')?.getAttribute('aria-label')).to.equal('Sent'));
    const status = inside(el, '[part="status"]') as HTMLElement;
    expect(status.getAttribute('role')).to.equal('img');
    expect(status.querySelector('svg')?.getAttribute('aria-hidden')).to.equal('true');
    expect(status.textContent?.trim(), 'no character that needs an emoji font').to.equal('');
    await expect(el).to.be.accessible();
  });

  it('Escape cancels an edit and Enter saves it; either way focus returns to the message', async () => {
    const { client, conversation } = await buyerInConversation(server, 'p-edit-focus');
    const sent = await client.send(conversation.id, 'first words');
    const el = await fixture<ChatThread>(
      html`<chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread>`,
    );
    await eventually(() => expect(inside(el, '[part="status"]')?.getAttribute('aria-label')).to.equal('Sent'));
    const editButton = () => inside(el, `[data-key="${sent.clientId}"] .actions button`) as HTMLButtonElement;
    editButton().click();
    await eventually(() => expect(deepActiveElement()).to.equal(inside(el, '.edit textarea')));
    await sendKeys({ type: ' and more' });
    await sendKeys({ press: 'Escape' });
    await eventually(() => expect(inside(el, '.edit')).to.equal(null));
    expect(deepActiveElement(), 'Escape: focus on the message’s Edit button').to.equal(editButton());
    expect(inside(el, '[part="bubble"]')?.textContent).to.equal('first words');

    await sendKeys({ press: 'Enter' }); // Enter on the focused Edit button opens the editor again
    await eventually(() => expect(deepActiveElement()).to.equal(inside(el, '.edit textarea')));
    await sendKeys({ type: ', edited' });
    await sendKeys({ press: 'Enter' });
    await eventually(() => expect(inside(el, '.edit')).to.equal(null));
    expect(deepActiveElement(), 'Enter: focus on the message’s Edit button, not <body>').to.equal(editButton());
    await eventually(() => expect(inside(el, '[part="bubble"]')?.textContent).to.equal('first words, edited'));
  });
});
