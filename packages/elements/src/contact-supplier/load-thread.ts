import { whenIdle } from '../shared/when-idle.js';

type ThreadModule = typeof import('../chat-thread/define.js');

let loading: Promise<ThreadModule> | undefined;

/**
 * Registers `<chat-thread>` by loading its code, once. The code is a chunk of
 * its own (in `palaver.js` and in a marketplace's bundle alike), so a product
 * page pays for the button and not for the thread until someone contacts the
 * supplier. A failed load (network) is forgotten, so the next click retries.
 */
export function loadThread(): Promise<ThreadModule> {
  loading ??= import('../chat-thread/define.js').catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

let prefetchScheduled = false;

/** Loads the thread's code when the page is idle, so the first click opens it without waiting. */
export function prefetchThread(): void {
  if (prefetchScheduled || customElements.get('chat-thread')) return;
  prefetchScheduled = true;
  // Safe to drop: a failed prefetch is retried by the click, which reports it.
  whenIdle(() => void loadThread().catch(() => undefined));
}
