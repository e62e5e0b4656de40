import '@palaver/elements/define';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { attributeControls } from './controls.js';
import { buyer, mug, shadow, supplier, waitUntil, world } from './support.js';

const meta: Meta = {
  title: 'Elements/contact-supplier',
  component: 'contact-supplier',
  argTypes: attributeControls('contact-supplier'),
};
export default meta;
type Story = StoryObj;

const button = (client: unknown) => html`<contact-supplier
  .client=${client}
  product-id=${mug.id}
  product-title=${mug.title}
  product-image=${mug.imageUrl}
  product-price=${mug.price}
  supplier-id=${supplier.id}
  supplier-name=${supplier.name}
></contact-supplier>`;

export const Default: Story = {
  render: () => button(world().client(buyer)),
  play: async ({ canvasElement }) =>
    waitUntil(
      () =>
        shadow(canvasElement.querySelector('contact-supplier'), '[part="button"]')?.textContent?.trim() ===
        'Contact supplier',
      'button',
    ),
};

export const Open: Story = {
  render: () => button(world().client(buyer)),
  play: async ({ canvasElement }) => {
    const element = canvasElement.querySelector('contact-supplier') as HTMLElement & {
      show(): Promise<void>;
      open: boolean;
    };
    await element.show();
    await waitUntil(() => element.open, 'dialog open');
  },
};

export const French: Story = {
  render: () => html`<div lang="fr">${button(world().client(buyer))}</div>`,
  play: async ({ canvasElement }) =>
    waitUntil(
      () =>
        shadow(canvasElement.querySelector('contact-supplier'), '[part="button"]')?.textContent?.trim() ===
        'Contacter le fournisseur',
      'French label',
    ),
};

export const DarkRightToLeft: Story = {
  name: 'Dark, right-to-left',
  render: () =>
    html`<div dir="rtl" style="--chat-color-surface:#101418;--chat-color-text:#e6edf3;--chat-color-accent:#2f81f7;--chat-color-on-accent:#0d1117">
      ${button(world().client(buyer))}
    </div>`,
  play: async ({ canvasElement }) => {
    const element = canvasElement.querySelector('contact-supplier') as HTMLElement & {
      show(): Promise<void>;
      open: boolean;
    };
    await element.show();
    await waitUntil(() => element.open, 'dialog open');
  },
};
