import type { ChatUser, Conversation, HistoryResult, Message, UnreadCounts } from '@palaver/protocol';
import type pg from 'pg';
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
import { PostgresAttachments } from './attachments.js';
import { feedHead } from './change-feed.js';
import { PostgresChanges } from './changes.js';
import { PostgresConversations } from './conversations.js';
import { PostgresDirectory } from './directory.js';
import { PostgresEmails } from './emails.js';
import { PostgresEventRecorder } from './events.js';
import { PostgresMessages } from './messages.js';
import { applyPostgresMigrations } from './migrations.js';
import { PostgresModeration } from './moderation.js';
import { PostgresNotifications } from './notifications.js';
import { createPool } from './pool.js';
import { PostgresReactions } from './reactions.js';
import { PostgresReads } from './reads.js';
import { PostgresRevocations } from './revocations.js';
import { PostgresSafety } from './safety.js';
import { PostgresSearch } from './search.js';
import { PostgresUsers } from './users.js';
import { PostgresWebhooks } from './webhooks.js';

export interface PostgresStoreOptions {
  url: string;
  /** Connections in this node's pool. */
  poolSize: number;
  /** Told after a commit that added someone to a conversation, so other nodes drop their cached membership. */
  onJoin?: (conversationId: string) => Promise<void>;
  /** Record webhook events with the writes that cause them (only when webhooks are configured). */
  recordEvents?: boolean;
  /** Signs the download addresses of the attachments in every message read (unsigned without). */
  links?: AttachmentLinks;
}

/**
 * The store on PostgreSQL, shared by every node of a cluster. The only state
 * it keeps in memory is membership (which only grows; joins are announced to
 * the other nodes, see `PostgresConversations.access`); unread totals are
 * summed when asked. The change feed's numbering is safe under concurrent
 * writers on several nodes (see `takeChange`).
 */
export class PostgresStore implements ChatStore {
  private readonly users: PostgresUsers;
  readonly directory: PostgresDirectory;
  private readonly conversations: PostgresConversations;
  private readonly reads: PostgresReads;
  private readonly messages: PostgresMessages;
  private readonly changes: PostgresChanges;
  readonly webhooks: PostgresWebhooks;
  readonly notifications: PostgresNotifications;
  readonly emails: PostgresEmails;
  readonly safety: PostgresSafety;
  readonly moderation: PostgresModeration;
  readonly reactions: PostgresReactions;
  readonly attachments: PostgresAttachments;
  readonly search: PostgresSearch;
  private readonly revocations: PostgresRevocations;

  private constructor(
    readonly pool: pg.Pool,
    readonly instanceId: string,
    onJoin: (conversationId: string) => Promise<void>,
    recordEvents: boolean,
    links: AttachmentLinks,
  ) {
    this.users = new PostgresUsers(pool);
    this.directory = new PostgresDirectory(pool, this.users, links);
    this.conversations = new PostgresConversations(pool, this.users, onJoin, links);
    this.reads = new PostgresReads(pool, this.conversations);
    const events = new PostgresEventRecorder(recordEvents);
    this.messages = new PostgresMessages(pool, this.conversations, this.reads, events, links);
    this.attachments = new PostgresAttachments(pool);
    this.emails = new PostgresEmails(pool);
    this.notifications = new PostgresNotifications(pool, events, this.emails, links);
    this.safety = new PostgresSafety(pool, events);
    this.reactions = new PostgresReactions(pool, this.conversations, links);
    this.search = new PostgresSearch(pool, links);
    this.moderation = new PostgresModeration(pool, links, () => this.search.catchUp());
    this.webhooks = new PostgresWebhooks(pool);
    this.changes = new PostgresChanges(pool, this.conversations, links);
    this.revocations = new PostgresRevocations(pool);
  }

  /** Connects, applies the migrations this database lacks (one node at a time), and reads its instance id. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = createPool(options.url, options.poolSize);
    // An idle connection that dies (a database restart) must not crash the process: the pool replaces it.
    pool.on('error', () => {});
    try {
      await applyPostgresMigrations(pool);
      const { rows } = await pool.query<{ value: string }>("SELECT value FROM meta WHERE key = 'instance_id'");
      const store = new PostgresStore(
        pool,
        (rows[0] as { value: string }).value,
        options.onJoin ?? (async () => {}),
        options.recordEvents ?? false,
        options.links ?? UNSIGNED_LINKS,
      );
      // What was written before the search index existed (or while no search ran) is indexed
      // now rather than by the first search; a failure (a stop meanwhile) is retried by that search.
      store.search.catchUp().catch(() => {});
      return store;
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  async sizeBytes(): Promise<number> {
    const { rows } = await this.pool.query<{ size: string }>('SELECT pg_database_size(current_database()) AS size');
    return Number(rows[0]?.size ?? 0);
  }

  async ping(): Promise<boolean> {
    const { rows } = await this.pool.query<{ one: number }>('SELECT 1 AS one');
    return rows[0]?.one === 1;
  }

  private closed: Promise<void> | undefined;

  /** Ends the pool (once: a second call waits for the first). */
  close(): Promise<void> {
    this.closed ??= this.pool.end();
    return this.closed;
  }

  rememberUser(user: ChatUser): Promise<void> {
    return this.users.remember(user);
  }

  userExists(id: string): Promise<boolean> {
    return this.users.exists(id);
  }

  lastSeenAt(id: string): Promise<string | undefined> {
    return this.users.lastSeenAt(id);
  }

  setLastSeen(id: string, at: string): Promise<void> {
    return this.users.setLastSeen(id, at);
  }

  contactsOf(userId: string): Promise<string[]> {
    return this.users.contactsOf(userId);
  }

  revokeSessions(userId: string, before: number): Promise<number> {
    return this.revocations.revoke(userId, before);
  }

  revokedBefore(userId: string): Promise<number | undefined> {
    return this.revocations.revokedBefore(userId);
  }

  access(conversationId: string, fresh?: boolean): Promise<ConversationAccess | undefined> {
    return this.conversations.access(conversationId, fresh);
  }

  forgetAccess(conversationId: string): void {
    this.conversations.forget(conversationId);
  }

  findConversation(key: ConversationKey): Promise<string | undefined> {
    return this.conversations.find(key);
  }

  openProductConversation(input: OpenProductInput): Promise<{ id: string; created: boolean }> {
    return this.conversations.openProduct(input);
  }

  openSupportConversation(input: OpenSupportInput): Promise<{ id: string; created: boolean; joined: boolean }> {
    return this.conversations.openSupport(input);
  }

  conversation(id: string, viewerId: string): Promise<Conversation | undefined> {
    return this.conversations.get(id, viewerId);
  }

  listConversations(viewer: ChatUser, limit: number, before?: ListPosition): Promise<Conversation[]> {
    return this.conversations.list(viewer, limit, before);
  }

  messageById(id: string): Promise<Message | undefined> {
    return this.messages.byId(id);
  }

  messageByClientId(senderId: string, clientId: string): Promise<Message | undefined> {
    return this.messages.byClientId(senderId, clientId);
  }

  insertMessages(inputs: InsertMessageInput[]): Promise<Array<StoredMessage | Error>> {
    return this.messages.insert(inputs);
  }

  editMessage(id: string, body: string, maskedBody?: string): Promise<Message> {
    return this.messages.edit(id, body, maskedBody);
  }

  deleteMessage(id: string, byModeration?: boolean): Promise<DeleteOutcome> {
    return this.messages.delete(id, byModeration);
  }

  history(conversationId: string, beforeSeq: number | undefined, limit: number): Promise<HistoryResult> {
    return this.messages.history(conversationId, beforeSeq, limit);
  }

  markRead(conversationId: string, userId: string, seq: number): Promise<ReadUpdate> {
    return this.reads.markRead(conversationId, userId, seq);
  }

  unreadOf(userId: string): Promise<UnreadCounts> {
    return this.reads.unreadOf(userId);
  }

  async unreadTotal(userId: string): Promise<number> {
    return (await this.reads.totals(this.pool, [userId])).get(userId) ?? 0;
  }

  head(): Promise<number> {
    return feedHead(this.pool);
  }

  changesSince(viewer: ChatUser, after: number, limit: number): Promise<ChangesPage> {
    return this.changes.since(viewer, after, limit);
  }
}
