import type { KeyValueStore } from './key-value-store.js';

/**
 * Keeps data in memory. Stores of the same name share one map, so several
 * clients in one page (or one Node process) behave like tabs of one browser.
 */
const shared = new Map<string, Map<string, unknown>>();
/** This page's id: memory is not shared with other tabs, so neither is the election of a sender. */
const PAGE = Math.random().toString(36).slice(2);

export function memoryStore(name: string): KeyValueStore {
  let data = shared.get(name);
  if (!data) {
    data = new Map();
    shared.set(name, data);
  }
  const map = data;
  // Values are copied in and out, as IndexedDB would, so callers never share objects.
  const copy = <T>(value: T): T => (value === undefined ? value : structuredClone(value));
  return {
    kind: 'memory',
    scope: `${name}#page-${PAGE}`,
    async get<T>(key: string) {
      return copy(map.get(key) as T | undefined);
    },
    async setMany(entries) {
      for (const [key, value] of entries) map.set(key, copy(value));
    },
    async delMany(keys) {
      for (const key of keys) map.delete(key);
    },
    async entries<T>(prefix: string) {
      return [...map].filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key, copy(value as T)]);
    },
    async destroy() {
      map.clear();
      shared.delete(name);
    },
  };
}
