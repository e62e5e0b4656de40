import { existsSync, statSync } from 'node:fs';
import type { ChatUser, Conversation, HistoryResult, Message, UnreadCounts } from '@palaver/protocol';
import { type AttachmentLinks, UNSIGNED_LINKS } from '../attachments.js';
import type {
  ChangesPage,
  ChatStore,
  ConversationAccess,
  ConversationKey,
  DeleteOutcome,
  InsertMessageInput,
  ListPosition,
  OpenProductInput,
  OpenSupportInput,
  ReadUpdate,
  StoredMessage,
} from '../store.js';
import { SqliteAttachments } from './attachments.js';
import { SqliteChangeFeed } from './change-feed.js';
import { SqliteChanges } from './changes.js';
import { type Checkpointer, SAFETY_NET_PAGES, startCheckpointer } from './checkpointer.js';
import { SqliteConversations } from './conversations.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { SqliteDirectory } from './directory.js';
import { SqliteEmails } from './emails.js';
import { SqliteEventRecorder } from './events.js';
import { SqliteMessages } from './messages.js';
import { SqliteModeration } from './moderation.js';
import { SqliteNotifications } from './notifications.js';
import { SqliteReactions } from './reactions.js';
import { SqliteReads } from './reads.js';
import { SqliteRevocations } from './revocations.js';
import { SqliteSafety } from './safety.js';
import { SqliteSearch } from './search.js';
import { SqliteUsers } from './users.js';
import { SqliteWebhooks } from './webhooks.js';

/**
 * How often the checkpoint thread copies the write-ahead log into the database
 * file. A page changed by many commits in between is copied once: at 100 ms a
 * busy server spent 10–15 % more CPU in SQLite per message than at 500 ms (sends across
 * 500 conversations). The log holds about half a second of commits.
 */
const CHECKPOINT_INTERVAL_MS = 500;

export interface SqliteStoreOptions {
  path: string;
  /** `NORMAL` or `FULL`: how hard SQLite syncs each commit before the ack goes out. */
  synchronous: 'NORMAL' | 'FULL';
  /** Called after each checkpoint that copied something into the database file. */
  onCheckpoint?: () => void;
  onCheckpointError?: (error: Error) => void;
  /** Record webhook events with the writes that cause them (only when webhooks are configured). */
  recordEvents?: boolean;
  /** Signs the download addresses of the attachments in every message read (unsigned without). */
  links?: AttachmentLinks;
}

/**
 * The store on one SQLite file (WAL), for one server process. better-sqlite3 is
 * synchronous: every method does its work at once and returns a settled
 * promise, and writes are serialized by the event loop itself.
 */
export class SqliteStore implements ChatStore {
  readonly instanceId: string;
  readonly directory: SqliteDirectory;
  private readonly users: SqliteUsers;
  private readonly conversations: SqliteConversations;
  private readonly reads: SqliteReads;
  private readonly messages: SqliteMessages;
  private readonly changes: SqliteChanges;
  private readonly feed: SqliteChangeFeed;
  private readonly revocations: SqliteRevocations;
  private readonly pingStatement;
  readonly webhooks: SqliteWebhooks;
  readonly notifications: SqliteNotifications;
  readonly emails: SqliteEmails;
  readonly safety: SqliteSafety;
  readonly moderation: SqliteModeration;
  readonly reactions: SqliteReactions;
  readonly attachments: SqliteAttachments;
  readonly search: SqliteSearch;

  constructor(
    /** The SQLite handle (for online backups with `database.backup(path)`). */
    readonly database: SqliteDatabase,
    private readonly checkpointer?: Checkpointer,
    recordEvents = false,
    links: AttachmentLinks = UNSIGNED_LINKS,
  ) {
    const db = database;
    this.instanceId = db.prepare("SELECT value FROM meta WHERE key = 'instance_id'").pluck().get() as string;
    this.pingStatement = db.prepare('SELECT 1').pluck();
    this.feed = new SqliteChangeFeed(db);
    this.users = new SqliteUsers(db);
    this.directory = new SqliteDirectory(db, this.users, links);
    this.conversations = new SqliteConversations(db, this.feed, this.users, links);
    this.reads = new SqliteReads(db, this.feed, this.conversations);
    const events = new SqliteEventRecorder(db, recordEvents);
    this.attachments = new SqliteAttachments(db);
    this.messages = new SqliteMessages(db, this.feed, this.conversations, this.reads, events, this.attachments, links);
    this.emails = new SqliteEmails(db);
    this.notifications = new SqliteNotifications(db, events, this.emails, links);
    this.safety = new SqliteSafety(db, events);
    this.reactions = new SqliteReactions(db, this.feed, this.conversations, links);
    this.moderation = new SqliteModeration(db, links);
    this.search = new SqliteSearch(db, links);
    this.webhooks = new SqliteWebhooks(db);
    this.changes = new SqliteChanges(db, this.feed, this.conversations, links);
    this.revocations = new SqliteRevocations(db);
  }

  async sizeBytes(): Promise<number> {
    const path = this.database.name;
    if (path === ':memory:' || path === '') return 0;
    // The file and its write-ahead log (which holds the newest commits until a checkpoint).
    return [path, `${path}-wal`].reduce((sum, file) => sum + (existsSync(file) ? statSync(file).size : 0), 0);
  }

  async ping(): Promise<boolean> {
    return this.pingStatement.get() === 1;
  }

  /** Closes the database (a second call changes nothing). */
  async close(): Promise<void> {
    // The checkpoint thread's connection closes first, so the main one cleans up the log.
    await this.checkpointer?.stop();
    if (this.database.open) this.database.close();
  }

  async rememberUser(user: ChatUser): Promise<void> {
    this.users.remember(user);
  }

  async userExists(id: string): Promise<boolean> {
    return this.users.exists(id);
  }

  async lastSeenAt(id: string): Promise<string | undefined> {
    return this.users.lastSeenAt(id);
  }

  async setLastSeen(id: string, at: string): Promise<void> {
    this.users.setLastSeen(id, at);
  }

  async contactsOf(userId: string): Promise<string[]> {
    return this.users.contactsOf(userId);
  }

  async revokeSessions(userId: string, before: number): Promise<number> {
    return this.revocations.revoke(userId, before);
  }

  async revokedBefore(userId: string): Promise<number | undefined> {
    return this.revocations.revokedBefore(userId);
  }

  /** Always exact: one process writes this file, and its cache drops an entry on every join. */
  async access(conversationId: string): Promise<ConversationAccess | undefined> {
    return this.conversations.access(conversationId);
  }

  forgetAccess(): void {}

  async findConversation(key: ConversationKey): Promise<string | undefined> {
    return this.conversations.find(key);
  }

  async openProductConversation(input: OpenProductInput): Promise<{ id: string; created: boolean }> {
    return this.conversations.openProduct(input);
  }

  async openSupportConversation(input: OpenSupportInput): Promise<{ id: string; created: boolean; joined: boolean }> {
    const opened = this.conversations.openSupport(input);
    // The agent took the thread with its history unread: their total changed.
    if (opened.joined && input.agentId) this.reads.forget([input.agentId]);
    return opened;
  }

  async conversation(id: string, viewerId: string): Promise<Conversation | undefined> {
    return this.conversations.get(id, viewerId);
  }

  async listConversations(viewer: ChatUser, limit: number, before?: ListPosition): Promise<Conversation[]> {
    return this.conversations.list(viewer, limit, before);
  }

  async messageById(id: string): Promise<Message | undefined> {
    return this.messages.byId(id);
  }

  async messageByClientId(senderId: string, clientId: string): Promise<Message | undefined> {
    return this.messages.byClientId(senderId, clientId);
  }

  async insertMessages(inputs: InsertMessageInput[]): Promise<Array<StoredMessage | Error>> {
    return this.messages.insert(inputs);
  }

  async editMessage(id: string, body: string, maskedBody?: string): Promise<Message> {
    return this.messages.edit(id, body, maskedBody);
  }

  async deleteMessage(id: string, byModeration?: boolean): Promise<DeleteOutcome> {
    return this.messages.delete(id, byModeration);
  }

  async history(conversationId: string, beforeSeq: number | undefined, limit: number): Promise<HistoryResult> {
    return this.messages.history(conversationId, beforeSeq, limit);
  }

  async markRead(conversationId: string, userId: string, seq: number): Promise<ReadUpdate> {
    return this.reads.markRead(conversationId, userId, seq);
  }

  async unreadOf(userId: string): Promise<UnreadCounts> {
    return this.reads.unreadOf(userId);
  }

  async unreadTotal(userId: string): Promise<number> {
    return this.reads.unreadTotal(userId);
  }

  async head(): Promise<number> {
    return this.feed.head();
  }

  async changesSince(viewer: ChatUser, after: number, limit: number): Promise<ChangesPage> {
    return this.changes.since(viewer, after, limit);
  }
}

/** Opens (creating if needed) the SQLite file, brings its schema up to date, and starts its checkpoint thread. */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const db = openDatabase({ path: options.path, synchronous: options.synchronous });
  let checkpointer: Checkpointer | undefined;
  if (options.path !== ':memory:') {
    db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
    checkpointer = startCheckpointer({
      path: options.path,
      intervalMs: CHECKPOINT_INTERVAL_MS,
      onCheckpoint: () => options.onCheckpoint?.(),
      onError: (error) => options.onCheckpointError?.(error),
    });
  }
  return new SqliteStore(db, checkpointer, options.recordEvents ?? false, options.links);
}
