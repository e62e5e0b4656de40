/**
 * The page of the client benchmark (bench/client-rendering.ts bundles it with
 * esbuild and drives it in Chromium through `window.palaverBench`). It uses
 * the built packages exactly as a marketplace page would: the real SDK, the
 * real `<chat-thread>`; only the 10,000-message thread runs on the in-memory
 * backend of `@palaver/sdk/testing`, because it measures rendering, not the
 * network.
 */
import '@palaver/elements/define';
import { type ChatThread, configure } from '@palaver/elements';
import { type ChatClient, type ConnectionStatus, createChatClient } from '@palaver/sdk';
import { FakeChatBackend, fakeToken } from '@palaver/sdk/testing';

export interface ThreadOptions {
  /** The chat server (stopped before the cached visits). */
  url: string;
  token: string;
  /** The same on every visit: it names the IndexedDB database the cache lives in. */
  namespace: string;
  conversationId: string;
  /** How many message nodes make the thread "rendered". */
  expected: number;
}

export interface CachedRenderOptions extends ThreadOptions {
  /**
   * `before-mount`: the page starts its client (`await client.connect()`,
   * which resolves once the local cache is open) and then mounts the element.
   * `configure`: `configure(client)` and the element in the same tick, as the
   * drop-in snippet of the README does (the client is still opening its cache
   * when the element subscribes).
   */
  start: 'before-mount' | 'configure';
  /** Give up after this long and report what was on screen. */
  waitMs: number;
}

export interface CachedRender {
  /** From `append(<chat-thread>)` to `expected` message nodes in its shadow DOM, laid out; null: never within waitMs. */
  ms: number | null;
  /** What was there at the end, to explain a failure. */
  rendered: number;
  inStore: number;
  connection: ConnectionStatus;
  storage: 'indexeddb' | 'memory' | null;
}

export interface ScrollResult {
  /** Messages the client holds for the thread at the end. */
  loaded: number;
  total: number;
  /** The oldest message was rendered and the element knows there is nothing older. */
  reachedOldest: boolean;
  frames: number;
  elapsedMs: number;
  /** Largest gap between two animation frames: a long task shows as a long frame. */
  longestFrameMs: number;
  /** Tasks of 50 ms or more reported by the Long Tasks API, and the longest of them (0: none). */
  longTasks: number;
  longestLongTaskMs: number;
  maxMessageNodes: number;
  /** All nodes (elements, text, comments) in the element's shadow root. */
  maxDomNodes: number;
}

export interface BenchPage {
  visitOnline(options: ThreadOptions): Promise<{ rendered: number; storage: string | null }>;
  renderCached(options: CachedRenderOptions): Promise<CachedRender>;
  mountLongThread(options: { messages: number; heightPx: number }): Promise<{ rendered: number }>;
  scrollToOldest(options: { maxFrames: number }): Promise<ScrollResult>;
}

declare global {
  interface Window {
    palaverBench: BenchPage;
  }
}

const MESSAGE_SELECTOR = '[part~="message"]';

function shadowOf(el: ChatThread): ShadowRoot {
  const root = el.shadowRoot;
  if (!root) throw new Error('<chat-thread> has no shadow root: is the element registered?');
  return root;
}

const countMessages = (el: ChatThread): number => shadowOf(el).querySelectorAll(MESSAGE_SELECTOR).length;

function countNodes(root: Node): number {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ALL);
  let count = 0;
  while (walker.nextNode()) count++;
  return count;
}

const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

/**
 * Resolves with the time at which `el` holds `count` message nodes (or null
 * after `waitMs`). A MutationObserver, not polling: its callback runs in the
 * microtask right after Lit's update, so the time is exact, not rounded to a
 * frame. Reading `scrollHeight` first forces style and layout, so the time
 * includes laying out the messages (paint, at the next frame, is not included).
 */
function whenMessages(el: ChatThread, count: number, waitMs: number): Promise<number | null> {
  const root = shadowOf(el);
  return new Promise((resolve) => {
    const finish = (at: number | null) => {
      observer.disconnect();
      clearTimeout(timer);
      resolve(at);
    };
    const check = () => {
      if (countMessages(el) < count) return;
      void root.querySelector<HTMLElement>('[part="log"]')?.scrollHeight;
      finish(performance.now());
    };
    const observer = new MutationObserver(check);
    const timer = setTimeout(() => finish(null), waitMs);
    observer.observe(root, { childList: true, subtree: true });
    check();
  });
}

function threadElement(client: ChatClient, conversationId: string, heightPx?: number): ChatThread {
  const el = document.createElement('chat-thread');
  el.client = client;
  el.conversationId = conversationId;
  if (heightPx !== undefined) el.style.setProperty('--chat-thread-height', `${heightPx}px`);
  return el;
}

function waitFor<T>(
  store: { get(): T; listen(listener: (value: T) => void): () => void },
  ok: (value: T) => boolean,
  ms: number,
  what: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ok(store.get())) return resolve();
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const stop = store.listen((value) => {
      if (!ok(value)) return;
      stop();
      clearTimeout(timer);
      resolve();
    });
  });
}

/** First visit, server reachable: the thread loads from the server and the SDK caches it in IndexedDB. */
async function visitOnline(options: ThreadOptions): Promise<{ rendered: number; storage: string | null }> {
  const client = createChatClient({ url: options.url, token: options.token, namespace: options.namespace });
  await client.connect();
  await waitFor(client.$connection, (status) => status === 'online', 10_000, 'the client to be online');
  const el = threadElement(client, options.conversationId);
  document.body.append(el);
  const at = await whenMessages(el, options.expected, 15_000);
  const rendered = countMessages(el);
  const storage = client.$storage.get();
  // destroy() writes the batched cache now (it would otherwise land ~150 ms later).
  await client.destroy();
  el.remove();
  if (at === null) throw new Error(`online visit rendered ${rendered} of ${options.expected} messages`);
  return { rendered, storage };
}

async function renderCached(options: CachedRenderOptions): Promise<CachedRender> {
  const client = createChatClient({ url: options.url, token: options.token, namespace: options.namespace });
  let el: ChatThread;
  if (options.start === 'before-mount') {
    await client.connect();
    el = threadElement(client, options.conversationId);
  } else {
    configure(client);
    el = document.createElement('chat-thread');
    el.conversationId = options.conversationId;
  }
  const started = performance.now();
  document.body.append(el);
  const at = await whenMessages(el, options.expected, options.waitMs);
  const result: CachedRender = {
    ms: at === null ? null : at - started,
    rendered: countMessages(el),
    inStore: client.messagesOf(options.conversationId).get().length,
    connection: client.$connection.get(),
    storage: client.$storage.get(),
  };
  // The next visit is a fresh page load; stop the reconnection attempts meanwhile.
  client.disconnect();
  return result;
}

let longThread: { el: ChatThread; client: ChatClient; conversationId: string; total: number } | undefined;

/** A 10,000-message conversation in the in-memory backend, mounted with its newest page on screen. */
async function mountLongThread(options: { messages: number; heightPx: number }): Promise<{ rendered: number }> {
  const backend = new FakeChatBackend();
  const buyer = { id: 'bench-buyer', name: 'Buyer', isAdmin: false };
  const supplier = { id: 'bench-supplier', name: 'Supplier', isAdmin: false };
  const conversation = backend.seedProductConversation(buyer, supplier, { id: 'p-long', title: 'Long thread' });
  // Spread over ~two weeks, so day separators and author grouping appear as in a real thread.
  const start = Date.now() - options.messages * 120_000;
  for (let i = 0; i < options.messages; i++) {
    const sender = i % 3 === 0 ? buyer : supplier;
    const at = new Date(start + i * 120_000).toISOString();
    backend.seedMessage(sender, conversation.id, `message ${i}: ${'lorem ipsum dolor '.repeat(1 + (i % 5))}`, at);
  }
  const client = createChatClient({ transport: backend.transport(), token: fakeToken(buyer), namespace: 'bench-long' });
  await client.connect();
  const el = threadElement(client, conversation.id, options.heightPx);
  document.body.append(el);
  const at = await whenMessages(el, 20, 15_000);
  if (at === null) throw new Error(`the long thread rendered ${countMessages(el)} messages`);
  longThread = { el, client, conversationId: conversation.id, total: options.messages };
  return { rendered: countMessages(el) };
}

/**
 * Scrolls the long thread from its newest end to its oldest, as fast as it
 * goes: every frame jumps to the top of what is rendered, so every frame makes
 * the element reveal older messages (slide its window or load a page).
 */
async function scrollToOldest(options: { maxFrames: number }): Promise<ScrollResult> {
  if (!longThread) throw new Error('mountLongThread() first');
  const { el, client, conversationId, total } = longThread;
  const root = shadowOf(el);
  const log = root.querySelector<HTMLElement>('[part="log"]');
  if (!log) throw new Error('<chat-thread> has no [part="log"]');
  const messages = client.messagesOf(conversationId);
  const status = client.threadStatusOf(conversationId);

  let longTasks = 0;
  let longestLongTaskMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      longTasks++;
      longestLongTaskMs = Math.max(longestLongTaskMs, entry.duration);
    }
  });
  observer.observe({ type: 'longtask' });

  const reachedOldest = () => {
    const all = messages.get();
    const first = root.querySelector<HTMLElement>(MESSAGE_SELECTOR);
    return all.length >= total && !status.get().hasMore && first?.dataset.key === all[0]?.clientId;
  };
  let frames = 0;
  let longestFrameMs = 0;
  let maxMessageNodes = 0;
  let maxDomNodes = 0;
  const started = performance.now();
  let previous = await frame();
  while (frames < options.maxFrames) {
    maxMessageNodes = Math.max(maxMessageNodes, countMessages(el));
    maxDomNodes = Math.max(maxDomNodes, countNodes(root));
    if (reachedOldest()) break;
    // At the top already (waiting for a page), a scroll event comes only if scrollTop changes: nudge by 1 px.
    log.scrollTop = log.scrollTop > 0 ? 0 : 1;
    const now = await frame();
    longestFrameMs = Math.max(longestFrameMs, now - previous);
    previous = now;
    frames++;
  }
  const elapsedMs = performance.now() - started;
  // Long-task entries arrive after their task ends: give the last ones a frame to come in.
  await frame();
  await new Promise((resolve) => setTimeout(resolve, 0));
  for (const entry of observer.takeRecords()) {
    longTasks++;
    longestLongTaskMs = Math.max(longestLongTaskMs, entry.duration);
  }
  observer.disconnect();
  return {
    loaded: messages.get().length,
    total,
    reachedOldest: reachedOldest(),
    frames,
    elapsedMs,
    longestFrameMs,
    longTasks,
    longestLongTaskMs,
    maxMessageNodes,
    maxDomNodes,
  };
}

window.palaverBench = { visitOnline, renderCached, mountLongThread, scrollToOldest };
