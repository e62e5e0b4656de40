import type {
  AckResponse,
  ChatUser,
  Conversation,
  ConversationResult,
  Message,
  PresenceEvent,
  ProductRef,
  ReadReceipt,
  ServerToClientEvents,
  SyncResult,
  TypingEvent,
  UnreadCounts,
} from '@palaver/protocol';
import { isNotBlank, LIMITS } from '@palaver/protocol';
import { atom, type ReadableAtom } from 'nanostores';
import { Cache } from './cache.js';
import { ChatError } from './errors.js';
import { Outbox, retryDelay } from './outbox.js';
import { socketTransport } from './socket-transport.js';
import { type ChatMessage, ChatState, type Presence, type ThreadStatus, type TypingUser } from './state/chat-state.js';
import type { KeyValueStore, StorageOption } from './storage/key-value-store.js';
import { openUserStore } from './storage/open-store.js';
import { coordinateTabs, type TabCoordinator } from './tabs.js';
import { type TokenSource, userFromToken } from './token.js';
import type { ClientEvent, PayloadOf, ResultOf, Transport, TransportHandlers } from './transport.js';

/**
 * - `idle`: not started (`connect()` not called yet)
 * - `connecting`: first connection in progress
 * - `online`: connected and live
 * - `offline`: connection lost or server unreachable; retrying by itself, sends are queued
 * - `unauthorized`: the server refused the token and no fresh one could be had
 * - `closed`: `disconnect()`, `logout()` or `destroy()` was called
 */
export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'offline' | 'unauthorized' | 'closed';

export interface ChatClientOptions {
  /** The Palaver server, e.g. `https://chat.shop.example`. Not needed with `transport`. */
  url?: string;
  /** The user's JWT, or a function that fetches a fresh one (called again when the server says it expired). */
  token: TokenSource;
  /**
   * The user's id, when `token` is a function: lets the client open its cache
   * and outbox while the token cannot be fetched (offline start). Read from the
   * token otherwise.
   */
  userId?: string;
  /** `auto` (default): IndexedDB where it works, memory otherwise. */
  storage?: StorageOption;
  /** Keeps caches of several Palaver servers apart; defaults to the server's host. */
  namespace?: string;
  /** Replaces the Socket.IO transport (see `@palaver/sdk/testing`). */
  transport?: Transport;
  /** Longest wait between reconnection attempts, in ms (default 5000). */
  reconnectionDelayMax?: number;
}

export interface OpenProductConversationInput {
  product: ProductRef;
  supplierId: string;
  supplierName: string;
}

export interface OpenSupportConversationInput {
  subject: string;
  /** Admins only: open the thread with this client. */
  clientUserId?: string;
  clientName?: string;
}

export interface ChatClient {
  /** Connection status; see {@link ConnectionStatus}. */
  readonly $connection: ReadableAtom<ConnectionStatus>;
  /** The signed-in user (from the token), or null before `connect()`. */
  readonly $user: ReadableAtom<ChatUser | null>;
  /** The user's conversations, most recent activity first. */
  readonly $conversations: ReadableAtom<Conversation[]>;
  /** Unread messages in all conversations, as counted by the server. */
  readonly $unreadTotal: ReadableAtom<number>;
  /** True while the client is catching up with the server's changes (after each connection). */
  readonly $syncing: ReadableAtom<boolean>;
  /** Where local data lives: `indexeddb`, or `memory` when IndexedDB is unavailable. */
  readonly $storage: ReadableAtom<'indexeddb' | 'memory' | null>;

  /** Messages of a conversation (sent and pending), oldest first. Subscribing loads them. */
  messagesOf(conversationId: string): ReadableAtom<ChatMessage[]>;
  /** Whether older messages exist and whether a page is loading. */
  threadStatusOf(conversationId: string): ReadableAtom<ThreadStatus>;
  conversationOf(conversationId: string): ReadableAtom<Conversation | undefined>;
  unreadOf(conversationId: string): ReadableAtom<number>;
  /** Who else is typing in a conversation. */
  typingIn(conversationId: string): ReadableAtom<TypingUser[]>;
  /** Whether a user is online. Subscribing asks the server. */
  presenceOf(userId: string): ReadableAtom<Presence | undefined>;

  /** Opens the local cache and connects; resolves once the cache is shown (not when online). */
  connect(): Promise<void>;
  /** Closes the connection; local data stays. */
  disconnect(): void;
  /** Closes the connection and removes this user's local data (cache and outbox) from this browser. */
  logout(): Promise<void>;
  /** Stops everything and writes what is pending to disk. The client cannot be used afterwards. */
  destroy(): Promise<void>;
  /** Replaces the token (or provider), e.g. after the user signed in again. Reconnects. */
  setToken(token: TokenSource): void;

  openProductConversation(input: OpenProductConversationInput): Promise<Conversation>;
  openSupportConversation(input: OpenSupportConversationInput): Promise<Conversation>;
  /** Queues a message: it shows at once as `queued` and is delivered when possible. */
  send(conversationId: string, body: string, options?: { replyToId?: string }): Promise<ChatMessage>;
  edit(messageId: string, body: string): Promise<Message>;
  delete(messageId: string): Promise<Message>;
  /** Marks messages up to `seq` as read (never moves backwards). */
  markRead(conversationId: string, seq: number): Promise<void>;
  /** Tells the others you are typing; throttled, and stops by itself after a few seconds. */
  setTyping(conversationId: string, typing: boolean): void;
  /** Loads the previous page of a thread; resolves false when there is nothing older. */
  loadOlder(conversationId: string): Promise<boolean>;
  /** Sends a failed message again. */
  retry(clientId: string): Promise<void>;
  /** Drops a failed (or still pending) message from the outbox. */
  discard(clientId: string): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 15_000;
const HISTORY_PAGE = LIMITS.pageSizeDefault;
const HISTORY_PAGE_MAX = LIMITS.pageSizeMax;
/** Holes up to this many messages are fetched; larger ones are dropped and load on demand. */
const MAX_HOLE_FILL = 300;
const SYNC_PAGE = LIMITS.syncPageDefault;
const TYPING_RENEW_MS = 3000;
const TYPING_IDLE_MS = 5000;
/** Consecutive refusals with freshly fetched tokens before giving up (no refresh loop). */
const MAX_TOKEN_REFUSALS = 3;

function newClientId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function unwrap<T extends object>(answer: AckResponse<T>): T {
  if (!answer.ok) throw ChatError.from(answer.error);
  const { ok: _ok, ...result } = answer as { ok: true } & T;
  return result as T;
}

/** Creates a Palaver client. Nothing happens until `connect()`; nothing touches the DOM at import. */
export function createChatClient(options: ChatClientOptions): ChatClient {
  return new PalaverClient(options);
}

class PalaverClient implements ChatClient {
  private readonly $status = atom<ConnectionStatus>('idle');
  private readonly $storageKind = atom<'indexeddb' | 'memory' | null>(null);
  private readonly $syncState = atom(false);
  readonly $syncing: ReadableAtom<boolean> = this.$syncState;
  private readonly state: ChatState;
  private readonly transport: Transport;
  private readonly namespace: string;
  private tokenSource: TokenSource;
  private token: string | undefined;
  private store: KeyValueStore | undefined;
  private cache: Cache | undefined;
  private outbox: Outbox | undefined;
  private tabs: TabCoordinator | undefined;
  private cursor: string | null = null;
  private started: Promise<void> | undefined;
  /** The sync in progress, if any: threads wait for it before loading their newest page. */
  private syncing: Promise<void> | undefined;
  private syncAgain = false;
  private refusals = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly pendingReads = new Map<string, number>();
  private readonly typingSent = new Map<string, { at: number; idle: ReturnType<typeof setTimeout> }>();
  private closed = false;

  readonly $connection: ReadableAtom<ConnectionStatus> = this.$status;
  readonly $user: ReadableAtom<ChatUser | null>;
  readonly $conversations: ReadableAtom<Conversation[]>;
  readonly $unreadTotal: ReadableAtom<number>;
  readonly $storage: ReadableAtom<'indexeddb' | 'memory' | null> = this.$storageKind;

  constructor(private readonly options: ChatClientOptions) {
    if (!options.url && !options.transport) throw new ChatError('invalid_payload', 'createChatClient needs a url.');
    this.tokenSource = options.token;
    this.transport =
      options.transport ??
      socketTransport(options.url as string, {
        ...(options.reconnectionDelayMax !== undefined ? { reconnectionDelayMax: options.reconnectionDelayMax } : {}),
      });
    this.namespace = options.namespace ?? (options.url ? new URL(options.url).host : 'default');
    this.state = new ChatState({
      threadMounted: (id) => void this.refreshThread(id),
      presenceMounted: (userId) => void this.queryPresence([userId]),
      loadWindow: async (id) => (this.cache ? this.cache.loadWindow(id) : undefined),
      changed: (what) => this.cache?.changed(what),
    });
    this.$user = this.state.$user;
    this.$conversations = this.state.$conversations;
    this.$unreadTotal = this.state.$unreadTotal;
  }

  // --- stores -------------------------------------------------------------------

  messagesOf(id: string) {
    return this.state.messagesOf(id);
  }
  threadStatusOf(id: string) {
    return this.state.threadStatusOf(id);
  }
  conversationOf(id: string) {
    return this.state.conversationOf(id);
  }
  unreadOf(id: string) {
    return this.state.unreadOf(id);
  }
  typingIn(id: string) {
    return this.state.typingIn(id);
  }
  presenceOf(userId: string) {
    return this.state.presenceOf(userId);
  }

  // --- lifecycle ------------------------------------------------------------------

  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new ChatError('invalid_payload', 'This client was destroyed.'));
    this.started ??= this.start().catch((error: unknown) => {
      this.started = undefined;
      throw error;
    });
    return this.started;
  }

  /**
   * The browser knows before any socket timeout when the network goes: close at
   * once (sends queue up), and reconnect as soon as it is back.
   */
  private readonly onBrowserOffline = (): void => {
    if (this.closed || !this.started) return;
    this.transport.close();
    this.$status.set('offline');
  };

  private readonly onBrowserOnline = (): void => {
    if (this.closed || !this.started || this.transport.connected) return;
    void this.reconnect();
  };

  private async start(): Promise<void> {
    if (typeof window !== 'undefined' && typeof window.addEventListener === 'function') {
      window.addEventListener('offline', this.onBrowserOffline);
      window.addEventListener('online', this.onBrowserOnline);
    }
    this.$status.set('connecting');
    let token: string | undefined;
    try {
      token = await this.fetchToken();
    } catch {
      // The marketplace's token endpoint is unreachable (offline): show the cache, retry later.
    }
    const user = (token ? userFromToken(token) : undefined) ?? this.userFromOptions();
    if (!user) {
      this.$status.set('offline');
      this.scheduleReconnect();
      return;
    }
    await this.openStorage(user);
    if (token) this.openTransport(token);
    else {
      this.$status.set('offline');
      this.scheduleReconnect();
    }
  }

  private userFromOptions(): ChatUser | undefined {
    return this.options.userId ? { id: this.options.userId, name: this.options.userId, isAdmin: false } : undefined;
  }

  private async fetchToken(): Promise<string> {
    const source = this.tokenSource;
    this.token = typeof source === 'string' ? source : await source();
    return this.token;
  }

  /** Opens this user's store, shows the cache and the outbox, and joins the other tabs. */
  private async openStorage(user: ChatUser): Promise<void> {
    const current = this.state.$user.get();
    if (current && current.id !== user.id) await this.closeStorage(false);
    this.state.setUser(user);
    if (this.store) return;
    const store = await openUserStore(this.namespace, user.id, this.options.storage ?? 'auto', () => {
      if (this.store !== store) return;
      this.$storageKind.set(store.kind);
      this.joinTabs(store);
    });
    this.store = store;
    this.$storageKind.set(store.kind);
    this.cache = new Cache(store, this.state);
    // Before anything can be written: a write waits for its thread's cached copy.
    this.state.loadCachedThreads();
    const cached = await this.cache.load();
    this.cursor = cached.cursor;
    if (cached.conversations.length > 0) this.state.applyConversations(cached.conversations);
    this.state.$unreadTotal.set(cached.unreadTotal);
    const outbox = new Outbox({
      store,
      state: this.state,
      transport: this.transport,
      isSender: () => this.tabs?.isLeader ?? false,
      announce: (change) => this.tabs?.post({ type: 'outbox', ...change }),
      delivered: (message) => this.state.applyMessages([message]),
    });
    this.outbox = outbox;
    await outbox.reload();
    this.joinTabs(store);
  }

  /**
   * Joins the clients that share this store (the tabs, for IndexedDB; the
   * page, for memory): one of them sends the outbox, the others show its
   * progress. Where tabs do not share the store, each sends its own.
   */
  private joinTabs(store: KeyValueStore): void {
    const outbox = this.outbox;
    if (!outbox) return;
    this.tabs?.close();
    this.tabs = coordinateTabs(
      `palaver:${store.scope}`,
      (message) => {
        if (message.type !== 'outbox') return;
        if (message.status === 'sending') outbox.showStatus(message.clientId, 'sending');
        else void outbox.reload().then(() => outbox.flush());
      },
      () => void outbox.reload().then(() => outbox.flush()),
    );
  }

  private async closeStorage(wipe: boolean): Promise<void> {
    this.outbox?.dispose();
    this.tabs?.close();
    this.cache?.dispose();
    if (!wipe) await this.cache?.flush();
    if (wipe) await this.store?.destroy();
    this.outbox = undefined;
    this.tabs = undefined;
    this.cache = undefined;
    this.store = undefined;
    this.cursor = null;
    this.state.reset();
    this.$storageKind.set(null);
  }

  private openTransport(token: string): void {
    const handlers: TransportHandlers = {
      connected: () => this.onConnected(),
      disconnected: () => {
        if (!this.closed && this.$status.get() !== 'unauthorized') this.$status.set('offline');
      },
      refused: (reason) => this.onRefused(reason.code),
      event: (event, payload, unread) => {
        this.onEvent(event, payload as never);
        if (unread) this.onEvent('unread', unread);
      },
    };
    this.transport.open(token, handlers);
  }

  private onRefused(code: string): void {
    this.refusals++;
    const canRefresh = typeof this.tokenSource === 'function';
    if (!canRefresh || this.refusals > MAX_TOKEN_REFUSALS) {
      this.$status.set('unauthorized');
      this.transport.close();
      return;
    }
    // Expired or refused: fetch a fresh token after a growing pause (never a tight refresh loop).
    this.$status.set(code === 'token_expired' ? 'connecting' : 'offline');
    this.scheduleReconnect(retryDelay(this.refusals));
  }

  private scheduleReconnect(delayMs = retryDelay(1)): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.reconnect(), delayMs);
  }

  private async reconnect(): Promise<void> {
    if (this.closed) return;
    try {
      const token = await this.fetchToken();
      const user = userFromToken(token);
      if (user) await this.openStorage(user);
      this.openTransport(token);
    } catch {
      this.$status.set('offline');
      this.scheduleReconnect(retryDelay(Math.min(++this.refusals, 6)));
    }
  }

  private onConnected(): void {
    this.refusals = 0;
    this.$status.set('online');
    this.outbox?.connected();
    void this.request('unread:get', {}).then(
      (counts) => this.state.applyUnread(counts, true),
      () => undefined,
    );
    for (const [conversationId, seq] of this.pendingReads) void this.sendRead(conversationId, seq);
    // Threads on screen reload their newest page once the change feed has filled
    // them up to now; before that, the page would not join what the cache holds.
    void this.runSync().then(() => {
      for (const id of this.state.loadedThreads()) if (this.state.isWatched(id)) void this.refreshThread(id);
    });
  }

  private onEvent<E extends keyof ServerToClientEvents>(
    event: E,
    payload: Parameters<ServerToClientEvents[E]>[0],
  ): void {
    switch (event) {
      case 'message:new': {
        const message = payload as Message;
        const newest = this.state.windowOf(message.conversationId).messages.at(-1)?.seq;
        this.state.applyMessages([message]);
        // A message that does not follow the last one we have: something was missed.
        if (newest !== undefined && message.seq > newest + 1 && !this.syncing) void this.runSync();
        this.state.clearTypingOf(message.conversationId, message.senderId);
        // A conversation we have not heard of yet: the change feed has its summary.
        if (!this.state.$conversationMap.get()[message.conversationId]) void this.runSync();
        break;
      }
      case 'message:updated':
        this.state.applyMessages([payload as Message]);
        break;
      case 'conversation:updated':
        this.state.applyConversations([payload as Conversation]);
        break;
      case 'read':
        this.state.applyRead(payload as ReadReceipt);
        break;
      case 'unread':
        this.state.applyUnread(payload as UnreadCounts);
        break;
      case 'typing':
        this.state.applyTyping(payload as TypingEvent);
        break;
      case 'presence':
        this.state.applyPresence(payload as PresenceEvent);
        break;
    }
  }

  /** Pulls every change since the saved cursor, page after page; one run at a time. */
  private runSync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.$syncState.set(true);
    this.syncing = this.pullChanges().finally(() => {
      this.syncing = undefined;
      this.$syncState.set(false);
    });
    return this.syncing;
  }

  private async pullChanges(): Promise<void> {
    await this.pullAllPages();
    if (this.transport.connected) await this.fillHoles();
  }

  /**
   * After a sync, a thread may still miss messages (it was never synced that far
   * back, or live messages came after a stretch it never saw). Small holes are
   * fetched from history; a thread missing more keeps only its newest part, and
   * the rest loads again when scrolled to.
   */
  private async fillHoles(): Promise<void> {
    for (const { conversationId, holes } of this.state.threadsWithHoles()) {
      const missing = holes.reduce((sum, hole) => sum + hole.to - hole.from + 1, 0);
      if (missing > MAX_HOLE_FILL) {
        this.state.dropBelowHoles(conversationId);
        continue;
      }
      try {
        for (const hole of holes) {
          for (let to = hole.to; to >= hole.from; to -= HISTORY_PAGE_MAX) {
            const { messages } = await this.request('messages:history', {
              conversationId,
              beforeSeq: to + 1,
              limit: Math.min(HISTORY_PAGE_MAX, to - hole.from + 1),
            });
            this.state.applyHistory(conversationId, messages, true);
          }
        }
      } catch {
        // Connection lost: the hole stays (what is shown is still true) and the
        // sync after the next connection fills it.
        return;
      }
    }
  }

  private async pullAllPages(): Promise<void> {
    do {
      this.syncAgain = false;
      try {
        let page: SyncResult;
        do {
          page = await this.request('sync', { cursor: this.cursor, limit: SYNC_PAGE }, 30_000);
          this.applySyncPage(page);
        } while (page.hasMore && !this.closed);
      } catch {
        // Connection lost mid-way: the next connection (which sets syncAgain) resumes from the cursor.
      }
    } while (this.syncAgain && !this.closed && this.transport.connected);
  }

  private applySyncPage(page: SyncResult): void {
    if (page.reset && this.cursor !== null) {
      // The server does not know our cursor (another database): start from its state.
      for (const id of this.state.loadedThreads()) this.state.applyHistory(id, [], true);
    }
    this.state.applyConversations(page.conversations, page.reset === true);
    this.state.applyMessages(page.messages);
    for (const receipt of page.reads) this.state.applyRead(receipt);
    this.cursor = page.cursor;
    this.cache?.setCursor(page.cursor);
  }

  disconnect(): void {
    clearTimeout(this.retryTimer);
    if (typeof window !== 'undefined' && typeof window.removeEventListener === 'function') {
      window.removeEventListener('offline', this.onBrowserOffline);
      window.removeEventListener('online', this.onBrowserOnline);
    }
    this.transport.close();
    this.started = undefined;
    this.$status.set('closed');
  }

  async logout(): Promise<void> {
    this.disconnect();
    await this.closeStorage(true);
    this.pendingReads.clear();
  }

  async destroy(): Promise<void> {
    if (this.closed) return;
    this.disconnect();
    this.closed = true;
    for (const { idle } of this.typingSent.values()) clearTimeout(idle);
    await this.closeStorage(false);
    this.state.dispose();
  }

  setToken(token: TokenSource): void {
    this.tokenSource = token;
    this.refusals = 0;
    if (this.closed) return;
    this.transport.close();
    if (this.started) void this.reconnect();
  }

  // --- requests -------------------------------------------------------------------

  private async request<E extends ClientEvent>(
    event: E,
    payload: PayloadOf<E>,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<ResultOf<E>> {
    return unwrap(await this.transport.request(event, payload, timeoutMs)) as ResultOf<E>;
  }

  async openProductConversation(input: OpenProductConversationInput): Promise<Conversation> {
    const me = this.state.$user.get()?.id;
    const known = this.state.$conversations
      .get()
      .find(
        (c) =>
          c.kind === 'product' &&
          c.product?.id === input.product.id &&
          c.participants.some((p) => p.userId === input.supplierId && p.role === 'supplier') &&
          c.participants.some((p) => p.userId === me && p.role === 'buyer'),
      );
    // Offline, a conversation opened before is enough to show the thread and queue messages.
    if (known && !this.transport.connected) return known;
    return this.open({ kind: 'product', ...input });
  }

  openSupportConversation(input: OpenSupportConversationInput): Promise<Conversation> {
    return this.open({ kind: 'support', ...input });
  }

  private async open(payload: PayloadOf<'conversation:open'>): Promise<Conversation> {
    const { conversation } = (await this.request('conversation:open', payload)) as ConversationResult;
    this.state.applyConversations([conversation]);
    return this.state.$conversationMap.get()[conversation.id] ?? conversation;
  }

  async send(conversationId: string, body: string, options: { replyToId?: string } = {}): Promise<ChatMessage> {
    await this.connect();
    const user = this.state.$user.get();
    if (!user || !this.outbox) throw new ChatError('offline', 'The client could not identify the user yet.');
    if (!isNotBlank(body)) throw new ChatError('invalid_payload', 'The message is empty.');
    const entry = await this.outbox.add({
      clientId: newClientId(),
      conversationId,
      body,
      senderId: user.id,
      createdAt: new Date().toISOString(),
      ...(options.replyToId ? { replyToId: options.replyToId } : {}),
    });
    // As it was when stored: `queued` (the store shows its later states).
    return {
      id: `pending:${entry.clientId}`,
      clientId: entry.clientId,
      conversationId,
      seq: 0,
      senderId: user.id,
      fromAdmin: user.isAdmin,
      body,
      attachments: [],
      createdAt: entry.createdAt,
      status: 'queued',
      pending: true,
      ...(options.replyToId ? { replyToId: options.replyToId } : {}),
    };
  }

  async edit(messageId: string, body: string): Promise<Message> {
    const { message } = await this.request('message:edit', { messageId, body });
    this.state.applyMessages([message]);
    return message;
  }

  async delete(messageId: string): Promise<Message> {
    const { message } = await this.request('message:delete', { messageId });
    this.state.applyMessages([message]);
    return message;
  }

  async markRead(conversationId: string, seq: number): Promise<void> {
    const me = this.state.$user.get();
    const conversation = this.state.$conversationMap.get()[conversationId];
    const mine = conversation?.participants.find((p) => p.userId === me?.id);
    if (!me || !conversation || !mine || seq <= mine.lastReadSeq) return;
    // Show it at once; the server's answer brings the exact counts.
    this.state.applyRead({ conversationId, userId: me.id, seq, readAt: new Date().toISOString() });
    if (seq >= conversation.lastSeq && conversation.unreadCount > 0) {
      this.state.applyUnread({
        total: Math.max(0, this.state.$unreadTotal.get() - conversation.unreadCount),
        conversations: { [conversationId]: 0 },
      });
    }
    this.pendingReads.set(conversationId, Math.max(seq, this.pendingReads.get(conversationId) ?? 0));
    await this.sendRead(conversationId, seq);
  }

  private async sendRead(conversationId: string, seq: number): Promise<void> {
    if (!this.transport.connected) return; // sent on the next connection
    try {
      const { unreadCount, unreadTotal } = await this.request('conversation:read', { conversationId, seq });
      if ((this.pendingReads.get(conversationId) ?? 0) <= seq) this.pendingReads.delete(conversationId);
      this.state.applyUnread({ total: unreadTotal, conversations: { [conversationId]: unreadCount } });
    } catch {
      // kept in pendingReads for the next connection
    }
  }

  setTyping(conversationId: string, typing: boolean): void {
    const sent = this.typingSent.get(conversationId);
    const now = Date.now();
    if (!typing) {
      if (!sent) return;
      clearTimeout(sent.idle);
      this.typingSent.delete(conversationId);
      this.transport.notify('typing', { conversationId, typing: false });
      return;
    }
    if (sent) clearTimeout(sent.idle);
    const idle = setTimeout(() => this.setTyping(conversationId, false), TYPING_IDLE_MS);
    if (!sent || now - sent.at >= TYPING_RENEW_MS) {
      this.transport.notify('typing', { conversationId, typing: true });
      this.typingSent.set(conversationId, { at: now, idle });
    } else {
      this.typingSent.set(conversationId, { at: sent.at, idle });
    }
  }

  /** Loads the newest page of a thread (on first view and after each reconnection). */
  private async refreshThread(conversationId: string): Promise<void> {
    await this.state.threadReady(conversationId);
    await this.syncing;
    if (!this.transport.connected) return;
    try {
      await this.loadPage(conversationId);
      // A thread opens with at least a page of messages when the conversation has them.
      const window = this.state.windowOf(conversationId);
      if (window.messages.length < HISTORY_PAGE && (window.fromSeq ?? 1) > 1) await this.loadOlder(conversationId);
    } catch {
      // The thread's status tells the error.
    }
  }

  async loadOlder(conversationId: string): Promise<boolean> {
    await this.state.threadReady(conversationId);
    const { fromSeq } = this.state.windowOf(conversationId);
    return fromSeq !== 1 && (await this.loadPage(conversationId, fromSeq)) > 0;
  }

  /** A page of a thread's history: the newest, or the one before `beforeSeq`. Its status follows the request. */
  private async loadPage(conversationId: string, beforeSeq?: number): Promise<number> {
    this.state.setThreadStatus(conversationId, { loading: true });
    try {
      const { messages, hasMore } = await this.request('messages:history', {
        conversationId,
        limit: HISTORY_PAGE,
        ...(beforeSeq !== undefined ? { beforeSeq } : {}),
      });
      this.state.applyHistory(conversationId, messages, hasMore);
      this.state.setThreadStatus(conversationId, { loading: false, error: undefined });
      return messages.length;
    } catch (error) {
      const { code, message } = error instanceof ChatError ? error : new ChatError('internal', String(error));
      this.state.setThreadStatus(conversationId, { loading: false, error: { code, message } });
      throw error;
    }
  }

  async retry(clientId: string): Promise<void> {
    await this.outbox?.retry(clientId);
  }

  async discard(clientId: string): Promise<void> {
    await this.outbox?.discard(clientId);
  }

  private async queryPresence(userIds: string[]): Promise<void> {
    if (!this.transport.connected) return;
    try {
      const { presence } = await this.request('presence:query', { userIds });
      for (const event of presence) this.state.applyPresence(event);
    } catch {
      // presence is best effort
    }
  }
}
