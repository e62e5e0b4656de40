import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SessionEndedEvent } from '@palaver/protocol';
import { signToken } from '../src/transport/auth.js';
import {
  alice,
  bob,
  type ClientSocket,
  connectSocket,
  ok,
  openProduct,
  rawRequest,
  send,
  startCluster,
  startTestServer,
  type TestServer,
  type TestUser,
} from './helpers.js';
import { SERVER_API_KEY, serverApi } from './server-api-client.js';
import { clusterOnly, dropDatabase } from './test-database.js';

/** The `exp` of a token, in ms. */
const expiryOf = (token: string): number =>
  (JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as { exp: number }).exp * 1000;

/** Resolves when the server closes the socket: when, and what `session:ended` said before. */
function closing(socket: ClientSocket): Promise<{ at: number; reason: string; ended: SessionEndedEvent | undefined }> {
  let ended: SessionEndedEvent | undefined;
  socket.on('session:ended', (event) => {
    ended = event;
  });
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve({ at: Date.now(), reason, ended })));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('tokens that end', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it('closes a socket within a second of its token expiring, with token_expired; it works until then', async () => {
    const token = await t.token(alice, '3s');
    const socket = await connectSocket(t.url, token);
    const closed = closing(socket);
    const { id } = await openProduct(socket);
    await sleep(Math.max(0, expiryOf(token) - Date.now() - 400));
    await send(socket, id, 'still allowed just before the end');
    const { at, reason, ended } = await closed;
    assert.equal(reason, 'io server disconnect');
    assert.deepEqual(ended?.code, 'token_expired');
    const late = at - expiryOf(token);
    assert.ok(late >= 0 && late < 1000, `closed ${late} ms after expiry`);
    await assert.rejects(connectSocket(t.url, token), (error: { data?: { code?: string } }) => {
      assert.equal(error.data?.code, 'token_expired');
      return true;
    });
  });

  it('auth:refresh moves the end to the new token; the socket stays open past the old expiry', async () => {
    const first = await t.token(alice, '2s');
    const socket = await connectSocket(t.url, first);
    const closed = closing(socket);
    await sleep(Math.max(0, expiryOf(first) - Date.now() - 700));
    const second = await t.token(alice, '4s');
    const answer = await ok(socket, 'auth:refresh', { token: second });
    assert.equal(answer.expiresAt, new Date(expiryOf(second)).toISOString());
    await sleep(expiryOf(first) - Date.now() + 1000);
    assert.equal(socket.connected, true, 'open a second after the first token expired');
    const { id } = await openProduct(socket);
    await send(socket, id, 'after the first token expired');
    const { at, ended } = await closed;
    assert.equal(ended?.code, 'token_expired');
    const late = at - expiryOf(second);
    assert.ok(late >= 0 && late < 1000, `closed ${late} ms after the new expiry`);
  });

  it('refuses a refresh for another user, another role, a bad, an expired or a missing token — and keeps the session', async () => {
    const socket = await t.connect(alice);
    const codeOf = async (payload: unknown) => {
      const answer = (await rawRequest(socket, 'auth:refresh', payload)) as { ok: boolean; error?: { code: string } };
      assert.equal(answer.ok, false);
      return answer.error?.code;
    };
    assert.equal(await codeOf({ token: await t.token(bob) }), 'forbidden');
    assert.equal(await codeOf({ token: await t.token({ ...alice, admin: true }) }), 'forbidden');
    assert.equal(await codeOf({ token: 'not.a.jwt' }), 'unauthorized');
    assert.equal(
      await codeOf({ token: await signToken('another-secret-that-is-long-enough-xx', alice) }),
      'unauthorized',
    );
    assert.equal(await codeOf({ token: await t.token(alice, Math.floor(Date.now() / 1000) - 10) }), 'token_expired');
    assert.equal(await codeOf({}), 'invalid_payload');
    assert.equal(await codeOf({ token: 'x'.repeat(9000) }), 'invalid_payload');
    assert.equal(socket.connected, true);
    await openProduct(socket);
  });

  it('a refresh may rename the user: what they do next carries the new name', async () => {
    const socket = await t.connect(alice);
    const renamed: TestUser = { ...alice, name: 'Alice Renamed' };
    await ok(socket, 'auth:refresh', { token: await t.token(renamed) });
    const { conversation } = await ok(socket, 'conversation:open', {
      kind: 'support',
      subject: `rename ${Date.now()}`,
    });
    assert.equal(conversation.participants.find((p) => p.userId === alice.id)?.name, 'Alice Renamed');
  });
});

describe('revoking a user', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  const victim: TestUser = { id: 'revoked-dave', name: 'Dave' };

  it('closes every socket of the user within a second and refuses tokens issued before, on sockets and REST', async () => {
    const oldToken = await t.token(victim);
    const first = await connectSocket(t.url, oldToken);
    const second = await connectSocket(t.url, await t.token(victim));
    const bystander = await t.connect(bob);
    const closed = [closing(first), closing(second)];
    const revokedAt = Date.now();
    const revocation = await t.server.revokeSessions(victim.id);
    assert.equal(revocation.userId, victim.id);
    for (const { at, ended } of await Promise.all(closed)) {
      assert.equal(ended?.code, 'unauthorized');
      assert.ok(at - revokedAt < 1000, `closed ${at - revokedAt} ms after the revocation`);
    }
    assert.equal(bystander.connected, true, "other users' sockets stay");
    await assert.rejects(connectSocket(t.url, oldToken), (error: { data?: { code?: string } }) => {
      assert.equal(error.data?.code, 'unauthorized');
      return true;
    });
    const rest = await fetch(`${t.url}/api/conversations`, { headers: { authorization: `Bearer ${oldToken}` } });
    assert.equal(rest.status, 401);
    // A live socket cannot carry a pre-revocation token in either.
    const other = await t.connect(bob);
    const refresh = (await rawRequest(other, 'auth:refresh', { token: oldToken })) as { error?: { code: string } };
    assert.equal(refresh.error?.code, 'unauthorized');
  });

  it('accepts tokens issued after the revocation (iat counts whole seconds: one second later)', async () => {
    const user: TestUser = { id: 'revoked-erin', name: 'Erin' };
    await t.server.revokeSessions(user.id);
    const sameSecond = await t.token(user);
    await assert.rejects(connectSocket(t.url, sameSecond));
    await sleep(1100);
    const fresh = await connectSocket(t.url, await t.token(user));
    assert.equal(fresh.connected, true);
    fresh.disconnect();
  });

  it('refuses a bad user id with invalid_payload', async () => {
    await assert.rejects(t.server.revokeSessions(''), (error: { code?: string }) => error.code === 'invalid_payload');
    await assert.rejects(
      t.server.revokeSessions('x'.repeat(200)),
      (error: { code?: string }) => error.code === 'invalid_payload',
    );
  });

  it('keeps the revocation in the database: a restarted server still refuses the old token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palaver-revoke-'));
    const user: TestUser = { id: 'revoked-frank', name: 'Frank' };
    try {
      const first = await startTestServer({}, dir);
      const old = await first.token(user);
      await first.server.revokeSessions(user.id);
      await first.close();
      const again = await startTestServer({}, dir);
      try {
        await assert.rejects(connectSocket(again.url, old), (error: { data?: { code?: string } }) => {
          assert.equal(error.data?.code, 'unauthorized');
          return true;
        });
      } finally {
        await again.close();
      }
    } finally {
      await dropDatabase(dir);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('POST /api/server/users/:id/revoke', () => {
  it('needs the server API key; revokes like revokeSessions; a bad id is invalid_payload', async () => {
    const t = await startTestServer({ PALAVER_API_KEY: SERVER_API_KEY });
    try {
      const user: TestUser = { id: 'revoked-by-api', name: 'Ivan' };
      const old = await t.token(user);
      const socket = await connectSocket(t.url, old);
      const closed = closing(socket);
      for (const key of [null, 'wrong-key-that-is-long-enough-0123456789']) {
        const refused = await serverApi(t.url, key)('POST', `/users/${user.id}/revoke`);
        assert.equal(refused.status, 401);
      }
      assert.equal(socket.connected, true, 'a refused call revokes nothing');
      const answer = await serverApi(t.url)<{ userId: string; revokedBefore: string }>(
        'POST',
        `/users/${user.id}/revoke`,
      );
      assert.equal(answer.status, 200);
      assert.equal(answer.body.userId, user.id);
      assert.ok(Math.abs(Date.parse(answer.body.revokedBefore) - Date.now()) < 5000);
      assert.equal((await closed).ended?.code, 'unauthorized');
      await assert.rejects(connectSocket(t.url, old));
      const bad = await serverApi(t.url)<{ error: { code: string } }>('POST', `/users/${'x'.repeat(200)}/revoke`);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'invalid_payload');
    } finally {
      await t.close();
    }
  });
});

describe('a revocation racing a handshake', () => {
  it('never leaves a socket open: those that connected are closed', async () => {
    const t = await startTestServer();
    try {
      const user: TestUser = { id: 'racing-gina', name: 'Gina' };
      const tokens = await Promise.all(Array.from({ length: 8 }, () => t.token(user)));
      const attempts = tokens.map((token) => connectSocket(t.url, token).catch(() => undefined));
      await t.server.revokeSessions(user.id);
      const sockets = await Promise.all(attempts);
      await sleep(500);
      for (const socket of sockets) assert.notEqual(socket?.connected, true);
    } finally {
      await t.close();
    }
  });
});

describe('revoking on a cluster', () => {
  it('closes the user’s sockets on every node within a second; every node refuses the old token', {
    skip: clusterOnly(),
  }, async () => {
    const cluster = await startCluster();
    try {
      const user: TestUser = { id: 'revoked-on-cluster', name: 'Hana' };
      const old = await cluster.a.token(user);
      const sockets = [
        await connectSocket(cluster.a.url, old),
        await connectSocket(cluster.b.url, old),
        await connectSocket(cluster.b.url, await cluster.b.token(user)),
      ];
      const bystander = await cluster.b.connect(bob);
      const closed = sockets.map(closing);
      const revokedAt = Date.now();
      await cluster.a.server.revokeSessions(user.id);
      for (const { at, ended } of await Promise.all(closed)) {
        assert.equal(ended?.code, 'unauthorized');
        assert.ok(at - revokedAt < 1000, `closed ${at - revokedAt} ms after the revocation`);
      }
      assert.equal(bystander.connected, true);
      for (const node of [cluster.a, cluster.b]) {
        await assert.rejects(connectSocket(node.url, old), (error: { data?: { code?: string } }) => {
          assert.equal(error.data?.code, 'unauthorized');
          return true;
        });
      }
    } finally {
      await cluster.close();
    }
  });
});
