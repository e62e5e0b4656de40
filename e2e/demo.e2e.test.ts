/**
 * The demo marketplace in real browsers: buyers, suppliers and an admin, each
 * in a browser context of their own, against the demo server. No sleeps as
 * synchronization: every step waits on a condition (Playwright's expectations
 * poll until they hold or time out).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { contextAs, type Demo, launchBrowser, startDemo, watchErrors } from './support.js';

/** Polls `read` until it returns something that satisfies `check`. */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string, ms = 15000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (check(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const bubbles = (page: Page, scope: string) => page.locator(`${scope} [part="bubble"]`).allTextContents();
const statuses = (page: Page, scope: string) =>
  page
    .locator(`${scope} [part~="own"] [part="status"]`)
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('aria-label') ?? n.textContent));
const badgeText = async (page: Page) =>
  (await page.locator('unread-badge').first().getAttribute('hidden')) === null
    ? ((await page.locator('unread-badge [part="base"]').first().textContent()) ?? '')
    : '';

async function openContactDialog(page: Page, demo: Demo, productId: string) {
  await page.goto(`${demo.url}/products/${productId}`);
  await page.locator('contact-supplier [part="button"]').click();
  const textarea = page.locator('contact-supplier chat-thread textarea');
  await textarea.waitFor();
  // The composer takes text at once; these tests want the conversation open before they go offline.
  await page.locator('contact-supplier chat-thread[conversation-id]').waitFor({ state: 'attached' });
  return textarea;
}

describe('the demo marketplace, end to end', () => {
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

  it('a buyer contacts a supplier: live inbox and badge, ticks, typing on both sides, a reply', async () => {
    const supplierPage = await (await contextAs(browser, 'supplier-nordlys')).newPage();
    const buyerPage = await (await contextAs(browser, 'buyer-alice')).newPage();
    const errors = [...watchErrors(supplierPage), ...watchErrors(buyerPage)];
    await supplierPage.goto(`${demo.url}/messages`);
    await supplierPage.locator('chat-inbox [part="toolbar"]').waitFor();

    const composer = await openContactDialog(buyerPage, demo, 'p-stoneware-mug');
    await composer.fill('Hello! Is the mug dishwasher safe?');
    await composer.press('Enter');
    await until(
      () => statuses(buyerPage, 'contact-supplier chat-thread'),
      (s) => s[0] === 'Sent',
      'buyer sees ✓',
    );

    // The supplier's page, never reloaded: the conversation and the badge appear.
    await until(
      () => badgeText(supplierPage),
      (t) => t === '1',
      'supplier badge 1',
    );
    const item = supplierPage.locator('chat-inbox [part~="item"]').first();
    await until(
      () => item.textContent(),
      (t) => (t ?? '').includes('Alice Martin') && (t ?? '').includes('dishwasher'),
      'inbox item',
    );
    await item.click();
    const supplierThread = 'chat-inbox chat-thread';
    await until(
      () => bubbles(supplierPage, supplierThread),
      (b) => b.includes('Hello! Is the mug dishwasher safe?'),
      'supplier reads',
    );

    // Read on screen: the buyer sees ✓✓, and the supplier's badge goes back to 0.
    await until(
      () => statuses(buyerPage, 'contact-supplier chat-thread'),
      (s) => s[0] === 'Read',
      'buyer sees ✓✓',
    );
    await until(
      () => badgeText(supplierPage),
      (t) => t === '',
      'supplier badge cleared',
    );

    // Typing, both ways.
    const supplierComposer = supplierPage.locator(`${supplierThread} textarea`);
    await supplierComposer.pressSequentially('Yes, it is', { delay: 10 });
    await until(
      () => buyerPage.locator('contact-supplier chat-thread [part="typing"]').textContent(),
      (t) => (t ?? '').includes('Nordlys Ceramics is typing'),
      'buyer sees the supplier typing',
    );
    await composer.pressSequentially('Thanks', { delay: 10 });
    await until(
      () => supplierPage.locator(`${supplierThread} [part="typing"]`).textContent(),
      (t) => (t ?? '').includes('Alice Martin is typing'),
      'supplier sees the buyer typing',
    );
    await supplierComposer.press('Enter');
    await until(
      () => bubbles(buyerPage, 'contact-supplier chat-thread'),
      (b) => b.includes('Yes, it is'),
      'buyer gets the reply',
    );
    await until(
      () => buyerPage.locator('contact-supplier chat-thread [part="typing"]').textContent(),
      (t) => (t ?? '').trim() === '',
      'typing stops with the message',
    );
    assert.deepEqual(errors, []);
  });

  it('a buyer writes offline, closes the page, comes back online: delivered once, in order', async () => {
    const context = await contextAs(browser, 'buyer-bruno');
    let page = await context.newPage();
    const composer = await openContactDialog(page, demo, 'p-cast-iron-pan');
    await context.setOffline(true);
    const bodies = ['First, written offline', 'Second, still offline', 'Third, in the tunnel'];
    for (const body of bodies) {
      await composer.fill(body);
      await composer.press('Enter');
    }
    await until(
      () => statuses(page, 'contact-supplier chat-thread'),
      (s) => s.length === 3 && s.every((label) => label === 'Waiting to send'),
      'three queued',
    );
    await page.close(); // the tab is closed while offline

    await context.setOffline(false);
    page = await context.newPage();
    await openContactDialog(page, demo, 'p-cast-iron-pan');
    await until(
      () => bubbles(page, 'contact-supplier chat-thread'),
      (b) => b.join('|') === bodies.join('|'),
      'the three are there',
    );
    await until(
      () => statuses(page, 'contact-supplier chat-thread'),
      (s) => s.length === 3 && s.every((l) => l === 'Sent'),
      'sent',
    );

    const supplierPage = await (await contextAs(browser, 'supplier-ferro')).newPage();
    await supplierPage.goto(`${demo.url}/messages`);
    await supplierPage.locator('chat-inbox [part~="item"]').first().click();
    await until(
      () => bubbles(supplierPage, 'chat-inbox chat-thread'),
      (b) => b.length >= 3,
      'supplier has them',
    );
    assert.deepEqual(await bubbles(supplierPage, 'chat-inbox chat-thread'), bodies, 'exactly once, in order');
  });

  it('two supplier tabs stay consistent while messages arrive', async () => {
    const supplierContext = await contextAs(browser, 'supplier-nordlys');
    const [tabA, tabB] = [await supplierContext.newPage(), await supplierContext.newPage()];
    await tabA.goto(`${demo.url}/`);
    await tabB.goto(`${demo.url}/`);
    const buyerPage = await (await contextAs(browser, 'buyer-bruno')).newPage();
    const composer = await openContactDialog(buyerPage, demo, 'p-bud-vase');
    for (const body of ['One', 'Two', 'Three']) {
      await composer.fill(body);
      await composer.press('Enter');
    }
    await until(
      () => badgeText(tabA),
      (t) => t === '3',
      'tab A: 3',
    );
    await until(
      () => badgeText(tabB),
      (t) => t === '3',
      'tab B: 3',
    );
    // Reading in one tab clears the count in both.
    await tabA.goto(`${demo.url}/messages`);
    await tabA.locator('chat-inbox [part~="item"]', { hasText: 'Bud vase' }).click();
    await until(
      () => bubbles(tabA, 'chat-inbox chat-thread'),
      (b) => b.includes('Three'),
      'tab A shows the thread',
    );
    await until(
      () => badgeText(tabB),
      (t) => t === '',
      'tab B: 0',
    );
    await until(
      () => badgeText(tabA),
      (t) => t === '',
      'tab A: 0',
    );
  });

  it('the admin opens a support thread with a buyer; the buyer sees the staff badge', async () => {
    const adminPage = await (await contextAs(browser, 'admin-sam')).newPage();
    await adminPage.goto(`${demo.url}/admin`);
    await adminPage.selectOption('select[name="client"]', 'buyer-alice');
    await adminPage.fill('input[name="subject"]', 'Order #1234');
    await adminPage.click('button[type="submit"]');
    const adminComposer = adminPage.locator('chat-inbox chat-thread textarea');
    await adminComposer.waitFor();
    await until(() => adminComposer.isEnabled(), Boolean, 'admin composer');
    await adminComposer.fill('Hello Alice, your order #1234 ships tomorrow.');
    await adminComposer.press('Enter');

    const buyerPage = await (await contextAs(browser, 'buyer-alice')).newPage();
    await buyerPage.goto(`${demo.url}/messages`);
    await buyerPage.locator('chat-inbox [part~="item"]', { hasText: 'Order #1234' }).click();
    await until(
      () => buyerPage.locator('chat-inbox chat-thread [part="author"]').allTextContents(),
      (authors) => authors.some((a) => a.includes('Sam from Support') && a.includes('Staff')),
      'staff badge',
    );
  });

  it('a message with HTML and a script is shown as text in both browsers and runs nothing', async () => {
    const attack = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';
    const buyerPage = await (await contextAs(browser, 'buyer-bruno')).newPage();
    const supplierPage = await (await contextAs(browser, 'supplier-nordlys')).newPage();
    const errors = [...watchErrors(buyerPage), ...watchErrors(supplierPage)];
    const composer = await openContactDialog(buyerPage, demo, 'p-serving-bowl');
    await composer.fill(attack);
    await composer.press('Enter');
    await until(
      () => bubbles(buyerPage, 'contact-supplier chat-thread'),
      (b) => b.includes(attack),
      'buyer shows it as text',
    );
    await supplierPage.goto(`${demo.url}/messages`);
    await supplierPage.locator('chat-inbox [part~="item"]', { hasText: 'Large serving bowl' }).click();
    await until(
      () => bubbles(supplierPage, 'chat-inbox chat-thread'),
      (b) => b.includes(attack),
      'supplier shows it as text',
    );
    for (const page of [buyerPage, supplierPage]) {
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
      assert.equal(
        await page.locator('chat-thread [part="bubble"] img, chat-thread [part="bubble"] script').count(),
        0,
      );
    }
    assert.deepEqual(errors, []);
  });
});
