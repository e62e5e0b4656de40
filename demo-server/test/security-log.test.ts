import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { createSecurityLog } from '../src/transport/security-log.js';
import { alice, carol, connectSocket, openProduct, request, startTestServer } from './helpers.js';

/** A logger whose lines the test can read. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

describe('refused logins and forbidden attempts are logged', () => {
  it('with the code, what was asked and who, never the token; a flood is throttled', async () => {
    const { lines, logger } = capturedLogger();
    const t = await startTestServer({}, undefined, logger);
    try {
      const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2lnbmF0dXJl';
      await connectSocket(t.url, forged).catch(() => undefined);
      const expired = await t.token(alice, -10);
      await connectSocket(t.url, expired).catch(() => undefined);
      const aliceSocket = await t.connect(alice);
      const conversation = await openProduct(aliceSocket);
      const carolSocket = await t.connect(carol);
      await request(carolSocket, 'messages:history', { conversationId: conversation.id });
      const rest = await t.rest(carol, 'GET', `/api/conversations/${conversation.id}/messages?beforeSeq=5`);
      assert.equal(rest.status, 403);
      await new Promise((resolve) => setTimeout(resolve, 50));

      const refused = lines.filter((line) => line.msg === 'refused');
      const summary = refused.map((line) => [line.code, line.what, line.userId ?? null]);
      assert.deepEqual(summary, [
        ['unauthorized', 'socket handshake', null],
        ['token_expired', 'socket handshake', null],
        ['forbidden', 'socket event messages:history', carol.id],
        ['forbidden', 'GET /conversations/:id/messages', carol.id],
      ]);
      const all = JSON.stringify(lines);
      assert.ok(!all.includes(forged) && !all.includes(expired), 'no token in any log line');
      assert.ok(!all.includes('beforeSeq'), 'no query string in any log line');

      // A flood of bad logins: at most 60 lines a minute, the rest counted.
      for (let i = 0; i < 80; i++) await connectSocket(t.url, `not-a-token-${i}`).catch(() => undefined);
      const afterFlood = lines.filter((line) => line.msg === 'refused');
      assert.equal(afterFlood.length, 60);
    } finally {
      await t.close();
    }
  });
});

describe('security log throttle', () => {
  it('says how many lines it left out, with the first line of the next minute', () => {
    const { lines, logger } = capturedLogger();
    let now = 0;
    const log = createSecurityLog(logger, () => now);
    for (let i = 0; i < 65; i++) log.refused('unauthorized', { what: 'socket handshake' });
    log.refused('rate_limited', { what: 'not a refusal worth a line' });
    now = 60_000;
    log.refused('forbidden', { what: 'GET /conversations/:id' });
    assert.equal(lines.length, 61);
    assert.deepEqual([lines[60]?.code, lines[60]?.suppressed], ['forbidden', 5]);
    assert.equal(lines[59]?.suppressed, undefined);
  });
});
