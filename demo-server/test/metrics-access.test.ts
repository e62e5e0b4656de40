import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config.js';
import { startTestServer, TEST_METRICS_TOKEN } from './helpers.js';

/** /metrics is not public: a token on the main port, or a port of its own on loopback. */
describe('/metrics access', () => {
  it('answers 404 when neither METRICS_TOKEN nor METRICS_PORT is set', async () => {
    const t = await startTestServer({ METRICS_TOKEN: '' });
    try {
      const response = await fetch(`${t.url}/metrics`);
      assert.equal(response.status, 404);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'not_found');
    } finally {
      await t.close();
    }
  });

  it('with METRICS_TOKEN: 401 without it or with a wrong one, the Prometheus text with it', async () => {
    const t = await startTestServer();
    try {
      for (const authorization of [undefined, 'Bearer wrong-token-of-some-length', `Basic ${TEST_METRICS_TOKEN}`]) {
        const response = await fetch(`${t.url}/metrics`, authorization ? { headers: { authorization } } : {});
        assert.equal(response.status, 401, String(authorization));
        assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'unauthorized');
      }
      const allowed = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
      assert.equal(allowed.status, 200);
      assert.match(await allowed.text(), /^palaver_connected_sockets /m);
    } finally {
      await t.close();
    }
  });

  it('with METRICS_PORT: served on 127.0.0.1 at that port only, and not on the main port', async () => {
    const probe = await startTestServer({ METRICS_TOKEN: '' });
    const port = Number(new URL(probe.url).port);
    await probe.close();
    // The port the probe had is free again: a port that is free for the metrics listener.
    const t = await startTestServer({ METRICS_TOKEN: '', METRICS_PORT: String(port) });
    try {
      assert.equal((await fetch(`${t.url}/metrics`)).status, 404, 'not on the main port');
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(response.status, 200);
      assert.match(await response.text(), /^palaver_connected_sockets /m);
      assert.equal((await fetch(`http://127.0.0.1:${port}/api/conversations`)).status, 404, 'nothing else there');
    } finally {
      await t.close();
    }
    await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`), 'closed with the server');
  });

  it('refuses a short METRICS_TOKEN at start, naming the variable', () => {
    assert.throws(
      () => loadConfig({ JWT_SECRET: 'x'.repeat(32), METRICS_TOKEN: 'short' }),
      /METRICS_TOKEN: at least 16 printable characters/,
    );
  });
});
