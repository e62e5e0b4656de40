import type {
  ChatUser,
  Conversation,
  Message,
  Participant,
  ProductRef,
  Role,
  ServerToClientEvents,
} from '@palaver/protocol';
import { CANNOT_WRITE_MESSAGE, canRead, LIMITS, PalaverError, unreadCount, writeAccess } from '@palaver/protocol';
import type { ServerEvent, TransportHandlers } from '../connection/transport.js';
import { FakeFiles, type FakeFilesOptions } from './fake-files.js';

export interface FakeBackendOptions extends FakeFilesOptions {
  messageMaxLength?: number;
  /** Delay before each answer and event, in ms (0: next microtask). */
  latencyMs?: number;
  /**
   * Accept product cards and suppliers as the browser describes them (the
   * real server's `ALLOW_CLIENT_PRODUCTS=1`, development only). Off by default, as on the server.
   */
  allowClientProducts?: boolean;
}

/** @internal */
export interface StoredConversation {
  id: string;
  kind: 'product' | 'support';
  product?: ProductRef;
  subject?: string;
  key: string;
  participants: Map<string, { role: Role; lastReadSeq: number; readAt?: string }>;
  messages: Message[];
  createdAt: string;
  updatedAt: string;
  change: number;
}

/** @internal */
export interface FakeConnection {
  user: ChatUser;
  handlers: TransportHandlers;
}

/** A refusal, answered as the real server would (`{ ok: false, error: { code, message } }`). */
export class Refusal extends PalaverError {
  override readonly name = 'Refusal';
}
export const refuse = (code: Refusal['code'], message: string) => new Refusal(code, message);

/**
 * The fake backend's data and the plumbing every operation needs: lookups
 * with the protocol's access rules, views as one user sees them, unread
 * counts, the change log, and events to connected clients.
 */
export abstract class FakeChatData {
  protected readonly users = new Map<string, ChatUser>();
  /** Accounts the marketplace suspended (`FakeChatBackend.setSuspended`). */
  protected readonly suspended = new Set<string>();
  protected readonly conversations = new Map<string, StoredConversation>();
  protected readonly messageKeys = new Map<string, Message>();
  protected readonly connections = new Set<FakeConnection>();
  /** Whom each user blocked: blocker id → blocked ids. */
  protected readonly blocks = new Map<string, Set<string>>();
  protected readonly changes: Array<{ change: number; kind: 'message' | 'conversation' | 'read'; id: string }> = [];
  protected change = 0;
  protected counter = 0;
  protected readonly maxLength: number;
  protected readonly latencyMs: number;
  protected readonly allowClientProducts: boolean;
  /** Uploads and the attachments of messages. */
  protected readonly files: FakeFiles;

  constructor(options: FakeBackendOptions = {}) {
    this.maxLength = options.messageMaxLength ?? LIMITS.messageMaxLength;
    this.latencyMs = options.latencyMs ?? 0;
    this.allowClientProducts = options.allowClientProducts ?? false;
    this.files = new FakeFiles(options);
  }

  /** Makes a user known (their name shows in conversations). */
  addUser(user: ChatUser): void {
    this.users.set(user.id, user);
  }

  /** @internal */
  deliver(fn: () => void): void {
    if (this.latencyMs > 0) setTimeout(fn, this.latencyMs);
    else queueMicrotask(fn);
  }

  protected nextChange(kind: 'message' | 'conversation' | 'read', id: string): number {
    this.change++;
    this.changes.push({ change: this.change, kind, id });
    return this.change;
  }

  protected find(id: string): StoredConversation {
    const conversation = this.conversations.get(id);
    if (!conversation) throw refuse('not_found', 'No such conversation.');
    return conversation;
  }

  protected access(user: ChatUser, conversation: StoredConversation) {
    return { kind: conversation.kind, isParticipant: conversation.participants.has(user.id) };
  }

  /** Participants see their conversations; admins may look at any. */
  protected readable(user: ChatUser, id: string): StoredConversation {
    const conversation = this.find(id);
    if (!canRead(user, this.access(user, conversation))) {
      throw refuse('forbidden', 'You are not a participant of this conversation.');
    }
    return conversation;
  }

  /** Participants write; admins write in support conversations, joining them as agents. */
  protected writable(user: ChatUser, conversation: StoredConversation): 'participant' | 'join' {
    const access = writeAccess(user, this.access(user, conversation));
    if (access === 'forbidden') throw refuse('forbidden', 'You are not a participant of this conversation.');
    return access;
  }

  /** Refuses a write (message, typing, open) by someone one of `others` blocked, without saying why. */
  protected assertNotBlocked(userId: string, others: Iterable<string>): void {
    for (const other of others) {
      if (this.blocks.get(other)?.has(userId)) throw refuse('forbidden', CANNOT_WRITE_MESSAGE);
    }
  }

  protected view(conversation: StoredConversation, viewerId: string): Conversation {
    const participants: Participant[] = [...conversation.participants].map(([userId, p]) => ({
      userId,
      name: this.users.get(userId)?.name ?? userId,
      role: p.role,
      lastReadSeq: p.lastReadSeq,
      ...(this.suspended.has(userId) ? { suspended: true } : {}),
    }));
    const last = conversation.messages.at(-1);
    const view: Conversation = {
      id: conversation.id,
      kind: conversation.kind,
      participants,
      lastSeq: last?.seq ?? 0,
      unreadCount: this.unreadIn(conversation, viewerId),
      createdAt: conversation.createdAt,
      updatedAt: conversation.updatedAt,
    };
    if (conversation.product) view.product = conversation.product;
    if (conversation.subject) view.subject = conversation.subject;
    if (last) view.lastMessage = last;
    return view;
  }

  protected unreadIn(conversation: StoredConversation, userId: string): number {
    const me = conversation.participants.get(userId);
    return me ? unreadCount(conversation.messages, userId, me.lastReadSeq) : 0;
  }

  protected unread(userId: string) {
    const conversations: Record<string, number> = {};
    let total = 0;
    for (const conversation of this.conversations.values()) {
      const count = this.unreadIn(conversation, userId);
      if (count > 0) {
        conversations[conversation.id] = count;
        total += count;
      }
    }
    return { total, conversations };
  }
  /** Sends a user their new total and the count of one conversation. */
  protected pushUnread(userId: string, conversationId: string): void {
    const counts = this.unread(userId);
    this.emitToUser(userId, 'unread', {
      total: counts.total,
      conversations: { [conversationId]: counts.conversations[conversationId] ?? 0 },
    });
  }
  protected emitTo<E extends ServerEvent>(
    conversation: StoredConversation,
    event: E,
    payload: Parameters<ServerToClientEvents[E]>[0],
    exceptUserId?: string,
  ): void {
    for (const userId of conversation.participants.keys()) {
      if (userId !== exceptUserId) this.emitToUser(userId, event, payload);
    }
    // Admins watch every support conversation, as on the server.
    if (conversation.kind === 'support') this.emitToAdmins(conversation, exceptUserId, () => payload, event);
  }

  /** Sends to the connected admins who are not participants (and not `exceptUserId`). */
  protected emitToAdmins<E extends ServerEvent>(
    conversation: StoredConversation,
    exceptUserId: string | undefined,
    payload: () => Parameters<ServerToClientEvents[E]>[0],
    event: E,
  ): void {
    const admins = new Set<string>();
    for (const { user } of this.connections) {
      if (user.isAdmin && user.id !== exceptUserId && !conversation.participants.has(user.id)) admins.add(user.id);
    }
    for (const userId of admins) this.emitToUser(userId, event, payload());
  }

  /** A conversation created or whose participants changed: each participant sees it as theirs, admins too. */
  protected announce(conversation: StoredConversation): void {
    for (const userId of conversation.participants.keys())
      this.emitToUser(userId, 'conversation:updated', this.view(conversation, userId));
    if (conversation.kind === 'support') {
      this.emitToAdmins(conversation, undefined, () => this.view(conversation, ''), 'conversation:updated');
    }
  }

  protected emitToUser<E extends ServerEvent>(
    userId: string,
    event: E,
    payload: Parameters<ServerToClientEvents[E]>[0],
  ) {
    for (const connection of this.connections) {
      if (connection.user.id === userId) {
        const copy = structuredClone(payload);
        this.deliver(() => connection.handlers.event(event, copy));
      }
    }
  }
}
