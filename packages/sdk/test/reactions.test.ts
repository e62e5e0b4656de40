import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatMessage } from '@palaver/sdk';
import { alice, bob, productTokenFor, startTestServer, type TestServer } from '../../../demo-server/test/helpers.js';
import { until } from './support/until.js';

/** A message's reactions as { emoji: [userIds] }. */
const shown = (message: ChatMessage | undefined) =>
  Object.fromEntries((message?.reactions ?? []).map((r) => [r.emoji, [...r.userIds].sort()]));

describe('reactions through the SDK', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  async function pair(productId: string) {
    const { createChatClient } = await import('@palaver/sdk');
    const buyer = createChatClient({ url: t.url, token: () => t.token(alice), reconnectionDelayMax: 300 });
    const supplier = createChatClient({ url: t.url, token: () => t.token(bob), reconnectionDelayMax: 300 });
    await Promise.all([buyer.connect(), supplier.connect()]);
    await until(buyer.$connection, (s) => s === 'online');
    await until(supplier.$connection, (s) => s === 'online');
    const conversation = await buyer.openProductConversation({
      productToken: productTokenFor({ id: productId, title: 'Teapot' }, bob),
    });
    await buyer.send(conversation.id, 'Is the lid included?');
    const [message] = await until(
      supplier.messagesOf(conversation.id),
      (list) => list.length === 1 && !list[0]?.pending,
    );
    await until(buyer.messagesOf(conversation.id), (list) => list.length === 1 && !list[0]?.pending);
    return { buyer, supplier, conversationId: conversation.id, messageId: (message as ChatMessage).id };
  }

  it('shows at once, reaches the other side, and is taken back', async () => {
    const { buyer, supplier, conversationId, messageId } = await pair('p-react-online');
    try {
      await supplier.react(messageId, '👍');
      await until(buyer.messagesOf(conversationId), (l) => shown(l[0])['👍']?.[0] === bob.id);
      await supplier.unreact(messageId, '👍');
      await until(buyer.messagesOf(conversationId), (l) => l[0]?.reactions === undefined);
      assert.deepEqual(shown(supplier.messagesOf(conversationId).get()[0]), {});
    } finally {
      await Promise.all([buyer.destroy(), supplier.destroy()]);
    }
  });

  it('offline: shown at once to the user only, and the last intent per emoji is what everyone ends with', async () => {
    const { buyer, supplier, conversationId, messageId } = await pair('p-react-offline');
    try {
      await supplier.react(messageId, '❤️');
      await until(buyer.messagesOf(conversationId), (l) => shown(l[0])['❤️'] !== undefined);
      supplier.disconnect();
      await until(supplier.$connection, (s) => s !== 'online');
      // Offline, in any order: the supplier's own view follows each step at once.
      await supplier.react(messageId, '😂');
      await supplier.unreact(messageId, '😂');
      await supplier.react(messageId, '😂');
      await supplier.unreact(messageId, '❤️');
      assert.deepEqual(shown(supplier.messagesOf(conversationId).get()[0]), { '😂': [bob.id] });
      // The buyer still sees what the server knows.
      assert.deepEqual(shown(buyer.messagesOf(conversationId).get()[0]), { '❤️': [bob.id] });
      await supplier.connect();
      await until(
        buyer.messagesOf(conversationId),
        (l) => JSON.stringify(shown(l[0])) === JSON.stringify({ '😂': [bob.id] }),
      );
      // And the database agrees.
      const stored = await t.rest<{ messages: ChatMessage[] }>(
        alice,
        'GET',
        `/api/conversations/${conversationId}/messages`,
      );
      assert.deepEqual(shown(stored.body.messages[0]), { '😂': [bob.id] });
    } finally {
      await Promise.all([buyer.destroy(), supplier.destroy()]);
    }
  });

  it('a refused reaction is undone and becomes a notice', async () => {
    const { buyer, supplier, conversationId, messageId } = await pair('p-react-refused');
    try {
      await supplier.react(messageId, 'nice');
      const [notice] = await until(supplier.$notices, (n) => n.length === 1);
      assert.equal(notice?.action, 'react');
      assert.equal(notice?.error.code, 'invalid_payload');
      assert.deepEqual(shown(supplier.messagesOf(conversationId).get()[0]), {});
    } finally {
      await Promise.all([buyer.destroy(), supplier.destroy()]);
    }
  });
});
