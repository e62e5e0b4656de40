import '@palaver/elements/define';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { attributeControls } from './controls.js';
import { buyer, mug, shadow, supplier, waitUntil, world } from './support.js';

const meta: Meta = {
  title: 'Elements/unread-badge',
  component: 'unread-badge',
  argTypes: attributeControls('unread-badge'),
};
export default meta;
type Story = StoryObj;

/** A supplier with `count` unread messages from a buyer. */
function supplierWithUnread(count: number) {
  const w = world();
  const conversation = w.backend.seedProductConversation(buyer, supplier, mug);
  for (let i = 0; i < count; i++) w.backend.seedMessage(buyer, conversation.id, `Question ${i + 1}`);
  return w.client(supplier);
}

const badgeText = (canvas: HTMLElement) => shadow(canvas.querySelector('unread-badge'), '[part="base"]')?.textContent;

export const Zero: Story = {
  name: 'Zero (hidden)',
  render: () => html`Messages <unread-badge .client=${supplierWithUnread(0)}></unread-badge>`,
  play: async ({ canvasElement }) => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (!canvasElement.querySelector('unread-badge')?.hidden) throw new Error('a zero badge must be hidden');
  },
};

export const Few: Story = {
  render: () => html`Messages <unread-badge .client=${supplierWithUnread(3)}></unread-badge>`,
  play: async ({ canvasElement }) => waitUntil(() => badgeText(canvasElement) === '3', 'three'),
};

export const Many: Story = {
  name: 'Many (99+)',
  render: () => html`Messages <unread-badge .client=${supplierWithUnread(120)}></unread-badge>`,
  play: async ({ canvasElement }) => waitUntil(() => badgeText(canvasElement) === '99+', '99+'),
};

export const French: Story = {
  render: () => html`<span lang="fr">Messages <unread-badge .client=${supplierWithUnread(2)}></unread-badge></span>`,
  play: async ({ canvasElement }) =>
    waitUntil(
      () =>
        shadow(canvasElement.querySelector('unread-badge'), '[part="base"]')?.getAttribute('aria-label') ===
        '2 messages non lus',
      'French label',
    ),
};

export const Dark: Story = {
  render: () =>
    html`<span style="background:#101418;color:#e6edf3;padding:0.5rem;--chat-color-badge:#ff7b72;--unread-badge-color:#0d1117"
      >Messages <unread-badge .client=${supplierWithUnread(7)}></unread-badge
    ></span>`,
  play: async ({ canvasElement }) => waitUntil(() => badgeText(canvasElement) === '7', 'seven'),
};
