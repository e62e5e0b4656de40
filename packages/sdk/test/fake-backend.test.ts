import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createChatClient } from '../src/index.js';
import { FakeChatBackend, fakeToken } from '../src/testing/index.js';
import { until } from './support/until.js';

const ada = { id: 'ada', name: 'Ada', isAdmin: false };
const bob = { id: 'bob', name: 'Bob', isAdmin: false };

describe('the in-memory backend (@palaver/sdk/testing)', () => {
  it('drives the client like the real server: delivery, unread, read receipts, edits', async () => {
    const backend = new FakeChatBackend();
    const a = createChatClient({
      transport: backend.transport(),
      token: fakeToken(ada),
      storage: 'memory',
      namespace: 'fake-1',
    });
    const b = createChatClient({
      transport: backend.transport(),
      token: fakeToken(bob),
      storage: 'memory',
      namespace: 'fake-1',
    });
    await Promise.all([a.connect(), b.connect()]);
    await until(a.$connection, (s) => s === 'online');
    await until(b.$connection, (s) => s === 'online');
    backend.addProduct({ id: 'p1', title: 'Lamp' }, bob);
    const conversation = await a.openProductConversation({ productId: 'p1' });
    const again = await a.openProductConversation({ productId: 'p1' });
    assert.equal(again.id, conversation.id);
    await a.send(conversation.id, 'hello');
    const [received] = await until(b.messagesOf(conversation.id), (list) => list.length === 1);
    assert.equal(received?.body, 'hello');
    await until(b.$unreadTotal, (n) => n === 1);
    await b.markRead(conversation.id, received?.seq ?? 0);
    await until(a.messagesOf(conversation.id), (list) => list[0]?.status === 'read');
    await a.edit(received?.id ?? '', 'hello!');
    await until(b.messagesOf(conversation.id), (list) => list[0]?.body === 'hello!');
    await Promise.all([a.destroy(), b.destroy()]);
  });

  it('simulates the network going away: sends queue, then go out once', async () => {
    const backend = new FakeChatBackend();
    const conversation = backend.seedProductConversation(ada, bob, { id: 'p2', title: 'Chair' });
    backend.seedMessage(bob, conversation.id, 'Any questions?');
    const a = createChatClient({
      transport: backend.transport(),
      token: fakeToken(ada),
      storage: 'memory',
      namespace: 'fake-2',
    });
    await a.connect();
    await until(a.$connection, (s) => s === 'online');
    backend.setReachable(false);
    await until(a.$connection, (s) => s === 'offline');
    await a.send(conversation.id, 'one');
    await a.send(conversation.id, 'two');
    const view = a.messagesOf(conversation.id);
    assert.deepEqual(
      view
        .get()
        .filter((m) => m.pending)
        .map((m) => m.status),
      ['queued', 'queued'],
    );
    backend.setReachable(true);
    const done = await until(view, (list) => list.length === 3 && list.every((m) => !m.pending));
    assert.deepEqual(
      done.map((m) => [m.seq, m.body]),
      [
        [1, 'Any questions?'],
        [2, 'one'],
        [3, 'two'],
      ],
    );
    await a.destroy();
  });

  it('refuses what the server refuses', async () => {
    const backend = new FakeChatBackend({ messageMaxLength: 10 });
    const conversation = backend.seedProductConversation(ada, bob, { id: 'p3', title: 'Desk' });
    const a = createChatClient({
      transport: backend.transport(),
      token: fakeToken(ada),
      storage: 'memory',
      namespace: 'fake-3',
    });
    await a.connect();
    await a.send(conversation.id, 'far too long for this backend');
    const [failed] = await until(a.messagesOf(conversation.id), (list) => list[0]?.status === 'failed');
    assert.equal(failed?.error?.code, 'too_long');
    await a.destroy();
  });
});
