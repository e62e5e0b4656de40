import '@palaver/elements/define';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { attributeControls } from './controls.js';
import { bowl, buyer, darkTokens, mug, otherBuyer, shadowAll, supplier, vase, waitUntil, world } from './support.js';

const meta: Meta = {
  title: 'Elements/chat-inbox',
  component: 'chat-inbox',
  argTypes: attributeControls('chat-inbox'),
};
export default meta;
type Story = StoryObj;

/** A supplier's inbox with three buyers' conversations, two with unread messages. */
function busySupplier() {
  const w = world();
  const a = w.backend.seedProductConversation(buyer, supplier, mug);
  w.backend.seedMessage(buyer, a.id, 'Is the mug dishwasher safe?');
  const b = w.backend.seedProductConversation(otherBuyer, supplier, bowl);
  w.backend.seedMessage(otherBuyer, b.id, 'Can you ship the bowl to Zürich?');
  w.backend.seedMessage(otherBuyer, b.id, 'And how long would it take?');
  const c = w.backend.seedProductConversation(buyer, supplier, vase);
  w.backend.seedMessage(buyer, c.id, 'Thanks, received!');
  w.backend.seedMessage(supplier, c.id, 'Enjoy them!');
  return w.client(supplier);
}

const items = (canvas: HTMLElement) => shadowAll(canvas.querySelector('chat-inbox'), '[part~="item"]');

export const Conversations: Story = {
  render: () => html`<chat-inbox .client=${busySupplier()}></chat-inbox>`,
  play: async ({ canvasElement }) => waitUntil(() => items(canvasElement).length === 3, 'three conversations'),
};

export const Empty: Story = {
  render: () => html`<chat-inbox .client=${world().client(supplier)}></chat-inbox>`,
  play: async ({ canvasElement }) =>
    waitUntil(
      () => canvasElement.querySelector('chat-inbox')?.shadowRoot?.textContent?.includes('No conversations') ?? false,
      'empty',
    ),
};

export const UnreadOnly: Story = {
  render: () => html`<chat-inbox unread-only .client=${busySupplier()}></chat-inbox>`,
  play: async ({ canvasElement }) => waitUntil(() => items(canvasElement).length === 2, 'two unread'),
};

export const WithThread: Story = {
  render: () => html`<chat-inbox with-thread .client=${busySupplier()}></chat-inbox>`,
  play: async ({ canvasElement }) => {
    await waitUntil(() => items(canvasElement).length === 3, 'three conversations');
    items(canvasElement)[0]?.click();
    await waitUntil(
      () => canvasElement.querySelector('chat-inbox')?.shadowRoot?.querySelector('chat-thread') !== null,
      'thread',
    );
  },
};

export const Narrow: Story = {
  render: () => html`<div style="width:360px"><chat-inbox with-thread .client=${busySupplier()}></chat-inbox></div>`,
  play: async ({ canvasElement }) => waitUntil(() => items(canvasElement).length === 3, 'three conversations'),
};

export const DarkFrench: Story = {
  name: 'Dark, French',
  render: () =>
    html`<div lang="fr" style="${darkTokens} background:#0b0e12;padding:1rem">
      <chat-inbox with-thread .client=${busySupplier()}></chat-inbox>
    </div>`,
  play: async ({ canvasElement }) =>
    waitUntil(
      () => canvasElement.querySelector('chat-inbox')?.shadowRoot?.textContent?.includes('Non lues seulement') ?? false,
      'French toolbar',
    ),
};

export const Loading: Story = {
  render: () => {
    const w = world();
    w.backend.setReachable(false);
    return html`<chat-inbox .client=${w.client(supplier)}></chat-inbox>`;
  },
  play: async ({ canvasElement }) => {
    const text = () => canvasElement.querySelector('chat-inbox')?.shadowRoot?.textContent ?? '';
    await waitUntil(() => text().includes('Loading conversations'), 'the loading state');
    if (text().includes('No conversations')) throw new Error('says "No conversations" while loading');
  },
};

export const RightToLeft: Story = {
  render: () => html`<div dir="rtl"><chat-inbox with-thread .client=${busySupplier()}></chat-inbox></div>`,
  play: async ({ canvasElement }) => waitUntil(() => items(canvasElement).length === 3, 'three conversations'),
};
