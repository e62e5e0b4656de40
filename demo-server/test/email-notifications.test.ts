import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type CaughtMail, startMailCatcher } from '../src/demo/mail-catcher.js';
import { carol, connectAs, ok, openProduct, send, spawnServer, startTestServer, type TestUser } from './helpers.js';
import { SERVER_API_KEY, serverApi } from './server-api-client.js';
import { databaseEnv, dropDatabase, postgresOnly } from './test-database.js';

const PUBLIC_URL = 'https://chat.shop.example';

/** Digests after 300 ms away, looked for every 50 ms; the outbox polled every 20 ms, retried after ~100 ms. */
const emailEnv = (smtpUrl: string) => ({
  SMTP_URL: smtpUrl,
  EMAIL_FROM: 'Potter & Forge <notifications@shop.example>',
  PUBLIC_URL,
  EMAIL_CONVERSATION_URL: 'https://shop.example/messages?conversation={conversationId}',
  NOTIFY_AFTER_MINUTES: '0.005',
  NOTIFY_SCAN_MS: '50',
  EMAIL_POLL_MS: '20',
  EMAIL_RETRY_BASE_MS: '100',
  PALAVER_API_KEY: SERVER_API_KEY,
});

const ferro: TestUser = { id: 'supplier-ferro', name: 'Ferro & Fils' };
const quick: TestUser = { id: 'supplier-quick', name: 'Quick Reader' };
const silent: TestUser = { id: 'supplier-silent', name: 'No Address' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A TCP server on `port` that counts connections and does `onConnection` with each (no SMTP). */
async function tcpServer(port: number, onConnection: (socket: Socket) => void) {
  const sockets = new Set<Socket>();
  const state = { connections: 0 };
  const server = createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const to = (mails: CaughtMail[], address: string) => mails.filter((mail) => mail.to.includes(address));

describe('email digests of unread messages (SMTP_URL)', () => {
  it('one email per burst, in French, masked and escaped, with a link back; none for who reads in time or has no address; unsubscribing stops them', async () => {
    const catcher = await startMailCatcher();
    const t = await startTestServer({ ...emailEnv(catcher.url), CONTACT_MASKING: 'mask' });
    const api = serverApi(t.url);
    try {
      assert.equal(
        (await api('PUT', `/users/${ferro.id}`, { name: ferro.name, email: 'commandes@ferro.example', locale: 'fr' }))
          .status,
        200,
      );
      await api('PUT', `/users/${quick.id}`, { name: quick.name, email: 'quick@example.com', locale: 'en' });
      await api('PUT', `/users/${silent.id}`, { name: silent.name });
      const buyer = await t.connect(carol);
      const reader = await t.connect(quick);
      const toFerro = await openProduct(buyer, ferro);
      const toQuick = await openProduct(buyer, quick);
      const toSilent = await openProduct(buyer, silent);
      const burst = [
        'Bonjour, is the mug still available?',
        'Call me on 06 12 34 56 78',
        'or write to carol.buyer@example.com',
        'I like <b>bold</b> & "quoted" glaze',
        'Thanks!',
      ];
      for (const body of burst) await send(buyer, toFerro.id, body);
      const last = await send(buyer, toQuick.id, 'Read me in time');
      await send(buyer, toSilent.id, 'Nobody can email you');
      await ok(reader, 'conversation:read', { conversationId: toQuick.id, seq: last.seq });
      reader.disconnect();

      const [mail] = await waitFor('the digest', () => {
        const mails = to(catcher.mails(), 'commandes@ferro.example');
        return mails.length > 0 ? mails : undefined;
      });
      await sleep(700);
      // One email for the burst of five, and nobody else got any.
      assert.equal(catcher.mails().length, 1);
      assert.ok(mail);
      assert.equal(mail.subject, 'Carol vous a envoyé 5 messages à propos de « Stoneware mug »');
      assert.match(mail.from, /notifications@shop\.example/);
      for (const text of [mail.text, mail.html ?? '']) {
        assert.match(text, /Bonjour Ferro &(amp;)? Fils/);
        assert.doesNotMatch(text, /06 12 34 56 78/);
        assert.doesNotMatch(text, /carol\.buyer@example\.com/);
        assert.ok(text.includes(`https://shop.example/messages?conversation=${encodeURIComponent(toFerro.id)}`));
        assert.match(text, /Bonjour, is the mug still available\?/);
        assert.match(text, /Thanks!/);
      }
      assert.match(mail.text, /I like <b>bold<\/b> & "quoted" glaze/);
      assert.ok(mail.html?.includes('I like &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; glaze'));
      assert.doesNotMatch(mail.html ?? '', /<b>bold/);
      assert.match(mail.text, /Ne plus recevoir ces e-mails/);

      // List-Unsubscribe names this server; one click (RFC 8058) turns digests off without signing in.
      assert.equal(mail.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
      const link = /^<(.+)>$/.exec(mail.headers['list-unsubscribe'] ?? '')?.[1] ?? '';
      assert.ok(link.startsWith(`${PUBLIC_URL}/email/unsubscribe?token=`), link);
      const onThisServer = t.url + link.slice(PUBLIC_URL.length);
      const forged = onThisServer.replace(/token=[^&]+/, 'token=c3VwcGxpZXItZmVycm8.AAAA');
      assert.equal((await fetch(forged, { method: 'POST' })).status, 400);
      const confirmPage = await fetch(onThisServer);
      assert.equal(confirmPage.status, 200);
      assert.match(await confirmPage.text(), /<form method="post">/);
      // Opening the link (a mail scanner does) changes nothing.
      assert.equal(
        (await api<{ user: { emailNotifications: boolean } }>('GET', `/users/${ferro.id}`)).body.user
          .emailNotifications,
        true,
      );
      const oneClick = await fetch(onThisServer, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      assert.equal(oneClick.status, 200);
      assert.match(await oneClick.text(), /vous ne recevrez plus/);
      const user = await api<{ user: { emailNotifications: boolean } }>('GET', `/users/${ferro.id}`);
      assert.equal(user.body.user.emailNotifications, false);

      // The next burst is told (webhooks would hear of it) but not emailed.
      await send(buyer, toFerro.id, 'Still there?');
      await sleep(900);
      assert.equal(to(catcher.mails(), 'commandes@ferro.example').length, 1);

      // A profile update that says nothing of it keeps them unsubscribed; the marketplace may turn it back on.
      await api('PUT', `/users/${ferro.id}`, { name: ferro.name, email: 'commandes@ferro.example', locale: 'fr' });
      assert.equal(
        (await api<{ user: { emailNotifications: boolean } }>('GET', `/users/${ferro.id}`)).body.user
          .emailNotifications,
        false,
      );
      await api('PUT', `/users/${ferro.id}`, {
        name: ferro.name,
        email: 'commandes@ferro.example',
        locale: 'fr',
        emailNotifications: true,
      });
      await send(buyer, toFerro.id, 'Hello again');
      const second = await waitFor('the next digest', () => to(catcher.mails(), 'commandes@ferro.example')[1]);
      // Everything unread at that moment: the newest five quoted, the others counted.
      assert.equal(second.subject, 'Carol vous a envoyé 7 messages à propos de « Stoneware mug »');
      assert.match(second.text, /… et 2 messages plus anciens/);
      assert.match(second.text, /Carol: Hello again/);
      // Counted once the SMTP server's acceptance is recorded (just after the catcher has the email).
      const deadline = Date.now() + 5000;
      while (!/palaver_email_attempts_total\{outcome="sent"\} 2/.test(await t.metricsText())) {
        if (Date.now() > deadline) assert.fail('two emails were not counted as sent');
        await sleep(50);
      }
    } finally {
      await t.close();
      await catcher.close();
    }
  });

  it('sent digests are deleted after DELIVERY_RETENTION_DAYS', async () => {
    const catcher = await startMailCatcher();
    // 0.00002 days is 1.7 s.
    const t = await startTestServer({ ...emailEnv(catcher.url), DELIVERY_RETENTION_DAYS: '0.00002' });
    try {
      await serverApi(t.url)('PUT', `/users/${ferro.id}`, { name: ferro.name, email: 'ferro@example.com' });
      const buyer = await t.connect(carol);
      const conversation = await openProduct(buyer, ferro);
      await send(buyer, conversation.id, 'is the kettle still for sale?');
      await waitFor('the digest', () => (catcher.mails().length === 1 ? true : undefined));
      const sent = async () => (await t.server.store.emails.counts()).sent;
      const deadline = Date.now() + 10_000;
      while ((await sent()) !== 1 && Date.now() < deadline) await sleep(20);
      assert.equal(await sent(), 1);
      while ((await sent()) > 0 && Date.now() < deadline) await sleep(100);
      assert.equal(await sent(), 0);
    } finally {
      await t.close();
      await catcher.close();
    }
  });

  it('the preference is read again at send time: unsubscribed while the email waits for a retry, nothing is sent', async () => {
    const probe = await startMailCatcher();
    const { port, url } = probe;
    await probe.close();
    const dropping = await tcpServer(port, (socket) => socket.destroy());
    const t = await startTestServer(emailEnv(url));
    let catcher: Awaited<ReturnType<typeof startMailCatcher>> | undefined;
    try {
      const api = serverApi(t.url);
      await api('PUT', `/users/${ferro.id}`, { name: ferro.name, email: 'ferro@example.com' });
      const buyer = await t.connect(carol);
      const conversation = await openProduct(buyer, ferro);
      await send(buyer, conversation.id, 'are you there?');
      await waitFor('a failed attempt', () => (dropping.connections >= 1 ? true : undefined));
      await api('PUT', `/users/${ferro.id}`, {
        name: ferro.name,
        email: 'ferro@example.com',
        emailNotifications: false,
      });
      await dropping.close();
      catcher = await startMailCatcher(port);
      const deadline = Date.now() + 8000;
      while (!/palaver_email_attempts_total\{outcome="skipped"\} 1/.test(await t.metricsText())) {
        if (Date.now() > deadline) assert.fail('the waiting email was not skipped');
        await sleep(50);
      }
      assert.deepEqual(catcher.mails(), []);
    } finally {
      await t.close();
      await dropping.close();
      await catcher?.close();
    }
  });

  it('a server killed while the SMTP server is down, and killed mid-send, loses no email and sends it once', async () => {
    // One SMTP address throughout: first a server that drops every connection, then one that
    // never answers (the node is killed while waiting), then a real one.
    const probe = await startMailCatcher();
    const { port, url } = probe;
    await probe.close();
    const folder = mkdtempSync(join(tmpdir(), 'palaver-email-'));
    const env = { ...(await databaseEnv(folder)), ...emailEnv(url), EMAIL_TIMEOUT_MS: '300' };
    let catcher: Awaited<ReturnType<typeof startMailCatcher>> | undefined;
    try {
      const dropping = await tcpServer(port, (socket) => socket.destroy());
      const first = await spawnServer(env);
      await serverApi(first.url)('PUT', `/users/${ferro.id}`, { name: ferro.name, email: 'ferro@example.com' });
      const buyer = await connectAs(first.url, carol);
      const conversation = await openProduct(buyer, ferro);
      for (let i = 0; i < 5; i++) await send(buyer, conversation.id, `message ${i}`);
      buyer.disconnect();
      // Two attempts: the email is queued (and its burst marked told) and being retried.
      await waitFor('two attempts', () => (dropping.connections >= 2 ? true : undefined));
      await first.stop('SIGKILL');
      await dropping.close();

      const hanging = await tcpServer(port, () => undefined);
      const second = await spawnServer(env);
      await waitFor('an attempt that hangs', () => (hanging.connections >= 1 ? true : undefined), 10_000);
      await second.stop('SIGKILL');
      await hanging.close();

      catcher = await startMailCatcher(port);
      const third = await spawnServer(env);
      try {
        // After the dead node's lease ran out.
        const mail = await waitFor('the email', () => catcher?.mails()[0], 15_000);
        assert.equal(mail.subject, 'Carol sent you 5 messages about Stoneware mug');
        await sleep(1000);
        assert.equal(catcher.mails().length, 1);
      } finally {
        await third.stop('SIGTERM');
      }
    } finally {
      await catcher?.close();
      await dropDatabase(folder);
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('two nodes on one PostgreSQL database send each digest once', {
    skip: postgresOnly('nodes share a database'),
  }, async () => {
    const catcher = await startMailCatcher();
    const folder = mkdtempSync(join(tmpdir(), 'palaver-email-nodes-'));
    // Both nodes look for bursts and send emails every few ms, on the same database.
    const env = { ...emailEnv(catcher.url), NOTIFY_SCAN_MS: '50', EMAIL_POLL_MS: '10' };
    const a = await startTestServer(env, folder);
    const b = await startTestServer(env, folder);
    try {
      const suppliers = Array.from({ length: 8 }, (_, i) => ({ id: `supplier-${i}`, name: `Supplier ${i}` }));
      const buyer = await a.connect(carol);
      for (const supplier of suppliers) {
        await serverApi(a.url)('PUT', `/users/${supplier.id}`, {
          name: supplier.name,
          email: `${supplier.id}@example.com`,
        });
        const conversation = await openProduct(buyer, supplier);
        for (let i = 0; i < 3; i++) await send(buyer, conversation.id, `hello ${i}`);
      }
      await waitFor('every digest', () => (catcher.mails().length >= suppliers.length ? true : undefined), 15_000);
      await sleep(1000);
      assert.deepEqual(
        catcher
          .mails()
          .map((mail) => mail.to.join())
          .sort(),
        suppliers.map((supplier) => `${supplier.id}@example.com`).sort(),
      );
    } finally {
      await a.close();
      await b.close();
      await catcher.close();
      await dropDatabase(folder);
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
