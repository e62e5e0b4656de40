import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '@palaver/protocol';
import fc from 'fast-check';
import {
  alice,
  bob,
  carol,
  nextEvent,
  ok,
  openProduct,
  request,
  send,
  settle,
  startTestServer,
  type TestServer,
} from './helpers.js';
import { SERVER_API_KEY, serverApi } from './server-api-client.js';

const shown = (message: Message | undefined) =>
  Object.fromEntries((message?.reactions ?? []).map((r) => [r.emoji, [...r.userIds].sort()]));

describe('reactions', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it('add and remove are idempotent, counted per emoji, and reach every participant', async () => {
    const buyer = await t.connect(alice);
    const supplier = await t.connect(bob);
    const conversation = await openProduct(buyer);
    const message = await send(buyer, conversation.id, 'The mug arrived in one piece!');
    const seenBySupplier = nextEvent(supplier, 'message:updated', (m) => m.id === message.id);
    const first = await ok(supplier, 'reaction:add', { messageId: message.id, emoji: '👍' });
    assert.deepEqual(first.message.reactions, [{ emoji: '👍', count: 1, userIds: [bob.id] }]);
    assert.deepEqual((await seenBySupplier).reactions, first.message.reactions);
    // Twice is once; the buyer's own adds to the count; another emoji comes after.
    await ok(supplier, 'reaction:add', { messageId: message.id, emoji: '👍' });
    await ok(buyer, 'reaction:add', { messageId: message.id, emoji: '👍' });
    const both = await ok(buyer, 'reaction:add', { messageId: message.id, emoji: '🇫🇷' });
    assert.deepEqual(both.message.reactions, [
      { emoji: '👍', count: 2, userIds: [bob.id, alice.id] },
      { emoji: '🇫🇷', count: 1, userIds: [alice.id] },
    ]);
    // Every change moves reactionsAt on, so a client can tell the newer copy.
    assert.ok((both.message.reactionsAt ?? '') > (first.message.reactionsAt ?? ''));
    // Taking back one not made changes nothing; taking back one's own does.
    await ok(supplier, 'reaction:remove', { messageId: message.id, emoji: '🇫🇷' });
    const back = await ok(supplier, 'reaction:remove', { messageId: message.id, emoji: '👍' });
    assert.deepEqual(shown(back.message), { '👍': [alice.id], '🇫🇷': [alice.id] });
    // History carries them (no extra read per page: they are kept on the message).
    const { messages } = await ok(buyer, 'messages:history', { conversationId: conversation.id });
    assert.deepEqual(shown(messages.find((m) => m.id === message.id)), { '👍': [alice.id], '🇫🇷': [alice.id] });
    buyer.close();
    supplier.close();
  });

  it('REST twins take the emoji URL-encoded in the path', async () => {
    const buyer = await t.connect(alice);
    const conversation = await openProduct(buyer);
    const message = await send(buyer, conversation.id, 'Thanks for the quick answer');
    const path = `/api/messages/${message.id}/reactions/${encodeURIComponent('❤️')}`;
    const added = await t.rest<{ message: Message }>(bob, 'PUT', path);
    assert.equal(added.status, 200);
    assert.deepEqual(shown(added.body.message), { '❤️': [bob.id] });
    const removed = await t.rest<{ message: Message }>(bob, 'DELETE', path);
    assert.equal(removed.body.message.reactions, undefined);
    const text = await t.rest<{ error: { code: string } }>(bob, 'PUT', `/api/messages/${message.id}/reactions/yes`);
    assert.deepEqual([text.status, text.body.error.code], [400, 'invalid_payload']);
    buyer.close();
  });

  it('refuses what is not one emoji, unknown and deleted messages, outsiders, and a 21st emoji — typed, never internal', async () => {
    const buyer = await t.connect(alice);
    const outsider = await t.connect(carol);
    const conversation = await openProduct(buyer);
    const message = await send(buyer, conversation.id, 'Is it dishwasher safe?');
    const code = async (socket: typeof buyer, payload: { messageId: string; emoji: string }) => {
      const answer = await request(socket, 'reaction:add', payload);
      return answer.ok ? 'ok' : answer.error.code;
    };
    for (const emoji of ['a', '👍👍', ':)', ' ', '👍 ']) {
      assert.equal(await code(buyer, { messageId: message.id, emoji }), 'invalid_payload', emoji);
    }
    assert.equal(await code(buyer, { messageId: 'no-such-message', emoji: '👍' }), 'not_found');
    assert.equal(await code(outsider, { messageId: message.id, emoji: '👍' }), 'forbidden');
    assert.equal(await code(buyer, { messageId: message.id, emoji: 'x'.repeat(40) }), 'invalid_payload');
    const emojis = [
      '😀',
      '😁',
      '😂',
      '🤣',
      '😃',
      '😄',
      '😅',
      '😆',
      '😉',
      '😊',
      '😋',
      '😎',
      '😍',
      '😘',
      '🥰',
      '😗',
      '😙',
      '🥲',
      '😚',
      '🙂',
    ];
    for (const emoji of emojis) assert.equal(await code(buyer, { messageId: message.id, emoji }), 'ok');
    assert.equal(await code(buyer, { messageId: message.id, emoji: '🤗' }), 'invalid_payload');
    // One of the twenty is still free to add to.
    assert.equal(await code(await t.connect(bob), { messageId: message.id, emoji: '😀' }), 'ok');
    await ok(buyer, 'message:delete', { messageId: message.id });
    assert.equal(await code(buyer, { messageId: message.id, emoji: '👍' }), 'invalid_payload');
    const { messages } = await ok(buyer, 'messages:history', { conversationId: conversation.id });
    assert.equal(messages.find((m) => m.id === message.id)?.reactions, undefined);
    buyer.close();
    outsider.close();
  });

  it('a flood of reactions is rate_limited; one already so is free', async () => {
    const limited = await startTestServer({ RATE_LIMIT_REACTIONS: '3' });
    try {
      const buyer = await limited.connect(alice);
      const conversation = await openProduct(buyer);
      const message = await send(buyer, conversation.id, 'Any discount for two?');
      for (const emoji of ['👍', '❤️', '😂']) await ok(buyer, 'reaction:add', { messageId: message.id, emoji });
      // Already there: answered without a slot.
      await ok(buyer, 'reaction:add', { messageId: message.id, emoji: '👍' });
      const refused = await request(buyer, 'reaction:remove', { messageId: message.id, emoji: '👍' });
      assert.equal(refused.ok ? 'ok' : refused.error.code, 'rate_limited');
      assert.ok(!refused.ok && (refused.error.retryAfterMs ?? 0) > 0);
      buyer.close();
    } finally {
      await limited.close();
    }
  });

  it('erasing a user takes back their reactions, and the others see it', async () => {
    const withApi = await startTestServer({ PALAVER_API_KEY: SERVER_API_KEY });
    try {
      const buyer = await withApi.connect(alice);
      const supplier = await withApi.connect(bob);
      const conversation = await openProduct(buyer);
      const message = await send(buyer, conversation.id, 'See you on Monday');
      await ok(supplier, 'reaction:add', { messageId: message.id, emoji: '👍' });
      await ok(buyer, 'reaction:add', { messageId: message.id, emoji: '👍' });
      const told = nextEvent(buyer, 'message:updated', (m) => m.id === message.id && m.reactions?.[0]?.count === 1);
      const erased = await serverApi(withApi.url)('POST', `/users/${bob.id}/erase`);
      assert.equal(erased.status, 200);
      assert.deepEqual(shown(await told), { '👍': [alice.id] });
      const { messages } = await ok(buyer, 'messages:history', { conversationId: conversation.id });
      assert.deepEqual(shown(messages.find((m) => m.id === message.id)), { '👍': [alice.id] });
      buyer.close();
      supplier.close();
    } finally {
      await withApi.close();
    }
  });

  it('someone away gets the new counts from sync', async () => {
    const buyer = await t.connect(alice);
    const conversation = await openProduct(buyer);
    const message = await send(buyer, conversation.id, 'Could you send it by Friday?');
    const supplier = await t.connect(bob);
    const { cursor } = await ok(supplier, 'sync', { cursor: null });
    supplier.close();
    await ok(buyer, 'reaction:add', { messageId: message.id, emoji: '🙏' });
    const back = await t.connect(bob);
    const since = await ok(back, 'sync', { cursor });
    assert.deepEqual(shown(since.messages.find((m) => m.id === message.id)), { '🙏': [alice.id] });
    buyer.close();
    back.close();
  });

  it('any interleaving of adds and removes from two users on two sockets each ends the same everywhere and in the database', async () => {
    const buyer = await t.connect(alice);
    const conversation = await openProduct(buyer);
    const message = await send(buyer, conversation.id, 'Which colour do you prefer?');
    const sockets = [buyer, await t.connect(alice), await t.connect(bob), await t.connect(bob)];
    const users = [alice.id, alice.id, bob.id, bob.id];
    const watcher = await t.connect(bob);
    let last: Message | undefined;
    watcher.on('message:updated', (m: Message) => {
      if (m.id === message.id) last = m;
    });
    const step = fc.record({
      socket: fc.integer({ min: 0, max: 3 }),
      emoji: fc.constantFrom('👍', '❤️', '😂'),
      add: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(step, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        async (rounds) => {
          for (const round of rounds) {
            // The steps of a round race each other; within one user the last one sent wins.
            const expected = new Map(
              (last?.reactions ?? []).flatMap((r) => r.userIds.map((u) => [`${u} ${r.emoji}`, true])),
            );
            await Promise.all(
              round.map(({ socket, emoji, add }) =>
                ok(sockets[socket] as typeof buyer, add ? 'reaction:add' : 'reaction:remove', {
                  messageId: message.id,
                  emoji,
                }),
              ),
            );
            for (const { socket, emoji, add } of round) expected.set(`${users[socket]} ${emoji}`, add);
            const { messages } = await ok(buyer, 'messages:history', { conversationId: conversation.id });
            const stored = messages.find((m) => m.id === message.id);
            const want = [...expected]
              .filter(([, present]) => present)
              .map(([key]) => key)
              .sort();
            const have = (stored?.reactions ?? []).flatMap((r) => r.userIds.map((u) => `${u} ${r.emoji}`)).sort();
            // Concurrent opposite steps of one user on one emoji may land in either order: the store decides.
            const ambiguous = new Set(
              round
                .filter((a, i) =>
                  round.some(
                    (b, j) => j !== i && users[a.socket] === users[b.socket] && a.emoji === b.emoji && a.add !== b.add,
                  ),
                )
                .map(({ socket, emoji }) => `${users[socket]} ${emoji}`),
            );
            assert.deepEqual(
              have.filter((k) => !ambiguous.has(k)),
              want.filter((k) => !ambiguous.has(k)),
            );
            for (const r of stored?.reactions ?? []) assert.equal(r.count, r.userIds.length);
            await settle(watcher);
            // The last event anyone got is the stored state.
            if (last) assert.deepEqual(shown(last), shown(stored));
          }
        },
      ),
      { numRuns: 15 },
    );
    for (const socket of [...sockets, watcher]) socket.close();
  });
});
