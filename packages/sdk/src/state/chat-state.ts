import type { ChatUser, Conversation, Message, ReadReceipt, UnreadCounts } from '@palaver/protocol';
import { atom, computed, type MapStore, map, onMount, type ReadableAtom, type WritableAtom } from 'nanostores';
import { createLiveState, type LiveState } from './live.js';
import {
  emptyWindow,
  holesIn,
  keepNewestRun,
  type MessageWindow,
  mergeHistoryPage,
  mergeIntoWindow,
} from './message-window.js';
import { type Signal, signal } from './signal.js';
import type { ChatMessage, PendingMessage, ReactionIntent, ThreadStatus } from './types.js';
import { mergeConversation, threadView, withLastMessage, withReactionIntents } from './view.js';

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

/**
 * The client's state in nanostores. Every change from the server (live events,
 * acks, sync pages, history) goes through the `apply*` methods, which are
 * idempotent and keep the newest version of everything, so any interleaving
 * of events and sync results converges to the same state.
 *
 * It imports nothing else of the SDK: the other modules write to it and listen
 * to its signals (`threadCreated`, `threadMounted`, `changed`); it never calls them.
 */
export interface ChatState extends LiveState {
  readonly $user: WritableAtom<ChatUser | null>;
  readonly $conversationMap: MapStore<Record<string, Conversation>>;
  /** The conversations, most recent activity first. */
  readonly $conversations: ReadableAtom<Conversation[]>;
  readonly $unreadTotal: WritableAtom<number>;
  /** The outbox as shown: pending messages in sending order. */
  readonly $outbox: ReadableAtom<PendingMessage[]>;
  /** The user's reactions not confirmed by the server yet (see `ReactionIntent`). */
  readonly $reactionIntents: WritableAtom<ReactionIntent[]>;
  /** A thread now exists in memory (the cache may have a copy of it). */
  readonly threadCreated: Signal<string>;
  /** A thread got its first subscriber: its newest page should be loaded. */
  readonly threadMounted: Signal<string>;
  /** Something worth caching changed. */
  readonly changed: Signal<StateChange>;

  conversationOf(id: string): ReadableAtom<Conversation | undefined>;
  unreadOf(id: string): ReadableAtom<number>;
  /** Sent and pending messages of a conversation, oldest first, with their delivery status. */
  messagesOf(id: string): ReadableAtom<ChatMessage[]>;
  threadStatusOf(id: string): ReadableAtom<ThreadStatus>;
  /** Conversations whose threads are in memory (cached or being watched). */
  loadedThreads(): string[];
  windowOf(id: string): MessageWindow;
  /** The conversation a loaded message belongs to. */
  conversationOfMessage(messageId: string): string | undefined;
  isWatched(id: string): boolean;
  threadReady(id: string): Promise<void>;
  /** Threads whose windows miss messages between their oldest and newest one. */
  threadsWithHoles(): Array<{ conversationId: string; holes: Array<{ from: number; to: number }> }>;
  /**
   * A thread's cached copy, being read: merged under whatever arrived
   * meanwhile once it is. A read superseded by a newer one (another user's
   * store opened) is dropped.
   */
  fillFromCache(id: string, read: Promise<MessageWindow | undefined>): void;
  setUser(user: ChatUser | null): void;
  /** New or changed messages (live events, acks, sync pages), any order. */
  applyMessages(messages: Message[]): void;
  /** A page of history from the server. */
  applyHistory(conversationId: string, messages: Message[], hasMore: boolean): void;
  /** Gives up the part of a window below its newest hole (older messages load again on demand). */
  dropBelowHoles(conversationId: string): void;
  setThreadStatus(conversationId: string, patch: Partial<ThreadStatus>): void;
  /** Conversation summaries from the server; counters and pointers never go backwards. */
  applyConversations(conversations: Conversation[], replaceAll?: boolean): void;
  applyRead(receipt: ReadReceipt): void;
  /** `complete`: the counts cover every conversation (from `unread:get`), so absent ones are 0. */
  applyUnread(counts: UnreadCounts, complete?: boolean): void;
  setOutbox(entries: PendingMessage[]): void;
}

const activity = (c: Conversation) => c.updatedAt;

/** Older messages exist unless the window starts at the conversation's first message. */
function updateHasMore(thread: Thread): void {
  thread.$status.set({ ...thread.$status.get(), hasMore: (thread.$window.get().fromSeq ?? 2) > 1 });
}

export function createChatState(): ChatState {
  const live = createLiveState();
  const $user = atom<ChatUser | null>(null);
  const $conversationMap = map<Record<string, Conversation>>({});
  const $conversations: ReadableAtom<Conversation[]> = computed($conversationMap, (all) =>
    Object.values(all).sort((a, b) => activity(b).localeCompare(activity(a)) || b.id.localeCompare(a.id)),
  );
  const $unreadTotal = atom(0);
  const $outbox = atom<PendingMessage[]>([]);
  const $reactionIntents = atom<ReactionIntent[]>([]);
  const threadCreated = signal<string>();
  const threadMounted = signal<string>();
  const changed = signal<StateChange>();
  const threads = new Map<string, Thread>();
  const conversationAtoms = new Map<string, ReadableAtom<Conversation | undefined>>();
  const unreadAtoms = new Map<string, ReadableAtom<number>>();

  const thread = (id: string): Thread => {
    let found = threads.get(id);
    if (!found) {
      found = {
        $window: atom<MessageWindow>(emptyWindow()),
        $status: atom<ThreadStatus>({ loading: false, hasMore: true }),
        ready: Promise.resolve(),
      };
      threads.set(id, found);
      threadCreated.emit(id);
    }
    return found;
  };

  const conversationOf = (id: string): ReadableAtom<Conversation | undefined> => {
    let store = conversationAtoms.get(id);
    if (!store) {
      store = computed($conversationMap, (all) => all[id]);
      conversationAtoms.set(id, store);
    }
    return store;
  };

  /** Keeps a conversation summary in step with its messages. */
  const touchSummary = (conversationId: string, messages: Message[]): void => {
    const conversation = $conversationMap.get()[conversationId];
    if (!conversation) return;
    const next = withLastMessage(conversation, messages);
    if (next !== conversation) $conversationMap.setKey(conversationId, next);
  };

  return {
    ...live,
    $user,
    $conversationMap,
    $conversations,
    $unreadTotal,
    $outbox,
    $reactionIntents,
    threadCreated,
    threadMounted,
    changed,
    conversationOf,
    unreadOf(id) {
      let store = unreadAtoms.get(id);
      if (!store) {
        store = computed(conversationOf(id), (c) => c?.unreadCount ?? 0);
        unreadAtoms.set(id, store);
      }
      return store;
    },
    messagesOf(id) {
      const found = thread(id);
      if (!found.$messages) {
        const $messages = computed(
          [found.$window, $outbox, conversationOf(id), $user, $reactionIntents],
          (window, outbox, conversation, user, intents) =>
            withReactionIntents(threadView(window.messages, outbox, id, conversation, user), intents, user),
        );
        onMount($messages, () => {
          threadMounted.emit(id);
        });
        found.$messages = $messages;
      }
      return found.$messages;
    },
    threadStatusOf: (id) => thread(id).$status,
    loadedThreads: () => [...threads.keys()],
    windowOf: (id) => thread(id).$window.get(),
    conversationOfMessage(messageId) {
      for (const [id, found] of threads) if (found.$window.get().messages.some((m) => m.id === messageId)) return id;
      return undefined;
    },
    isWatched: (id) => (threads.get(id)?.$messages?.lc ?? 0) > 0,
    threadReady: (id) => thread(id).ready,
    threadsWithHoles() {
      const out = [];
      for (const [conversationId, found] of threads) {
        const holes = holesIn(found.$window.get());
        if (holes.length > 0) out.push({ conversationId, holes });
      }
      return out;
    },
    fillFromCache(id, read) {
      const found = thread(id);
      const ready: Promise<void> = read.then(
        (cached) => {
          if (cached && found.ready === ready) {
            found.$window.set(mergeHistoryPage(cached, found.$window.get().messages, false));
          }
          updateHasMore(found);
        },
        // An unreadable cached copy is no copy: the thread loads from the server.
        () => undefined,
      );
      found.ready = ready;
    },
    setUser: (user) => $user.set(user),
    applyMessages(messages) {
      const byConversation = new Map<string, Message[]>();
      for (const message of messages) {
        const list = byConversation.get(message.conversationId) ?? [];
        list.push(message);
        byConversation.set(message.conversationId, list);
      }
      for (const [conversationId, list] of byConversation) {
        const found = thread(conversationId);
        found.$window.set(mergeIntoWindow(found.$window.get(), list));
        touchSummary(conversationId, list);
      }
      changed.emit({ threads: [...byConversation.keys()] });
    },
    applyHistory(conversationId, messages, hasMore) {
      const found = thread(conversationId);
      found.$window.set(mergeHistoryPage(found.$window.get(), messages, !hasMore));
      updateHasMore(found);
      touchSummary(conversationId, messages);
      changed.emit({ threads: [conversationId] });
    },
    dropBelowHoles(conversationId) {
      const found = thread(conversationId);
      found.$window.set(keepNewestRun(found.$window.get()));
      updateHasMore(found);
      changed.emit({ threads: [conversationId] });
    },
    setThreadStatus(conversationId, patch) {
      const found = thread(conversationId);
      const next: ThreadStatus = { ...found.$status.get(), ...patch };
      if ('error' in patch && patch.error === undefined) delete next.error;
      found.$status.set(next);
    },
    applyConversations(conversations, replaceAll = false) {
      const current = replaceAll ? {} : $conversationMap.get();
      const next: Record<string, Conversation> = { ...current };
      for (const incoming of conversations) next[incoming.id] = mergeConversation(current[incoming.id], incoming);
      $conversationMap.set(next);
      changed.emit({ conversations: true });
    },
    applyRead(receipt) {
      const conversation = $conversationMap.get()[receipt.conversationId];
      if (!conversation) return;
      const participants = conversation.participants.map((p) =>
        p.userId === receipt.userId && receipt.seq > p.lastReadSeq ? { ...p, lastReadSeq: receipt.seq } : p,
      );
      $conversationMap.setKey(receipt.conversationId, { ...conversation, participants });
      changed.emit({ conversations: true });
    },
    applyUnread(counts, complete = false) {
      $unreadTotal.set(counts.total);
      const all = $conversationMap.get();
      const next: Record<string, Conversation> = { ...all };
      let any = false;
      for (const [id, conversation] of Object.entries(all)) {
        const count = counts.conversations[id] ?? (complete ? 0 : undefined);
        if (count !== undefined && count !== conversation.unreadCount) {
          next[id] = { ...conversation, unreadCount: count };
          any = true;
        }
      }
      if (any) $conversationMap.set(next);
      changed.emit({ conversations: true });
    },
    setOutbox: (entries) => $outbox.set([...entries].sort((a, b) => a.order - b.order)),
    reset() {
      $user.set(null);
      $conversationMap.set({});
      $unreadTotal.set(0);
      $outbox.set([]);
      $reactionIntents.set([]);
      for (const found of threads.values()) {
        // A cache read still under way belongs to the user who is gone.
        found.ready = Promise.resolve();
        found.$window.set(emptyWindow());
        found.$status.set({ loading: false, hasMore: true });
      }
      live.reset();
    },
  };
}
