import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import '../../src/chat-thread/define.js';
import {
  buyerInConversation,
  destroyClients,
  type RunningServer,
  startServer,
  stopServer,
} from '../../../../test-support/browser-support.js';
import type { ChatThread } from '../../src/index.js';
import { allInside, deepActiveElement, eventually, inside } from './helpers.js';

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

  /** A sent message shown in a thread, ready for its actions. */
  async function threadWith(product: string, ...bodies: string[]) {
    const { client, conversation } = await buyerInConversation(server, product);
    const sent = [];
    for (const body of bodies) sent.push(await client.send(conversation.id, body));
    const el = await fixture<ChatThread>(
      html`<chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread>`,
    );
    await eventually(() =>
      expect(allInside(el, '[part="status"]').map((s) => s.getAttribute('aria-label'))).to.deep.equal(
        bodies.map(() => 'Sent'),
      ),
    );
    const at = (clientId: string, selector: string) =>
      inside(el, `[data-key="${clientId}"] ${selector}`) as HTMLElement;
    return { client, el, sent, at };
  }

  it('keeps the actions in a menu behind one button per message, usable with the keyboard', async () => {
    const { el, sent, at } = await threadWith('p-menu', 'menu me');
    const key = sent[0]?.clientId as string;
    const trigger = at(key, '.more-button') as HTMLButtonElement;
    expect(allInside(el, 'button').filter((b) => b.textContent?.trim() === 'Edit')).to.have.length(0);
    expect(trigger.getAttribute('aria-haspopup')).to.equal('menu');
    expect(trigger.getAttribute('aria-expanded')).to.equal('false');
    expect(trigger.getAttribute('aria-label')).to.equal('Message actions');
    expect(getComputedStyle(trigger).opacity, 'out of the way until hover or focus').to.equal('0');
    trigger.focus();
    expect(getComputedStyle(trigger).opacity, 'seen once focused').to.equal('1');

    await sendKeys({ press: 'Enter' });
    await eventually(() => expect(at(key, '[role="menu"]')).to.exist);
    expect(trigger.getAttribute('aria-expanded')).to.equal('true');
    const actions = [...at(key, '[role="menu"]').querySelectorAll('[role="menuitem"]')] as HTMLElement[];
    expect(actions.map((i) => i.textContent?.trim())).to.deep.equal(['Edit', 'Delete…']);
    // The quick reactions come first, then the actions: one list for the arrow keys.
    const items = [...at(key, '[role="menu"]').querySelectorAll('button')] as HTMLElement[];
    expect(items).to.have.length(8);
    expect(items[0]?.getAttribute('aria-label')).to.equal('React with 👍');
    await eventually(() => expect(deepActiveElement()).to.equal(items[0]));
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'ArrowDown' });
    expect(deepActiveElement()).to.equal(items[1]);
    await sendKeys({ press: 'ArrowUp' });
    await sendKeys({ press: 'ArrowUp' });
    expect(deepActiveElement(), 'arrows wrap around').to.equal(items[7]);
    await sendKeys({ press: 'Escape' });
    await eventually(() => expect(at(key, '[role="menu"]')).to.equal(null));
    expect(deepActiveElement(), 'Escape: back on the button').to.equal(trigger);
    await sendKeys({ press: 'ArrowDown' });
    await eventually(() => expect(at(key, '[role="menu"]')).to.exist);

    // A press elsewhere closes it, as a native menu.
    await sendMouse({ type: 'click', position: [2, 2] });
    await eventually(() => expect(at(key, '[role="menu"]')).to.equal(null));
  });

  it('asks before deleting: Cancel keeps the message, Delete removes it', async () => {
    const { client, el, sent, at } = await threadWith('p-delete-ask', 'keep me, maybe');
    const key = sent[0]?.clientId as string;
    const openMenuAndDelete = async () => {
      at(key, '.more-button').click();
      await eventually(() => expect(at(key, '[role="menu"]')).to.exist);
      (at(key, '[role="menu"] .danger') as HTMLButtonElement).click();
      await eventually(() => expect(at(key, '.confirm')).to.exist);
    };
    await openMenuAndDelete();
    expect(at(key, '.confirm').textContent).to.contain('Delete this message?');
    expect(deepActiveElement(), 'focus on Cancel: Enter pressed once more destroys nothing').to.equal(
      at(key, '.confirm .cancel'),
    );
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Shift+Tab' });
    expect(deepActiveElement(), 'Tab moves within the question').to.equal(at(key, '.confirm .danger'));
    expect(at(key, '.confirm'), 'and leaves it open').to.exist;
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await eventually(() => expect(at(key, '.confirm')).to.equal(null));
    expect(deepActiveElement()).to.equal(at(key, '.more-button'));
    expect(client.messagesOf(sent[0]?.conversationId as string).get()[0]?.deletedAt).to.equal(undefined);
    expect(at(key, '[part="bubble"]').textContent).to.equal('keep me, maybe');

    await openMenuAndDelete();
    (at(key, '.confirm .danger') as HTMLButtonElement).click();
    await eventually(() => expect(at(key, '[part="bubble"]').textContent).to.equal('Message deleted'));
    expect(deepActiveElement(), 'focus stays on the message, not <body>').to.equal(at(key, ''));
  });

  it('shows the time on the first message of a run, and on the others on hover or focus', async () => {
    const { el, sent, at } = await threadWith('p-times', 'one', 'two', 'three');
    const [first, second, third] = sent.map((m) => m.clientId);
    const visibility = (key: string | undefined) =>
      getComputedStyle(at(key as string, '[part="timestamp"]')).visibility;
    expect(visibility(first)).to.equal('visible');
    expect(visibility(second), 'not repeated under every bubble').to.equal('hidden');
    expect(visibility(third)).to.equal('hidden');
    const rect = at(second as string, '[part="bubble"]').getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(rect.x + 5), Math.round(rect.y + 5)] });
    await eventually(() => expect(visibility(second), 'on hover').to.equal('visible'));
    await sendMouse({ type: 'move', position: [0, 0] });
    at(third as string, '.more-button').focus();
    expect(visibility(third), 'on focus').to.equal('visible');
    expect(at(third as string, '').getAttribute('aria-label'), 'always in the accessible name').to.match(/^You, .+/);
    await expect(el).to.be.accessible();
  });

  it('speaks French', async () => {
    const { el, sent, at } = await threadWith('p-menu-fr', 'bonjour');
    el.lang = 'fr';
    el.requestUpdate(); // `lang` is read at render time; nothing else tells the element it changed
    await el.updateComplete;
    const key = sent[0]?.clientId as string;
    expect(at(key, '.more-button').getAttribute('aria-label')).to.equal('Actions sur le message');
    at(key, '.more-button').click();
    await eventually(() => expect(at(key, '[role="menu"]')).to.exist);
    const items = [...at(key, '[role="menu"]').querySelectorAll('button')];
    expect(items.map((b) => b.getAttribute('aria-label') ?? b.textContent?.trim())).to.deep.equal([
      'Réagir avec 👍',
      'Réagir avec ❤️',
      'Réagir avec 😂',
      'Réagir avec 😮',
      'Réagir avec 😢',
      'Réagir avec 🙏',
      'Modifier',
      'Supprimer…',
    ]);
    (at(key, '[role="menu"] .danger') as HTMLButtonElement).click();
    await eventually(() => expect(at(key, '.confirm')?.textContent).to.contain('Supprimer ce message ?'));
  });

  it('Escape cancels an edit and Enter saves it; either way focus returns to the message', async () => {
    const { el, sent, at } = await threadWith('p-edit-focus', 'first words');
    const key = sent[0]?.clientId as string;
    const trigger = () => at(key, '.more-button');
    const openEditor = async () => {
      await eventually(() => expect(at(key, '[role="menu"]')).to.exist);
      // Past the six quick reactions to Edit, by keyboard.
      await eventually(() => expect(deepActiveElement()?.getAttribute('aria-label')).to.equal('React with 👍'));
      for (let i = 0; i < 6; i++) await sendKeys({ press: 'ArrowDown' });
      expect(deepActiveElement()?.textContent?.trim()).to.equal('Edit');
      await sendKeys({ press: 'Enter' });
      await eventually(() => expect(deepActiveElement()).to.equal(inside(el, '.edit textarea')));
    };
    trigger().click();
    await openEditor();
    await sendKeys({ type: ' and more' });
    await sendKeys({ press: 'Escape' });
    await eventually(() => expect(inside(el, '.edit')).to.equal(null));
    expect(deepActiveElement(), 'Escape: focus on the message’s actions button').to.equal(trigger());
    expect(inside(el, '[part="bubble"]')?.textContent).to.equal('first words');

    await sendKeys({ press: 'Enter' }); // Enter on the focused button opens the menu again
    await openEditor();
    await sendKeys({ type: ', edited' });
    await sendKeys({ press: 'Enter' });
    await eventually(() => expect(inside(el, '.edit')).to.equal(null));
    expect(deepActiveElement(), 'Enter: focus on the message’s actions button, not <body>').to.equal(trigger());
    await eventually(() => expect(inside(el, '[part="bubble"]')?.textContent).to.equal('first words, edited'));
  });
});
