import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { alice, bob, productTokenFor, startTestServer, type TestServer } from '../../../demo-server/test/helpers.js';
import { until } from './support/until.js';

describe('the SDK in Node', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it('imports the built package without touching window, document or indexedDB', async () => {
    const before = new Set(Object.keys(globalThis));
    const sdk = await import('@palaver/sdk');
    assert.equal(typeof sdk.createChatClient, 'function');
    for (const name of ['window', 'document', 'indexedDB', 'self', 'location', 'localStorage']) {
      assert.equal(name in globalThis, false, `${name} is not defined by importing the SDK`);
    }
    // Only the libraries' own registries (nanostores, zod) may appear.
    const added = Object.keys(globalThis).filter((key) => !before.has(key));
    assert.deepEqual(
      added.filter((key) => !/^(nanostoresGlobal|__zod_)/.test(key)),
      [],
    );
  });

  it('a Node client (memory storage) sends and receives with a browser-less peer', async () => {
    const { createChatClient } = await import('@palaver/sdk');
    const bot = createChatClient({ url: t.url, token: await t.token(bob), reconnectionDelayMax: 500 });
    const buyer = createChatClient({ url: t.url, token: () => t.token(alice), reconnectionDelayMax: 500 });
    try {
      await Promise.all([bot.connect(), buyer.connect()]);
      assert.equal(bot.$storage.get(), 'memory');
      await until(buyer.$connection, (s) => s === 'online');
      await until(bot.$connection, (s) => s === 'online');
      const conversation = await buyer.openProductConversation({
        productToken: productTokenFor({ id: 'p-node', title: 'Node mug' }, bob),
      });
      await buyer.send(conversation.id, 'hello from Node');
      const received = await until(bot.messagesOf(conversation.id), (list) =>
        list.some((m) => m.body === 'hello from Node'),
      );
      assert.equal(received.length, 1);
      await bot.send(conversation.id, 'an automatic answer');
      await until(buyer.messagesOf(conversation.id), (list) => list.some((m) => m.body === 'an automatic answer'));
      await until(buyer.$unreadTotal, (n) => n === 1);
    } finally {
      await Promise.all([bot.destroy(), buyer.destroy()]);
    }
  });
});
