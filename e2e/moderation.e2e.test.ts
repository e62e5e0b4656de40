/**
 * The moderation console in Chromium, on the demo's support desk: a buyer
 * reports a message → it appears in the queue, in its context → the
 * moderator removes it → the supplier and the buyer see it removed; the
 * support desk stays axe-clean.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { contextAs, type Demo, launchBrowser, startDemo, watchErrors } from './support.js';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the debugging protocol: the page's own Content-Security-Policy stays on.
  await page.evaluate(readFileSync(axePath, 'utf8'));
  return page.evaluate(async () => {
    const { violations } = await (
      window as unknown as {
        axe: { run(): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }> };
      }
    ).axe.run();
    return violations.map((violation) => `${violation.id} ${JSON.stringify(violation.nodes.map((n) => n.target))}`);
  });
}

const REPORTED = 'Pay me by bank transfer, outside the shop, it is cheaper';

describe('the moderation console, end to end', () => {
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

  it('a buyer reports a message → the queue shows it in context → removed → both sides see it removed; axe-clean', async () => {
    const buyerPage = await (await contextAs(browser, 'buyer-alice')).newPage();
    const supplierPage = await (await contextAs(browser, 'supplier-nordlys')).newPage();
    const adminPage = await (await contextAs(browser, 'admin-sam')).newPage();
    const errors = [...watchErrors(buyerPage), ...watchErrors(supplierPage), ...watchErrors(adminPage)];

    // The buyer writes to the supplier, twice.
    await buyerPage.goto(`${demo.url}/products/p-stoneware-mug`);
    await buyerPage.locator('contact-supplier [part="button"]').click();
    const composer = buyerPage.locator('contact-supplier chat-thread textarea');
    await composer.waitFor();
    await buyerPage.locator('contact-supplier chat-thread[conversation-id]').waitFor({ state: 'attached' });
    for (const text of ['Is the mug dishwasher safe?', REPORTED]) {
      await composer.fill(text);
      await composer.press('Enter');
    }
    const sent = buyerPage.locator('contact-supplier chat-thread [part~="own"] [part="status"][aria-label="Sent"]');
    await sent.nth(1).waitFor();

    // …and reports the second message through the page's socket (`report:create`, what the thread's menu sends).
    await buyerPage.evaluate(async (text) => {
      const { configuredClient } = (await import('/assets/palaver.js' as string)) as {
        configuredClient(): { messagesOf(id: string): { get(): Array<{ id: string; body: string }> } };
      };
      const client = configuredClient();
      const thread = document.querySelector('contact-supplier')?.shadowRoot?.querySelector('chat-thread');
      const conversationId = thread?.getAttribute('conversation-id') as string;
      const message = client
        .messagesOf(conversationId)
        .get()
        .find((m) => m.body === text);
      const access = (client as unknown as Record<symbol, { request(e: string, p: object): Promise<unknown> }>)[
        Symbol.for('palaver.client-access.v1')
      ];
      await access?.request('report:create', {
        conversationId,
        messageId: message?.id,
        reason: 'off_platform',
        note: 'asks to pay outside',
      });
    }, REPORTED);

    // The support desk's queue shows it, marked among its neighbours.
    await adminPage.goto(`${demo.url}/admin`);
    const reported = adminPage.locator('chat-moderation [part~="reported"]');
    await reported.waitFor();
    assert.equal(await reported.locator('[part="bubble"]').textContent(), REPORTED);
    assert.equal(
      await adminPage.locator('chat-moderation [part="context"] [part="bubble"]').first().textContent(),
      'Is the mug dishwasher safe?',
    );
    assert.match(
      (await adminPage.locator('chat-moderation [part="report"]').textContent()) ?? '',
      /asks to pay outside/,
    );
    assert.deepEqual(await axeViolations(adminPage), []);

    // Removed with a reason, from the keyboard.
    await reported.getByRole('button', { name: /^Remove/ }).focus();
    await adminPage.keyboard.press('Enter');
    await adminPage.keyboard.type('Payment outside the marketplace');
    await adminPage.keyboard.press('Tab');
    await adminPage.keyboard.press('Tab');
    await adminPage.keyboard.press('Enter');
    await reported.locator('[part="removed-mark"]').waitFor();
    assert.deepEqual(await axeViolations(adminPage), []);

    // The buyer's open thread changes by itself; the supplier reads it removed in their inbox.
    const buyerBubbles = buyerPage.locator('contact-supplier chat-thread [part="bubble"]');
    await buyerPage.waitForFunction(() => {
      const thread = document.querySelector('contact-supplier')?.shadowRoot?.querySelector('chat-thread');
      return Array.from(thread?.shadowRoot?.querySelectorAll('[part="bubble"]') ?? []).some(
        (b) => b.textContent === 'Removed by moderation',
      );
    });
    assert.ok(!(await buyerBubbles.allTextContents()).includes(REPORTED));

    await supplierPage.goto(`${demo.url}/messages`);
    await supplierPage.locator('chat-inbox [part~="item"]').first().click();
    const supplierBubbles = supplierPage.locator('chat-inbox chat-thread [part="bubble"]');
    await supplierPage
      .locator('chat-inbox chat-thread [part="bubble"]', { hasText: 'Removed by moderation' })
      .waitFor();
    assert.ok(!(await supplierBubbles.allTextContents()).includes(REPORTED));
    assert.ok((await supplierBubbles.allTextContents()).includes('Is the mug dishwasher safe?'));

    // The audit log has it: who, what, why.
    await adminPage.locator('chat-moderation [role="tab"]', { hasText: 'Audit log' }).click();
    const row = adminPage.locator('chat-moderation tbody tr[data-action="message.removed"]');
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /admin-sam.*Removed a message.*Payment outside the marketplace/s);
    assert.deepEqual(await axeViolations(adminPage), []);
    assert.deepEqual(errors, []);
  });
});
