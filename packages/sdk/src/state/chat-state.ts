import type { ChatUser, Conversation, Message, ReadReceipt, UnreadCounts } from '@palaver/protocol';
import { atom, computed, map, onMount, type ReadableAtom, type WritableAtom } from 'nanostores';
import { LiveState } from './live.js';
import {
  emptyWindow,
  holesIn,
  keepNewestRun,
  type MessageWindow,
  mergeHistoryPage,
  mergeIntoWindow,
} from './message-window.js';
import { signal } from './signal.js';
import type { ChatMessage, PendingMessage, ThreadStatus } from './types.js';
import { mergeConversation, threadView, withLastMessage } from './view.js';

interface Thread {
  $window: WritableAtom<MessageWindow>;
  $status: WritableAtom<ThreadStatus>;
  $messages?: ReadableAtom<ChatMessage[]>;
  /**
   * Resolves once the cached copy was merged in; the sync waits for it before
   * paging, and the cache before writing, so none is overwritten with less.
   */
  ready: Promise<void>;
}

/** What changed, for the cache to write. */
export interface StateChange {
  conversations?: boolean;
  threads?: string[];
}

const activity = (c: Conversation) => c.updatedAt;

/**
 * The client's state in nanostores. Every change from the server (live events,
 * acks, sync pages, history) goes through the `apply*` methods, which are
 * idempotent and keep the newest version of everything, so any interleaving
 * of events and sync results converges to the same state.
 *
 * It imports nothing else of the SDK: the other modules write to it and listen
 * to its signals (`threadCreated`, `threadMounted`, `changed`); it never calls them.
 */
export class ChatState extends LiveState {
  readonly $user = atom<ChatUser | null>(null);
  readonly $conversationMap = map<Record<string, Conversation>>({});
  readonly $conversations: ReadableAtom<Conversation[]> = computed(this.$conversationMap, (all) =>
    Object.values(all).sort((a, b) => activity(b).localeCompare(activity(a)) || b.id.localeCompare(a.id)),
  );
  readonly $unreadTotal = atom(0);
  /** The outbox as shown: pending messages in sending order. */
  readonly $outbox = atom<PendingMessage[]>([]);

  /** A thread now exists in memory (the cache may have a copy of it). */
  readonly threadCreated = signal<string>();
  /** A thread got its first subscriber: its newest page should be loaded. */
  readonly threadMounted = signal<string>();
  /** Something worth caching changed. */
  readonly changed = signal<StateChange>();

  private readonly threads = new Map<string, Thread>();
  private readonly conversationAtoms = new Map<string, ReadableAtom<Conversation | undefined>>();
  private readonly unreadAtoms = new Map<string, ReadableAtom<number>>();

  // --- reading --------------------------------------------------------------

  conversationOf(id: string): ReadableAtom<Conversation | undefined> {
    let store = this.conversationAtoms.get(id);
    if (!store) {
      store = computed(this.$conversationMap, (all) => all[id]);
      this.conversationAtoms.set(id, store);
    }
    return store;
  }

  unreadOf(id: string): ReadableAtom<number> {
    let store = this.unreadAtoms.get(id);
    if (!store) {
      store = computed(this.conversationOf(id), (c) => c?.unreadCount ?? 0);
      this.unreadAtoms.set(id, store);
    }
    return store;
  }

  /** Sent and pending messages of a conversation, oldest first, with their delivery status. */
  messagesOf(id: string): ReadableAtom<ChatMessage[]> {
    const thread = this.thread(id);
    if (!thread.$messages) {
      const $messages = computed(
        [thread.$window, this.$outbox, this.conversationOf(id), this.$user],
        (window, outbox, conversation, user) => threadView(window.messages, outbox, id, conversation, user),
      );
      onMount($messages, () => {
        this.threadMounted.emit(id);
      });
      thread.$messages = $messages;
    }
    return thread.$messages;
  }

  threadStatusOf(id: string): ReadableAtom<ThreadStatus> {
    return this.thread(id).$status;
  }

  /** Conversations whose threads are in memory (cached or being watched). */
  loadedThreads(): string[] {
    return [...this.threads.keys()];
  }

  windowOf(id: string): MessageWindow {
    return this.thread(id).$window.get();
  }

  /** The conversation a loaded message belongs to. */
  conversationOfMessage(messageId: string): string | undefined {
    for (const [id, thread] of this.threads)
      if (thread.$window.get().messages.some((m) => m.id === messageId)) return id;
    return undefined;
  }

  isWatched(id: string): boolean {
    return (this.threads.get(id)?.$messages?.lc ?? 0) > 0;
  }

  threadReady(id: string): Promise<void> {
    return this.thread(id).ready;
  }

  /** Threads whose windows miss messages between their oldest and newest one. */
  threadsWithHoles(): Array<{ conversationId: string; holes: Array<{ from: number; to: number }> }> {
    const out = [];
    for (const [conversationId, thread] of this.threads) {
      const holes = holesIn(thread.$window.get());
      if (holes.length > 0) out.push({ conversationId, holes });
    }
    return out;
  }

  private thread(id: string): Thread {
    let thread = this.threads.get(id);
    if (!thread) {
      thread = {
        $window: atom<MessageWindow>(emptyWindow()),
        $status: atom<ThreadStatus>({ loading: false, hasMore: true }),
        ready: Promise.resolve(),
      };
      this.threads.set(id, thread);
      this.threadCreated.emit(id);
    }
    return thread;
  }

  // --- applying changes -------------------------------------------------------

  /**
   * A thread's cached copy, being read: merged under whatever arrived
   * meanwhile once it is. A read superseded by a newer one (another user's
   * store opened) is dropped.
   */
  fillFromCache(id: string, read: Promise<MessageWindow | undefined>): void {
    const thread = this.thread(id);
    const ready: Promise<void> = read.then(
      (cached) => {
        if (cached && thread.ready === ready) {
          thread.$window.set(mergeHistoryPage(cached, thread.$window.get().messages, false));
        }
        updateHasMore(thread);
      },
      // An unreadable cached copy is no copy: the thread loads from the server.
      () => undefined,
    );
    thread.ready = ready;
  }

  setUser(user: ChatUser | null): void {
    this.$user.set(user);
  }

  /** New or changed messages (live events, acks, sync pages), any order. */
  applyMessages(messages: Message[]): void {
    const byConversation = new Map<string, Message[]>();
    for (const message of messages) {
      const list = byConversation.get(message.conversationId) ?? [];
      list.push(message);
      byConversation.set(message.conversationId, list);
    }
    for (const [conversationId, list] of byConversation) {
      const thread = this.thread(conversationId);
      thread.$window.set(mergeIntoWindow(thread.$window.get(), list));
      this.touchSummary(conversationId, list);
    }
    this.changed.emit({ threads: [...byConversation.keys()] });
  }

  /** A page of history from the server. */
  applyHistory(conversationId: string, messages: Message[], hasMore: boolean): void {
    const thread = this.thread(conversationId);
    thread.$window.set(mergeHistoryPage(thread.$window.get(), messages, !hasMore));
    updateHasMore(thread);
    this.touchSummary(conversationId, messages);
    this.changed.emit({ threads: [conversationId] });
  }

  /** Gives up the part of a window below its newest hole (older messages load again on demand). */
  dropBelowHoles(conversationId: string): void {
    const thread = this.thread(conversationId);
    thread.$window.set(keepNewestRun(thread.$window.get()));
    updateHasMore(thread);
    this.changed.emit({ threads: [conversationId] });
  }

  setThreadStatus(conversationId: string, patch: Partial<ThreadStatus>): void {
    const thread = this.thread(conversationId);
    const next: ThreadStatus = { ...thread.$status.get(), ...patch };
    if ('error' in patch && patch.error === undefined) delete next.error;
    thread.$status.set(next);
  }

  private touchSummary(conversationId: string, messages: Message[]): void {
    const conversation = this.$conversationMap.get()[conversationId];
    if (!conversation) return;
    const next = withLastMessage(conversation, messages);
    if (next !== conversation) this.$conversationMap.setKey(conversationId, next);
  }

  /** Conversation summaries from the server; counters and pointers never go backwards. */
  applyConversations(conversations: Conversation[], replaceAll = false): void {
    const current = replaceAll ? {} : this.$conversationMap.get();
    const next: Record<string, Conversation> = { ...current };
    for (const incoming of conversations) next[incoming.id] = mergeConversation(current[incoming.id], incoming);
    this.$conversationMap.set(next);
    this.changed.emit({ conversations: true });
  }

  applyRead(receipt: ReadReceipt): void {
    const conversation = this.$conversationMap.get()[receipt.conversationId];
    if (!conversation) return;
    const participants = conversation.participants.map((p) =>
      p.userId === receipt.userId && receipt.seq > p.lastReadSeq ? { ...p, lastReadSeq: receipt.seq } : p,
    );
    this.$conversationMap.setKey(receipt.conversationId, { ...conversation, participants });
    this.changed.emit({ conversations: true });
  }

  /** `complete`: the counts cover every conversation (from `unread:get`), so absent ones are 0. */
  applyUnread(counts: UnreadCounts, complete = false): void {
    this.$unreadTotal.set(counts.total);
    const all = this.$conversationMap.get();
    const next: Record<string, Conversation> = { ...all };
    let changed = false;
    for (const [id, conversation] of Object.entries(all)) {
      const count = counts.conversations[id] ?? (complete ? 0 : undefined);
      if (count !== undefined && count !== conversation.unreadCount) {
        next[id] = { ...conversation, unreadCount: count };
        changed = true;
      }
    }
    if (changed) this.$conversationMap.set(next);
    this.changed.emit({ conversations: true });
  }

  setOutbox(entries: PendingMessage[]): void {
    this.$outbox.set([...entries].sort((a, b) => a.order - b.order));
  }

  /** Forgets everything (logout). */
  override reset(): void {
    this.$user.set(null);
    this.$conversationMap.set({});
    this.$unreadTotal.set(0);
    this.$outbox.set([]);
    for (const thread of this.threads.values()) {
      // A cache read still under way belongs to the user who is gone.
      thread.ready = Promise.resolve();
      thread.$window.set(emptyWindow());
      thread.$status.set({ loading: false, hasMore: true });
    }
    super.reset();
  }
}

/** Older messages exist unless the window starts at the conversation's first message. */
function updateHasMore(thread: Thread): void {
  thread.$status.set({ ...thread.$status.get(), hasMore: (thread.$window.get().fromSeq ?? 2) > 1 });
}
