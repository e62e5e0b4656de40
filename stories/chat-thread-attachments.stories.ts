import '@palaver/elements/define';
import type { Attachment } from '@palaver/sdk';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { attributeControls } from './controls.js';
import { buyer, seedConversation, shadow, shadowAll, supplier, waitUntil, world } from './support.js';

const meta: Meta = {
  title: 'Elements/chat-thread/attachments',
  component: 'chat-thread',
  argTypes: attributeControls('chat-thread'),
  parameters: {
    docs: {
      description: {
        component:
          'Photos and documents: uploads in progress, a refused file, an image grid on its placeholders, a large PDF, the image viewer.',
      },
    },
  },
};
export default meta;
type Story = StoryObj;

const threadIn = (canvas: HTMLElement) => canvas.querySelector('chat-thread');

/** A photo drawn on a canvas, so the stories work offline. */
async function drawnPhoto(name: string, color: string, width = 640, height = 480): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d') as CanvasRenderingContext2D;
  g.fillStyle = color;
  g.fillRect(0, 0, width, height);
  g.fillStyle = 'rgb(255 255 255 / 0.7)';
  g.beginPath();
  g.arc(width / 2, height / 2, Math.min(width, height) / 4, 0, Math.PI * 2);
  g.fill();
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b as Blob), 'image/png'));
  return new File([blob], name, { type: 'image/png' });
}

const svgImage = (color: string, width: number, height: number) =>
  `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}"><rect width="${width}" height="${height}" fill="${color}"/><circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 4}" fill="#fff" opacity=".7"/></svg>`)}`;

/** A ThumbHash (the one of ThumbHash's own example photo): what the server sends for each image. */
const PLACEHOLDER = '1QcSHQRnh493V4dIh4eXh1h4kJUI';

let seeded = 0;
const image = (name: string, color: string, width: number, height: number): Attachment => ({
  id: `story-image-${++seeded}`,
  name,
  type: 'image/jpeg',
  size: 180_000 + seeded * 12_345,
  width,
  height,
  url: svgImage(color, width, height),
  previewUrl: svgImage(color, width, height),
  placeholder: PLACEHOLDER,
});

export const Uploading: Story = {
  render: () => {
    // A slow network: the progress bars move for a while.
    const w = world({ uploadBytesPerSecond: 20_000 });
    const conversation = seedConversation(w);
    const client = w.client(buyer);
    void Promise.all([drawnPhoto('parcel-front.png', '#8a5a3c'), drawnPhoto('parcel-side.png', '#3c6e8a')]).then(
      (files) => client.send(conversation.id, 'The parcel arrived damaged, photos attached.', { files }),
    );
    return html`<chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(() => shadowAll(threadIn(canvasElement), '.pending-file').length === 2, 'two uploads');
    await waitUntil(() => shadowAll(threadIn(canvasElement), '[role="progressbar"]').length > 0, 'progress bars');
  },
};

export const FailedUpload: Story = {
  render: () => {
    const w = world();
    const conversation = seedConversation(w);
    const client = w.client(buyer);
    const svg = new File(['<svg xmlns="http://www.w3.org/2000/svg"/>'], 'drawing.svg', { type: 'image/svg+xml' });
    void client.send(conversation.id, 'Here is the drawing.', { files: [svg] });
    return html`<chat-thread .client=${client} conversation-id=${conversation.id}></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(() => shadow(threadIn(canvasElement), '.pending-file.failed .reason') !== null, 'refused file');
  },
};

function manyImages() {
  const w = world();
  const conversation = seedConversation(w);
  w.backend.seedMessage(supplier, conversation.id, 'Here are the glazes we have in stock:', undefined, {
    attachments: [
      image('speckled.jpg', '#c2703d', 800, 600),
      image('ocean.jpg', '#3d7cc2', 600, 800),
      image('moss.jpg', '#4f9a62', 800, 800),
      image('sand.jpg', '#d8c49a', 1200, 800),
    ],
  });
  w.backend.seedMessage(supplier, conversation.id, '', undefined, {
    attachments: [image('kiln.jpg', '#6b4f8a', 1600, 900)],
  });
  return { w, conversation };
}

export const ManyImages: Story = {
  render: () => {
    const { w, conversation } = manyImages();
    return html`<chat-thread .client=${w.client(buyer)} conversation-id=${conversation.id}></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(() => shadowAll(threadIn(canvasElement), '.image').length === 5, 'five images');
  },
};

export const BigPdf: Story = {
  render: () => {
    const w = world();
    const conversation = seedConversation(w);
    w.backend.seedMessage(supplier, conversation.id, 'The full catalogue, with prices for 2027:', undefined, {
      attachments: [
        {
          id: 'story-pdf',
          name: 'Nordlys Ceramics — wholesale catalogue 2027 (with glaze samples and care instructions).pdf',
          type: 'application/pdf',
          size: 9_437_184,
          url: 'data:application/pdf,catalogue',
        },
      ],
    });
    return html`<chat-thread .client=${w.client(buyer)} conversation-id=${conversation.id}></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(() => shadow(threadIn(canvasElement), '[part="file"]') !== null, 'document chip');
  },
};

export const ViewerOpen: Story = {
  render: () => {
    const { w, conversation } = manyImages();
    return html`<chat-thread .client=${w.client(buyer)} conversation-id=${conversation.id}></chat-thread>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(() => shadowAll(threadIn(canvasElement), '.image').length === 5, 'five images');
    shadowAll(threadIn(canvasElement), '.image')[1]?.click();
    await waitUntil(
      () => shadow(threadIn(canvasElement), 'chat-lightbox')?.shadowRoot?.querySelector('dialog')?.open === true,
      'viewer open',
    );
  },
};
