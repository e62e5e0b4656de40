import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createChatClient } from '../src/index.js';
import { FakeChatBackend, fakeToken } from '../src/testing/index.js';
import { until } from './support/until.js';

const ada = { id: 'ada', name: 'Ada', isAdmin: false };
const bob = { id: 'bob', name: 'Bob', isAdmin: false };

describe('notices ($notices)', () => {
  it('a refused edit or delete rejects and leaves a notice that says why, without retry', async () => {
    const backend = new FakeChatBackend({ messageMaxLength: 10 });
    const conversation = backend.seedProductConversation(ada, bob, { id: 'p-n1', title: 'Lamp' });
    const theirs = backend.seedMessage(bob, conversation.id, 'hello');
    const a = createChatClient({ transport: backend.transport(), token: fakeToken(ada), storage: 'memory' });
    await a.connect();
    await until(a.$connection, (s) => s === 'online');
    const stop = a.messagesOf(conversation.id).listen(() => undefined);
    await until(a.messagesOf(conversation.id), (list) => list.length === 1);

    await assert.rejects(a.edit(theirs.id, 'mine now'), { name: 'ChatError', code: 'forbidden' });
    await assert.rejects(a.delete(theirs.id), { name: 'ChatError', code: 'forbidden' });
    const [edit, del] = a.$notices.get();
    assert.deepEqual(
      { ...edit, error: edit?.error.code },
      {
        id: edit?.id,
        action: 'edit',
        messageId: theirs.id,
        conversationId: conversation.id,
        body: 'mine now',
        error: 'forbidden',
        retryable: false,
      },
    );
    assert.equal(del?.action, 'delete');
    assert.equal(del?.retryable, false);
    a.dismissNotice(edit?.id ?? 0);
    assert.deepEqual(
      a.$notices.get().map((n) => n.action),
      ['delete'],
    );
    stop();
    await a.destroy();
  });

  it('an edit that failed for want of a connection can be retried, and the notice goes', async () => {
    const backend = new FakeChatBackend();
    const conversation = backend.seedProductConversation(ada, bob, { id: 'p-n2', title: 'Chair' });
    const mine = backend.seedMessage(ada, conversation.id, 'helo');
    const a = createChatClient({ transport: backend.transport(), token: fakeToken(ada), storage: 'memory' });
    await a.connect();
    await until(a.$connection, (s) => s === 'online');
    backend.setReachable(false);
    await until(a.$connection, (s) => s === 'offline');
    await assert.rejects(a.edit(mine.id, 'hello'), { code: 'offline' });
    const [notice] = a.$notices.get();
    assert.equal(notice?.retryable, true);
    backend.setReachable(true);
    await until(a.$connection, (s) => s === 'online');
    await a.retryNotice(notice?.id ?? 0);
    assert.deepEqual(a.$notices.get(), []);
    assert.equal(a.messagesOf(conversation.id).get()[0]?.body, 'hello');
    await a.destroy();
  });
});
