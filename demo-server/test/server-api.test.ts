import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Conversation, HistoryResult, Message, SyncResult, UserExport } from '@palaver/protocol';
import { validate } from '@readme/openapi-parser';
import type express from 'express';
import {
  alice,
  bob,
  carol,
  connectSocket,
  nextEvent,
  ok,
  openProduct,
  send,
  startTestServer,
  type TestServer,
} from './helpers.js';
import { SERVER_API_KEY, serverApi } from './server-api-client.js';

type OpenApi = { paths: Record<string, Record<string, unknown>> };

/** Every route Express serves, as `METHOD /path/{param}`, read from the app's own router. */
function servedRoutes(app: express.Express): string[] {
  const found: string[] = [];
  const walk = (stack: unknown[], prefix: string) => {
    for (const layer of stack as Array<{
      route?: { path: string; methods: Record<string, boolean> };
      rawPath?: string;
      handle?: { stack?: unknown[] };
    }>) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          found.push(`${method.toUpperCase()} ${(prefix + layer.route.path).replace(/:(\w+)/g, '{$1}')}`);
        }
      } else if (layer.handle?.stack && typeof layer.rawPath === 'string') {
        // A router mounted without a path sits at '/': its routes keep their own paths.
        walk(layer.handle.stack, layer.rawPath === '/' ? prefix : prefix + layer.rawPath);
      }
    }
  };
  walk((app as unknown as { router: { stack: unknown[] } }).router.stack, '');
  return found.sort();
}

describe('server API', () => {
  let t: TestServer;
  let api: ReturnType<typeof serverApi>;
  before(async () => {
    t = await startTestServer({ PALAVER_API_KEY: SERVER_API_KEY });
    api = serverApi(t.url);
  });
  after(() => t.close());

  it('publishes an OpenAPI document that validates and lists exactly the routes the server serves', async () => {
    const response = await fetch(`${t.url}/api/openapi.json`);
    assert.equal(response.status, 200);
    const document = (await response.json()) as OpenApi;
    await validate(structuredClone(document) as never);
    const documented = Object.entries(document.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    assert.deepEqual(documented, servedRoutes(t.server.app));
    assert.ok(documented.includes('PUT /api/server/users/{id}'));
    assert.ok(documented.includes('POST /api/conversations/{id}/messages'));
  });

  it('refuses every server endpoint without the key, with a wrong key, and with a user token', async () => {
    const document = (await (await fetch(`${t.url}/api/openapi.json`)).json()) as OpenApi;
    const serverPaths = Object.entries(document.paths).filter(([path]) => path.startsWith('/api/server/'));
    assert.ok(serverPaths.length >= 7);
    const userToken = await t.token(alice);
    for (const [path, methods] of serverPaths) {
      for (const method of Object.keys(methods)) {
        const url = `${t.url}${path.replace(/\{\w+\}/g, 'x')}`;
        for (const authorization of [
          undefined,
          'Bearer wrong-key',
          `Bearer ${SERVER_API_KEY}x`,
          `Bearer ${userToken}`,
        ]) {
          const answer = await fetch(url, {
            method: method.toUpperCase(),
            headers: {
              ...(authorization ? { authorization } : {}),
              'content-type': 'application/json',
            },
            ...(method === 'get' ? {} : { body: '{}' }),
          });
          assert.equal(answer.status, 401, `${method} ${path} with ${authorization?.slice(0, 20)}`);
          assert.equal(((await answer.json()) as { error: { code: string } }).error.code, 'unauthorized');
        }
      }
    }
  });

  it('is closed when the server has no key configured', async () => {
    const closed = await startTestServer();
    try {
      const answer = await serverApi(closed.url)('PUT', '/users/u1', { name: 'U' });
      assert.equal(answer.status, 403);
    } finally {
      await closed.close();
    }
  });

  it('upserts users with validation, and never the reserved marketplace id', async () => {
    const put = await api('PUT', '/users/buyer-erin', { name: 'Erin', email: 'erin@example.com', locale: 'fr' });
    assert.equal(put.status, 200);
    assert.deepEqual(
      { ...(put.body.user as object), createdAt: undefined },
      {
        id: 'buyer-erin',
        name: 'Erin',
        role: 'user',
        email: 'erin@example.com',
        locale: 'fr',
        emailNotifications: true,
        createdAt: undefined,
      },
    );
    assert.equal((await api('PUT', '/users/buyer-erin', { name: '' })).status, 400);
    assert.equal((await api('PUT', '/users/buyer-erin', { name: 'E', email: 'not-an-email' })).status, 400);
    assert.equal((await api('PUT', '/users/buyer-erin', { name: 'E', avatarUrl: 'javascript:alert(1)' })).status, 400);
    assert.equal((await api('PUT', '/users/palaver:marketplace', { name: 'Fake' })).status, 400);
    assert.equal((await api('GET', '/users/nobody')).status, 404);
  });

  it('posts a message as the marketplace: unread for everyone, live, and idempotent on clientId', async () => {
    const buyer = await t.connect(carol);
    const supplier = await t.connect(bob);
    const conversation = await openProduct(buyer);
    await send(buyer, conversation.id, 'I ordered the mug');
    const buyerHears = nextEvent(buyer, 'message:new', (m) => m.senderId === 'palaver:marketplace');
    const body = { clientId: 'order-1234-shipped', body: 'Order 1234 has shipped.' };
    const posted = await api<{ message: Message }>('POST', `/conversations/${conversation.id}/messages`, body);
    assert.equal(posted.status, 200);
    assert.equal(posted.body.message.seq, 2);
    assert.equal((await buyerHears).id, posted.body.message.id);
    const again = await api<{ message: Message }>('POST', `/conversations/${conversation.id}/messages`, body);
    assert.equal(again.body.message.id, posted.body.message.id);
    const unread = await ok(buyer, 'unread:get', {});
    assert.equal(unread.conversations[conversation.id], 1);
    assert.equal((await ok(supplier, 'unread:get', {})).conversations[conversation.id], 2);
    const missing = await api('POST', '/conversations/nope/messages', body);
    assert.equal(missing.status, 404);
    const blank = await api('POST', `/conversations/${conversation.id}/messages`, { clientId: 'x', body: '  ' });
    assert.equal(blank.status, 400);
  });

  it('reads any conversation and lists a user’s', async () => {
    const buyer = await t.connect(carol);
    const conversation = await openProduct(buyer);
    await send(buyer, conversation.id, 'hello from carol');
    const read = await api<{ conversation: Conversation }>('GET', `/conversations/${conversation.id}`);
    assert.equal(read.body.conversation.id, conversation.id);
    const history = await api<HistoryResult>('GET', `/conversations/${conversation.id}/messages?limit=100`);
    assert.ok(history.body.messages.some((m) => m.body === 'hello from carol'));
    const listed = await api<{ conversations: Conversation[] }>('GET', `/conversations?userId=${carol.id}`);
    assert.ok(listed.body.conversations.some((c) => c.id === conversation.id));
    assert.equal((await api('GET', '/conversations?userId=nobody')).status, 404);
    assert.equal((await api('GET', '/conversations?limit=abc')).status, 400);
  });

  it('exports everything about a user', async () => {
    const buyer = await t.connect(alice);
    const conversation = await openProduct(buyer);
    const sent = await send(buyer, conversation.id, 'my address is 1 rue de la Paix');
    const exported = await api<UserExport>('GET', `/users/${alice.id}/export`);
    assert.equal(exported.status, 200);
    assert.equal(exported.body.user.id, alice.id);
    assert.ok(exported.body.conversations.some((c) => c.id === conversation.id));
    assert.ok(exported.body.messages.some((m) => m.id === sent.id && m.body === sent.body));
    assert.ok(exported.body.reads.some((r) => r.conversationId === conversation.id && r.seq >= sent.seq));
  });

  it('erases a user: no name, avatar or body of theirs stays readable by anyone, and a new login does not bring them back', async () => {
    const dan = { id: 'buyer-dan', name: 'Dan Secret' };
    await api('PUT', `/users/${dan.id}`, {
      name: dan.name,
      avatarUrl: 'https://cdn.example/dan.png',
      email: 'dan@example.com',
    });
    const danSocket = await t.connect(dan);
    const supplier = await t.connect(bob);
    const conversation = await openProduct(danSocket);
    await send(danSocket, conversation.id, 'call me at +33 6 12 34 56 78');
    await send(danSocket, conversation.id, 'dan@example.com');
    await send(supplier, conversation.id, 'Sure!');
    const { cursor } = await ok(supplier, 'sync', { cursor: null });
    const tombstone = nextEvent(supplier, 'message:updated', (m) => m.senderId === dan.id && m.deletedAt !== undefined);

    // Made before the erasure: refused after it, whatever second the test runs in.
    const tokenBefore = await t.token(dan);
    const erased = await api<{ erasedMessages: number }>('POST', `/users/${dan.id}/erase`);
    assert.equal(erased.status, 200);
    assert.equal(erased.body.erasedMessages, 2);
    await tombstone;
    const again = await api<{ erasedMessages: number }>('POST', `/users/${dan.id}/erase`);
    assert.equal(again.body.erasedMessages, 0);
    // Their sockets were closed and a token made before the erasure is refused.
    assert.equal(danSocket.connected, false);
    await assert.rejects(connectSocket(t.url, tokenBefore), /revoked/);

    const leaks = (value: unknown) => {
      const text = JSON.stringify(value);
      return ['Dan Secret', 'dan.png', 'dan@example.com', '+33 6 12 34 56 78'].filter((secret) =>
        text.includes(secret),
      );
    };
    const seenBySupplier = await t.rest<{ conversation: Conversation }>(
      bob,
      'GET',
      `/api/conversations/${conversation.id}`,
    );
    const historyBySupplier = await ok(supplier, 'messages:history', { conversationId: conversation.id });
    const synced = (await ok(supplier, 'sync', { cursor })) as SyncResult;
    const listedByAdmin = await api('GET', `/conversations/${conversation.id}`);
    const profile = await api('GET', `/users/${dan.id}`);
    const exported = await api('GET', `/users/${dan.id}/export`);
    for (const seen of [
      seenBySupplier.body,
      historyBySupplier,
      synced,
      listedByAdmin.body,
      profile.body,
      exported.body,
    ]) {
      assert.deepEqual(leaks(seen), []);
    }
    assert.equal(seenBySupplier.body.conversation.participants.find((p) => p.userId === dan.id)?.name, 'Deleted user');
    assert.ok(historyBySupplier.messages.some((m) => m.body === 'Sure!'));
    assert.equal((profile.body.user as { erasedAt?: string }).erasedAt !== undefined, true);
  });
});
