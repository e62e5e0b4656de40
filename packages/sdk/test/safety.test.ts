/**
 * Block and report through the SDK, against the real server: `$blocked`
 * follows block / unblock and is loaded on connect, a blocked user's message
 * fails with the server's reason, and refusals reject with a typed ChatError.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CANNOT_WRITE_MESSAGE } from '@palaver/protocol';
import {
  alice,
  bob,
  carol,
  productTokenFor,
  startTestServer,
  type TestServer,
} from '../../../demo-server/test/helpers.js';
import { type ChatClient, createChatClient, isChatError } from '../src/index.js';
import { until } from './support/until.js';

describe('block and report in the SDK', () => {
  let t: TestServer;
  const clients: ChatClient[] = [];
  const clientFor = async (user: { id: string; name: string }) => {
    const client = createChatClient({
      url: t.url,
      token: await t.token(user),
      storage: 'memory',
      reconnectionDelayMax: 500,
    });
    clients.push(client);
    await client.connect();
    await until(client.$connection, (s) => s === 'online');
    return client;
  };
  const rejection = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      assert.ok(isChatError(error), `a ChatError, not ${String(error)}`);
      return { code: error.code, message: error.message };
    }
    assert.fail('expected a rejection');
  };

  before(async () => {
    t = await startTestServer({ RATE_LIMIT_SAFETY: '100' });
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.destroy()));
    await t.close();
  });

  it('$blocked follows block and unblock, and is loaded again on the next connection', async () => {
    const buyer = await clientFor(alice);
    const supplier = await clientFor(bob);
    const conversation = await buyer.openProductConversation({
      productToken: productTokenFor({ id: 'p-sdk-block', title: 'Mug' }, bob),
    });
    await buyer.send(conversation.id, 'hello');
    await until(supplier.messagesOf(conversation.id), (list) => list.length === 1);

    assert.deepEqual(supplier.$blocked.get(), []);
    await supplier.block(alice.id);
    assert.deepEqual(supplier.$blocked.get(), [alice.id]);
    // Another device of the supplier learns it when it connects.
    const again = await clientFor(bob);
    await until(again.$blocked, (ids) => ids.includes(alice.id));

    await buyer.send(conversation.id, 'are you there?');
    const failed = await until(buyer.messagesOf(conversation.id), (list) => list.some((m) => m.status === 'failed'));
    assert.deepEqual(failed.find((m) => m.status === 'failed')?.error, {
      code: 'forbidden',
      message: CANNOT_WRITE_MESSAGE,
    });

    await supplier.unblock(alice.id);
    assert.deepEqual(supplier.$blocked.get(), []);
    await buyer.send(conversation.id, 'thanks');
    await until(supplier.messagesOf(conversation.id), (list) => list.some((m) => m.body === 'thanks'));
  });

  it('a refused block or report rejects with a typed ChatError; a report resolves with what was stored', async () => {
    const buyer = await clientFor(alice);
    const stranger = await clientFor(carol);
    const conversation = await buyer.openProductConversation({
      productToken: productTokenFor({ id: 'p-sdk-report', title: 'Vase' }, bob),
    });
    const sent = await buyer.send(conversation.id, 'a message to report');
    const stored = await until(buyer.messagesOf(conversation.id), (list) =>
      list.some((m) => m.clientId === sent.clientId && m.status === 'sent'),
    );
    const messageId = stored.find((m) => m.clientId === sent.clientId)?.id as string;
    assert.deepEqual((await rejection(buyer.block(carol.id)))?.code, 'forbidden');
    assert.deepEqual(buyer.$blocked.get(), []);

    const report = await buyer.report({ conversationId: conversation.id, messageId, reason: 'spam', note: 'test' });
    assert.deepEqual([report.messageId, report.reason, report.status], [messageId, 'spam', 'open']);
    assert.equal(
      (await rejection(stranger.report({ conversationId: conversation.id, reason: 'abuse' })))?.code,
      'forbidden',
    );
    stranger.disconnect();
    assert.equal(
      (await rejection(stranger.report({ conversationId: conversation.id, reason: 'abuse' })))?.code,
      'offline',
    );
  });
});
