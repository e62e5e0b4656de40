import { openIndexedDbStore } from './indexeddb-store.js';
import type { KeyValueStore, StorageOption } from './key-value-store.js';
import { memoryStore } from './memory-store.js';

/**
 * The store of one user in one namespace: IndexedDB where it works, memory
 * otherwise. `onFallback` is called if IndexedDB fails later in the session
 * (the store then keeps going in memory, with another `scope`).
 */
export async function openUserStore(
  namespace: string,
  userId: string,
  option: StorageOption,
  onFallback?: () => void,
): Promise<KeyValueStore> {
  const name = `palaver:${namespace}:${userId}`;
  if (option === 'memory') return memoryStore(name);
  try {
    return await openIndexedDbStore(name, onFallback);
  } catch (error) {
    if (option === 'indexeddb') throw error;
    return memoryStore(name);
  }
}
