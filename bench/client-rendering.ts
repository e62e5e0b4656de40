/**
 * Client benchmark: `<chat-thread>` in headless Chromium, against two budgets
 * of the spec.
 *
 * 1. A thread of 50 cached messages rendered after the element connects, with
 *    a warm cache and no network. A real server holds a conversation; a first
 *    visit, online, fills the SDK's IndexedDB cache; the server is stopped;
 *    then fresh page loads in the same browser context (same IndexedDB) time
 *    `append(<chat-thread>)` → 50 message nodes laid out.
 * 2. A 10,000-message thread scrolled from its newest to its oldest message:
 *    the longest main-thread task (from a Chromium trace), the most message
 *    and DOM nodes in the element's shadow root, and how many messages loaded.
 *
 * `npx tsx bench/client-rendering.ts` prints the result as JSON. Everything
 * listens on 127.0.0.1; the browser, the servers and the temp files are
 * cleaned up on every exit path, and the whole run is bounded in time.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChatClient, createChatClient } from '@palaver/sdk';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/support.js';
import { signProductTokenSync } from '../test-support/product-token.js';
import type { CachedRender, CachedRenderOptions, ScrollResult, ThreadOptions } from './client-page.js';
import { BENCH_SECRET, benchToken, startPalaver } from './processes.js';

export interface ClientBenchResult {
  /** Median over the warm page loads (see `cachedRenderRunsMs`). */
  cachedRenderMs: number;
  /** The longest main-thread task while scrolling the 10,000-message thread. */
  longestTaskMs: number;
  maxMessageNodes: number;
  domNodes: number;
  loaded: number;
  /** The first cached page load, reported apart: the browser's caches and compiled code are still cold. */
  cachedRenderFirstMs: number;
  /** The page loads `cachedRenderMs` is the median of. */
  cachedRenderRunsMs: number[];
  /**
   * The same cached render when `configure()` and the element come in the
   * same tick, as in the README's drop-in snippet; null: not rendered within
   * `PROBE_WAIT_MS` (a thread subscribed before the client has opened its
   * cache never reads the cache).
   */
  dropInRenderMs: number | null;
  scroll: ScrollResult;
}

const TIMEOUT_MS = 120_000;
/** Messages in the conversation of the cached-render test: more than the 50 that get cached and rendered. */
const SEEDED_MESSAGES = 80;
const EXPECTED = 50;
const CACHED_RUNS = 5;
const PROBE_WAIT_MS = 3000;
const LONG_THREAD = 10_000;
/** Reaching the oldest of 10,000 messages takes ~200 frames (a page of 50 loads per frame); ample room. */
const MAX_SCROLL_FRAMES = 5000;
const NAMESPACE = 'bench-client';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Things to undo, newest first, whatever happens (including the overall timeout). */
class Cleanup {
  private readonly steps: Array<() => unknown> = [];
  private done = false;
  /** After `run()` (a timeout), whatever the measurement still starts is undone at once, and it stops there. */
  add(step: () => unknown): void {
    if (!this.done) {
      this.steps.push(step);
      return;
    }
    void Promise.resolve()
      .then(step)
      .catch(() => undefined);
    throw new Error('client benchmark aborted');
  }
  async run(): Promise<void> {
    this.done = true;
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step();
      } catch (error) {
        log(`client bench cleanup: ${(error as Error).message}`);
      }
    }
  }
}

export async function clientBench(): Promise<ClientBenchResult> {
  const cleanup = new Cleanup();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`client benchmark timed out after ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
  });
  try {
    // On timeout the measurement may still be awaiting the page: cleanup closes the browser under it.
    return await Promise.race([measure(cleanup), deadline]);
  } finally {
    clearTimeout(timer);
    await cleanup.run();
  }
}

async function measure(cleanup: Cleanup): Promise<ClientBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'palaver-client-bench-'));
  cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
  const pageUrl = await servePage(dir, cleanup);

  log('client: seeding a conversation on a real server …');
  const server = await startPalaver({ CORS_ORIGIN: new URL(pageUrl).origin });
  cleanup.add(() => server.stop());
  const buyerToken = await benchToken('bench-buyer');
  const conversationId = await seedConversation(server.url, buyerToken, SEEDED_MESSAGES);

  const browser = await launchBrowser();
  cleanup.add(() => browser.close());

  // --- 1. cached render ----------------------------------------------------------
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  forwardErrors(page);
  const thread: ThreadOptions = {
    url: server.url,
    token: buyerToken,
    namespace: NAMESPACE,
    conversationId,
    expected: EXPECTED,
  };
  log('client: first visit online (fills the IndexedDB cache) …');
  await page.goto(pageUrl);
  const online = await page.evaluate((options) => window.palaverBench.visitOnline(options), thread);
  if (online.storage !== 'indexeddb') throw new Error(`the SDK cached in ${online.storage}, not IndexedDB`);
  await server.stop();

  log(`client: ${CACHED_RUNS + 1} cached page loads with the server stopped …`);
  const cached = async (start: CachedRenderOptions['start'], waitMs: number): Promise<CachedRender> => {
    await page.goto(pageUrl); // a fresh document: new client, new element, same IndexedDB
    const options: CachedRenderOptions = { ...thread, start, waitMs };
    return page.evaluate((o) => window.palaverBench.renderCached(o), options);
  };
  const runs: number[] = [];
  for (let i = 0; i <= CACHED_RUNS; i++) {
    const run = await cached('before-mount', 10_000);
    if (run.ms === null) {
      throw new Error(
        `cached render: ${run.rendered} of ${EXPECTED} message nodes after 10 s ` +
          `(${run.inStore} messages in the store, connection ${run.connection}, storage ${run.storage})`,
      );
    }
    runs.push(run.ms);
  }
  const dropIn = await cached('configure', PROBE_WAIT_MS);
  if (dropIn.ms === null) {
    log(
      `client: drop-in order (configure() and the element in one tick): ${dropIn.rendered} of ${EXPECTED} ` +
        `messages after ${PROBE_WAIT_MS / 1000} s (${dropIn.inStore} in the store, storage ${dropIn.storage})`,
    );
  }
  await context.close();

  // --- 2. scrolling 10,000 messages ------------------------------------------------
  const { scroll, longestTaskMs } = await measureScroll(browser, pageUrl);
  if (!scroll.reachedOldest) {
    log(`client: the scroll stopped after ${scroll.frames} frames with ${scroll.loaded} of ${scroll.total} messages`);
  }

  const warm = runs.slice(1);
  return {
    cachedRenderMs: median(warm),
    longestTaskMs,
    maxMessageNodes: scroll.maxMessageNodes,
    domNodes: scroll.maxDomNodes,
    loaded: scroll.loaded,
    cachedRenderFirstMs: runs[0] as number,
    cachedRenderRunsMs: warm,
    dropInRenderMs: dropIn.ms,
    scroll,
  };
}

/**
 * Part 2 alone: the 10,000-message thread mounted in a fresh context and
 * scrolled to its oldest message, traced. `tracePath` keeps the trace (open
 * it in DevTools' Performance panel) with more categories than the `toplevel`
 * the longest task needs.
 */
async function measureScroll(
  browser: Browser,
  pageUrl: string,
  tracePath?: string,
  cpuProfilePath?: string,
): Promise<{ scroll: ScrollResult; longestTaskMs: number }> {
  log(`client: scrolling a ${LONG_THREAD.toLocaleString('en')}-message thread to its oldest message …`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    forwardErrors(page);
    await page.goto(pageUrl);
    await page.evaluate((o) => window.palaverBench.mountLongThread(o), { messages: LONG_THREAD, heightPx: 600 });
    const cdp = cpuProfilePath ? await context.newCDPSession(page) : undefined;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    // Traced from here only: seeding and the first render are not part of the scroll.
    await browser.startTracing(page, {
      categories: tracePath ? [...DETAILED_TRACE_CATEGORIES] : ['toplevel'],
      ...(tracePath ? { path: tracePath } : {}),
    });
    const scroll = await page.evaluate((o) => window.palaverBench.scrollToOldest(o), { maxFrames: MAX_SCROLL_FRAMES });
    const longestTaskMs = longestRendererTask(await browser.stopTracing());
    if (cdp && cpuProfilePath) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(cpuProfilePath, JSON.stringify(profile));
    }
    return { scroll, longestTaskMs };
  } finally {
    await context.close();
  }
}

/** Tasks and what is in them: JavaScript, style, layout, paint and GC (no sampling: it slows the page down). */
const DETAILED_TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'v8',
  'v8.execute',
  'blink',
  'blink.user_timing',
  'disabled-by-default-v8.gc',
  'loading',
] as const;

/**
 * Only the scroll of part 2, `runs` times (a fresh context each), for
 * profiling: `npx tsx bench/client-scroll.ts`. No server is needed (the long
 * thread runs on the in-memory backend).
 */
export async function scrollBench(options: {
  runs: number;
  tracePath?: string;
  cpuProfilePath?: string;
}): Promise<ScrollBenchRun[]> {
  const cleanup = new Cleanup();
  try {
    const dir = mkdtempSync(join(tmpdir(), 'palaver-client-bench-'));
    cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
    const pageUrl = await servePage(dir, cleanup);
    const browser = await launchBrowser();
    cleanup.add(() => browser.close());
    const runs: ScrollBenchRun[] = [];
    for (let i = 0; i < options.runs; i++) {
      // Only the last run is kept as a detailed trace: its categories cost time of their own.
      const last = i === options.runs - 1;
      const tracePath = last ? options.tracePath : undefined;
      const { scroll, longestTaskMs } = await measureScroll(
        browser,
        pageUrl,
        tracePath,
        last ? options.cpuProfilePath : undefined,
      );
      runs.push({ longestTaskMs, detailedTrace: tracePath !== undefined, ...scroll });
    }
    return runs;
  } finally {
    await cleanup.run();
  }
}

export interface ScrollBenchRun extends ScrollResult {
  longestTaskMs: number;
  /** Traced with every DevTools category (slower than the `toplevel` trace of the other runs). */
  detailedTrace: boolean;
}

/** The page and its bundle, served from their own origin (the marketplace's, not the chat server's). */
async function servePage(dir: string, cleanup: Cleanup): Promise<string> {
  await build({
    entryPoints: [fileURLToPath(new URL('./client-page.ts', import.meta.url))],
    outfile: join(dir, 'page.js'),
    bundle: true,
    format: 'esm',
    // BENCH_READABLE=1 keeps the names (for a CPU profile that says which function ran).
    ...(process.env.BENCH_READABLE === '1' ? { minifySyntax: true, minifyWhitespace: true } : { minify: true }),
    target: 'es2022',
    logLevel: 'warning',
    // As a marketplace ships it: nanostores and Lit in production mode.
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>Palaver client bench</title><link rel="icon" href="data:,">' +
      '<body><script type="module" src="/page.js"></script></body></html>',
  );
  const files: Record<string, [string, string]> = {
    '/': ['index.html', 'text/html'],
    '/page.js': ['page.js', 'text/javascript'],
  };
  const server: Server = createServer((request, response) => {
    const file = files[request.url ?? ''];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file[1] }).end(readFileSync(join(dir, file[0])));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  cleanup.add(() => new Promise((done) => server.close(done)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** A buyer–supplier conversation of `count` messages, sent through the SDK (both sides, alternately). */
async function seedConversation(url: string, buyerToken: string, count: number): Promise<string> {
  const buyer = createChatClient({ url, token: buyerToken, storage: 'memory', namespace: 'seed-buyer' });
  const supplier = createChatClient({
    url,
    token: await benchToken('bench-supplier'),
    storage: 'memory',
    namespace: 'seed-supplier',
  });
  try {
    await Promise.all([buyer.connect(), supplier.connect()]);
    await Promise.all([online(buyer), online(supplier)]);
    const conversation = await buyer.openProductConversation({
      productToken: signProductTokenSync(
        BENCH_SECRET,
        { id: 'p-client-bench', title: 'Client bench' },
        { id: 'bench-supplier', name: 'Supplier' },
      ),
    });
    for (let i = 0; i < count; i++) {
      await (i % 3 === 0 ? buyer : supplier).send(conversation.id, `cached message ${i}`);
    }
    const view = buyer.messagesOf(conversation.id);
    const stop = view.listen(() => undefined);
    try {
      await until(() => view.get().length === count && view.get().every((m) => !m.pending), 30_000, 'seed delivered');
    } finally {
      stop();
    }
    return conversation.id;
  } finally {
    await Promise.all([buyer.destroy(), supplier.destroy()]);
  }
}

const online = (client: ChatClient) => until(() => client.$connection.get() === 'online', 10_000, 'seed client online');

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((done) => setTimeout(done, 10));
  }
}

/** Uncaught errors and the SDK's own warnings; not the browser's "connection refused" lines once the server is stopped. */
function forwardErrors(page: Page): void {
  page.on('pageerror', (error) => log(`[page error] ${error.message}`));
  page.on('console', (message) => {
    if (message.text().startsWith('[palaver]')) log(`[page ${message.type()}] ${message.text()}`);
  });
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  args?: { name?: string };
}

/**
 * The longest task on the page's main thread, in ms, from a `toplevel` trace.
 * Every task counts, not only those the Long Tasks API reports (≥ 50 ms). The
 * page's renderer is the busiest `CrRendererMain` thread in the trace.
 */
function longestRendererTask(trace: Buffer): number {
  const { traceEvents } = JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] };
  const mainThreads = new Set(
    traceEvents
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const busy = new Map<string, { total: number; longest: number }>();
  for (const e of traceEvents) {
    const thread = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || e.name !== 'ThreadControllerImpl::RunTask' || !mainThreads.has(thread)) continue;
    const ms = (e.dur ?? 0) / 1000;
    const entry = busy.get(thread) ?? { total: 0, longest: 0 };
    entry.total += ms;
    entry.longest = Math.max(entry.longest, ms);
    busy.set(thread, entry);
  }
  const page = [...busy.values()].sort((a, b) => b.total - a.total)[0];
  if (!page) throw new Error('the trace holds no task of a renderer main thread');
  return page.longest;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  clientBench().then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
