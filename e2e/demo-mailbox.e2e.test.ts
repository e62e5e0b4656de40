/**
 * The demo's Mailbox: what a supplier who was away would have received by
 * email, caught by the demo's own SMTP server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { contextAs, type Demo, launchBrowser, startDemo, watchErrors } from './support.js';

describe('the demo mailbox', () => {
  let demo: Demo;
  let browser: Browser;
  before(async () => {
    // Digests after 300 ms away instead of ten minutes.
    demo = await startDemo({ NOTIFY_AFTER_MINUTES: '0.005', NOTIFY_SCAN_MS: '100', EMAIL_POLL_MS: '50' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('shows the digest a supplier who was away received, in their language, with contact details hidden', async () => {
    const buyer = await contextAs(browser, 'buyer-alice');
    const page = await buyer.newPage();
    const errors = watchErrors(page);
    await page.goto(`${demo.url}/products/p-copper-kettle`);
    await page.locator('contact-supplier [part="button"]').click();
    const composer = page.locator('contact-supplier chat-thread textarea');
    await composer.waitFor();
    await composer.fill('Is the kettle in stock? Call me on 06 12 34 56 78');
    await composer.press('Enter');
    await page.locator('contact-supplier chat-thread [part~="own"] [part="bubble"]').first().waitFor();
    await buyer.close();

    // Ferro & Fils (French) never opened a page: their digest arrives.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const box = await (await fetch(`${demo.url}/api/demo/mailbox?userId=supplier-ferro`)).json();
      if (box.mails.length > 0) break;
      if (Date.now() > deadline) throw new Error('no digest reached the mailbox');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const supplier = await contextAs(browser, 'supplier-ferro');
    const mailbox = await supplier.newPage();
    errors.push(...watchErrors(mailbox));
    await mailbox.goto(`${demo.url}/mailbox`);
    const mail = mailbox.locator('article.mail');
    await mail.first().waitFor();
    assert.equal(await mail.count(), 1);
    assert.equal(
      await mail.locator('h2').textContent(),
      'Alice Martin vous a écrit à propos de « Copper kettle 1.5 l »',
    );
    const text = await mail.locator('.mail-text').textContent();
    assert.match(text ?? '', /Is the kettle in stock\?/);
    assert.doesNotMatch(text ?? '', /06 12 34 56 78/);
    assert.match(text ?? '', /\/messages\?conversation=/);
    assert.match((await mail.locator('iframe').getAttribute('srcdoc')) ?? '', /Ouvrir la conversation/);
    assert.deepEqual(errors, []);
    await supplier.close();
  });
});
