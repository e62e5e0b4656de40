import { openIndexedDbStore } from './indexeddb-store.js';
import type { KeyValueStore, StorageOption } from './key-value-store.js';
import { memoryStore } from './memory-store.js';

/** The store of one user in one namespace: IndexedDB where it works, memory otherwise. */
export async function openUserStore(namespace: string, userId: string, option: StorageOption): Promise<KeyValueStore> {
  const name = `palaver:${namespace}:${userId}`;
  if (option === 'memory') return memoryStore(name);
  try {
    return await openIndexedDbStore(name);
  } catch (error) {
    if (option === 'indexeddb') throw error;
    return memoryStore(name);
  }
}
