import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ClientEventName, clientEventSchemas, ERROR_CODES } from '@palaver/protocol';
import fc from 'fast-check';
import {
  alice,
  bob,
  type ClientSocket,
  connectSocket,
  newClientId,
  ok,
  openProduct,
  rawRequest,
  send,
  startTestServer,
  type TestServer,
} from './helpers.js';

/** Values that are nearly right: the kind of thing a buggy or hostile client sends. */
const weird = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.string({ minLength: 5000, maxLength: 5100 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, undefined, true, [], {}, '', ' ', -1, 0, 1e308, Number.NaN, '__proto__', 'constructor'),
  fc.constant({ __proto__: { polluted: true } }),
);

function payloadArbitrary(ids: { conversationId: string; messageId: string }) {
  const field = (valid: fc.Arbitrary<unknown>) => fc.oneof(valid, weird);
  const shaped = fc.record(
    {
      kind: field(fc.constantFrom('product', 'support')),
      product: field(fc.record({ id: field(fc.string()), title: field(fc.string()), url: field(fc.webUrl()) })),
      supplierId: field(fc.constantFrom(bob.id, alice.id)),
      supplierName: field(fc.string()),
      subject: field(fc.string()),
      clientUserId: field(fc.string()),
      clientId: field(fc.string({ minLength: 1, maxLength: 20 })),
      conversationId: field(fc.constant(ids.conversationId)),
      messageId: field(fc.constant(ids.messageId)),
      body: field(fc.string({ maxLength: 50 })),
      attachmentIds: field(fc.array(fc.string())),
      replyToId: field(fc.constant(ids.messageId)),
      beforeSeq: field(fc.integer()),
      limit: field(fc.integer()),
      seq: field(fc.integer()),
      typing: field(fc.boolean()),
      cursor: field(fc.oneof(fc.constant(null), fc.base64String())),
      userIds: field(fc.array(fc.string())),
    },
    { requiredKeys: [] },
  );
  return fc.oneof(weird, shaped);
}

function assertTypedAnswer(response: unknown, context: string): void {
  assert.equal(typeof response, 'object', context);
  const answer = response as { ok: unknown; error?: { code: unknown; message: unknown } };
  assert.equal(typeof answer.ok, 'boolean', context);
  if (answer.ok === false) {
    assert.ok((ERROR_CODES as readonly unknown[]).includes(answer.error?.code), context);
    assert.notEqual(answer.error?.code, 'internal', `${context}: ${String(answer.error?.message)}`);
    assert.equal(typeof answer.error?.message, 'string', context);
  }
}

describe('fuzzing every input', () => {
  let t: TestServer;
  let socket: ClientSocket;
  let ids: { conversationId: string; messageId: string };
  before(async () => {
    t = await startTestServer({ RATE_LIMIT_MESSAGES: '1000000' });
    socket = await t.connect(alice);
    const conversation = await openProduct(socket);
    const message = await send(socket, conversation.id, 'seed');
    ids = { conversationId: conversation.id, messageId: message.id };
  });
  after(() => t.close());

  for (const event of Object.keys(clientEventSchemas) as ClientEventName[]) {
    it(`${event}: every payload gets a typed answer`, async () => {
      await fc.assert(
        fc.asyncProperty(payloadArbitrary(ids), async (payload) => {
          const response = await rawRequest(socket, event, payload);
          assertTypedAnswer(response, `${event} ${JSON.stringify(payload)?.slice(0, 200)}`);
        }),
        { numRuns: 120 },
      );
    });
  }

  it('event names that are names of every object (toString, __proto__, …) are unknown events, not crashes', async () => {
    for (const event of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
      const response = (await rawRequest(socket, event, {})) as { ok: boolean; error?: { code: string } };
      assert.deepEqual([response.ok, response.error?.code], [false, 'invalid_payload'], event);
    }
  });

  it('malformed escapes in paths and broken compressed bodies are invalid_payload, not internal', async () => {
    const token = await t.token(alice);
    const headers = { authorization: `Bearer ${token}` };
    for (const path of ['/api/conversations/%E0%A4%A', '/api/messages/%zz', '/api/conversations/%/messages']) {
      const response = await fetch(`${t.url}${path}`, { headers });
      assert.equal(response.status, 400, path);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'invalid_payload', path);
    }
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const response = await fetch(`${t.url}/api/conversations`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-encoding': encoding },
        body: 'definitely not compressed',
      });
      assert.equal(response.status, 400, encoding);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'invalid_payload', encoding);
    }
  });

  it('REST: every body and query string gets a typed JSON answer, never a 500', async () => {
    const token = await t.token(alice);
    const routes = [
      ['POST', '/api/conversations'],
      ['GET', '/api/conversations'],
      ['GET', `/api/conversations/${ids.conversationId}`],
      ['GET', `/api/conversations/${ids.conversationId}/messages`],
      ['POST', `/api/conversations/${ids.conversationId}/messages`],
      ['PATCH', `/api/messages/${ids.messageId}`],
      ['POST', `/api/conversations/${ids.conversationId}/read`],
      ['GET', '/api/unread'],
      ['GET', '/api/sync'],
    ] as const;
    const query = fc.dictionary(fc.constantFrom('limit', 'before', 'beforeSeq', 'cursor', 'x'), fc.string(), {
      maxKeys: 3,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        payloadArbitrary(ids),
        query,
        async ([method, path], body, params) => {
          const search = new URLSearchParams(params).toString();
          const response = await fetch(`${t.url}${path}${search ? `?${search}` : ''}`, {
            method,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            ...(method === 'GET' ? {} : { body: JSON.stringify(body) ?? 'undefined' }),
          });
          const text = await response.text();
          const context = `${method} ${path}?${search} ${text.slice(0, 200)}`;
          assert.ok(response.status < 500, context);
          const json = JSON.parse(text) as { error?: { code: unknown } };
          if (response.status >= 400)
            assert.ok((ERROR_CODES as readonly unknown[]).includes(json.error?.code), context);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('handshake: any auth value is refused with a typed reason', async () => {
    await fc.assert(
      fc.asyncProperty(weird, async (token) => {
        const error = await connectSocket(t.url, token).then(
          (s) => {
            s.close();
            return undefined;
          },
          (e: { data?: { code: string } }) => e,
        );
        assert.ok(error, 'refused');
        assert.ok(['unauthorized', 'token_expired'].includes(error.data?.code as string));
      }),
      { numRuns: 40 },
    );
  });

  it('stays healthy and serves normal traffic afterwards', async () => {
    const health = await t.rest<{ status: string }>(null, 'GET', '/health');
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'ok');
    const fresh = await t.connect(bob);
    const { message } = await ok(fresh, 'message:send', {
      clientId: newClientId(),
      conversationId: ids.conversationId,
      body: 'still here',
    });
    assert.equal(message.body, 'still here');
    const metrics = await t.metricsText();
    assert.doesNotMatch(metrics, /palaver_errors_total\{code="internal"\} [1-9]/);
  });
});
