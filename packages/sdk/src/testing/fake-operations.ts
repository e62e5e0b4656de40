import type { ChatUser, Conversation, Message, ProductRef, ReadReceipt, Role } from '@palaver/protocol';
import {
  canChangeMessage,
  canOpenProductWith,
  canOpenSupportFor,
  checkMessageBody,
  isNotBlank,
  JOINING_ROLE,
  LIMITS,
  productConversationKey,
  readTarget,
  supportConversationKey,
} from '@palaver/protocol';
import type { PayloadOf } from '../connection/transport.js';
import { FakeChatData, refuse, type StoredConversation } from './fake-data.js';
import { type FakeProduct, resolveFakeProduct } from './fake-products.js';

/** The operations of the protocol on the fake backend's data, with the rules of `@palaver/protocol`. */
export abstract class FakeChatOperations extends FakeChatData {
  /** Registered products (`addProduct`), as the server API registers them on the real server. */
  protected readonly catalogue = new Map<string, FakeProduct>();

  /**
   * Get-or-create. As on the real server, a new conversation is the opener's
   * alone until its first message: no announcement, no listing, no sync entry.
   */
  protected openConversation(user: ChatUser, input: PayloadOf<'conversation:open'>): Conversation {
    if (input.kind === 'product') {
      const { product, supplier } = resolveFakeProduct(
        input,
        this.catalogue,
        (id) => this.users.get(id)?.name,
        this.allowClientProducts,
      );
      if (!canOpenProductWith(user, supplier.id)) {
        throw refuse('invalid_payload', 'You cannot open a conversation with yourself.');
      }
      this.assertNotBlocked(user.id, [supplier.id]);
      return this.openProduct(user, product, supplier);
    }
    if (!canOpenSupportFor(user, input.clientUserId)) {
      throw refuse('forbidden', 'Only admins can open a support conversation for someone else.');
    }
    if (input.clientUserId && !input.clientName && !this.users.has(input.clientUserId)) {
      throw refuse('not_found', 'No such user; pass clientName to open a thread with a new user.');
    }
    const clientId = input.clientUserId ?? user.id;
    const key = `s\u0000${supportConversationKey(clientId, input.subject)}`;
    const existing = [...this.conversations.values()].find((c) => c.key === key);
    if (existing) {
      // An admin opening a client's thread takes it as an agent (once).
      if (clientId !== user.id && !existing.participants.has(user.id)) this.join(existing, user);
      return this.view(existing, user.id);
    }
    if (input.clientName && input.clientUserId && !this.users.has(input.clientUserId)) {
      this.addUser({ id: input.clientUserId, name: input.clientName.trim(), isAdmin: false });
    }
    const participants = new Map<string, { role: Role; lastReadSeq: number }>();
    participants.set(clientId, { role: 'client', lastReadSeq: 0 });
    if (clientId !== user.id) participants.set(user.id, { role: JOINING_ROLE, lastReadSeq: 0 });
    return this.view(this.create('support', key, participants, { subject: input.subject.trim() }), user.id);
  }

  private openProduct(user: ChatUser, product: ProductRef, supplier: { id: string; name: string }): Conversation {
    const key = `p\u0000${productConversationKey(product.id, user.id, supplier.id)}`;
    const existing = [...this.conversations.values()].find((c) => c.key === key);
    if (existing) {
      // The marketplace's latest card wins.
      existing.product = product;
      return this.view(existing, user.id);
    }
    if (!this.users.has(supplier.id)) this.addUser({ id: supplier.id, name: supplier.name, isAdmin: false });
    const participants = new Map<string, { role: Role; lastReadSeq: number }>();
    participants.set(user.id, { role: 'buyer', lastReadSeq: 0 });
    participants.set(supplier.id, { role: 'supplier', lastReadSeq: 0 });
    return this.view(this.create('product', key, participants, { product }), user.id);
  }

  private create(
    kind: 'product' | 'support',
    key: string,
    participants: StoredConversation['participants'],
    about: { product: ProductRef } | { subject: string },
  ): StoredConversation {
    const now = new Date().toISOString();
    const id = `conversation-${++this.counter}`;
    const conversation: StoredConversation = {
      id,
      kind,
      key,
      participants,
      messages: [],
      createdAt: now,
      updatedAt: now,
      change: 0,
      ...about,
    };
    conversation.change = this.nextChange('conversation', id);
    this.conversations.set(id, conversation);
    return conversation;
  }

  /** An admin becomes the agent of a support conversation; its whole history starts unread for them. */
  protected join(conversation: StoredConversation, user: ChatUser): void {
    conversation.participants.set(user.id, { role: JOINING_ROLE, lastReadSeq: 0 });
    conversation.change = this.nextChange('conversation', conversation.id);
    if (conversation.messages.length > 0) this.announce(conversation);
  }

  protected send(
    user: ChatUser,
    input: PayloadOf<'message:send'>,
    createdAt?: string,
    extra: { masked?: boolean; attachments?: Message['attachments'] } = {},
  ): Message {
    const known = this.messageKeys.get(`${user.id}\u0000${input.clientId}`);
    if (known) {
      if (known.conversationId !== input.conversationId) {
        throw refuse('invalid_payload', 'This clientId was already used in another conversation.');
      }
      return known;
    }
    const conversation = this.find(input.conversationId);
    const access = this.writable(user, conversation);
    this.assertNotBlocked(user.id, conversation.participants.keys());
    const attachmentIds = input.attachmentIds ?? [];
    // With attachments, the text may be empty.
    const checked =
      attachmentIds.length > 0 && !isNotBlank(input.body)
        ? ({ ok: true, body: '' } as const)
        : checkMessageBody(input.body, this.maxLength);
    if (!checked.ok) throw refuse(checked.code, checked.message);
    const { body } = checked;
    if (input.replyToId !== undefined && !conversation.messages.some((m) => m.id === input.replyToId)) {
      throw refuse('invalid_payload', 'replyToId must name a message of the same conversation.');
    }
    const attachments = extra.attachments ?? this.files.claim(user.id, attachmentIds, conversation.id);
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
      attachments,
      createdAt: createdAt ?? new Date().toISOString(),
      ...(input.replyToId ? { replyToId: input.replyToId } : {}),
      ...(extra.masked ? { masked: true } : {}),
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
    // The first message is where the other side first hears of the conversation.
    if (message.seq === 1) this.announce(conversation);
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
  protected changeMessage(user: ChatUser, messageId: string, body: string | undefined): Message {
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
      // A deleted message's files go with it.
      next = { ...current, body: '', attachments: [], deletedAt: now };
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

  protected history(user: ChatUser, input: PayloadOf<'messages:history'>) {
    const conversation = this.readable(user, input.conversationId);
    const before = conversation.messages.filter((m) => m.seq < (input.beforeSeq ?? Number.MAX_SAFE_INTEGER));
    const limit = input.limit ?? LIMITS.pageSizeDefault;
    return { messages: before.slice(-limit), hasMore: before.length > limit };
  }

  protected read(user: ChatUser, conversationId: string, seq: number) {
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

  protected sync(user: ChatUser, cursor: string | null, limit: number) {
    const visible = (c: StoredConversation) =>
      c.messages.length > 0 && (c.participants.has(user.id) || (user.isAdmin && c.kind === 'support'));
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
}
