import '@palaver/elements/chat-moderation';
import type { Conversation, ModerationLogEntry, Report } from '@palaver/sdk';
import { createChatClient } from '@palaver/sdk';
import { fakeToken } from '@palaver/sdk/testing';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { attributeControls } from './controls.js';
import { admin, buyer, mug, shadow, shadowAll, supplier, waitUntil, world } from './support.js';

/**
 * VISUAL FIXTURES ONLY. The console's REST calls (`/api/moderation/*`) go to a
 * stubbed `fetch` that answers canned data: the in-memory back-end of the
 * stories speaks the socket protocol only. The messages around a report do
 * come from that back-end (`messages:history`). What the console really does
 * against a server is tested in packages/elements/test/browser/chat-moderation.test.ts
 * and e2e/moderation.e2e.test.ts.
 */
const meta: Meta = {
  title: 'Elements/chat-moderation',
  component: 'chat-moderation',
  argTypes: attributeControls('chat-moderation'),
};
export default meta;
type Story = StoryObj;

const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

function fixture(options: { fail?: boolean; reports?: 'one' | 'none' } = {}) {
  const w = world();
  const conversation = w.backend.seedProductConversation(buyer, supplier, mug);
  w.backend.seedMessage(buyer, conversation.id, 'Is the mug dishwasher safe?', at(30));
  w.backend.seedMessage(
    supplier,
    conversation.id,
    'Yes. Write to me at nordlys@example.com for a better price.',
    at(28),
  );
  w.backend.seedMessage(buyer, conversation.id, 'I prefer to buy here, thanks.', at(25));
  const reported = w.backend.seedMessage(supplier, conversation.id, 'Pay me by bank transfer, it is cheaper.', at(20));
  w.backend.seedMessage(buyer, conversation.id, 'No, I will pay through the shop.', at(18));
  const report: Report = {
    id: 'r-1',
    reporterId: buyer.id,
    conversationId: conversation.id,
    messageId: reported.id,
    reason: 'off_platform',
    note: 'The supplier asks me to pay outside the shop.',
    status: 'open',
    createdAt: at(15),
  };
  const withSuspended: Conversation = {
    ...conversation,
    participants: conversation.participants.map((p) => (p.userId === supplier.id ? { ...p, suspended: true } : p)),
  };
  const log: ModerationLogEntry[] = [
    {
      id: 'l-2',
      at: at(5),
      moderatorId: admin.id,
      action: 'user.suspended',
      targetId: supplier.id,
      reason: 'Repeated off-platform payment requests',
    },
    {
      id: 'l-1',
      at: at(6),
      moderatorId: admin.id,
      action: 'message.removed',
      targetId: reported.id,
      reason: 'Payment outside the marketplace',
    },
  ];
  const answers: Record<string, unknown> = {
    'moderation/reports': { reports: options.reports === 'none' ? [] : [report] },
    [`conversations/${conversation.id}`]: { conversation: withSuspended },
    'moderation/log': { entries: log },
  };
  const stubbedFetch: typeof fetch = async (input) => {
    const path = new URL(String(input)).pathname.replace(/^\/api\//, '');
    if (options.fail)
      return Response.json(
        { error: { code: 'forbidden', message: 'Only moderators (admins) may do this.' } },
        { status: 403 },
      );
    return Response.json(answers[path] ?? { error: { code: 'not_found', message: 'Not in the fixture.' } }, {
      status: path in answers ? 200 : 404,
    });
  };
  // A url the stub answers for: the console needs one to build its REST addresses.
  const client = createChatClient({
    url: 'https://fixture.invalid',
    transport: w.backend.transport(),
    token: fakeToken({ id: admin.id, name: admin.name, admin: true }),
    storage: 'memory',
    namespace: `story-moderation-${Math.random()}`,
  });
  void client.connect();
  return { client, stubbedFetch };
}

const host = (canvas: HTMLElement) => canvas.querySelector('chat-moderation');

export const ReportInContext: Story = {
  render: () => {
    const { client, stubbedFetch } = fixture();
    return html`<chat-moderation .client=${client} .fetch=${stubbedFetch}></chat-moderation>`;
  },
  play: async ({ canvasElement }) =>
    waitUntil(() => shadow(host(canvasElement), '[part~="reported"]') !== null, 'the reported message in context'),
};

export const French: Story = {
  render: () => {
    const { client, stubbedFetch } = fixture();
    return html`<chat-moderation lang="fr" .client=${client} .fetch=${stubbedFetch}></chat-moderation>`;
  },
  play: async ({ canvasElement }) =>
    waitUntil(() => shadowAll(host(canvasElement), '[part~="message"]').length > 0, 'messages'),
};

export const EmptyQueue: Story = {
  render: () => {
    const { client, stubbedFetch } = fixture({ reports: 'none' });
    return html`<chat-moderation .client=${client} .fetch=${stubbedFetch}></chat-moderation>`;
  },
  play: async ({ canvasElement }) =>
    waitUntil(() => shadow(host(canvasElement), '.placeholder')?.textContent === 'No reports here.', 'empty'),
};

export const NotAModerator: Story = {
  render: () => {
    const { client, stubbedFetch } = fixture({ fail: true });
    return html`<chat-moderation .client=${client} .fetch=${stubbedFetch}></chat-moderation>`;
  },
  play: async ({ canvasElement }) => waitUntil(() => shadow(host(canvasElement), '[role="alert"]') !== null, 'error'),
};

export const AuditLog: Story = {
  render: () => {
    const { client, stubbedFetch } = fixture();
    return html`<chat-moderation .client=${client} .fetch=${stubbedFetch}></chat-moderation>`;
  },
  play: async ({ canvasElement }) => {
    await waitUntil(() => shadow(host(canvasElement), '#tab-log') !== null, 'tabs');
    shadow(host(canvasElement), '#tab-log')?.click();
    await waitUntil(() => shadowAll(host(canvasElement), 'tbody tr').length === 2, 'two log entries');
  },
};
