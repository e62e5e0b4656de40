/**
 * The embedding examples of docs/examples, loaded in Chromium from the demo
 * server: each must show its thread, send a message and hear back about it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { type Demo, launchBrowser, sendThroughThread, startDemo, watchErrors } from './support.js';

describe('docs/examples', () => {
  let demo: Demo;
  let browser: Browser;
  before(async () => {
    demo = await startDemo();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('plain HTML: one script, configure(), tags', async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${demo.url}/examples/plain-html/`);
    await sendThroughThread(page, 'Hello from plain HTML');
    assert.match((await page.locator('chat-thread [part="product"]').textContent()) ?? '', /Copper kettle/);
    assert.deepEqual(errors, []);
  });

  it('React: the component renders the thread and receives its events', async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    const logged: string[] = [];
    page.on('console', (message) => logged.push(message.text()));
    await page.goto(`${demo.url}/examples/react/`);
    await page.locator('h1', { hasText: 'Carbon-steel knife set' }).waitFor();
    await sendThroughThread(page, 'Hello from React');
    assert.ok(
      logged.some((line) => line.startsWith('sent ')),
      'the React event handler ran',
    );
    assert.deepEqual(errors, []);
  });

  it('Vue: the component renders the thread and receives its events', async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${demo.url}/examples/vue/`);
    await sendThroughThread(page, 'Hello from Vue');
    await page.locator('.sent', { hasText: 'Sent from this page: 1' }).waitFor();
    assert.deepEqual(errors, []);
  });
});
