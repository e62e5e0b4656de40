/**
 * The product-page budget of the spec, in headless Chromium: a page with
 * `<unread-badge>` and `<contact-supplier>` from the `palaver.js` drop-in.
 *
 * - What Palaver costs before anyone uses it: the bytes of Palaver's files
 *   fetched (gzip, as served) by the `load` event and, apart, once the idle
 *   prefetch of the thread is done; the main-thread time of Palaver's scripts
 *   (a Chromium trace, see main-thread-trace.ts), and, as a cross-check, the
 *   page's whole task time (CDP TaskDuration) minus that of the same page
 *   without Palaver.
 * - The thread opening after a click: with the thread's code prefetched (warm)
 *   and with nothing prefetched in a fresh browser context (cold), to the dialog
 *   showing the thread and to its composer being ready (conversation open).
 *
 * `npx tsx bench/product-page.ts` prints the medians as JSON (`npm run build`
 * first); `npm run bench` includes it. Everything listens on 127.0.0.1.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/support.js';
import { signProductTokenSync } from '../test-support/product-token.js';
import { SCRIPT_TRACE_CATEGORIES, scriptTime } from './main-thread-trace.js';
import { BENCH_SECRET, benchToken, startPalaver } from './processes.js';

const DIST = fileURLToPath(new URL('../packages/elements/dist/', import.meta.url));
const RUNS = Number(process.env.PRODUCT_PAGE_RUNS ?? 7);

export interface ProductPageResult {
  /** Palaver's bytes (gzip) fetched by the `load` event, and the files. */
  firstLoadBytes: number;
  firstLoadFiles: string[];
  /** Palaver's bytes once the idle prefetch of the thread has been fetched too. */
  afterIdleBytes: number;
  /** Main-thread time of Palaver's scripts until the badge is online (median, ms; see main-thread-trace.ts). */
  mainThreadMs: number;
  /** Cross-check: the page's whole task time minus the same page's without Palaver (median, ms; noisy). */
  pageDifferenceMs: number;
  /** The page difference, counted until the idle prefetch has run (work done in idle time included). */
  mainThreadWithPrefetchMs: number;
  /** Click → dialog open with the thread rendered; code prefetched (median, ms). */
  warmOpenMs: number;
  /** Click → composer enabled (the conversation is open on the server too); code prefetched. */
  warmReadyMs: number;
  coldOpenMs: number;
  coldReadyMs: number;
  runs: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const log = (line: string) => process.stderr.write(`${line}\n`);

/** The drop-in's files, gzipped once, served as a CDN serves them (cacheable, gzip). */
function assets(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  files.set('/palaver.js', gzipSync(readFileSync(`${DIST}palaver.js`), { level: 9 }));
  for (const name of readdirSync(`${DIST}palaver-chunks`).filter((file) => file.endsWith('.js'))) {
    files.set(`/palaver-chunks/${name}`, gzipSync(readFileSync(`${DIST}palaver-chunks/${name}`), { level: 9 }));
  }
  return files;
}

function productHtml(withPalaver: boolean, chatUrl: string, token: string, productToken: string): string {
  const palaver = withPalaver
    ? `<header>Messages <unread-badge></unread-badge></header>
       <contact-supplier product-token="${productToken}"></contact-supplier>
       <script type="module">
         import { configure } from '/palaver.js';
         window.chat = configure({ url: ${JSON.stringify(chatUrl)}, token: async () => ${JSON.stringify(token)}, userId: 'bench-buyer' });
       </script>`
    : '<header>Messages</header><button>Contact supplier</button>';
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Stoneware mug</title><link rel="icon" href="data:,">
    <body><main><h1>Stoneware mug</h1><p>${'A mug thrown by hand. '.repeat(40)}</p>${palaver}</main></body></html>`;
}

async function serve(pages: Record<string, string>): Promise<{ url: string; server: Server }> {
  const files = assets();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const page = pages[path];
    if (page !== undefined) return void response.writeHead(200, { 'content-type': 'text/html' }).end(page);
    const body = files.get(path);
    if (!body) return void response.writeHead(404).end();
    response
      .writeHead(200, {
        'content-type': 'text/javascript',
        'content-encoding': 'gzip',
        'cache-control': 'public, max-age=3600',
      })
      .end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** The renderer's main-thread task time so far (CDP; counted from `Performance.enable`, before navigation). */
async function taskMs(session: CDPSession): Promise<number> {
  const { metrics } = await session.send('Performance.getMetrics');
  return 1000 * (metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0);
}

/** Palaver's bytes on the wire so far (each file's gzip size; the server sends exactly that). */
async function palaverBytes(page: Page, files: Map<string, Buffer>, beforeLoad: boolean) {
  const paths = await page.evaluate((onlyBeforeLoad) => {
    const loadEnd = performance.getEntriesByType('navigation')[0]?.duration ?? Number.POSITIVE_INFINITY;
    return performance
      .getEntriesByType('resource')
      .filter((entry) => !onlyBeforeLoad || entry.startTime <= loadEnd)
      .map((entry) => new URL(entry.name).pathname);
  }, beforeLoad);
  const ours = paths.filter((path) => files.has(path));
  return { files: ours, bytes: ours.reduce((sum, path) => sum + (files.get(path)?.length ?? 0), 0) };
}

/** Clicks the contact button and times the dialog with the thread, then the composer ready to type. */
function timeOpen(page: Page): Promise<{ open: number; ready: number }> {
  // A string, not a function: tsx would wrap the inner functions in a helper the page does not have.
  return page.evaluate(`(async () => {
    const root = document.querySelector('contact-supplier').shadowRoot;
    const until = async (check) => {
      while (!check()) await new Promise((resolve) => setTimeout(resolve, 1));
      return performance.now();
    };
    const start = performance.now();
    root.querySelector('[part="button"]').click();
    const open = await until(() => {
      const thread = root.querySelector('chat-thread');
      return Boolean(root.querySelector('dialog')?.open && thread?.shadowRoot?.querySelector('[part="composer"]'));
    });
    const ready = await until(() => {
      const textarea = root.querySelector('chat-thread')?.shadowRoot?.querySelector('textarea');
      return Boolean(textarea && !textarea.disabled);
    });
    return { open: open - start, ready: ready - start };
  })()`);
}

async function visit(browser: Browser, url: string, options: { prefetch: boolean; trace?: boolean }) {
  const context = await browser.newContext();
  if (!options.prefetch) {
    // Nothing prefetched: the idle callback never comes, as when the user clicks at once.
    await context.addInitScript(() => {
      window.requestIdleCallback = () => 0;
    });
  }
  const page = await context.newPage();
  const session = await context.newCDPSession(page);
  await session.send('Performance.enable');
  if (options.trace) await browser.startTracing(page, { categories: SCRIPT_TRACE_CATEGORIES });
  await page.goto(url, { waitUntil: 'load' });
  return { context, page, session };
}

export async function productPageBench(): Promise<ProductPageResult> {
  // The pages are written once the chat server's URL is known; it needs the page's origin first (CORS).
  const pages: Record<string, string> = {};
  const served = await serve(pages);
  const server = served.server;
  const chat = await startPalaver({ CORS_ORIGIN: served.url }, undefined, 'any').catch(async (error: unknown) => {
    await new Promise((done) => server.close(done));
    throw error;
  });
  let browser: Browser | undefined;
  try {
    const token = await benchToken('bench-buyer');
    const productToken = signProductTokenSync(
      BENCH_SECRET,
      { id: 'p-product-page', title: 'Stoneware mug' },
      { id: 'bench-supplier', name: 'Nordlys' },
    );
    pages['/product'] = productHtml(true, chat.url, token, productToken);
    pages['/bare'] = productHtml(false, chat.url, token, productToken);
    const files = assets();
    browser = await launchBrowser();
    const samples = { bare: [] as number[], traced: [] as number[], main: [] as number[], prefetched: [] as number[] };
    const opens = { warm: [] as number[], warmReady: [] as number[], cold: [] as number[], coldReady: [] as number[] };
    let first = { files: [] as string[], bytes: 0 };
    let afterIdle = 0;
    // One throw-away visit of each kind first: Chromium's own caches (code, fonts) warm up.
    for (let run = -1; run < RUNS; run++) {
      const bare = await visit(browser, `${served.url}/bare`, { prefetch: true });
      await bare.page.waitForTimeout(300);
      const bareMs = await taskMs(bare.session);
      await bare.context.close();

      const warm = await visit(browser, `${served.url}/product`, { prefetch: true, trace: true });
      await warm.page.waitForFunction(
        () => (window as { chat?: { $connection: { get(): string } } }).chat?.$connection.get() === 'online',
      );
      const mainMs = (await taskMs(warm.session)) - bareMs;
      const tracedMs = scriptTime((await browser.stopTracing()).toString('utf8'), ['/palaver.js', '/palaver-chunks/']);
      first = await palaverBytes(warm.page, files, true);
      await warm.page.waitForFunction(() => customElements.get('chat-thread') !== undefined);
      await warm.page.waitForTimeout(300);
      const prefetchedMs = (await taskMs(warm.session)) - bareMs;
      afterIdle = (await palaverBytes(warm.page, files, false)).bytes;
      const warmOpen = await timeOpen(warm.page);
      await warm.context.close();

      const cold = await visit(browser, `${served.url}/product`, { prefetch: false });
      await cold.page.waitForFunction(
        () => (window as { chat?: { $connection: { get(): string } } }).chat?.$connection.get() === 'online',
      );
      const coldOpen = await timeOpen(cold.page);
      await cold.context.close();
      if (run < 0) continue;
      samples.bare.push(bareMs);
      samples.main.push(mainMs);
      samples.traced.push(tracedMs);
      samples.prefetched.push(prefetchedMs);
      opens.warm.push(warmOpen.open);
      opens.warmReady.push(warmOpen.ready);
      opens.cold.push(coldOpen.open);
      opens.coldReady.push(coldOpen.ready);
      log(
        `product page run ${run + 1}/${RUNS}: Palaver's scripts ${tracedMs.toFixed(1)} ms, ` +
          `page difference +${mainMs.toFixed(1)} ms (+${prefetchedMs.toFixed(1)} with the prefetch), ` +
          `open warm ${warmOpen.open.toFixed(0)}/${warmOpen.ready.toFixed(0)} ms, cold ${coldOpen.open.toFixed(0)}/${coldOpen.ready.toFixed(0)} ms`,
      );
    }
    return {
      firstLoadBytes: first.bytes,
      firstLoadFiles: first.files,
      afterIdleBytes: afterIdle,
      mainThreadMs: median(samples.traced),
      pageDifferenceMs: median(samples.main),
      mainThreadWithPrefetchMs: median(samples.prefetched),
      warmOpenMs: median(opens.warm),
      warmReadyMs: median(opens.warmReady),
      coldOpenMs: median(opens.cold),
      coldReadyMs: median(opens.coldReady),
      runs: RUNS,
    };
  } finally {
    await browser?.close();
    await new Promise((done) => server.close(done));
    await chat.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await productPageBench(), null, 2));
}
