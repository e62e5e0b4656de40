import '@palaver/elements/define';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { attributeControls } from './controls.js';
import {
  admin,
  buyer,
  darkTokens,
  mug,
  seedConversation,
  shadow,
  shadowAll,
  supplier,
  waitUntil,
  world,
} from './support.js';

const meta: Meta = {
  title: 'Elements/chat-thread',
  component: 'chat-thread',
  argTypes: attributeControls('chat-thread'),
  parameters: {
    docs: { description: { component: 'One conversation: product card, messages, ticks, typing, composer.' } },
  },
};
export default meta;
type Story = StoryObj;

const threadIn = (canvas: HTMLElement) => canvas.querySelector('chat-thread');
const messageCount = (canvas: HTMLElement) => shadowAll(threadIn(canvas), '[part~="message"]').length;

export const Conversation: Story = {
  render: () => {
    const w = world();
    const conversation = seedConversation(w);
    return html`<chat-thread .client=${w.client(buyer)} conversation-id=${conversation.id}></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(() => messageCount(canvasElement) === 4, 'four messages');
    await waitUntil(() => shadowAll(threadIn(canvasElement), '[part="bubble"] a').length === 1, 'one link');
  },
};

export const Empty: Story = {
  render: () => {
    const w = world();
    // A product the marketplace registered, opened by the thread itself: nobody wrote yet.
    w.backend.addProduct(mug, supplier);
    return html`<chat-thread .client=${w.client(buyer)} product-id=${mug.id}></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(
      () => shadow(threadIn(canvasElement), '.placeholder')?.textContent?.includes('No messages') ?? false,
      'empty',
    );
  },
};

export const Loading: Story = {
  render: () => {
    // A client that never reaches its server.
    const w = world();
    w.backend.setReachable(false);
    return html`<chat-thread .client=${w.client(buyer)} conversation-id="not-loaded-yet"></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(
      () => shadow(threadIn(canvasElement), '.placeholder')?.textContent?.includes('Loading') ?? false,
      'loading',
    );
  },
};

export const LongThread: Story = {
  name: 'Long thread (10,000 messages)',
  render: () => {
    const w = world();
    const conversation = w.backend.seedProductConversation(buyer, supplier, mug);
    for (let i = 0; i < 10_000; i++) {
      w.backend.seedMessage(i % 3 ? buyer : supplier, conversation.id, `Message ${i + 1} of 10,000`);
    }
    return html`<chat-thread .client=${w.client(buyer)} conversation-id=${conversation.id}></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(() => messageCount(canvasElement) > 0, 'messages');
    await waitUntil(
      () => shadowAll(threadIn(canvasElement), '[part="bubble"]').at(-1)?.textContent === 'Message 10000 of 10,000',
      'newest last',
    );
  },
};

export const OfflineWithQueuedMessages: Story = {
  render: () => {
    const w = world();
    const conversation = seedConversation(w);
    const client = w.client(buyer);
    void client.connect().then(async () => {
      w.backend.setReachable(false);
      await client.send(conversation.id, 'Written in a tunnel…');
      await client.send(conversation.id, '…and sent when the train is out.');
    });
    return html`<chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(() => shadow(threadIn(canvasElement), '[part="banner"]') !== null, 'offline banner');
    await waitUntil(
      () => shadowAll(threadIn(canvasElement), '[part="status"].queued').length === 2,
      'two queued messages',
    );
  },
};

export const FailedSend: Story = {
  render: () => {
    const w = world({ messageMaxLength: 40 });
    const conversation = w.backend.seedProductConversation(buyer, supplier, mug);
    w.backend.seedMessage(supplier, conversation.id, 'Anything else I can help with?');
    const client = w.client(buyer);
    void client.send(conversation.id, 'This message is longer than this server accepts, so it fails.');
    return html`<chat-thread .client=${client} conversation-id=${conversation.id} max-length="500"></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(() => shadow(threadIn(canvasElement), '[part="status"].failed') !== null, 'a failed message');
  },
};

export const Typing: Story = {
  render: () => {
    const w = world();
    const conversation = seedConversation(w);
    const client = w.client(buyer);
    void client.connect().then(() => setTimeout(() => w.backend.seedTyping(supplier, conversation.id, true), 50));
    return html`<chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(
      () => shadow(threadIn(canvasElement), '[part="typing"]')?.textContent?.includes('typing') ?? false,
      'typing',
    );
  },
};

export const BlockedByMe: Story = {
  name: 'Blocked (as the blocker)',
  render: () => {
    const w = world();
    const conversation = seedConversation(w);
    const client = w.client(buyer);
    // Safe to drop: the play function fails if the block did not happen.
    void client.connect().then(() => client.block(supplier.id).catch(() => undefined));
    return html`<chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(
      () =>
        shadow(threadIn(canvasElement), '[part="banner"].blocked')?.textContent?.includes(
          `You blocked ${supplier.name}`,
        ) ?? false,
      'the blocked banner',
    );
  },
};

export const ReportFormOpen: Story = {
  name: 'Reporting a message',
  render: () => {
    const w = world();
    const conversation = seedConversation(w);
    return html`<chat-thread .client=${w.client(buyer)} conversation-id=${conversation.id}></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    const thread = threadIn(canvasElement);
    await waitUntil(() => messageCount(canvasElement) === 4, 'four messages');
    // The supplier's last message: its menu, then Report….
    const others = shadowAll(thread, '[part~="message"].other .more-button');
    others[others.length - 1]?.click();
    await waitUntil(() => shadowAll(thread, '.menu [role="menuitem"]').length === 1, 'the message menu');
    shadowAll(thread, '.menu [role="menuitem"]')[0]?.click();
    await waitUntil(() => shadow(thread, 'form[part="report"]') !== null, 'the report form');
  },
};

export const MaskedAsSender: Story = {
  name: 'Contact details hidden (as the sender)',
  render: () => {
    const w = world();
    const conversation = w.backend.seedProductConversation(buyer, supplier, mug);
    w.backend.seedMessage(supplier, conversation.id, 'Hi Alice, what would you like to know?');
    // The sender sees what they wrote, told the other side does not.
    w.backend.seedMessage(buyer, conversation.id, 'Easier by phone: call me on 06 12 34 56 78', undefined, {
      masked: true,
    });
    return html`<chat-thread .client=${w.client(buyer)} conversation-id=${conversation.id}></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(
      () => shadow(threadIn(canvasElement), '[part="masked-note"]')?.textContent?.includes('other side') ?? false,
      'the note for the sender',
    );
  },
};

export const MaskedAsRecipient: Story = {
  name: 'Contact details hidden (as the recipient)',
  render: () => {
    const w = world();
    const conversation = w.backend.seedProductConversation(buyer, supplier, mug);
    w.backend.seedMessage(supplier, conversation.id, 'Hi Alice, what would you like to know?');
    // The recipient gets the text as the server masked it (the fake does not mask by itself).
    w.backend.seedMessage(buyer, conversation.id, 'Easier by phone: call me on [contact details hidden]', undefined, {
      masked: true,
    });
    return html`<chat-thread .client=${w.client(supplier)} conversation-id=${conversation.id}></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(
      () => shadow(threadIn(canvasElement), '[part="masked-note"]')?.textContent?.includes('marketplace') ?? false,
      'the note for the recipient',
    );
  },
};

export const RemovedByModeration: Story = {
  name: 'Removed by moderation',
  render: () => {
    const w = world();
    const conversation = w.backend.seedProductConversation(buyer, supplier, mug);
    w.backend.seedMessage(buyer, conversation.id, 'Is the mug dishwasher safe?');
    const scam = w.backend.seedMessage(supplier, conversation.id, 'Pay me by gift card and I send it today');
    w.backend.seedRemoval(scam.id);
    return html`<chat-thread .client=${w.client(buyer)} conversation-id=${conversation.id}></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(
      () => shadowAll(threadIn(canvasElement), '[part="bubble"]').some((b) => /moderation/i.test(b.textContent ?? '')),
      'the removed message',
    );
  },
};

export const Reactions: Story = {
  name: 'Reactions',
  render: () => {
    const w = world();
    const conversation = w.backend.seedProductConversation(buyer, supplier, mug);
    const question = w.backend.seedMessage(buyer, conversation.id, 'Could you ship it before Friday?');
    const answer = w.backend.seedMessage(supplier, conversation.id, 'Yes, it leaves tomorrow morning.');
    w.backend.seedReaction(supplier, question.id, '👍');
    w.backend.seedReaction(buyer, answer.id, '🙏');
    w.backend.seedReaction(buyer, answer.id, '❤️');
    w.backend.seedReaction(supplier, answer.id, '❤️');
    return html`<chat-thread .client=${w.client(buyer)} conversation-id=${conversation.id}></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(
      () => shadowAll(threadIn(canvasElement), '[part="reaction"]').length === 3,
      'the reactions under the messages',
    );
  },
};

export const SuspendedCounterpart: Story = {
  name: 'The other side is suspended',
  render: () => {
    const w = world();
    const conversation = seedConversation(w);
    w.backend.setSuspended(supplier.id);
    return html`<chat-thread .client=${w.client(buyer)} conversation-id=${conversation.id}></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(
      () => shadow(threadIn(canvasElement), '[part="banner"].suspended')?.textContent?.includes('suspended') ?? false,
      'the suspended banner',
    );
  },
};

export const SupportWithAdmin: Story = {
  name: 'Support thread (staff badge)',
  render: () => {
    const w = world();
    // Admins write in support conversations only (as on the real server).
    const conversation = w.backend.seedSupportConversation(buyer, 'Order #1234');
    w.backend.seedMessage(admin, conversation.id, 'Hello, I am looking into your order #1234.');
    return html`<chat-thread .client=${w.client(buyer)} conversation-id=${conversation.id}></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(() => shadow(threadIn(canvasElement), '.staff') !== null, 'staff badge');
  },
};

export const Dark: Story = {
  render: () => {
    const w = world();
    const conversation = seedConversation(w);
    return html`<div style="${darkTokens} background:#0b0e12;padding:1rem">
      <chat-thread .client=${w.client(buyer)} conversation-id=${conversation.id}></chat-thread>
    </div>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(() => messageCount(canvasElement) === 4, 'four messages');
    const base = shadow(threadIn(canvasElement), '[part="base"]') as HTMLElement;
    if (getComputedStyle(base).backgroundColor !== 'rgb(16, 20, 24)') throw new Error('dark surface not applied');
  },
};

export const French: Story = {
  render: () => {
    const w = world();
    const conversation = seedConversation(w);
    return html`<div lang="fr"><chat-thread .client=${w.client(buyer)} conversation-id=${conversation.id}></chat-thread></div>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(
      () =>
        (shadow(threadIn(canvasElement), 'textarea') as HTMLTextAreaElement | null)?.placeholder ===
        'Écrire un message…',
      'French placeholder',
    );
  },
};

export const RightToLeft: Story = {
  render: () => {
    const w = world();
    const conversation = seedConversation(w);
    return html`<div dir="rtl" lang="ar"><chat-thread .client=${w.client(buyer)} conversation-id=${conversation.id}></chat-thread></div>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(() => messageCount(canvasElement) === 4, 'four messages');
    const own = shadow(threadIn(canvasElement), '[part~="own"]')?.getBoundingClientRect();
    const log = shadow(threadIn(canvasElement), '[part="log"]')?.getBoundingClientRect();
    if (!own || !log || own.left - log.left > log.right - own.right)
      throw new Error('own messages are not on the left');
  },
};

export const Narrow: Story = {
  render: () => {
    const w = world();
    const conversation = seedConversation(w);
    return html`<div style="width:320px"><chat-thread .client=${w.client(buyer)} conversation-id=${conversation.id}></chat-thread></div>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(() => messageCount(canvasElement) === 4, 'four messages');
  },
};
