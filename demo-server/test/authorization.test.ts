import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServerToClientEvents } from '@palaver/protocol';
import {
  alice,
  bob,
  type ClientSocket,
  carol,
  newClientId,
  ok,
  openProduct,
  request,
  send,
  settle,
  startTestServer,
  type TestServer,
} from './helpers.js';

describe('a third user and another pair’s conversation', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it('cannot send to, read, mark read, fetch, edit or sync it, and receives none of its events', async () => {
    const aliceSocket = await t.connect(alice);
    const bobSocket = await t.connect(bob);
    const intruder: ClientSocket = await t.connect(carol);
    const leaked: string[] = [];
    intruder.onAny((event: keyof ServerToClientEvents, payload: { conversationId?: string; id?: string }) => {
      leaked.push(`${event} ${JSON.stringify(payload)}`);
    });
    const { cursor } = await ok(intruder, 'sync', { cursor: null });

    const conversation = await openProduct(aliceSocket);
    const message = await send(aliceSocket, conversation.id, 'private');
    await send(bobSocket, conversation.id, 'private reply');
    await ok(bobSocket, 'conversation:read', { conversationId: conversation.id, seq: 2 });
    await request(aliceSocket, 'typing', { conversationId: conversation.id, typing: true });

    const attempts = [
      request(intruder, 'message:send', { clientId: newClientId(), conversationId: conversation.id, body: 'hi' }),
      request(intruder, 'messages:history', { conversationId: conversation.id }),
      request(intruder, 'conversation:read', { conversationId: conversation.id, seq: 1 }),
      request(intruder, 'message:edit', { messageId: message.id, body: 'mine now' }),
      request(intruder, 'message:delete', { messageId: message.id }),
      request(intruder, 'typing', { conversationId: conversation.id, typing: true }),
    ];
    for (const response of await Promise.all(attempts)) {
      assert.equal(response?.ok, false);
      assert.equal(!response?.ok && response?.error.code, 'forbidden');
    }
    for (const [method, path, body] of [
      ['GET', `/api/conversations/${conversation.id}`],
      ['GET', `/api/conversations/${conversation.id}/messages`],
      ['POST', `/api/conversations/${conversation.id}/messages`, { clientId: newClientId(), body: 'hi' }],
      ['POST', `/api/conversations/${conversation.id}/read`, { seq: 1 }],
      ['PATCH', `/api/messages/${message.id}`, { body: 'x' }],
      ['DELETE', `/api/messages/${message.id}`],
    ] as const) {
      const response = await t.rest<{ error: { code: string } }>(carol, method, path, body);
      assert.equal(response.status, 403, `${method} ${path}`);
      assert.equal(response.body.error.code, 'forbidden');
    }
    const synced = await ok(intruder, 'sync', { cursor });
    assert.deepEqual([synced.conversations, synced.messages, synced.reads], [[], [], []]);
    const listed = await t.rest<{ conversations: unknown[] }>(carol, 'GET', '/api/conversations');
    assert.deepEqual(listed.body.conversations, []);

    await settle(intruder, aliceSocket, bobSocket);
    assert.deepEqual(leaked, []);
    // nothing the intruder tried was written
    const { messages } = await ok(aliceSocket, 'messages:history', { conversationId: conversation.id });
    assert.deepEqual(
      messages.map((m) => m.body),
      ['private', 'private reply'],
    );
  });

  it('unknown conversations are not_found', async () => {
    const socket = await t.connect(carol);
    const response = await request(socket, 'messages:history', { conversationId: 'does-not-exist' });
    assert.equal(!response.ok && response.error.code, 'not_found');
    const rest = await t.rest<{ error: { code: string } }>(carol, 'GET', '/api/conversations/does-not-exist');
    assert.equal(rest.status, 404);
  });
});
