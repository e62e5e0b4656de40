import type {
  ChatUser,
  Conversation,
  Message,
  PresenceEvent,
  ReadReceipt,
  TypingEvent,
  UnreadCounts,
} from '@palaver/protocol';
import { atom, computed, map, onMount, type ReadableAtom, type WritableAtom } from 'nanostores';
import type { ClientErrorCode } from '../errors.js';
import {
  emptyWindow,
  holesIn,
  keepNewestRun,
  type MessageWindow,
  mergeHistoryPage,
  mergeIntoWindow,
} from './message-window.js';

/** Where one of the user's messages stands. `read`: someone else in the conversation has read it. */
export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'read' | 'failed';

/** A message as the UI shows it: the server's message, or a pending one from the outbox. */
export interface ChatMessage extends Message {
  status: DeliveryStatus;
  /** Why a `failed` message failed. */
  error?: { code: ClientErrorCode; message: string };
  /** True for a message still in the outbox (its `id` is local and `seq` is 0). */
  pending?: boolean;
}

/** A message waiting in the outbox. Persisted, so it survives reloads. */
export interface OutboxEntry {
  clientId: string;
  conversationId: string;
  body: string;
  replyToId?: string;
  senderId: string;
  createdAt: string;
  /** Sending order across the whole outbox. */
  order: number;
  status: 'queued' | 'sending' | 'failed';
  attempts: number;
  /** Not before this time (ms since the epoch): backoff and rate limits. */
  notBefore: number;
  error?: { code: ClientErrorCode; message: string };
}

export interface ThreadStatus {
  /** Loading the newest page or older messages. */
  loading: boolean;
  /** Older messages exist on the server. */
  hasMore: boolean;
  error?: { code: ClientErrorCode; message: string };
}

export interface TypingUser {
  userId: string;
  name: string;
}

export interface Presence {
  online: boolean;
  lastSeenAt?: string;
}

interface Thread {
  $window: WritableAtom<MessageWindow>;
  $status: WritableAtom<ThreadStatus>;
  $messages?: ReadableAtom<ChatMessage[]>;
  /**
   * Resolves once the cached copy was loaded; writes to the cache wait for it so
   * none is overwritten. Replaced by a new read each time storage opens.
   */
  ready: Promise<void>;
}

export interface StateHooks {
  /** A thread got its first subscriber: load it from cache, then from the server. */
  threadMounted(conversationId: string): void;
  presenceMounted(userId: string): void;
  /** Reads a thread's cached window (none while storage is not open). */
  loadWindow(conversationId: string): Promise<MessageWindow | undefined>;
  /** Something worth caching changed. */
  changed(what: { conversations?: boolean; threads?: string[] }): void;
}

const TYPING_EXPIRY_MS = 10_000;

const activity = (c: Conversation) => c.updatedAt;

/**
 * The client's state in nanostores. Every change from the server (live events,
 * acks, sync pages, history) goes through the `apply*` methods, which are
 * idempotent and keep the newest version of everything, so any interleaving
 * of events and sync results converges to the same state.
 */
export class ChatState {
  readonly $user = atom<ChatUser | null>(null);
  readonly $conversationMap = map<Record<string, Conversation>>({});
  readonly $conversations: ReadableAtom<Conversation[]> = computed(this.$conversationMap, (all) =>
    Object.values(all).sort((a, b) => activity(b).localeCompare(activity(a)) || b.id.localeCompare(a.id)),
  );
  readonly $unreadTotal = atom(0);
  readonly $outbox = atom<OutboxEntry[]>([]);

  private readonly threads = new Map<string, Thread>();
  private readonly conversationAtoms = new Map<string, ReadableAtom<Conversation | undefined>>();
  private readonly unreadAtoms = new Map<string, ReadableAtom<number>>();
  private readonly typingAtoms = new Map<string, WritableAtom<TypingUser[]>>();
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly presenceAtoms = new Map<string, WritableAtom<Presence | undefined>>();

  constructor(private readonly hooks: StateHooks) {}

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
        (window, outbox, conversation, user) => combine(window.messages, outbox, id, conversation, user),
      );
      onMount($messages, () => {
        this.hooks.threadMounted(id);
      });
      thread.$messages = $messages;
    }
    return thread.$messages;
  }

  threadStatusOf(id: string): ReadableAtom<ThreadStatus> {
    return this.thread(id).$status;
  }

  typingIn(id: string): ReadableAtom<TypingUser[]> {
    let store = this.typingAtoms.get(id);
    if (!store) {
      store = atom<TypingUser[]>([]);
      this.typingAtoms.set(id, store);
    }
    return store;
  }

  presenceOf(userId: string): ReadableAtom<Presence | undefined> {
    let store = this.presenceAtoms.get(userId);
    if (!store) {
      const created = atom<Presence | undefined>(undefined);
      onMount(created, () => {
        this.hooks.presenceMounted(userId);
      });
      store = created;
      this.presenceAtoms.set(userId, store);
    }
    return store;
  }

  /** Conversations whose threads are in memory (cached or being watched). */
  loadedThreads(): string[] {
    return [...this.threads.keys()];
  }

  windowOf(id: string): MessageWindow {
    return this.thread(id).$window.get();
  }

  isWatched(id: string): boolean {
    return (this.threads.get(id)?.$messages?.lc ?? 0) > 0;
  }

  threadReady(id: string): Promise<void> {
    return this.thread(id).ready;
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
      this.loadCached(id, thread);
    }
    return thread;
  }

  /**
   * Storage opened (at start, or for another user): threads created before it
   * (an element subscribes as soon as it is on the page, before `connect()` has
   * opened anything) read their cached copy now.
   */
  loadCachedThreads(): void {
    for (const [id, thread] of this.threads) this.loadCached(id, thread);
  }

  private loadCached(id: string, thread: Thread): void {
    const { $window } = thread;
    const ready: Promise<void> = this.hooks.loadWindow(id).then(
      (cached) => {
        // Whatever arrived while the cache was read is newer: merge it on top. A read
        // superseded by a newer one (another user's store) is dropped.
        if (cached && thread.ready === ready) $window.set(mergeHistoryPage(cached, $window.get().messages, false));
        updateHasMore(thread);
      },
      () => undefined,
    );
    thread.ready = ready;
  }

  // --- applying changes -------------------------------------------------------

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
    this.hooks.changed({ threads: [...byConversation.keys()] });
  }

  /** A page of history from the server. */
  applyHistory(conversationId: string, messages: Message[], hasMore: boolean): void {
    const thread = this.thread(conversationId);
    thread.$window.set(mergeHistoryPage(thread.$window.get(), messages, !hasMore));
    updateHasMore(thread);
    this.touchSummary(conversationId, messages);
    this.hooks.changed({ threads: [conversationId] });
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

  /** Gives up the part of a window below its newest hole (older messages load again on demand). */
  dropBelowHoles(conversationId: string): void {
    const thread = this.thread(conversationId);
    thread.$window.set(keepNewestRun(thread.$window.get()));
    updateHasMore(thread);
    this.hooks.changed({ threads: [conversationId] });
  }

  setThreadStatus(conversationId: string, patch: Partial<ThreadStatus>): void {
    const thread = this.thread(conversationId);
    const next: ThreadStatus = { ...thread.$status.get(), ...patch };
    if ('error' in patch && patch.error === undefined) delete next.error;
    thread.$status.set(next);
  }

  /** Keeps the conversation summary (last message, activity) in step with its messages. */
  private touchSummary(conversationId: string, messages: Message[]): void {
    const conversation = this.$conversationMap.get()[conversationId];
    if (!conversation) return;
    let next = conversation;
    for (const message of messages) {
      if (message.seq > next.lastSeq || (message.seq === next.lastSeq && next.lastMessage?.id === message.id)) {
        const newer = message.seq > next.lastSeq;
        next = {
          ...next,
          lastSeq: message.seq,
          lastMessage: message,
          updatedAt: newer && message.createdAt > next.updatedAt ? message.createdAt : next.updatedAt,
        };
      }
    }
    if (next !== conversation) this.$conversationMap.setKey(conversationId, next);
  }

  /** Conversation summaries from the server; counters and pointers never go backwards. */
  applyConversations(conversations: Conversation[], replaceAll = false): void {
    const current = replaceAll ? {} : this.$conversationMap.get();
    const next: Record<string, Conversation> = { ...current };
    for (const incoming of conversations) next[incoming.id] = mergeConversation(current[incoming.id], incoming);
    this.$conversationMap.set(next);
    this.hooks.changed({ conversations: true });
  }

  applyRead(receipt: ReadReceipt): void {
    const conversation = this.$conversationMap.get()[receipt.conversationId];
    if (!conversation) return;
    const participants = conversation.participants.map((p) =>
      p.userId === receipt.userId && receipt.seq > p.lastReadSeq ? { ...p, lastReadSeq: receipt.seq } : p,
    );
    this.$conversationMap.setKey(receipt.conversationId, { ...conversation, participants });
    this.hooks.changed({ conversations: true });
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
    this.hooks.changed({ conversations: true });
  }

  applyTyping(event: TypingEvent): void {
    const store = this.typingIn(event.conversationId) as WritableAtom<TypingUser[]>;
    const key = `${event.conversationId}\u0000${event.userId}`;
    clearTimeout(this.typingTimers.get(key));
    const others = store.get().filter((u) => u.userId !== event.userId);
    if (event.typing) {
      store.set([...others, { userId: event.userId, name: event.name }]);
      // A missed "stopped typing" (dropped connection) must not leave the indicator on.
      this.typingTimers.set(
        key,
        setTimeout(() => this.applyTyping({ ...event, typing: false }), TYPING_EXPIRY_MS),
      );
    } else {
      this.typingTimers.delete(key);
      if (others.length !== store.get().length) store.set(others);
    }
  }

  /** Someone's message arrived: they are no longer typing. */
  clearTypingOf(conversationId: string, userId: string): void {
    const store = this.typingAtoms.get(conversationId);
    if (store?.get().some((u) => u.userId === userId)) {
      this.applyTyping({ conversationId, userId, name: '', typing: false });
    }
  }

  applyPresence(event: PresenceEvent): void {
    const store = this.presenceOf(event.userId) as WritableAtom<Presence | undefined>;
    store.set(event.lastSeenAt ? { online: event.online, lastSeenAt: event.lastSeenAt } : { online: event.online });
  }

  setOutbox(entries: OutboxEntry[]): void {
    this.$outbox.set([...entries].sort((a, b) => a.order - b.order));
  }

  /** Forgets everything (logout). */
  reset(): void {
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
    for (const store of this.typingAtoms.values()) store.set([]);
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
    this.typingTimers.clear();
    for (const store of this.presenceAtoms.values()) store.set(undefined);
  }

  dispose(): void {
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
    this.typingTimers.clear();
  }
}

/** Older messages exist unless the window starts at the conversation's first message. */
function updateHasMore(thread: Thread): void {
  thread.$status.set({ ...thread.$status.get(), hasMore: (thread.$window.get().fromSeq ?? 2) > 1 });
}

/** The server's summary, with pointers and the last message never moving backwards. */
export function mergeConversation(current: Conversation | undefined, incoming: Conversation): Conversation {
  if (!current) return incoming;
  const lastReadOf = new Map(current.participants.map((p) => [p.userId, p.lastReadSeq]));
  const merged: Conversation = {
    ...incoming,
    participants: incoming.participants.map((p) => ({
      ...p,
      lastReadSeq: Math.max(p.lastReadSeq, lastReadOf.get(p.userId) ?? 0),
    })),
  };
  if (current.lastSeq > incoming.lastSeq) {
    merged.lastSeq = current.lastSeq;
    if (current.lastMessage) merged.lastMessage = current.lastMessage;
    merged.updatedAt = current.updatedAt > incoming.updatedAt ? current.updatedAt : incoming.updatedAt;
  }
  return merged;
}

function combine(
  confirmed: Message[],
  outbox: OutboxEntry[],
  conversationId: string,
  conversation: Conversation | undefined,
  user: ChatUser | null,
): ChatMessage[] {
  const readByOthers = Math.max(
    0,
    ...(conversation?.participants ?? []).filter((p) => p.userId !== user?.id).map((p) => p.lastReadSeq),
  );
  const sentClientIds = new Set<string>();
  const out: ChatMessage[] = confirmed.map((message) => {
    const own = message.senderId === user?.id;
    if (own) sentClientIds.add(message.clientId);
    return { ...message, status: own && message.seq <= readByOthers ? 'read' : 'sent' };
  });
  for (const entry of outbox) {
    // The server's copy replaces the pending one the moment it exists: never both.
    if (entry.conversationId !== conversationId || sentClientIds.has(entry.clientId)) continue;
    const pending: ChatMessage = {
      id: `pending:${entry.clientId}`,
      clientId: entry.clientId,
      conversationId,
      seq: 0,
      senderId: entry.senderId,
      fromAdmin: user?.isAdmin ?? false,
      body: entry.body,
      attachments: [],
      createdAt: entry.createdAt,
      status: entry.status,
      pending: true,
    };
    if (entry.replyToId) pending.replyToId = entry.replyToId;
    if (entry.error) pending.error = entry.error;
    out.push(pending);
  }
  return out;
}
