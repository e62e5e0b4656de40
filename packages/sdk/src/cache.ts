import type { Conversation } from '@palaver/protocol';
import type { ChatState } from './state/chat-state.js';
import { type MessageWindow, trimWindow } from './state/message-window.js';
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

/**
 * Writes the state to the user's store, batched: conversations, the changed
 * threads and the sync cursor go into one transaction, so the cursor on disk
 * never runs ahead of the messages on disk.
 */
export class Cache {
  private dirtyConversations = false;
  private readonly dirtyThreads = new Set<string>();
  private cursor: string | null | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: KeyValueStore,
    private readonly state: ChatState,
    private readonly delayMs = 150,
  ) {}

  async load(): Promise<CachedState> {
    const [conversations, unreadTotal, cursor] = await Promise.all([
      this.store.get<Conversation[]>(KEYS.conversations),
      this.store.get<number>(KEYS.unreadTotal),
      this.store.get<string>(KEYS.cursor),
    ]);
    return { conversations: conversations ?? [], unreadTotal: unreadTotal ?? 0, cursor: cursor ?? null };
  }

  loadWindow(conversationId: string): Promise<MessageWindow | undefined> {
    return this.store.get<MessageWindow>(KEYS.thread(conversationId));
  }

  changed(what: { conversations?: boolean; threads?: string[] }): void {
    if (what.conversations) this.dirtyConversations = true;
    for (const id of what.threads ?? []) this.dirtyThreads.add(id);
    this.schedule();
  }

  /** The cursor that matches the state as it is now. */
  setCursor(cursor: string): void {
    this.cursor = cursor;
    this.dirtyConversations = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.delayMs);
  }

  /** Writes what changed now; resolves when it is on disk. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing
      .then(() => this.write())
      .catch((error: unknown) => {
        console.warn('[palaver] could not write the cache', error);
      });
    return this.writing;
  }

  private async write(): Promise<void> {
    const threads = [...this.dirtyThreads];
    this.dirtyThreads.clear();
    const entries: Array<[string, unknown]> = [];
    // A thread still loading its cached copy would overwrite it with less: wait for it.
    await Promise.all(threads.map((id) => this.state.threadReady(id)));
    for (const id of threads) {
      entries.push([KEYS.thread(id), trimWindow(this.state.windowOf(id), CACHED_MESSAGES_PER_THREAD)]);
    }
    if (this.dirtyConversations) {
      this.dirtyConversations = false;
      entries.push([KEYS.conversations, this.state.$conversations.get()]);
      entries.push([KEYS.unreadTotal, this.state.$unreadTotal.get()]);
      if (this.cursor !== undefined) entries.push([KEYS.cursor, this.cursor]);
    }
    if (entries.length > 0) await this.store.setMany(entries);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
