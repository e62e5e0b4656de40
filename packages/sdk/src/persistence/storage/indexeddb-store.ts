import { clear, createStore, delMany, entries, get, setMany, type UseStore } from 'idb-keyval';
import type { KeyValueStore } from './key-value-store.js';
import { memoryStore } from './memory-store.js';

/** Opens (and checks with a real write) an IndexedDB database; rejects where IndexedDB is missing or refuses. */
export async function openIndexedDbStore(databaseName: string, onFallback?: () => void): Promise<KeyValueStore> {
  if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available');
  const idb: UseStore = createStore(databaseName, 'kv');
  // Private modes and sandboxed iframes may expose indexedDB and still fail on use.
  await setMany([['__probe', Date.now()]], idb);
  await get('__probe', idb);
  return resilient(databaseName, idb, onFallback);
}

/**
 * IndexedDB can also fail later (quota, a browser that evicts the database).
 * Every write goes to a memory mirror too; after the first failure the store
 * keeps working from memory instead of breaking the chat.
 */
function resilient(databaseName: string, idb: UseStore, onFallback?: () => void): KeyValueStore {
  const mirror = memoryStore(`mirror:${databaseName}:${Math.random()}`);
  let broken = false;
  const attempt = async <T>(work: () => Promise<T>, fallback: () => Promise<T>): Promise<T> => {
    if (broken) return fallback();
    try {
      return await work();
    } catch (error) {
      broken = true;
      console.warn('[palaver] IndexedDB failed; continuing in memory for this session', error);
      // The other tabs no longer see what this one stores: it must send its own outbox.
      onFallback?.();
      return fallback();
    }
  };
  return {
    get kind() {
      return broken ? ('memory' as const) : ('indexeddb' as const);
    },
    get scope() {
      return broken ? mirror.scope : databaseName;
    },
    get: <T>(key: string) =>
      attempt(
        () => get<T>(key, idb),
        () => mirror.get<T>(key),
      ),
    async setMany(items) {
      await mirror.setMany(items);
      await attempt(
        () => setMany(items, idb),
        async () => undefined,
      );
    },
    async delMany(keys) {
      await mirror.delMany(keys);
      await attempt(
        () => delMany(keys, idb),
        async () => undefined,
      );
    },
    entries: <T>(prefix: string) =>
      attempt(
        async () =>
          (await entries<IDBValidKey, T>(idb)).filter(
            (entry): entry is [string, T] => typeof entry[0] === 'string' && entry[0].startsWith(prefix),
          ),
        () => mirror.entries<T>(prefix),
      ),
    async destroy() {
      await mirror.destroy();
      await attempt(
        () => clear(idb),
        async () => undefined,
      );
    },
  };
}
