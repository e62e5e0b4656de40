import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { alice, connectSocket, startTestServer, TEST_SECRET, type TestServer } from './helpers.js';

const key = new TextEncoder().encode(TEST_SECRET);
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The ways a token can be wrong, each with the code the server must answer. */
async function badTokens(): Promise<Array<{ name: string; token: string | undefined; code: string }>> {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return [
    { name: 'no token', token: undefined, code: 'unauthorized' },
    { name: 'garbage', token: 'not.a.jwt', code: 'unauthorized' },
    {
      name: 'bad signature',
      token: await new SignJWT({ name: 'Mallory' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('mallory')
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode('another-secret-that-is-long-enough-too')),
      code: 'unauthorized',
    },
    {
      name: 'alg none',
      token: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'mallory', name: 'Mallory', exp })}.`,
      code: 'unauthorized',
    },
    {
      name: 'HS512 instead of the pinned HS256',
      token: await new SignJWT({ name: 'Mallory' })
        .setProtectedHeader({ alg: 'HS512' })
        .setSubject('mallory')
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(`${TEST_SECRET}${TEST_SECRET}`)),
      code: 'unauthorized',
    },
    {
      name: 'expired',
      token: await new SignJWT({ name: 'Alice' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('alice')
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(key),
      code: 'token_expired',
    },
    {
      name: 'no exp claim',
      token: await new SignJWT({ name: 'Alice' }).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').sign(key),
      code: 'unauthorized',
    },
    {
      name: 'no name claim',
      token: await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('alice')
        .setExpirationTime(exp)
        .sign(key),
      code: 'unauthorized',
    },
  ];
}

describe('authentication', () => {
  let t: TestServer;
  let cases: Awaited<ReturnType<typeof badTokens>>;
  before(async () => {
    t = await startTestServer();
    cases = await badTokens();
  });
  after(() => t.close());

  it('accepts a valid token on the socket and on REST', async () => {
    const socket = await t.connect(alice);
    assert.equal(socket.connected, true);
    const { status } = await t.rest(alice, 'GET', '/api/unread');
    assert.equal(status, 200);
  });

  it('refuses every bad token on the socket with connect_error { code, message }', async () => {
    for (const { name, token, code } of cases) {
      await assert.rejects(
        connectSocket(t.url, token),
        (error: Error & { data?: { code: string; message: string } }) => {
          assert.equal(error.data?.code, code, name);
          assert.equal(typeof error.data?.message, 'string', name);
          return true;
        },
        name,
      );
    }
  });

  it('refuses every bad token on REST with the matching status and error body', async () => {
    for (const { name, token, code } of cases) {
      const response = await fetch(`${t.url}/api/unread`, {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
      assert.equal(response.status, 401, name);
      const body = (await response.json()) as { error: { code: string } };
      assert.equal(body.error.code, code, name);
    }
  });

  it('keeps the health check public', async () => {
    const { status, body } = await t.rest<{ status: string; db: string }>(null, 'GET', '/health');
    assert.equal(status, 200);
    assert.equal(body.status, 'ok');
    assert.equal(body.db, 'ok');
  });
});
