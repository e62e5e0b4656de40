/**
 * The operator dashboard in Chromium: asks for the metrics token, then shows
 * live figures that move when messages are sent, in light and dark mode,
 * with no accessibility violation.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { type Demo, launchBrowser, startDemo, watchErrors } from './support.js';

const TOKEN = 'dashboard-token-for-the-e2e-test-0123456789';
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the debugging protocol: the page's own Content-Security-Policy stays on.
  await page.evaluate(readFileSync(axePath, 'utf8'));
  return page.evaluate(async () => {
    const { violations } = await (
      window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string }> }> } }
    ).axe.run();
    return violations.map((violation) => violation.id);
  });
}

describe('the operator dashboard', () => {
  let demo: Demo;
  let browser: Browser;
  before(async () => {
    demo = await startDemo({ METRICS_TOKEN: TOKEN, DASHBOARD_SAMPLE_MS: '300' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('keeps its figures behind the metrics token', async () => {
    assert.equal((await fetch(`${demo.url}/dashboard/data`)).status, 401);
    const wrong = await fetch(`${demo.url}/dashboard/data`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    const right = await fetch(`${demo.url}/dashboard/data`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(right.status, 200);
  });

  it('shows live figures that move when messages are sent, readable in dark mode, axe-clean', async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${demo.url}/dashboard`);
    await page.locator('#token').fill(TOKEN);
    await page.locator('#token-form button').click();
    await page.locator('#charts canvas').first().waitFor();
    assert.equal(await page.locator('#now-messages').textContent(), '0');

    // A buyer writes ten messages: connections and messages per minute go up.
    const { token } = (await (
      await fetch(`${demo.url}/api/demo/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'buyer-alice' }),
      })
    ).json()) as { token: string };
    const socket = io(demo.url, { auth: { token }, transports: ['websocket'], forceNew: true });
    try {
      const opened = (await socket.timeout(5000).emitWithAck('conversation:open', {
        kind: 'product',
        productId: 'p-stoneware-mug',
      })) as { conversation: { id: string } };
      assert.ok(opened.conversation, JSON.stringify(opened));
      for (let i = 0; i < 10; i++) {
        const sent = await socket.timeout(5000).emitWithAck('message:send', {
          conversationId: opened.conversation.id,
          clientId: `dashboard-${Date.now()}-${i}`,
          body: `message ${i}`,
        });
        assert.equal((sent as { ok: boolean }).ok, true, JSON.stringify(sent));
      }
      await page.waitForFunction(() => Number(document.getElementById('now-messages')?.textContent) === 10, undefined, {
        timeout: 10_000,
      });
      await page.waitForFunction(() => Number(document.getElementById('now-connections')?.textContent) >= 1);
      assert.match((await page.locator('#now-latency').textContent()) ?? '', /ms/);
    } finally {
      socket.disconnect();
    }
    assert.ok((await page.locator('#charts canvas').count()) >= 4);
    assert.deepEqual(await axeViolations(page), []);

    await page.emulateMedia({ colorScheme: 'dark' });
    const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    assert.equal(background, 'rgb(17, 20, 24)');
    assert.deepEqual(await axeViolations(page), []);
    // The one expected complaint: the first look, before the token was given, was refused.
    assert.deepEqual(
      errors.filter((error) => !error.includes('status of 401')),
      [],
    );
  });
});
