import type {
  AckResponse,
  ChatErrorBody,
  ChatUser,
  Conversation,
  Message,
  Participant,
  ProductRef,
  ReadReceipt,
  Role,
  ServerToClientEvents,
} from '@palaver/protocol';
import {
  canChangeMessage,
  canOpenProductWith,
  canOpenSupportFor,
  canRead,
  checkMessageBody,
  errorBody,
  JOINING_ROLE,
  LIMITS,
  PalaverError,
  productConversationKey,
  readTarget,
  supportConversationKey,
  unreadCount,
  writeAccess,
} from '@palaver/protocol';
import { ChatError } from '../errors.js';
import { userFromToken } from '../token.js';
import type { ClientEvent, PayloadOf, ResultOf, ServerEvent, Transport, TransportHandlers } from '../transport.js';

/**
 * An in-memory Palaver backend: the rules of the reference server (get-or-create
 * conversations, idempotent sends, seq, read pointers, unread counts, edits,
 * tombstones, typing, presence, cursor sync) without a network. The rules
 * themselves come from `@palaver/protocol` (`rules.ts`), and the contract suite
 * (`test-support/contract-suite.ts`) runs the same checks against this backend
 * and the real server. For Storybook,
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

/** A refusal, answered as the real server would (`{ ok: false, error: { code, message } }`). */
class Refusal extends PalaverError {
  override readonly name = 'Refusal';
}
const refuse = (code: ChatErrorBody['code'], message: string) => new Refusal(code, message);

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

  /** Creates (or returns) the support conversation of `client` about `subject`. */
  seedSupportConversation(client: ChatUser, subject: string): Conversation {
    this.addUser(client);
    return this.openConversation(client, { kind: 'support', subject });
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
        error instanceof Refusal ? errorBody(error) : { code: 'internal', message: String(error) };
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
        this.writable(user, this.find(input.conversationId as string));
        this.seedTyping(user, input.conversationId as string, input.typing as boolean);
        return {};
      case 'sync':
        return this.sync(
          user,
          input.cursor as string | null,
          (input.limit as number | undefined) ?? LIMITS.syncPageDefault,
        );
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
        throw refuse('invalid_payload', `Unknown event "${event}".`);
    }
  }

  private nextChange(kind: 'message' | 'conversation' | 'read', id: string): number {
    this.change++;
    this.changes.push({ change: this.change, kind, id });
    return this.change;
  }

  private find(id: string): StoredConversation {
    const conversation = this.conversations.get(id);
    if (!conversation) throw refuse('not_found', 'No such conversation.');
    return conversation;
  }

  private access(user: ChatUser, conversation: StoredConversation) {
    return { kind: conversation.kind, isParticipant: conversation.participants.has(user.id) };
  }

  /** Participants see their conversations; admins may look at any. */
  private readable(user: ChatUser, id: string): StoredConversation {
    const conversation = this.find(id);
    if (!canRead(user, this.access(user, conversation))) {
      throw refuse('forbidden', 'You are not a participant of this conversation.');
    }
    return conversation;
  }

  /** Participants write; admins write in support conversations, joining them as agents. */
  private writable(user: ChatUser, conversation: StoredConversation): 'participant' | 'join' {
    const access = writeAccess(user, this.access(user, conversation));
    if (access === 'forbidden') throw refuse('forbidden', 'You are not a participant of this conversation.');
    return access;
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
    return me ? unreadCount(conversation.messages, userId, me.lastReadSeq) : 0;
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
    if (input.kind === 'product' && !canOpenProductWith(user, input.supplierId)) {
      throw refuse('invalid_payload', 'You cannot open a conversation with yourself.');
    }
    if (input.kind === 'support' && !canOpenSupportFor(user, input.clientUserId)) {
      throw refuse('forbidden', 'Only admins can open a support conversation for someone else.');
    }
    const clientId = input.kind === 'support' ? (input.clientUserId ?? user.id) : undefined;
    const key =
      input.kind === 'product'
        ? `p\u0000${productConversationKey(input.product.id, user.id, input.supplierId)}`
        : `s\u0000${supportConversationKey(clientId ?? user.id, input.subject)}`;
    const existing = [...this.conversations.values()].find((c) => c.key === key);
    if (existing) {
      // An admin opening a client's thread takes it as an agent (once).
      if (input.kind === 'support' && clientId !== user.id && !existing.participants.has(user.id)) {
        this.join(existing, user);
      }
      return this.view(existing, user.id);
    }
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
      if (input.clientName && input.clientUserId && !this.users.has(input.clientUserId)) {
        this.addUser({ id: input.clientUserId, name: input.clientName.trim(), isAdmin: false });
      }
      participants.set(clientId ?? user.id, { role: 'client', lastReadSeq: 0 });
      if (clientId !== user.id) participants.set(user.id, { role: JOINING_ROLE, lastReadSeq: 0 });
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

  /** An admin becomes the agent of a support conversation; its whole history starts unread for them. */
  private join(conversation: StoredConversation, user: ChatUser): void {
    conversation.participants.set(user.id, { role: JOINING_ROLE, lastReadSeq: 0 });
    conversation.change = this.nextChange('conversation', conversation.id);
    for (const userId of conversation.participants.keys())
      this.emitToUser(userId, 'conversation:updated', this.view(conversation, userId));
  }

  private send(user: ChatUser, input: PayloadOf<'message:send'>, createdAt?: string): Message {
    const known = this.messageKeys.get(`${user.id}\u0000${input.clientId}`);
    if (known) {
      if (known.conversationId !== input.conversationId) {
        throw refuse('invalid_payload', 'This clientId was already used in another conversation.');
      }
      return known;
    }
    const conversation = this.find(input.conversationId);
    const access = this.writable(user, conversation);
    const checked = checkMessageBody(input.body, this.maxLength);
    if (!checked.ok) throw refuse(checked.code, checked.message);
    const { body } = checked;
    if (input.replyToId !== undefined && !conversation.messages.some((m) => m.id === input.replyToId)) {
      throw refuse('invalid_payload', 'replyToId must name a message of the same conversation.');
    }
    if (access === 'join') this.join(conversation, user);
    const unreadBefore = this.unreadIn(conversation, user.id);
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
    // Writing implies having read: the sender's pointer moves onto their message.
    const sender = conversation.participants.get(user.id) as { lastReadSeq: number; readAt?: string };
    sender.lastReadSeq = message.seq;
    sender.readAt = message.createdAt;
    this.messageKeys.set(`${user.id}\u0000${input.clientId}`, message);
    this.nextChange('message', message.id);
    this.nextChange('read', `${conversation.id}\u0000${user.id}`);
    conversation.change = this.nextChange('conversation', conversation.id);
    this.emitTo(conversation, 'message:new', message);
    for (const userId of conversation.participants.keys()) {
      if (userId !== user.id) this.pushUnread(userId, conversation.id);
    }
    // The pointer passed messages of others: they may show ✓✓, and the sender's count went to 0.
    if (unreadBefore > 0) {
      this.emitTo(conversation, 'read', {
        conversationId: conversation.id,
        userId: user.id,
        seq: message.seq,
        readAt: message.createdAt,
      });
      this.pushUnread(user.id, conversation.id);
    }
    return message;
  }

  /** Sends a user their new total and the count of one conversation. */
  private pushUnread(userId: string, conversationId: string): void {
    const counts = this.unread(userId);
    this.emitToUser(userId, 'unread', {
      total: counts.total,
      conversations: { [conversationId]: counts.conversations[conversationId] ?? 0 },
    });
  }

  private changeMessage(user: ChatUser, messageId: string, body: string | undefined): Message {
    const conversation = [...this.conversations.values()].find((c) => c.messages.some((m) => m.id === messageId));
    if (!conversation) throw refuse('not_found', 'No such message.');
    this.readable(user, conversation.id);
    const index = conversation.messages.findIndex((m) => m.id === messageId);
    const current = conversation.messages[index] as Message;
    if (!canChangeMessage(user, current.senderId, body === undefined ? 'delete' : 'edit')) {
      throw refuse('forbidden', 'You can only change your own messages.');
    }
    if (current.deletedAt) {
      if (body === undefined) return current;
      throw refuse('invalid_payload', 'A deleted message cannot be edited.');
    }
    let next: Message;
    const now = new Date().toISOString();
    if (body === undefined) {
      next = { ...current, body: '', deletedAt: now };
    } else {
      const checked = checkMessageBody(body, this.maxLength);
      if (!checked.ok) throw refuse(checked.code, checked.message);
      if (checked.body === current.body) return current;
      next = { ...current, body: checked.body, editedAt: now };
    }
    // Counts before a delete: whoever had the message unread gets their new count.
    const before = new Map(
      body === undefined
        ? [...conversation.participants.keys()].map((id) => [id, this.unreadIn(conversation, id)])
        : [],
    );
    conversation.messages[index] = next;
    this.nextChange('message', messageId);
    conversation.change = this.nextChange('conversation', conversation.id);
    this.emitTo(conversation, 'message:updated', next);
    for (const [userId, count] of before) {
      if (this.unreadIn(conversation, userId) !== count) this.pushUnread(userId, conversation.id);
    }
    return next;
  }

  private history(user: ChatUser, input: PayloadOf<'messages:history'>) {
    const conversation = this.readable(user, input.conversationId);
    const before = conversation.messages.filter((m) => m.seq < (input.beforeSeq ?? Number.MAX_SAFE_INTEGER));
    const limit = input.limit ?? LIMITS.pageSizeDefault;
    return { messages: before.slice(-limit), hasMore: before.length > limit };
  }

  private read(user: ChatUser, conversationId: string, seq: number) {
    const conversation = this.readable(user, conversationId);
    const me = conversation.participants.get(user.id);
    const target = readTarget(me?.lastReadSeq ?? 0, seq, conversation.messages.at(-1)?.seq ?? 0);
    if (me && target > me.lastReadSeq) {
      me.lastReadSeq = target;
      me.readAt = new Date().toISOString();
      this.nextChange('read', `${conversationId}\u0000${user.id}`);
      conversation.change = this.nextChange('conversation', conversationId);
      this.emitTo(conversation, 'read', { conversationId, userId: user.id, seq: target, readAt: me.readAt });
      this.pushUnread(user.id, conversationId);
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
