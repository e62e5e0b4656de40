/**
 * The demo as a newcomer tries it: two windows as two people, and a phone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { contextAs, type Demo, launchBrowser, startDemo, watchErrors } from './support.js';

const signedInAs = (page: Page) => page.locator('.signin select').inputValue();

/** Every box that sticks out of the viewport sideways, by selector-ish name. */
const overflowing = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((nodes) =>
    nodes
      .map((node) => ({ node, rect: node.getBoundingClientRect() }))
      .filter(({ rect }) => rect.left < -0.5 || rect.right > window.innerWidth + 0.5)
      .map(({ node, rect }) => `${node.tagName.toLowerCase()}.${node.className}: ${rect.left}–${rect.right}`),
  );

describe('the demo, as a newcomer tries it', () => {
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

  it('two windows of one browser are two people: switching in one leaves the other as it was', async () => {
    // One context = one browser profile: its windows share localStorage, as two windows of a real browser do.
    const context = await contextAs(browser, 'buyer-alice');
    const windowA = await context.newPage();
    const windowB = await context.newPage();
    const errors = [...watchErrors(windowA), ...watchErrors(windowB)];
    await windowA.goto(`${demo.url}/`);
    await windowB.goto(`${demo.url}/`);
    assert.equal(await signedInAs(windowA), 'buyer-alice');
    await windowB.locator('.signin select').selectOption('supplier-nordlys');
    await windowB.waitForURL(`${demo.url}/`);
    await windowB.locator('.signin select').waitFor();
    assert.equal(await signedInAs(windowB), 'supplier-nordlys');
    await windowA.reload();
    assert.equal(await signedInAs(windowA), 'buyer-alice', 'window A stayed the buyer');
    await windowA.goto(`${demo.url}/messages`);
    assert.equal(await signedInAs(windowA), 'buyer-alice', 'and stays so from page to page');
    // A link can name the person for a fresh window.
    const windowC = await context.newPage();
    await windowC.goto(`${demo.url}/?as=admin-sam`);
    assert.equal(await signedInAs(windowC), 'admin-sam');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('fits a 390 px phone: the header and the contact dialog stay on screen', async () => {
    const context = await contextAs(browser, 'buyer-alice', { phone: true, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${demo.url}/products/p-stoneware-mug`);
    await page.locator('.signin select').waitFor();
    assert.equal(await page.evaluate(() => window.innerWidth), 390, 'the layout viewport is the phone’s');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= 390), true, 'no sideways scroll');
    assert.deepEqual(await overflowing(page, '.site-header, .site-header *'), []);

    await page.locator('contact-supplier [part="button"]').tap();
    const dialog = page.locator('contact-supplier [part="dialog"]');
    await dialog.waitFor();
    const box = await dialog.evaluate((node) => {
      const rect = node.getBoundingClientRect();
      return { left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom, height: window.innerHeight };
    });
    assert.ok(box.left >= 0 && box.right <= 390, `dialog inside the screen sideways: ${JSON.stringify(box)}`);
    assert.ok(box.top >= 0 && box.bottom <= box.height, `dialog inside the screen: ${JSON.stringify(box)}`);
    const composer = page.locator('contact-supplier chat-thread textarea');
    await composer.fill('Hello from my phone');
    await composer.press('Enter');
    const bubble = page.locator('contact-supplier chat-thread [part~="own"] [part="bubble"]').first();
    await bubble.waitFor();
    assert.deepEqual(await overflowing(page, 'contact-supplier [part="dialog"]'), []);

    // On touch, the message's actions: its button shows without hover, a tap on the bubble opens the menu,
    // and every target is at least 44 px.
    await page.locator('contact-supplier chat-thread [part~="own"] .more-button').waitFor({ state: 'attached' });
    await page.waitForFunction(() => {
      const thread = document.querySelector('contact-supplier')?.shadowRoot?.querySelector('chat-thread');
      return thread?.shadowRoot?.querySelector('[part="status"]')?.getAttribute('aria-label') === 'Sent';
    });
    const more = page.locator('contact-supplier chat-thread [part~="own"] .more-button');
    assert.equal(await more.evaluate((node) => getComputedStyle(node).opacity), '1', 'no hover needed on touch');
    await bubble.tap();
    const items = page.locator('contact-supplier chat-thread [role="menu"] [role="menuitem"]');
    await items.first().waitFor();
    const sizes = await page
      .locator(
        'contact-supplier chat-thread [part~="own"] .more-button, contact-supplier chat-thread [part~="own"] [role="menuitem"]',
      )
      .evaluateAll((nodes) =>
        nodes.map((node) => node.getBoundingClientRect()).map((r) => ({ width: r.width, height: r.height })),
      );
    assert.equal(sizes.length, 3, 'the button and its two items');
    for (const { width, height } of sizes)
      assert.ok(width >= 44 && height >= 44, `44 px targets: ${JSON.stringify(sizes)}`);
    assert.deepEqual(await overflowing(page, 'contact-supplier chat-thread [role="menu"]'), [], 'the menu on screen');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
