import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '@palaver/protocol';
import {
  alice,
  bob,
  carol,
  newClientId,
  ok,
  openProduct,
  rawRequest,
  request,
  startTestServer,
  type TestServer,
} from './helpers.js';

describe('limits and bad input', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ RATE_LIMIT_MESSAGES: '1000' });
  });
  after(() => t.close());

  it('accepts 5,000 characters and refuses 5,001 with too_long; counts emoji once', async () => {
    const socket = await t.connect(alice);
    const { id } = await openProduct(socket);
    const longest = await request(socket, 'message:send', {
      clientId: newClientId(),
      conversationId: id,
      body: 'a'.repeat(5000),
    });
    assert.equal(longest.ok, true);
    const emoji = await request(socket, 'message:send', {
      clientId: newClientId(),
      conversationId: id,
      body: '😀'.repeat(5000),
    });
    assert.equal(emoji.ok, true);
    const tooLong = await request(socket, 'message:send', {
      clientId: newClientId(),
      conversationId: id,
      body: 'a'.repeat(5001),
    });
    assert.equal(!tooLong.ok && tooLong.error.code, 'too_long');
    // surrounding whitespace does not count
    const padded = await request(socket, 'message:send', {
      clientId: newClientId(),
      conversationId: id,
      body: `  ${'b'.repeat(5000)}\n `,
    });
    assert.equal(padded.ok, true);
    const rest = await t.rest<{ error: { code: string } }>(alice, 'POST', `/api/conversations/${id}/messages`, {
      clientId: newClientId(),
      body: 'a'.repeat(5001),
    });
    assert.equal(rest.status, 422);
    assert.equal(rest.body.error.code, 'too_long');
    const edit = await request(socket, 'message:edit', {
      messageId: (longest as { message: Message }).message.id,
      body: 'a'.repeat(5001),
    });
    assert.equal(!edit.ok && edit.error.code, 'too_long');
  });

  it('refuses blank messages and wrong types with invalid_payload and the zod issues', async () => {
    const socket = await t.connect(alice);
    const { id } = await openProduct(socket);
    const before = await ok(socket, 'messages:history', { conversationId: id, limit: 100 });
    for (const body of ['', '   ', '\n\t ']) {
      const response = await request(socket, 'message:send', { clientId: newClientId(), conversationId: id, body });
      assert.equal(!response.ok && response.error.code, 'invalid_payload', JSON.stringify(body));
    }
    for (const payload of [
      { clientId: newClientId(), conversationId: id, body: 42 },
      { clientId: 7, conversationId: id, body: 'x' },
      { conversationId: id, body: 'x' },
      'just a string',
      null,
      [1, 2, 3],
    ]) {
      const response = await request(socket, 'message:send', payload as never);
      assert.equal(response.ok, false);
      assert.equal(!response.ok && response.error.code, 'invalid_payload', JSON.stringify(payload));
      assert.ok(!response.ok && Array.isArray(response.error.issues) && response.error.issues.length > 0);
    }
    const after = await ok(socket, 'messages:history', { conversationId: id, limit: 100 });
    assert.deepEqual(after.messages, before.messages, 'nothing was stored');
  });

  it('answers unknown events with invalid_payload when they carry an ack', async () => {
    const socket = await t.connect(alice);
    const response = (await rawRequest(socket, 'conversation:drop', {})) as {
      ok: boolean;
      error?: { code: string };
    };
    assert.equal(response.ok, false);
    assert.equal(response.error?.code, 'invalid_payload');
  });

  it('refuses a REST body that is not JSON, malformed, or too large', async () => {
    const token = await t.token(alice);
    const post = (body: string, type: string) =>
      fetch(`${t.url}/api/conversations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body,
      });
    const plain = await post('hello', 'text/plain');
    assert.equal(plain.status, 415);
    assert.equal(((await plain.json()) as { error: { code: string } }).error.code, 'unsupported_media_type');
    const broken = await post('{"kind":', 'application/json');
    assert.equal(broken.status, 400);
    assert.equal(((await broken.json()) as { error: { code: string } }).error.code, 'invalid_payload');
    const huge = await post(JSON.stringify({ kind: 'support', subject: 'x'.repeat(200_000) }), 'application/json');
    assert.equal(huge.status, 413);
    assert.equal(((await huge.json()) as { error: { code: string } }).error.code, 'payload_too_large');
    const unknownRoute = await t.rest<{ error: { code: string } }>(alice, 'GET', '/api/nothing-here');
    assert.equal(unknownRoute.status, 404);
    assert.equal(unknownRoute.body.error.code, 'not_found');
  });
});

describe('rate limit', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it('the 31st message in a minute gets rate_limited with retryAfterMs; resends still answer', async () => {
    const socket = await t.connect(alice);
    const { id } = await openProduct(socket);
    const first = { clientId: newClientId(), conversationId: id, body: 'message 1' };
    await ok(socket, 'message:send', first);
    for (let i = 2; i <= 30; i++) {
      await ok(socket, 'message:send', { clientId: newClientId(), conversationId: id, body: `message ${i}` });
    }
    const limited = await request(socket, 'message:send', {
      clientId: newClientId(),
      conversationId: id,
      body: 'one too many',
    });
    assert.equal(limited.ok, false);
    assert.equal(!limited.ok && limited.error.code, 'rate_limited');
    const retryAfterMs = !limited.ok ? limited.error.retryAfterMs : undefined;
    assert.ok(typeof retryAfterMs === 'number' && retryAfterMs > 0 && retryAfterMs <= 60_000, String(retryAfterMs));
    // over REST as well (same user, same budget) with HTTP 429
    const rest = await t.rest<{ error: { code: string; retryAfterMs: number } }>(
      alice,
      'POST',
      `/api/conversations/${id}/messages`,
      { clientId: newClientId(), body: 'again' },
    );
    assert.equal(rest.status, 429);
    assert.equal(rest.body.error.code, 'rate_limited');
    // a resend of a stored message is not a new message: it is answered, not limited
    const resend = await ok(socket, 'message:send', first);
    assert.equal(resend.message.body, 'message 1');
    // another user has their own budget
    const bobSocket = await t.connect(bob);
    await ok(bobSocket, 'message:send', { clientId: newClientId(), conversationId: id, body: 'hello' });
    const { messages } = await ok(socket, 'messages:history', { conversationId: id, limit: 100 });
    assert.equal(messages.length, 31);
  });

  it('a resend recognised as already stored gives its rate-limit slot back', async () => {
    const limited = await startTestServer({ RATE_LIMIT_MESSAGES: '3' });
    try {
      const socket = await limited.connect(carol);
      const { id } = await openProduct(socket);
      const first = { clientId: newClientId(), conversationId: id, body: 'first' };
      await ok(socket, 'message:send', first);
      // Lost acks, retried: nothing new is stored, so nothing is counted.
      for (let i = 0; i < 3; i++) await ok(socket, 'message:send', first);
      await ok(socket, 'message:send', { clientId: newClientId(), conversationId: id, body: 'second' });
      await ok(socket, 'message:send', { clientId: newClientId(), conversationId: id, body: 'third' });
      const fourth = await request(socket, 'message:send', { clientId: newClientId(), conversationId: id, body: 'x' });
      assert.equal(!fourth.ok && fourth.error.code, 'rate_limited', 'the limit still counts new messages');
    } finally {
      await limited.close();
    }
  });
});
