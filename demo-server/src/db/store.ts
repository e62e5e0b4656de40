import type {
  ChatUser,
  Conversation,
  HistoryResult,
  Message,
  ProductRef,
  ReadReceipt,
  Role,
  UnreadCounts,
} from '@palaver/protocol';
import type { AttachmentRecord, AttachmentStore } from './attachments.js';
import type { DirectoryStore } from './directory.js';
import type { EmailStore } from './emails.js';
import type { ModerationStore } from './moderation.js';
import type { NotificationStore } from './notifications.js';
import type { ReactionStore } from './reactions.js';
import type { SafetyStore } from './safety.js';
import type { SearchStore } from './search.js';
import type { WebhookStore } from './webhooks.js';

/**
 * What the server keeps, behind one asynchronous interface with one
 * implementation per database (SQLite in `db/sqlite/`, PostgreSQL in
 * `db/postgres/`). It stores, reads and numbers; who may do what is the
 * service's business. Rows never leave `db/`: everything here speaks the
 * protocol's types.
 *
 * Every write that a client may need to catch up on takes the next number of
 * the change feed inside its own transaction, so a number is kept only when its
 * write commits, is never issued twice, and `head` never covers a change that
 * is not stored.
 */
export interface ChatStore {
  /** Random per database: sync cursors name it, so a cursor from another database is never trusted. */
  readonly instanceId: string;
  /** The marketplace's users and products, as its backend registered them. */
  readonly directory: DirectoryStore;
  /** Webhook events and their deliveries (see `WebhookStore`). */
  readonly webhooks: WebhookStore;
  /** Who has messages unread while away, and what they were told (see `NotificationStore`). */
  readonly notifications: NotificationStore;
  /** Email digests waiting to be sent, and what became of them (see `EmailStore`). */
  readonly emails: EmailStore;
  /** Blocks between users, and reports for the moderation queue. */
  readonly safety: SafetyStore;
  /** Suspended accounts, the moderators' audit log and search. */
  readonly moderation: ModerationStore;
  /** Emoji reactions on messages (see `ReactionStore`). */
  readonly reactions: ReactionStore;
  /** Uploads, before and after a message names them. */
  readonly attachments: AttachmentStore;
  /** The full-text index of messages and conversations. */
  readonly search: SearchStore;
  /** Whether the database answers. */
  ping(): Promise<boolean>;
  /** Bytes the database takes on disk (the operator's dashboard). */
  sizeBytes(): Promise<number>;
  close(): Promise<void>;

  // --- users
  /** Records the user as their token describes them. */
  rememberUser(user: ChatUser): Promise<void>;
  userExists(id: string): Promise<boolean>;
  lastSeenAt(id: string): Promise<string | undefined>;
  setLastSeen(id: string, at: string): Promise<void>;
  /** Users who share at least one started conversation with this one (who may see their presence). */
  contactsOf(userId: string): Promise<string[]>;

  // --- sessions
  /**
   * Refuses the user's tokens issued before `before` (ms since the epoch) from
   * now on; never moves an earlier revocation back. Resolves with the time kept.
   */
  revokeSessions(userId: string, before: number): Promise<number>;
  /** When the user's sessions were last revoked (ms since the epoch), if ever. */
  revokedBefore(userId: string): Promise<number | undefined>;

  // --- conversations
  /**
   * Who is in a conversation and what kind it is; undefined when there is no
   * such conversation. May come from a cache that a join made a moment ago on
   * another node has not reached yet (participants only ever join); `fresh`
   * reads the database.
   */
  access(conversationId: string, fresh?: boolean): Promise<ConversationAccess | undefined>;
  /** Drops cached membership of a conversation that someone joined on another node. */
  forgetAccess(conversationId: string): void;
  /** The id of the conversation with this get-or-create key, if it exists (nothing is created). */
  findConversation(key: ConversationKey): Promise<string | undefined>;
  /** Get-or-create of the one conversation about `product` between this buyer and supplier. */
  openProductConversation(input: OpenProductInput): Promise<{ id: string; created: boolean }>;
  /** Get-or-create of the support conversation of `clientId` about `subject` (case and spacing ignored). */
  openSupportConversation(input: OpenSupportInput): Promise<{ id: string; created: boolean; joined: boolean }>;
  /** The conversation as `viewerId` sees it (their unread count). */
  conversation(id: string, viewerId: string): Promise<Conversation | undefined>;
  /** The viewer's conversations by last activity, newest first, after the `before` position. */
  listConversations(viewer: ChatUser, limit: number, before?: ListPosition): Promise<Conversation[]>;

  // --- messages
  messageById(id: string): Promise<Message | undefined>;
  messageByClientId(senderId: string, clientId: string): Promise<Message | undefined>;
  /**
   * Group commit: stores several messages in one transaction and returns each
   * one's outcome in order; nothing of the batch is visible before the commit.
   * A resent (sender, clientId) is answered with the message stored the first
   * time; one failing message never undoes the others.
   */
  insertMessages(inputs: InsertMessageInput[]): Promise<Array<StoredMessage | Error>>;
  /** Replaces a message's text (and its masked form: undefined when there is nothing to hide). */
  editMessage(id: string, body: string, maskedBody?: string): Promise<Message>;
  /**
   * Blanks a message (once) and uncounts it where it was unread; `byModeration` keeps the text (and the
   * attachments) for moderators, otherwise its attachments are discarded in the same transaction.
   */
  deleteMessage(id: string, byModeration?: boolean): Promise<DeleteOutcome>;
  history(conversationId: string, beforeSeq: number | undefined, limit: number): Promise<HistoryResult>;

  // --- read state
  /** Moves a read pointer forward (never backwards, never past the last message). */
  markRead(conversationId: string, userId: string, seq: number): Promise<ReadUpdate>;
  /** Unread counts of every conversation of the user that has any, and their total. */
  unreadOf(userId: string): Promise<UnreadCounts>;
  /** The user's unread total across their conversations. */
  unreadTotal(userId: string): Promise<number>;

  // --- change feed
  /** The newest committed change number: a cursor at this point has seen everything. */
  head(): Promise<number>;
  /**
   * Everything that changed after `after` in the conversations the viewer may
   * see, up to `limit` rows per kind, each list ascending by change number,
   * read from one consistent snapshot together with the head at that moment.
   */
  changesSince(viewer: ChatUser, after: number, limit: number): Promise<ChangesPage>;
}

/**
 * A conversation's identity and who is in it: enough to authorize and to fan
 * out. Holds only what changes rarely (never read pointers or counters), so a
 * store may keep it in memory.
 */
export interface ConversationAccess {
  readonly id: string;
  readonly kind: 'product' | 'support';
  /**
   * Whether it has a first message. Only ever turns true, so a cached `false`
   * may be stale (read again with `fresh` before relying on it).
   */
  readonly started: boolean;
  readonly participants: ReadonlyMap<string, Role>;
  /** The same users as `participants`, as the list fan-out takes. */
  readonly participantIds: readonly string[];
}

/** What makes a conversation the one it is: get-or-create finds it by this. */
export type ConversationKey =
  | { kind: 'product'; productId: string; buyerId: string; supplierId: string }
  /** `subject` as given: compared folded (case, spaces), as get-or-create does. */
  | { kind: 'support'; clientId: string; subject: string };

export interface OpenProductInput {
  buyer: ChatUser;
  supplierId: string;
  supplierName: string;
  product: ProductRef;
}

export interface OpenSupportInput {
  clientId: string;
  clientName?: string;
  subject: string;
  /** An admin opening the thread for a client takes it as an agent. */
  agentId?: string;
}

/** Where a page of the conversation list starts: after this (updatedAt, id). */
export interface ListPosition {
  updatedAt: string;
  id: string;
}

export interface InsertMessageInput {
  conversationId: string;
  sender: ChatUser;
  clientId: string;
  body: string;
  /** The text with contact details hidden, when the masker found any (`CONTACT_MASKING`). */
  maskedBody?: string;
  replyToId?: string;
  /**
   * Uploads of the sender to bind to the message, in order, in the same
   * transaction: one that is not (or no longer) an unsent upload of the sender
   * fails the message with `AttachmentUnavailable`.
   */
  attachments?: AttachmentRecord[];
  /** An admin writing in a support conversation they are not in joins it as an agent. */
  joinAsAgent: boolean;
}

export interface StoredMessage {
  message: Message;
  /** False when the (sender, clientId) pair already existed: nothing new was written. */
  created: boolean;
  /** The sender's unread count in the conversation before the send (their pointer moved onto it). */
  previousUnread?: number;
  /**
   * Each participant's unread count in the conversation after the send (0 for
   * the sender) and their unread total after the batch that stored it.
   */
  unreadAfter?: Array<{ userId: string; unread: number; total: number }>;
  /** True when an admin joined the conversation as an agent by writing in it. */
  joined?: boolean;
}

export interface ReadUpdate {
  moved: boolean;
  receipt: ReadReceipt;
  /** The reader's unread count in the conversation after the read. */
  unreadCount: number;
}

export interface DeleteOutcome {
  message: Message;
  /** Who had the message unread: their counts went down by one. */
  unreadChangedFor: string[];
}

/** One change of the feed: its number and what it changed. */
export interface Change<T> {
  changeSeq: number;
  item: T;
}

/** Changes after a cursor, each list ascending by change number, and the head of the same snapshot. */
export interface ChangesPage {
  head: number;
  conversations: Array<Change<Conversation>>;
  messages: Array<Change<Message>>;
  reads: Array<Change<ReadReceipt>>;
}
