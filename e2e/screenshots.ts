/**
 * `npm run screenshots`: pictures of the demo's main pages, light and dark,
 * for the README (docs/screenshots/). Needs `npm run build` first.
 */
import { fileURLToPath } from 'node:url';
import { contextAs, launchBrowser, startDemo } from './support.js';

const out = (name: string) => fileURLToPath(new URL(`../docs/screenshots/${name}.png`, import.meta.url));

const demo = await startDemo();
const browser = await launchBrowser();
try {
  // A little history first: a buyer asks, the supplier answers.
  const buyer = await (await contextAs(browser, 'buyer-alice')).newPage();
  await buyer.goto(`${demo.url}/products/p-stoneware-mug`);
  await buyer.locator('contact-supplier [part="button"]').click();
  const composer = buyer.locator('contact-supplier chat-thread textarea');
  for (const text of ['Hello! Is the mug dishwasher safe?', 'And do you ship to Lyon?']) {
    await composer.fill(text);
    await composer.press('Enter');
  }
  const supplier = await (await contextAs(browser, 'supplier-nordlys')).newPage();
  await supplier.goto(`${demo.url}/messages`);
  await supplier.locator('chat-inbox [part~="item"]').first().click();
  const reply = supplier.locator('chat-inbox chat-thread textarea');
  await reply.fill('Hi Alice! Yes to both — dishwasher safe, and Lyon is 2 days away. https://example.com/shipping');
  await reply.press('Enter');
  await buyer.locator('contact-supplier chat-thread [part="bubble"]', { hasText: 'Lyon is 2 days' }).waitFor();

  for (const scheme of ['light', 'dark'] as const) {
    const page = await (await contextAs(browser, 'buyer-alice', { colorScheme: scheme })).newPage();
    await page.goto(`${demo.url}/`);
    await page.locator('.card').first().waitFor();
    await page.screenshot({ path: out(`home-${scheme}`) });
    await page.goto(`${demo.url}/products/p-stoneware-mug`);
    await page.locator('contact-supplier [part="button"]').click();
    await page.locator('contact-supplier chat-thread [part="bubble"]', { hasText: 'Lyon is 2 days' }).waitFor();
    await page.screenshot({ path: out(`product-${scheme}`) });
    const inbox = await (await contextAs(browser, 'supplier-nordlys', { colorScheme: scheme })).newPage();
    await inbox.goto(`${demo.url}/messages`);
    await inbox.locator('chat-inbox [part~="item"]').first().click();
    await inbox.locator('chat-inbox chat-thread [part="bubble"]').first().waitFor();
    await inbox.screenshot({ path: out(`messages-${scheme}`) });
  }
} finally {
  await browser.close();
  await demo.stop();
}
