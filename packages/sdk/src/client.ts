import type { ChatUser, Conversation, CreateReportInput, Message, Report } from '@palaver/protocol';
import type { ReadableAtom } from 'nanostores';
import { CLIENT_ACCESS, type ClientAccess } from './access.js';
import {
  draftConversationId,
  knownProductConversation,
  type OpenProductConversationInput,
  type OpenSupportConversationInput,
  openProductConversation,
  openSupportConversation,
} from './commands/conversations.js';
import { changeMessage, retryNotice, type SendOptions, sendMessage } from './commands/messages.js';
import { createTyping, queryPresence } from './commands/presence-typing.js';
import { createReactions } from './commands/reactions.js';
import { createReads } from './commands/reads.js';
import { createSafety } from './commands/safety.js';
import { type ConnectionStatus, createConnection } from './connection/connection.js';
import { socketTransport } from './connection/socket-transport.js';
import type { TokenSource } from './connection/token.js';
import type { Transport } from './connection/transport.js';
import { ChatError } from './errors.js';
import { createLocalData } from './persistence/local-data.js';
import type { StorageOption } from './persistence/storage/key-value-store.js';
import { createChatState } from './state/chat-state.js';
import type { ChatMessage, Notice, Presence, ThreadStatus, TypingUser } from './state/types.js';
import { createSyncEngine } from './sync/sync-engine.js';
import { pageThreads } from './sync/threads.js';

export type { OpenProductConversationInput, OpenSupportConversationInput } from './commands/conversations.js';
export type { SendOptions } from './commands/messages.js';
export type { ConnectionStatus } from './connection/connection.js';

export interface ChatClientOptions {
  /** The Palaver server, e.g. `https://chat.shop.example`. Not needed with `transport`. */
  url?: string;
  /**
   * The user's JWT, or a function that fetches a fresh one. A function is called
   * again shortly before each token expires (the socket carries on with the new
   * one, `auth:refresh`) and whenever the server refused or closed the session.
   * A fixed token that expires ends in `$connection` = `unauthorized`.
   */
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
  /** Failed edits and deletes, oldest first, until dismissed or retried (see {@link Notice}). */
  readonly $notices: ReadableAtom<Notice[]>;
  /** The ids of the users this user blocked (loaded on each connection). */
  readonly $blocked: ReadableAtom<string[]>;

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
  /**
   * Queues a message: it shows at once as `queued` and is delivered when
   * possible. With `files`, they are uploaded first (progress in the message's
   * `files`), then the message goes.
   */
  send(conversationId: string, body: string, options?: SendOptions): Promise<ChatMessage>;
  /**
   * Sends a message about a product whose conversation may not be open yet
   * (first contact, offline): it waits in the outbox under a draft id
   * (`message.conversationId`; show it with `messagesOf`) and, once the
   * connection allows, the conversation is opened and the message sent — as
   * any queued message, it survives reloads and is sent once.
   */
  sendAbout(product: OpenProductConversationInput, body: string, options?: SendOptions): Promise<ChatMessage>;
  edit(messageId: string, body: string): Promise<Message>;
  delete(messageId: string): Promise<Message>;
  /**
   * Puts one emoji on a message (`unreact`: takes it back): shown at once, kept across
   * reloads, sent when online. A refusal undoes it and becomes a notice.
   */
  react(messageId: string, emoji: string): Promise<void>;
  unreact(messageId: string, emoji: string): Promise<void>;
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
  /**
   * Removes one file from a pending message (stopping its upload); a message
   * left with neither text nor files is discarded. A message that failed only
   * because the server refused that file goes on without it.
   */
  cancelFile(clientId: string, fileId: string): Promise<void>;
  /** Removes a notice. */
  dismissNotice(id: number): void;
  /** Tries a retryable notice's edit or delete again; rejects (with a new notice) if it fails again. */
  retryNotice(id: number): Promise<void>;
  /**
   * Blocks someone the user shares a conversation with (not the marketplace's
   * staff): they can no longer write to, or open a conversation with, the user.
   * Needs a connection; rejects with a `ChatError` (`forbidden`, `rate_limited`, `offline`…).
   */
  block(userId: string): Promise<void>;
  unblock(userId: string): Promise<void>;
  /** Reports a conversation, or one of its messages, to the marketplace's moderators. */
  report(input: CreateReportInput): Promise<Report>;
}

/**
 * Creates a Palaver client. Nothing happens until `connect()`; nothing touches the DOM at import.
 *
 * The facade: builds the parts and delegates. Data flows one way — the
 * connection brings events, the sync engine and the commands write the state,
 * the local data (cache, outbox) listens to the state and writes storage.
 */
export function createChatClient(options: ChatClientOptions): ChatClient {
  if (!options.url && !options.transport) throw new ChatError('invalid_payload', 'createChatClient needs a url.');
  const state = createChatState();
  const transport =
    options.transport ??
    socketTransport(options.url as string, {
      ...(options.reconnectionDelayMax !== undefined ? { reconnectionDelayMax: options.reconnectionDelayMax } : {}),
    });
  let started: Promise<void> | undefined;
  let closed = false;

  const closeLocalData = async (wipe: boolean): Promise<void> => {
    await local.close(wipe);
    sync.reset();
    state.reset();
    safety.$blocked.set([]);
    reactions.close();
  };

  const connection = createConnection({
    transport,
    token: options.token,
    userId: options.userId,
    // Before connecting as `user`: their local data is open (another user's closed first).
    async prepare(user) {
      const current = state.$user.get();
      if (current && current.id !== user.id) await closeLocalData(false);
      state.setUser(user);
      if (!local.isOpen) {
        sync.resume(await local.open(user));
        await reactions.restore(local.store);
      }
    },
  });
  // Listeners of `connected` run in this order: the outbox sends, pending reads go, then the sync.
  connection.connected.listen(() => local.outbox?.connected());
  const reads = createReads(state, connection);
  const sync = createSyncEngine(state, connection);
  const loadOlder = pageThreads(state, connection, sync);
  queryPresence(state, connection);
  const typing = createTyping(connection);
  const safety = createSafety(connection);
  const reactions = createReactions(state, connection);
  const local = createLocalData({
    namespace: options.namespace ?? (options.url ? new URL(options.url).host : 'default'),
    storage: options.storage ?? 'auto',
    state,
    transport,
    $cursor: sync.$cursor,
  });

  const connect = (): Promise<void> => {
    if (closed) return Promise.reject(new ChatError('invalid_payload', 'This client was destroyed.'));
    started ??= connection.start().catch((error: unknown) => {
      started = undefined;
      throw error;
    });
    return started;
  };
  const disconnect = (destroy = false): void => {
    connection.stop(destroy);
    started = undefined;
  };

  return {
    $connection: connection.$status,
    $user: state.$user,
    $conversations: state.$conversations,
    $unreadTotal: state.$unreadTotal,
    $syncing: sync.$syncing,
    $storage: local.$kind,
    $notices: state.$notices,
    messagesOf: (id) => state.messagesOf(id),
    threadStatusOf: (id) => state.threadStatusOf(id),
    conversationOf: (id) => state.conversationOf(id),
    unreadOf: (id) => state.unreadOf(id),
    typingIn: (id) => state.typingIn(id),
    presenceOf: (userId) => state.presenceOf(userId),

    connect,
    disconnect: () => disconnect(),
    async logout() {
      disconnect();
      await closeLocalData(true);
      reads.clear();
    },
    async destroy() {
      if (closed) return;
      closed = true;
      disconnect(true);
      sync.stop();
      typing.dispose();
      await closeLocalData(false);
      state.dispose();
    },
    setToken: (token) => connection.setToken(token),

    openProductConversation: (input) => openProductConversation(state, connection, local.outbox, input),
    openSupportConversation: (input) => openSupportConversation(state, connection, input),
    async send(conversationId, body, sendOptions = {}) {
      await connect();
      return sendMessage(state, local.outbox, conversationId, body, sendOptions);
    },
    async sendAbout(product, body, sendOptions = {}) {
      await connect();
      const known = knownProductConversation(state, product);
      if (known) return sendMessage(state, local.outbox, known.id, body, sendOptions);
      return sendMessage(state, local.outbox, draftConversationId(product), body, {
        ...sendOptions,
        open: { kind: 'product', ...product },
      });
    },
    edit: (messageId, body) => changeMessage(state, connection, messageId, body),
    delete: (messageId) => changeMessage(state, connection, messageId),
    react: (messageId, emoji) => reactions.set(messageId, emoji, true),
    unreact: (messageId, emoji) => reactions.set(messageId, emoji, false),
    markRead: (conversationId, seq) => reads.markRead(conversationId, seq),
    setTyping: (conversationId, on) => typing.set(conversationId, on),
    loadOlder,
    async retry(clientId) {
      await local.outbox?.retry(clientId);
    },
    async discard(clientId) {
      await local.outbox?.discard(clientId);
    },
    async cancelFile(clientId, fileId) {
      await local.outbox?.removeFile(clientId, fileId);
    },
    dismissNotice: (id) => void state.dismissNotice(id),
    retryNotice: (id) => retryNotice(state, connection, id),
    ...safety,
    // For add-ons in other modules (the moderation API): see access.ts.
    [CLIENT_ACCESS]: {
      request: connection.request,
      token: connection.token,
      url: options.url,
    } satisfies ClientAccess,
  } as ChatClient;
}
