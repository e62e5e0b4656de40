import {
  type ChatUser,
  type Conversation,
  type ConversationListResult,
  characterCount,
  type DeleteMessageInput,
  type EditMessageInput,
  type HistoryInput,
  type HistoryResult,
  LIMITS,
  type Message,
  type OpenConversationInput,
  type PresenceQueryInput,
  type PresenceQueryResult,
  type ReadInput,
  type ReadResult,
  type SendMessageInput,
  type SyncInput,
  type SyncResult,
  type TypingInput,
  type UnreadCounts,
} from '@palaver/protocol';
import type { ChatStore, ConversationAccess, InsertMessageInput, StoredMessage } from './db/chat-store.js';
import { ChatError } from './errors.js';
import type { Metrics } from './metrics.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import type { RealtimeState } from './realtime/state.js';

/** Who is asking: the verified user, and the socket the request came from (not echoed back to). */
export interface Actor {
  user: ChatUser;
  socketId?: string;
}

export interface ChatServiceOptions {
  store: ChatStore;
  realtime: RealtimeState;
  metrics: Metrics;
  messageMaxLength: number;
  rateLimitMessages: number;
  rateLimitWindowMs: number;
  groupCommitWindowMs: number;
}

const SYNC_CURSOR_VERSION = '1';

/**
 * The rules of Palaver: who may see and do what, and which events each change
 * sends to whom. Both transports (Socket.IO and REST) call these methods with
 * input already checked against the protocol's schemas.
 */
export class ChatService {
  private readonly store: ChatStore;
  private readonly realtime: RealtimeState;
  private readonly metrics: Metrics;
  private readonly maxLength: number;
  readonly sendLimiter: SlidingWindowLimiter;
  private readonly commitWindowMs: number;
  private lastCommitAt = Number.NEGATIVE_INFINITY;
  private readonly pendingSends: Array<{
    actor: Actor;
    access: ConversationAccess;
    input: InsertMessageInput;
    resolve: (message: Message) => void;
    reject: (error: unknown) => void;
  }> = [];

  constructor(options: ChatServiceOptions) {
    this.store = options.store;
    this.realtime = options.realtime;
    this.metrics = options.metrics;
    this.maxLength = options.messageMaxLength;
    this.sendLimiter = new SlidingWindowLimiter(options.rateLimitMessages, options.rateLimitWindowMs);
    this.commitWindowMs = options.groupCommitWindowMs;
  }

  // --- access ---------------------------------------------------------------

  private find(conversationId: string): ConversationAccess {
    const access = this.store.access(conversationId);
    if (!access) throw new ChatError('not_found', 'No such conversation.');
    return access;
  }

  /** Participants see their conversations; admins may look at any. */
  private readable(user: ChatUser, conversationId: string): ConversationAccess {
    const access = this.find(conversationId);
    if (!access.participants.has(user.id) && !user.isAdmin) {
      throw new ChatError('forbidden', 'You are not a participant of this conversation.');
    }
    return access;
  }

  /** Participants write; admins write in support conversations (joining them as agents). */
  private writable(user: ChatUser, access: ConversationAccess): { joinAsAgent: boolean } {
    if (access.participants.has(user.id)) return { joinAsAgent: false };
    if (user.isAdmin && access.kind === 'support') return { joinAsAgent: true };
    throw new ChatError('forbidden', 'You are not a participant of this conversation.');
  }

  private audience(access: ConversationAccess) {
    return { kind: access.kind, participantIds: access.participantIds };
  }

  private checkedBody(raw: string): string {
    const body = raw.trim();
    const length = characterCount(body);
    if (length > this.maxLength) {
      throw new ChatError('too_long', `The message has ${length} characters; at most ${this.maxLength} are allowed.`);
    }
    if (length === 0) throw new ChatError('invalid_payload', 'The message is empty.');
    return body;
  }

  // --- conversations --------------------------------------------------------

  openConversation({ user }: Actor, input: OpenConversationInput): Conversation {
    if (input.kind === 'product') {
      if (input.supplierId === user.id) {
        throw new ChatError('invalid_payload', 'You cannot open a conversation with yourself.');
      }
      const { id, created } = this.store.openProductConversation({
        buyer: user,
        supplierId: input.supplierId,
        supplierName: input.supplierName.trim(),
        product: input.product,
      });
      if (created) this.announceConversation(id);
      return this.store.conversation(id, user.id) as Conversation;
    }
    let clientId = user.id;
    if (input.clientUserId !== undefined && input.clientUserId !== user.id) {
      if (!user.isAdmin) {
        throw new ChatError('forbidden', 'Only admins can open a support conversation for someone else.');
      }
      if (!input.clientName && !this.store.userExists(input.clientUserId)) {
        throw new ChatError('not_found', 'No such user; pass clientName to open a thread with a new user.');
      }
      clientId = input.clientUserId;
    }
    const opened = this.store.openSupportConversation({
      clientId,
      subject: input.subject,
      ...(input.clientName ? { clientName: input.clientName.trim() } : {}),
      // An admin opening a thread with a client takes it as an agent.
      ...(user.isAdmin && clientId !== user.id ? { agentId: user.id } : {}),
    });
    if (opened.created || opened.joined) this.announceConversation(opened.id);
    // The agent took the thread with its history unread: their badge goes up.
    if (opened.joined) this.pushUnread([user.id], [opened.id]);
    return this.store.conversation(opened.id, user.id) as Conversation;
  }

  /** Sends `conversation:updated` to each participant (with their own unread count) and to admins. */
  private announceConversation(conversationId: string): void {
    const { participantIds, kind } = this.find(conversationId);
    for (const userId of participantIds) {
      this.realtime.fanout.toUsers(
        [userId],
        'conversation:updated',
        this.store.conversation(conversationId, userId) as Conversation,
      );
    }
    if (kind === 'support') {
      this.realtime.fanout.toAdmins(
        'conversation:updated',
        this.store.conversation(conversationId, '') as Conversation,
        participantIds,
      );
    }
  }

  getConversation({ user }: Actor, conversationId: string): Conversation {
    this.readable(user, conversationId);
    return this.store.conversation(conversationId, user.id) as Conversation;
  }

  listConversations({ user }: Actor, query: { limit?: number; before?: string }): ConversationListResult {
    const limit = query.limit ?? LIMITS.pageSizeDefault;
    const before = query.before === undefined ? undefined : decodeListCursor(query.before);
    const conversations = this.store.listConversations(user, limit, before);
    const result: ConversationListResult = { conversations };
    const last = conversations[conversations.length - 1];
    if (conversations.length === limit && last) result.next = encodeListCursor(last.updatedAt, last.id);
    return result;
  }

  // --- messages -------------------------------------------------------------

  /**
   * Checks a send at once (schema, membership, length, rate limit), then queues
   * it for the next group commit: sends that arrive together are stored in one
   * transaction, and each answer goes out only after that commit.
   *
   * A resend of a known clientId (a client retrying after a lost ack) is found
   * by the store's unique index when it is inserted, and answered with the
   * message stored the first time — not looked up before every send.
   */
  sendMessage(actor: Actor, input: SendMessageInput): Promise<Message> {
    const { user } = actor;
    const access = this.find(input.conversationId);
    const { joinAsAgent } = this.writable(user, access);
    if (input.attachmentIds && input.attachmentIds.length > 0) {
      throw new ChatError('invalid_payload', 'Attachments are not supported by this server yet.');
    }
    const body = this.checkedBody(input.body);
    if (input.replyToId !== undefined) {
      const quoted = this.store.messageById(input.replyToId);
      if (!quoted || quoted.conversationId !== access.id) {
        throw new ChatError('invalid_payload', 'replyToId must name a message of the same conversation.');
      }
    }
    const slot = this.sendLimiter.take(user.id);
    if (!slot.allowed) {
      // A resend is answered even when the sender is throttled: it adds nothing.
      const known = this.store.messageByClientId(user.id, input.clientId);
      if (known) return Promise.resolve(this.resent(known, input.conversationId));
      throw new ChatError('rate_limited', 'Too many messages; wait a moment.', { retryAfterMs: slot.retryAfterMs });
    }
    return new Promise<Message>((resolve, reject) => {
      this.pendingSends.push({
        actor,
        access,
        resolve,
        reject,
        input: {
          conversationId: access.id,
          sender: user,
          clientId: input.clientId,
          body,
          joinAsAgent,
          ...(input.replyToId !== undefined ? { replyToId: input.replyToId } : {}),
        },
      });
      if (this.pendingSends.length === 1) this.scheduleCommit();
    });
  }

  /**
   * Right away (at the end of this turn of the event loop) when the last commit
   * is more than the window ago; otherwise once the window has passed. Sparse
   * sends wait for nothing; under load, commits come at most once per window,
   * so each carries more messages and costs less per message.
   */
  private scheduleCommit(): void {
    const wait = this.lastCommitAt + this.commitWindowMs - performance.now();
    if (wait <= 0) setImmediate(() => this.commitSends());
    else setTimeout(() => this.commitSends(), wait);
  }

  /** The answer to a clientId seen before: the stored message, if it belongs to the same conversation. */
  private resent(known: Message, conversationId: string): Message {
    if (known.conversationId !== conversationId) {
      throw new ChatError('invalid_payload', 'This clientId was already used in another conversation.');
    }
    return known;
  }

  /** Stores every queued send in one transaction, then answers and fans out each, in order. */
  private commitSends(): void {
    this.lastCommitAt = performance.now();
    const batch = this.pendingSends.splice(0);
    this.metrics.commitBatch.observe(batch.length);
    let outcomes: Array<StoredMessage | Error>;
    try {
      outcomes = this.store.insertMessages(batch.map((send) => send.input));
    } catch (error) {
      for (const send of batch) send.reject(error);
      return;
    }
    batch.forEach((send, index) => {
      const outcome = outcomes[index] as StoredMessage | Error;
      try {
        if (outcome instanceof Error) throw outcome;
        send.resolve(this.afterStored(send.actor, send.access, outcome));
      } catch (error) {
        send.reject(error);
      }
    });
  }

  /** What follows a stored message: typing stops, the message and the new counts go out. */
  private afterStored(actor: Actor, checkedAccess: ConversationAccess, stored: StoredMessage): Message {
    const { user } = actor;
    if (!stored.created) return this.resent(stored.message, checkedAccess.id);
    this.metrics.messagesSent.inc();
    const { message } = stored;
    // An agent who joined by writing is in the audience from this message on.
    const access = stored.joined ? this.find(checkedAccess.id) : checkedAccess;
    this.realtime.typing.stop(user.id, access.id);
    const { fanout } = this.realtime;
    const senderHadUnread = (stored.previousUnread ?? 0) > 0;
    // Everyone else has one more unread message here: their counts ride on the message.
    const unreadOf = new Map((stored.unreadAfter ?? []).map(({ userId, unread }) => [userId, unread]));
    for (const userId of access.participantIds) {
      const unread = unreadOf.get(userId);
      const counts =
        userId === user.id || unread === undefined
          ? undefined
          : { total: this.store.unreadTotal(userId), conversations: { [access.id]: unread } };
      fanout.newMessageTo(userId, message, counts, actor.socketId);
    }
    if (access.kind === 'support') fanout.toAdmins('message:new', message, access.participantIds);
    if (stored.joined) this.announceConversation(access.id);
    // The sender's pointer moved onto their own message: if it passed messages
    // from others, their unread count changed and the others may show ✓✓.
    if (senderHadUnread) {
      fanout.toConversation(this.audience(access), 'read', {
        conversationId: access.id,
        userId: user.id,
        seq: message.seq,
        readAt: message.createdAt,
      });
      // All of the sender's sockets, the one that sent included (its ack has no counts).
      fanout.toUsers([user.id], 'unread', {
        total: this.store.unreadTotal(user.id),
        conversations: { [access.id]: unreadOf.get(user.id) ?? 0 },
      });
    }
    return message;
  }

  /** Sends each user their new total and the counts of the given conversations. */
  private pushUnread(userIds: string[], conversationIds: string[]): void {
    for (const userId of userIds) {
      const counts = this.store.unreadOf(userId);
      const changed: Record<string, number> = {};
      for (const id of conversationIds) changed[id] = counts.conversations[id] ?? 0;
      this.realtime.fanout.toUsers([userId], 'unread', { total: counts.total, conversations: changed });
    }
  }

  private ownMessage(user: ChatUser, messageId: string, allowAdmin: boolean) {
    const message = this.store.messageById(messageId);
    if (!message) throw new ChatError('not_found', 'No such message.');
    const access = this.readable(user, message.conversationId);
    if (message.senderId !== user.id && !(allowAdmin && user.isAdmin)) {
      throw new ChatError('forbidden', 'You can only change your own messages.');
    }
    return { message, access };
  }

  editMessage(actor: Actor, input: EditMessageInput): Message {
    const { message, access } = this.ownMessage(actor.user, input.messageId, false);
    if (message.deletedAt) throw new ChatError('invalid_payload', 'A deleted message cannot be edited.');
    const body = this.checkedBody(input.body);
    if (body === message.body) return message;
    const edited = this.store.editMessage(message.id, body);
    this.realtime.fanout.toConversation(this.audience(access), 'message:updated', edited);
    return edited;
  }

  deleteMessage(actor: Actor, input: DeleteMessageInput): Message {
    const { message, access } = this.ownMessage(actor.user, input.messageId, true);
    if (message.deletedAt) return message;
    const deleted = this.store.deleteMessage(message.id);
    this.realtime.fanout.toConversation(this.audience(access), 'message:updated', deleted.message);
    // Whoever had not read it yet has one unread message fewer.
    this.pushUnread(deleted.unreadChangedFor, [access.id]);
    return deleted.message;
  }

  history({ user }: Actor, input: HistoryInput): HistoryResult {
    const access = this.readable(user, input.conversationId);
    return this.store.history(access.id, input.beforeSeq, input.limit ?? LIMITS.pageSizeDefault);
  }

  // --- read state -----------------------------------------------------------

  markRead({ user }: Actor, input: ReadInput): ReadResult {
    const access = this.readable(user, input.conversationId);
    const me = access.participants.get(user.id);
    if (!me) {
      // An admin looking at someone else's thread: reading it changes nothing for them.
      return { unreadCount: 0, unreadTotal: this.store.unreadTotal(user.id) };
    }
    const update = this.store.markRead(access.id, user.id, input.seq);
    const unreadTotal = this.store.unreadTotal(user.id);
    const { unreadCount } = update;
    if (update.moved) {
      this.realtime.fanout.toConversation(this.audience(access), 'read', update.receipt);
      this.realtime.fanout.toUsers([user.id], 'unread', {
        total: unreadTotal,
        conversations: { [access.id]: unreadCount },
      });
    }
    return { unreadCount, unreadTotal };
  }

  unread({ user }: Actor): UnreadCounts {
    return this.store.unreadOf(user.id);
  }

  // --- realtime extras ------------------------------------------------------

  typing({ user }: Actor, input: TypingInput): void {
    const access = this.find(input.conversationId);
    this.writable(user, access);
    this.realtime.typing.set(user, access.id, this.audience(access), input.typing);
  }

  presence({ user }: Actor, input: PresenceQueryInput): PresenceQueryResult {
    const visible = user.isAdmin ? undefined : new Set(this.store.contactsOf(user.id));
    return {
      presence: input.userIds
        .filter((id) => !visible || visible.has(id) || id === user.id)
        .map((userId) => {
          const online = this.realtime.presence.isOnline(userId);
          const lastSeenAt = online ? undefined : this.store.lastSeenAt(userId);
          return lastSeenAt ? { userId, online, lastSeenAt } : { userId, online };
        }),
    };
  }

  // --- sync -----------------------------------------------------------------

  /**
   * Every change after the cursor in the user's conversations. Pages never split
   * one change, and a row changed again while a client pages through shows up
   * in a later page at its new position: nothing is skipped.
   */
  sync({ user }: Actor, input: SyncInput): SyncResult {
    const limit = input.limit ?? LIMITS.syncPageDefault;
    const after = input.cursor === null ? undefined : this.decodeSyncCursor(input.cursor);
    if (after === undefined || after > this.store.head) {
      // No cursor, or one from another database (restored backup, wiped file): start over.
      return {
        conversations: this.store.listConversations(user, Math.min(limit, 1000)),
        messages: [],
        reads: [],
        cursor: this.encodeSyncCursor(this.store.head),
        hasMore: false,
        reset: true,
      };
    }
    const page = this.store.changesSince(user, after, limit);
    const lists = [page.conversations, page.messages, page.reads];
    const full = lists.filter((list) => list.length === limit);
    // A full list may have more rows just past its last one: stop there so no change is skipped.
    const lastOf = (list: Array<{ changeSeq: number }>) => list[list.length - 1]?.changeSeq ?? after;
    const boundary = full.length > 0 ? Math.min(...full.map(lastOf)) : Math.max(after, ...lists.map(lastOf));
    const upTo = <T extends { changeSeq: number }>(list: T[]) => list.filter((item) => item.changeSeq <= boundary);
    return {
      conversations: this.store.viewConversations(
        upTo(page.conversations).map((item) => item.row),
        user.id,
      ),
      messages: upTo(page.messages).map((item) => item.message),
      reads: upTo(page.reads).map((item) => item.receipt),
      cursor: this.encodeSyncCursor(full.length > 0 ? boundary : Math.max(boundary, this.store.head)),
      hasMore: full.length > 0,
    };
  }

  private encodeSyncCursor(changeSeq: number): string {
    return Buffer.from(`${SYNC_CURSOR_VERSION}.${this.store.instanceId}.${changeSeq}`).toString('base64url');
  }

  /** The change number in the cursor, or undefined when the cursor belongs to another database. */
  private decodeSyncCursor(cursor: string): number | undefined {
    const match = /^1\.([0-9a-f]{1,32})\.(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!match) throw new ChatError('invalid_payload', 'Unknown sync cursor.');
    if (match[1] !== this.store.instanceId) return undefined;
    return Number(match[2]);
  }
}

function encodeListCursor(updatedAt: string, id: string): string {
  return Buffer.from(JSON.stringify([updatedAt, id])).toString('base64url');
}

function decodeListCursor(token: string): { updatedAt: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string')) {
      return { updatedAt: value[0] as string, id: value[1] as string };
    }
  } catch {
    // fall through to the typed error
  }
  throw new ChatError('invalid_payload', 'Unknown paging token in "before".');
}
