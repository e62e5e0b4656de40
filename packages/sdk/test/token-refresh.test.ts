import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  bob,
  type ClientSocket,
  ok,
  startTestServer,
  TEST_SECRET,
  type TestServer,
  type TestUser,
} from '../../../demo-server/test/helpers.js';
import { signProductTokenSync } from '../../../test-support/product-token.js';
import { type ChatClient, type ConnectionStatus, createChatClient } from '../src/index.js';
import { until } from './support/until.js';

/**
 * Short-lived tokens against a real server and a real socket.io-client: the
 * SDK replaces its token before it expires (auth:refresh) without a visible
 * disconnect, recovers when the server cut the socket anyway, and does not
 * knock again and again with a fixed token that ended.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const expiryOf = (token: string): number =>
  (JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as { exp: number }).exp * 1000;

/** Every status the client goes through from now on. */
function statuses(client: ChatClient): ConnectionStatus[] {
  const seen: ConnectionStatus[] = [];
  client.$connection.listen((status) => seen.push(status));
  return seen;
}

/** What the server stored in a conversation, as its other participant reads it. */
async function storedBodies(supplier: ClientSocket, conversationId: string): Promise<string[]> {
  const { messages } = await ok(supplier, 'messages:history', { conversationId, limit: 100 });
  return messages.map((m) => m.body);
}

/** Sends `count` messages, one every `everyMs`, and waits until each is acked. */
async function sendSteadily(client: ChatClient, conversationId: string, count: number, everyMs: number) {
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = `steady ${i}`;
    bodies.push(body);
    await client.send(conversationId, body);
    await sleep(everyMs);
  }
  await until(
    client.messagesOf(conversationId),
    (list) => bodies.every((body) => list.some((m) => m.body === body && m.status === 'sent')),
    15_000,
  );
  return bodies;
}

describe('the SDK with short-lived tokens', () => {
  let t: TestServer;
  let supplier: ClientSocket;
  /** Socket.IO connections the server accepted, per user id. */
  const connections = new Map<string, number>();
  before(async () => {
    t = await startTestServer({ RATE_LIMIT_MESSAGES: '100000' });
    supplier = await t.connect(bob);
    t.server.io.on('connection', (socket) => {
      const id = socket.data.user.id;
      connections.set(id, (connections.get(id) ?? 0) + 1);
    });
  });
  after(() => t.close());

  const product = (id: string) => ({
    productToken: signProductTokenSync(TEST_SECRET, { id, title: id }, { id: bob.id, name: bob.name }),
  });

  it('keeps sending through three expiries: 0 lost, 0 duplicated, never disconnected', async () => {
    const user: TestUser = { id: 'refresh-ruth', name: 'Ruth' };
    const issued: string[] = [];
    const client = createChatClient({
      url: t.url,
      token: async () => {
        const token = await t.token(user, '3s');
        issued.push(token);
        return token;
      },
      reconnectionDelayMax: 500,
    });
    try {
      await client.connect();
      await until(client.$connection, (s) => s === 'online');
      const seen = statuses(client);
      const conversation = await client.openProductConversation(product('p-refresh'));
      const started = Date.now();
      const bodies = await sendSteadily(client, conversation.id, 80, 100);
      const outlived = issued.filter((token) => expiryOf(token) < Date.now() && expiryOf(token) > started);
      assert.ok(outlived.length >= 3, `${outlived.length} tokens expired while sending`);
      assert.deepEqual(seen, [], 'the connection status never changed');
      assert.equal(connections.get(user.id), 1, 'one connection the whole time');
      assert.deepEqual(await storedBodies(supplier, conversation.id), bodies, 'each message stored once, in order');
    } finally {
      await client.destroy();
    }
  });

  it('recovers when the server cut the socket anyway (the provider answered too late): 0 lost, 0 duplicated', async () => {
    const user: TestUser = { id: 'refresh-late-leo', name: 'Leo' };
    let calls = 0;
    const client = createChatClient({
      url: t.url,
      token: async () => {
        const token = await t.token(user, '2s');
        // The first refresh comes back only after the token it should replace has expired.
        if (++calls === 2) await sleep(2500);
        return token;
      },
      reconnectionDelayMax: 500,
    });
    try {
      await client.connect();
      await until(client.$connection, (s) => s === 'online');
      const seen = statuses(client);
      const conversation = await client.openProductConversation(product('p-refresh-late'));
      const bodies = await sendSteadily(client, conversation.id, 40, 100);
      assert.ok(seen.includes('offline'), `the socket was cut (statuses: ${seen.join(', ')})`);
      assert.equal(client.$connection.get(), 'online');
      assert.ok((connections.get(user.id) ?? 0) >= 2, 'it connected again');
      assert.deepEqual(await storedBodies(supplier, conversation.id), bodies, 'each message stored once, in order');
    } finally {
      await client.destroy();
    }
  });

  it('asks the provider again when the token it got had already expired', async () => {
    const user: TestUser = { id: 'refresh-stale-sia', name: 'Sia' };
    let calls = 0;
    const client = createChatClient({
      url: t.url,
      token: () => t.token(user, ++calls === 1 ? Math.floor(Date.now() / 1000) - 5 : '1h'),
      reconnectionDelayMax: 500,
    });
    try {
      await client.connect();
      await until(client.$connection, (s) => s === 'online');
      assert.equal(calls, 2);
    } finally {
      await client.destroy();
    }
  });

  it('with a fixed token that expires, ends in "unauthorized" and does not knock again', async () => {
    const user: TestUser = { id: 'fixed-fay', name: 'Fay' };
    const token = await t.token(user, '2s');
    const client = createChatClient({ url: t.url, token, reconnectionDelayMax: 500 });
    try {
      await client.connect();
      await until(client.$connection, (s) => s === 'online');
      let handshakes = 0;
      const count = () => handshakes++;
      t.server.io.engine.on('connection', count);
      await until(client.$connection, (s) => s === 'unauthorized', expiryOf(token) - Date.now() + 2000);
      await sleep(1500);
      t.server.io.engine.off('connection', count);
      assert.equal(client.$connection.get(), 'unauthorized');
      assert.equal(handshakes, 0, 'no attempt with a token that cannot work');
    } finally {
      await client.destroy();
    }
  });
});
