import type { ChatUser } from '@palaver/protocol';
import { atom, type ReadableAtom } from 'nanostores';
import type { Transport } from '../connection/transport.js';
import type { ChatState } from '../state/chat-state.js';
import { type Cache, createCache } from './cache.js';
import { createOutbox, type Outbox } from './outbox.js';
import type { KeyValueStore, StorageOption } from './storage/key-value-store.js';
import { openUserStore } from './storage/open-store.js';
import { coordinateTabs, type TabCoordinator } from './tabs.js';

export interface LocalDataOptions {
  namespace: string;
  storage: StorageOption;
  state: ChatState;
  transport: Transport;
  /** The sync engine's cursor, written with the state it covers. */
  $cursor: ReadableAtom<string | null>;
}

export interface LocalData {
  /** Where the data lives (`memory` when IndexedDB is missing or failed). */
  readonly $kind: ReadableAtom<'indexeddb' | 'memory' | null>;
  readonly isOpen: boolean;
  /** The open outbox, if any. */
  readonly outbox: Outbox | undefined;
  /** The user's open store, if any (for what else must survive a reload: unsent reactions). */
  readonly store: KeyValueStore | undefined;
  /**
   * Opens the user's store, shows the cache and the outbox, and joins the
   * other tabs. Resolves with the cached sync cursor.
   */
  open(user: ChatUser): Promise<string | null>;
  /** Stops writing; `wipe` also deletes the user's data (logout), otherwise what is pending is written first. */
  close(wipe: boolean): Promise<void>;
}

/**
 * What one user keeps in this browser: their store, the cache written from
 * the state, the outbox, and the tabs they share them with. Reads and writes
 * the state; called only by the client that owns it.
 */
export function createLocalData(options: LocalDataOptions): LocalData {
  const { state } = options;
  const $kind = atom<'indexeddb' | 'memory' | null>(null);
  let store: KeyValueStore | undefined;
  let cache: Cache | undefined;
  let tabs: TabCoordinator | undefined;
  let outbox: Outbox | undefined;

  /**
   * Joins the clients that share this store (the tabs, for IndexedDB; the
   * page, for memory): one of them sends the outbox, the others show its
   * progress. Where tabs do not share the store, each sends its own.
   */
  const joinTabs = (shared: KeyValueStore): void => {
    const current = outbox;
    if (!current) return;
    tabs?.close();
    tabs = coordinateTabs(
      `palaver:${shared.scope}`,
      (message) => {
        if (message.type !== 'outbox') return;
        if (message.status === 'sending') current.showStatus(message.clientId, 'sending');
        else void current.reload().then(() => current.flush());
      },
      () => void current.reload().then(() => current.flush()),
    );
  };

  return {
    $kind,
    get isOpen() {
      return store !== undefined;
    },
    get outbox() {
      return outbox;
    },
    get store() {
      return store;
    },
    async open(user) {
      const opened = await openUserStore(options.namespace, user.id, options.storage, () => {
        if (store !== opened) return;
        $kind.set(opened.kind);
        joinTabs(opened);
      });
      store = opened;
      $kind.set(opened.kind);
      cache = createCache(opened, state, options.$cursor);
      const cached = await cache.load();
      if (cached.conversations.length > 0) state.applyConversations(cached.conversations);
      state.$unreadTotal.set(cached.unreadTotal);
      outbox = createOutbox({
        store: opened,
        state,
        transport: options.transport,
        isSender: () => tabs?.isLeader ?? false,
        announce: (change) => tabs?.post({ type: 'outbox', ...change }),
      });
      await outbox.reload();
      joinTabs(opened);
      return cached.cursor;
    },
    async close(wipe) {
      outbox?.dispose();
      tabs?.close();
      cache?.dispose();
      if (wipe) await store?.destroy();
      else await cache?.flush();
      outbox = undefined;
      tabs = undefined;
      cache = undefined;
      store = undefined;
      $kind.set(null);
    },
  };
}
