import type {
  AckResponse,
  ChatErrorBody,
  ChatUser,
  Conversation,
  ErrorCode,
  Message,
  Participant,
  ProductRef,
  ReadReceipt,
  Role,
  ServerToClientEvents,
} from '@palaver/protocol';
import { characterCount, LIMITS } from '@palaver/protocol';
import { ChatError } from '../errors.js';
import { userFromToken } from '../token.js';
import type { ClientEvent, PayloadOf, ResultOf, ServerEvent, Transport, TransportHandlers } from '../transport.js';

/**
 * An in-memory Palaver backend: the rules of the reference server (get-or-create
 * conversations, idempotent sends, seq, read pointers, unread counts, edits,
 * tombstones, typing, presence, cursor sync) without a network. For Storybook,
 * demos and your own unit tests — Palaver's own tests use the real server.
 *
 * ```ts
 * const backend = new FakeChatBackend();
 * const client = createChatClient({ transport: backend.transport(), token: fakeToken({ id: 'u1', name: 'Ada' }) });
 * ```
 */
export interface FakeBackendOptions {
  messageMaxLength?: number;
  /** Delay before each answer and event, in ms (0: next microtask). */
  latencyMs?: number;
}

interface StoredConversation {
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

interface Connection {
  user: ChatUser;
  handlers: TransportHandlers;
}

class FakeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** An unsigned token the fake backend (and the SDK, which only reads it) accepts. */
export function fakeToken(user: { id: string; name: string; admin?: boolean }): string {
  const encode = (value: object) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  const claims = { sub: user.id, name: user.name, exp: 4_102_444_800, ...(user.admin ? { role: 'admin' } : {}) };
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.fake`;
}

export class FakeChatBackend {
  private readonly users = new Map<string, ChatUser>();
  private readonly conversations = new Map<string, StoredConversation>();
  private readonly messageKeys = new Map<string, Message>();
  private readonly connections = new Set<Connection>();
  private readonly changes: Array<{ change: number; kind: 'message' | 'conversation' | 'read'; id: string }> = [];
  private change = 0;
  private counter = 0;
  private reachable = true;
  private readonly maxLength: number;
  private readonly latencyMs: number;

  constructor(options: FakeBackendOptions = {}) {
    this.maxLength = options.messageMaxLength ?? LIMITS.messageMaxLength;
    this.latencyMs = options.latencyMs ?? 0;
  }

  // --- for stories and tests ------------------------------------------------

  /** A transport for one client (pass it to `createChatClient({ transport })`). */
  transport(): Transport {
    return new FakeTransport(this);
  }

  addUser(user: ChatUser): void {
    this.users.set(user.id, user);
  }

  /** Creates (or returns) a product conversation between a buyer and a supplier. */
  seedProductConversation(buyer: ChatUser, supplier: ChatUser, product: ProductRef): Conversation {
    this.addUser(buyer);
    this.addUser(supplier);
    return this.openConversation(buyer, {
      kind: 'product',
      product,
      supplierId: supplier.id,
      supplierName: supplier.name,
    });
  }

  /** Stores a message as if `sender` had sent it (live to everyone connected). */
  seedMessage(sender: ChatUser, conversationId: string, body: string, createdAt?: string): Message {
    this.addUser(sender);
    return this.send(sender, { clientId: `seed-${++this.counter}`, conversationId, body }, createdAt);
  }

  /** Shows `user` typing (or not) to the others in the conversation. */
  seedTyping(user: ChatUser, conversationId: string, typing: boolean): void {
    const conversation = this.find(conversationId);
    this.emitTo(conversation, 'typing', { conversationId, userId: user.id, name: user.name, typing }, user.id);
  }

  /** Simulates the network: while unreachable, every client is offline and sends queue up. */
  setReachable(reachable: boolean): void {
    this.reachable = reachable;
    for (const connection of [...this.connections]) {
      if (!reachable) {
        this.connections.delete(connection);
        connection.handlers.disconnected(true);
      }
    }
    if (reachable) for (const transport of FakeTransport.waiting.get(this) ?? []) transport.reconnect();
  }

  get isReachable(): boolean {
    return this.reachable;
  }

  // --- the protocol ---------------------------------------------------------

  /** @internal */
  connect(token: string, handlers: TransportHandlers): Connection | undefined {
    const user = userFromToken(token);
    if (!user) {
      handlers.refused({ code: 'unauthorized', message: 'The token is not valid.' });
      return undefined;
    }
    this.addUser(user);
    const connection = { user, handlers };
    this.connections.add(connection);
    return connection;
  }

  /** @internal */
  disconnect(connection: Connection): void {
    this.connections.delete(connection);
  }

  /** @internal */
  handle(user: ChatUser, event: ClientEvent, payload: unknown): AckResponse<object> {
    try {
      return { ok: true, ...this.dispatch(user, event, payload as never) };
    } catch (error) {
      const body: ChatErrorBody =
        error instanceof FakeError
          ? { code: error.code, message: error.message }
          : { code: 'internal', message: String(error) };
      return { ok: false, error: body };
    }
  }

  /** @internal */
  deliver(fn: () => void): void {
    if (this.latencyMs > 0) setTimeout(fn, this.latencyMs);
    else queueMicrotask(fn);
  }

  private dispatch(user: ChatUser, event: ClientEvent, payload: Record<string, never>): object {
    const input = payload as Record<string, unknown>;
    switch (event) {
      case 'conversation:open':
        return { conversation: this.openConversation(user, input as PayloadOf<'conversation:open'>) };
      case 'message:send':
        return { message: this.send(user, input as PayloadOf<'message:send'>) };
      case 'message:edit':
        return { message: this.changeMessage(user, input.messageId as string, input.body as string) };
      case 'message:delete':
        return { message: this.changeMessage(user, input.messageId as string, undefined) };
      case 'messages:history':
        return this.history(user, input as PayloadOf<'messages:history'>);
      case 'conversation:read':
        return this.read(user, input.conversationId as string, input.seq as number);
      case 'typing':
        this.seedTyping(user, input.conversationId as string, input.typing as boolean);
        return {};
      case 'sync':
        return this.sync(user, input.cursor as string | null, (input.limit as number | undefined) ?? 500);
      case 'presence:query':
        return {
          presence: (input.userIds as string[]).map((userId) => ({
            userId,
            online: [...this.connections].some((c) => c.user.id === userId),
          })),
        };
      case 'unread:get':
        return this.unread(user.id);
      default:
        throw new FakeError('invalid_payload', `Unknown event "${event}".`);
    }
  }

  private nextChange(kind: 'message' | 'conversation' | 'read', id: string): number {
    this.change++;
    this.changes.push({ change: this.change, kind, id });
    return this.change;
  }

  private find(id: string): StoredConversation {
    const conversation = this.conversations.get(id);
    if (!conversation) throw new FakeError('not_found', 'No such conversation.');
    return conversation;
  }

  private member(user: ChatUser, id: string): StoredConversation {
    const conversation = this.find(id);
    if (!conversation.participants.has(user.id) && !user.isAdmin) {
      throw new FakeError('forbidden', 'You are not a participant of this conversation.');
    }
    return conversation;
  }

  private view(conversation: StoredConversation, viewerId: string): Conversation {
    const participants: Participant[] = [...conversation.participants].map(([userId, p]) => ({
      userId,
      name: this.users.get(userId)?.name ?? userId,
      role: p.role,
      lastReadSeq: p.lastReadSeq,
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

  private unreadIn(conversation: StoredConversation, userId: string): number {
    const me = conversation.participants.get(userId);
    if (!me) return 0;
    return conversation.messages.filter((m) => m.seq > me.lastReadSeq && m.senderId !== userId && !m.deletedAt).length;
  }

  private unread(userId: string) {
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

  private openConversation(user: ChatUser, input: PayloadOf<'conversation:open'>): Conversation {
    const key =
      input.kind === 'product'
        ? `p\u0000${input.product.id}\u0000${user.id}\u0000${input.supplierId}`
        : `s\u0000${input.clientUserId ?? user.id}\u0000${input.subject.trim().toLowerCase()}`;
    const existing = [...this.conversations.values()].find((c) => c.key === key);
    if (existing) return this.view(existing, user.id);
    const now = new Date().toISOString();
    const id = `conversation-${++this.counter}`;
    const participants = new Map<string, { role: Role; lastReadSeq: number }>();
    if (input.kind === 'product') {
      if (!this.users.has(input.supplierId)) {
        this.addUser({ id: input.supplierId, name: input.supplierName, isAdmin: false });
      }
      participants.set(user.id, { role: 'buyer', lastReadSeq: 0 });
      participants.set(input.supplierId, { role: 'supplier', lastReadSeq: 0 });
    } else {
      participants.set(input.clientUserId ?? user.id, { role: 'client', lastReadSeq: 0 });
      if (input.clientUserId && user.isAdmin) participants.set(user.id, { role: 'agent', lastReadSeq: 0 });
    }
    const conversation: StoredConversation = {
      id,
      kind: input.kind,
      key,
      participants,
      messages: [],
      createdAt: now,
      updatedAt: now,
      change: 0,
      ...(input.kind === 'product' ? { product: input.product } : { subject: input.subject.trim() }),
    };
    conversation.change = this.nextChange('conversation', id);
    this.conversations.set(id, conversation);
    for (const userId of participants.keys())
      this.emitToUser(userId, 'conversation:updated', this.view(conversation, userId));
    return this.view(conversation, user.id);
  }

  private send(user: ChatUser, input: PayloadOf<'message:send'>, createdAt?: string): Message {
    const known = this.messageKeys.get(`${user.id}\u0000${input.clientId}`);
    if (known) return known;
    const conversation = this.member(user, input.conversationId);
    const body = input.body.trim();
    if (characterCount(body) > this.maxLength) {
      throw new FakeError('too_long', `The message has ${characterCount(body)} characters; at most ${this.maxLength}.`);
    }
    if (body.length === 0) throw new FakeError('invalid_payload', 'The message is empty.');
    if (!conversation.participants.has(user.id))
      conversation.participants.set(user.id, { role: 'agent', lastReadSeq: 0 });
    const message: Message = {
      id: `message-${++this.counter}`,
      clientId: input.clientId,
      conversationId: conversation.id,
      seq: (conversation.messages.at(-1)?.seq ?? 0) + 1,
      senderId: user.id,
      fromAdmin: user.isAdmin,
      body,
      attachments: [],
      createdAt: createdAt ?? new Date().toISOString(),
      ...(input.replyToId ? { replyToId: input.replyToId } : {}),
    };
    conversation.messages.push(message);
    conversation.updatedAt = message.createdAt;
    (conversation.participants.get(user.id) as { lastReadSeq: number }).lastReadSeq = message.seq;
    this.messageKeys.set(`${user.id}\u0000${input.clientId}`, message);
    this.nextChange('message', message.id);
    conversation.change = this.nextChange('conversation', conversation.id);
    this.emitTo(conversation, 'message:new', message);
    for (const userId of conversation.participants.keys()) {
      if (userId !== user.id) {
        const counts = this.unread(userId);
        this.emitToUser(userId, 'unread', {
          total: counts.total,
          conversations: { [conversation.id]: counts.conversations[conversation.id] ?? 0 },
        });
      }
    }
    return message;
  }

  private changeMessage(user: ChatUser, messageId: string, body: string | undefined): Message {
    const conversation = [...this.conversations.values()].find((c) => c.messages.some((m) => m.id === messageId));
    if (!conversation) throw new FakeError('not_found', 'No such message.');
    const index = conversation.messages.findIndex((m) => m.id === messageId);
    const current = conversation.messages[index] as Message;
    if (current.senderId !== user.id && !(body === undefined && user.isAdmin)) {
      throw new FakeError('forbidden', 'You can only change your own messages.');
    }
    const now = new Date().toISOString();
    const next: Message =
      body === undefined ? { ...current, body: '', deletedAt: now } : { ...current, body: body.trim(), editedAt: now };
    conversation.messages[index] = next;
    this.nextChange('message', messageId);
    this.emitTo(conversation, 'message:updated', next);
    return next;
  }

  private history(user: ChatUser, input: PayloadOf<'messages:history'>) {
    const conversation = this.member(user, input.conversationId);
    const before = conversation.messages.filter((m) => m.seq < (input.beforeSeq ?? Number.MAX_SAFE_INTEGER));
    const limit = input.limit ?? LIMITS.pageSizeDefault;
    return { messages: before.slice(-limit), hasMore: before.length > limit };
  }

  private read(user: ChatUser, conversationId: string, seq: number) {
    const conversation = this.member(user, conversationId);
    const me = conversation.participants.get(user.id);
    const target = Math.min(seq, conversation.messages.at(-1)?.seq ?? 0);
    if (me && target > me.lastReadSeq) {
      me.lastReadSeq = target;
      me.readAt = new Date().toISOString();
      this.nextChange('read', `${conversationId}\u0000${user.id}`);
      conversation.change = this.nextChange('conversation', conversationId);
      this.emitTo(conversation, 'read', { conversationId, userId: user.id, seq: target, readAt: me.readAt });
      const counts = this.unread(user.id);
      this.emitToUser(user.id, 'unread', {
        total: counts.total,
        conversations: { [conversationId]: counts.conversations[conversationId] ?? 0 },
      });
    }
    const counts = this.unread(user.id);
    return { unreadCount: counts.conversations[conversationId] ?? 0, unreadTotal: counts.total };
  }

  private sync(user: ChatUser, cursor: string | null, limit: number) {
    const visible = (c: StoredConversation) => c.participants.has(user.id) || (user.isAdmin && c.kind === 'support');
    if (cursor === null) {
      return {
        conversations: [...this.conversations.values()].filter(visible).map((c) => this.view(c, user.id)),
        messages: [],
        reads: [],
        cursor: String(this.change),
        hasMore: false,
        reset: true,
      };
    }
    const after = Number(cursor);
    const latest = new Map<string, { change: number; kind: 'message' | 'conversation' | 'read'; id: string }>();
    for (const entry of this.changes) if (entry.change > after) latest.set(`${entry.kind}:${entry.id}`, entry);
    const page = [...latest.values()].sort((a, b) => a.change - b.change).slice(0, limit);
    const conversations: Conversation[] = [];
    const messages: Message[] = [];
    const reads: ReadReceipt[] = [];
    for (const entry of page) {
      if (entry.kind === 'conversation') {
        const conversation = this.conversations.get(entry.id);
        if (conversation && visible(conversation)) conversations.push(this.view(conversation, user.id));
      } else if (entry.kind === 'message') {
        const conversation = [...this.conversations.values()].find((c) => c.messages.some((m) => m.id === entry.id));
        const message = conversation?.messages.find((m) => m.id === entry.id);
        if (conversation && message && visible(conversation)) messages.push(message);
      } else {
        const [conversationId = '', userId = ''] = entry.id.split('\u0000');
        const conversation = this.conversations.get(conversationId);
        const participant = conversation?.participants.get(userId);
        if (conversation && participant && visible(conversation)) {
          reads.push({ conversationId, userId, seq: participant.lastReadSeq, readAt: participant.readAt ?? '' });
        }
      }
    }
    const hasMore = latest.size > page.length;
    return {
      conversations,
      messages,
      reads,
      cursor: String(hasMore ? (page.at(-1)?.change ?? after) : this.change),
      hasMore,
    };
  }

  private emitTo<E extends ServerEvent>(
    conversation: StoredConversation,
    event: E,
    payload: Parameters<ServerToClientEvents[E]>[0],
    exceptUserId?: string,
  ): void {
    for (const userId of conversation.participants.keys()) {
      if (userId !== exceptUserId) this.emitToUser(userId, event, payload);
    }
  }

  private emitToUser<E extends ServerEvent>(userId: string, event: E, payload: Parameters<ServerToClientEvents[E]>[0]) {
    for (const connection of this.connections) {
      if (connection.user.id === userId) {
        const copy = structuredClone(payload);
        this.deliver(() => connection.handlers.event(event, copy));
      }
    }
  }
}

/** One client's end of the in-memory connection. */
class FakeTransport implements Transport {
  static readonly waiting = new WeakMap<FakeChatBackend, Set<FakeTransport>>();
  private connection: ReturnType<FakeChatBackend['connect']>;
  private token: string | undefined;
  private handlers: TransportHandlers | undefined;

  constructor(private readonly backend: FakeChatBackend) {}

  get connected(): boolean {
    return this.connection !== undefined;
  }

  open(token: string, handlers: TransportHandlers): void {
    this.token = token;
    this.handlers = handlers;
    this.reconnect();
  }

  /** @internal */
  reconnect(): void {
    if (!this.token || !this.handlers) return;
    const waiting = FakeTransport.waiting.get(this.backend) ?? new Set();
    FakeTransport.waiting.set(this.backend, waiting);
    if (!this.backend.isReachable) {
      waiting.add(this);
      return;
    }
    waiting.delete(this);
    const handlers = this.handlers;
    const connection = this.backend.connect(this.token, {
      ...handlers,
      disconnected: (willRetry) => {
        this.connection = undefined;
        waiting.add(this);
        handlers.disconnected(willRetry);
      },
    });
    if (!connection) return;
    this.connection = connection;
    this.backend.deliver(() => handlers.connected());
  }

  close(): void {
    if (this.connection) this.backend.disconnect(this.connection);
    this.connection = undefined;
    this.token = undefined;
    FakeTransport.waiting.get(this.backend)?.delete(this);
  }

  request<E extends ClientEvent>(event: E, payload: PayloadOf<E>): Promise<AckResponse<ResultOf<E>>> {
    const connection = this.connection;
    if (!connection) return Promise.reject(new ChatError('offline', 'Not connected.'));
    const answer = this.backend.handle(connection.user, event, structuredClone(payload));
    return new Promise((resolve) => this.backend.deliver(() => resolve(structuredClone(answer) as never)));
  }

  notify<E extends ClientEvent>(event: E, payload: PayloadOf<E>): void {
    if (this.connection) this.backend.handle(this.connection.user, event, payload);
  }
}
