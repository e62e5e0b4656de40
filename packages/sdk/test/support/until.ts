import type { ReadableAtom } from 'nanostores';

/** Resolves with the store's value once `predicate` holds; rejects with the last value after `ms`. */
export function until<T>(store: ReadableAtom<T>, predicate: (value: T) => boolean, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    let stop: (() => void) | undefined;
    const timer = setTimeout(() => {
      stop?.();
      reject(new Error(`timed out; last value ${JSON.stringify(store.get())?.slice(0, 300)}`));
    }, ms);
    stop = store.subscribe((value) => {
      if (!predicate(value)) return;
      clearTimeout(timer);
      queueMicrotask(() => stop?.());
      resolve(value);
    });
  });
}
