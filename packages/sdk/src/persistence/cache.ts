import type { Conversation } from '@palaver/protocol';
import type { ReadableAtom } from 'nanostores';
import type { ChatState, StateChange } from '../state/chat-state.js';
import { type MessageWindow, trimWindow } from '../state/message-window.js';
import type { KeyValueStore } from './storage/key-value-store.js';

/** How many of the newest messages of each conversation are kept on disk. */
export const CACHED_MESSAGES_PER_THREAD = 200;

const KEYS = {
  conversations: 'conversations',
  unreadTotal: 'unreadTotal',
  cursor: 'cursor',
  thread: (id: string) => `m:${id}`,
} as const;

export interface CachedState {
  conversations: Conversation[];
  unreadTotal: number;
  cursor: string | null;
}

export interface Cache {
  /** Reads what was cached; threads already in memory (watched before the store opened) get their copies. */
  load(): Promise<CachedState>;
  /** Writes what changed now; resolves when it is on disk. */
  flush(): Promise<void>;
  /** Stops listening and writing. */
  dispose(): void;
}

/**
 * Writes the state to the user's store, batched: conversations, the changed
 * threads and the sync cursor go into one transaction, so the cursor on disk
 * never runs ahead of the messages on disk. It listens to the state (what
 * changed, which threads exist) and to the sync engine's cursor; nothing
 * calls into it but its owner.
 */
export function createCache(
  store: KeyValueStore,
  state: ChatState,
  $cursor: ReadableAtom<string | null>,
  delayMs = 150,
): Cache {
  let dirtyConversations = false;
  const dirtyThreads = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();

  const loadWindow = (conversationId: string) => store.get<MessageWindow>(KEYS.thread(conversationId));

  const schedule = (): void => {
    timer ??= setTimeout(() => {
      timer = undefined;
      void flush();
    }, delayMs);
  };

  const write = async (): Promise<void> => {
    const threads = [...dirtyThreads];
    dirtyThreads.clear();
    const entries: Array<[string, unknown]> = [];
    // A thread still loading its cached copy would overwrite it with less: wait for it.
    await Promise.all(threads.map((id) => state.threadReady(id)));
    for (const id of threads) {
      entries.push([KEYS.thread(id), trimWindow(state.windowOf(id), CACHED_MESSAGES_PER_THREAD)]);
    }
    if (dirtyConversations) {
      dirtyConversations = false;
      entries.push([KEYS.conversations, state.$conversations.get()]);
      entries.push([KEYS.unreadTotal, state.$unreadTotal.get()]);
      // Read now, with the state it covers: never ahead of what is written beside it.
      const cursor = $cursor.get();
      if (cursor !== null) entries.push([KEYS.cursor, cursor]);
    }
    if (entries.length > 0) await store.setMany(entries);
  };

  const flush = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    writing = writing.then(write).catch((error: unknown) => {
      // Safe to go on: the store already fell back to memory where it could, and the screen is unaffected.
      console.warn('[palaver] could not write the cache', error);
    });
    return writing;
  };

  const stop = [
    state.changed.listen((what: StateChange) => {
      if (what.conversations) dirtyConversations = true;
      for (const id of what.threads ?? []) dirtyThreads.add(id);
      schedule();
    }),
    // Before anything can be written to it, a new thread gets its cached copy.
    state.threadCreated.listen((id) => state.fillFromCache(id, loadWindow(id))),
    // A new cursor is written with the conversations.
    $cursor.listen(() => {
      dirtyConversations = true;
      schedule();
    }),
  ];

  return {
    async load() {
      for (const id of state.loadedThreads()) state.fillFromCache(id, loadWindow(id));
      const [conversations, unreadTotal, cursor] = await Promise.all([
        store.get<Conversation[]>(KEYS.conversations),
        store.get<number>(KEYS.unreadTotal),
        store.get<string>(KEYS.cursor),
      ]);
      return { conversations: conversations ?? [], unreadTotal: unreadTotal ?? 0, cursor: cursor ?? null };
    },
    flush,
    dispose() {
      for (const unsubscribe of stop) unsubscribe();
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
