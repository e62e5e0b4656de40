import { randomFillSync, randomUUID } from 'node:crypto';
import type { ChatUser, Conversation, Message, Participant, ProductRef, ReadReceipt, Role } from '@palaver/protocol';
import { v7 as uuidv7 } from 'uuid';
import type { SqliteDatabase } from './database.js';

/**
 * All SQL of the server, behind plain methods. It knows nothing of who may do
 * what (that is `ChatService`): it stores, reads and numbers. Every write runs
 * in one transaction and gets the next `change_seq`, so `sync` can return
 * exactly what changed after a cursor.
 */

interface ConversationRow {
  id: string;
  kind: 'product' | 'support';
  product_json: string | null;
  subject: string | null;
  last_seq: number;
  created_at: string;
  updated_at: string;
  change_seq: number;
}

interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  client_id: string;
  sender_id: string;
  from_admin: number;
  body: string;
  reply_to_id: string | null;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  change_seq: number;
}

interface ParticipantRow {
  conversation_id: string;
  user_id: string;
  role: Role;
  last_read_seq: number;
  last_read_at: string | null;
  unread_count: number;
  change_seq: number;
  name: string;
  avatar_url: string | null;
}

/**
 * A conversation's identity and who is in it: enough to authorize and to fan
 * out. Kept in memory (see `ChatStore.access`), so it holds only what changes
 * rarely: never read pointers or counters.
 */
export interface ConversationAccess {
  readonly id: string;
  readonly kind: 'product' | 'support';
  readonly participants: ReadonlyMap<string, Role>;
  /** The same users as `participants`, as the list fan-out takes. */
  readonly participantIds: readonly string[];
}

/** How many conversations' membership `ChatStore.access` keeps in memory. */
const ACCESS_CACHE_SIZE = 20_000;
/** How many users' unread totals `ChatStore.unreadTotal` keeps in memory. */
const UNREAD_TOTALS_SIZE = 50_000;

export interface StoredMessage {
  message: Message;
  /** False when the (sender, clientId) pair already existed: nothing new was written. */
  created: boolean;
  /** The sender's unread count in the conversation before the send (their pointer moved onto it). */
  previousUnread?: number;
  /** Each participant's unread count in the conversation after the send (0 for the sender). */
  unreadAfter?: Array<{ userId: string; unread: number }>;
  /** True when an admin joined the conversation as an agent by writing in it. */
  joined?: boolean;
}

export interface InsertMessageInput {
  conversationId: string;
  sender: ChatUser;
  clientId: string;
  body: string;
  replyToId?: string;
  joinAsAgent: boolean;
}

export interface ReadUpdate {
  moved: boolean;
  receipt: ReadReceipt;
  /** The reader's unread count in the conversation after the read. */
  unreadCount: number;
  /** How many unread messages the read took off the reader's count. */
  read: number;
}

export interface DeleteOutcome {
  message: Message;
  /** Who had the message unread: their counts went down by one. */
  unreadChangedFor: string[];
}

/** Changes after a cursor, each list ascending by `change_seq`. */
export interface ChangesPage {
  conversations: Array<{ changeSeq: number; row: ConversationRow }>;
  messages: Array<{ changeSeq: number; message: Message }>;
  reads: Array<{ changeSeq: number; receipt: ReadReceipt }>;
}

const now = () => new Date().toISOString();

/** The conversations a user may see: theirs, and for admins every support conversation. */
const VISIBLE_IDS = `
  SELECT conversation_id FROM participants WHERE user_id = @user
  UNION SELECT id FROM conversations WHERE @admin = 1 AND kind = 'support'`;

function toMessage(row: MessageRow): Message {
  const message: Message = {
    id: row.id,
    clientId: row.client_id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderId: row.sender_id,
    fromAdmin: row.from_admin === 1,
    body: row.deleted_at ? '' : row.body,
    attachments: [],
    createdAt: row.created_at,
  };
  if (row.reply_to_id) message.replyToId = row.reply_to_id;
  if (row.edited_at) message.editedAt = row.edited_at;
  if (row.deleted_at) message.deletedAt = row.deleted_at;
  return message;
}

function toParticipant(row: ParticipantRow): Participant {
  const participant: Participant = {
    userId: row.user_id,
    name: row.name,
    role: row.role,
    lastReadSeq: row.last_read_seq,
  };
  if (row.avatar_url) participant.avatarUrl = row.avatar_url;
  return participant;
}

function toReceipt(
  row: Pick<ParticipantRow, 'conversation_id' | 'user_id' | 'last_read_seq' | 'last_read_at'>,
): ReadReceipt {
  return {
    conversationId: row.conversation_id,
    userId: row.user_id,
    seq: row.last_read_seq,
    readAt: row.last_read_at ?? '',
  };
}

export class ChatStore {
  /**
   * Stores one message under the conversation's next `seq`, counts it as
   * unread for everyone else and moves the sender's read pointer onto it
   * (writing implies having read). Runs inside `insertMessages`' transaction.
   */
  private readonly insertOne: (input: InsertMessageInput) => StoredMessage;
  /** `insertOne` in a savepoint of its own: undone alone when it fails. */
  private readonly insertOneAlone: (input: InsertMessageInput) => StoredMessage;
  /** Random per database: cursors name it, so one from another database is never trusted. */
  readonly instanceId: string;
  private readonly knownUsers = new Map<string, string>();
  /** Membership by conversation id; an entry is dropped whenever someone joins that conversation. */
  private readonly accessCache = new Map<string, ConversationAccess>();
  /**
   * Unread totals of users asked for recently: after every message the
   * recipient's badge needs theirs, after every read the reader's. Committed
   * sends and reads move them by their deltas; the rarer writes that change a
   * count (a delete, an agent joining) drop the user's entry, and the next ask
   * counts again.
   */
  private readonly unreadTotals = new Map<string, number>();
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    const prepare = (sql: string) => db.prepare(sql);
    this.statements = {
      upsertUser: prepare(`
        INSERT INTO users (id, name, avatar_url, is_admin, created_at) VALUES (@id, @name, @avatarUrl, @isAdmin, @now)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, avatar_url = excluded.avatar_url, is_admin = excluded.is_admin`),
      insertUserIfMissing: prepare(`
        INSERT INTO users (id, name, is_admin, created_at) VALUES (@id, @name, 0, @now) ON CONFLICT (id) DO NOTHING`),
      userById: prepare('SELECT id, name, avatar_url, is_admin, last_seen_at FROM users WHERE id = ?'),
      setLastSeen: prepare('UPDATE users SET last_seen_at = ? WHERE id = ?'),
      conversationById: prepare('SELECT * FROM conversations WHERE id = ?'),
      productConversation: prepare(`
        SELECT id FROM conversations WHERE kind = 'product' AND product_id = ? AND buyer_id = ? AND supplier_id = ?`),
      supportConversation: prepare(`
        SELECT id FROM conversations WHERE kind = 'support' AND client_id = ? AND subject_key = ?`),
      insertConversation: prepare(`
        INSERT INTO conversations (id, kind, product_id, product_json, buyer_id, supplier_id, subject, subject_key,
          client_id, last_seq, created_at, updated_at, change_seq)
        VALUES (@id, @kind, @productId, @productJson, @buyerId, @supplierId, @subject, @subjectKey,
          @clientId, 0, @now, @now, @change)`),
      touchConversation: prepare('UPDATE conversations SET change_seq = ? WHERE id = ?'),
      nextSeq: prepare(`
        UPDATE conversations SET last_seq = last_seq + 1, updated_at = @now, change_seq = @change
        WHERE id = @id RETURNING last_seq`),
      // Someone joining a conversation with history (an agent) starts with all of it unread.
      insertParticipant: prepare(`
        INSERT INTO participants (conversation_id, user_id, role, last_read_seq, joined_at, change_seq, unread_count)
        VALUES (@conversationId, @userId, @role, 0, @now, @change, (
          SELECT COUNT(*) FROM messages
          WHERE conversation_id = @conversationId AND sender_id <> @userId AND deleted_at IS NULL))
        ON CONFLICT DO NOTHING`),
      participantsOf: prepare(`
        SELECT p.*, u.name, u.avatar_url FROM participants p JOIN users u ON u.id = p.user_id
        WHERE p.conversation_id = ? ORDER BY p.joined_at, p.user_id`),
      kindOf: prepare('SELECT kind FROM conversations WHERE id = ?'),
      membersOf: prepare('SELECT user_id, role FROM participants WHERE conversation_id = ?'),
      participant: prepare('SELECT * FROM participants WHERE conversation_id = ? AND user_id = ?'),
      // A read never goes past the conversation's last message; the count is
      // what is left after the new pointer (usually nothing).
      moveReadPointer: prepare(`
        UPDATE participants SET last_read_seq = target.seq, last_read_at = @now, change_seq = @change,
          unread_count = (
            SELECT COUNT(*) FROM messages m
            WHERE m.conversation_id = @conversationId AND m.seq > target.seq
              AND m.sender_id <> @userId AND m.deleted_at IS NULL)
        FROM (SELECT min(@seq, last_seq) AS seq FROM conversations WHERE id = @conversationId) AS target
        WHERE conversation_id = @conversationId AND user_id = @userId AND last_read_seq < target.seq
        RETURNING conversation_id, user_id, last_read_seq, last_read_at, unread_count, change_seq`),
      // A new message is one more unread for everyone but its sender, who has
      // read everything up to it (their pointer moves onto it). One statement:
      // the conversation's participants share a page.
      countNewMessage: prepare(`
        UPDATE participants SET
          unread_count = CASE WHEN user_id = @senderId THEN 0 ELSE unread_count + 1 END,
          last_read_seq = CASE WHEN user_id = @senderId THEN @seq ELSE last_read_seq END,
          last_read_at = CASE WHEN user_id = @senderId THEN @now ELSE last_read_at END,
          change_seq = CASE WHEN user_id = @senderId THEN @change ELSE change_seq END
        WHERE conversation_id = @conversationId
        RETURNING user_id AS userId, unread_count AS unread`),
      uncountDeletedMessage: prepare(`
        UPDATE participants SET unread_count = unread_count - 1
        WHERE conversation_id = @conversationId AND user_id <> @senderId AND last_read_seq < @seq
        RETURNING user_id`),
      messageById: prepare('SELECT * FROM messages WHERE id = ?'),
      messageBySeq: prepare('SELECT * FROM messages WHERE conversation_id = ? AND seq = ?'),
      messageByClientId: prepare('SELECT * FROM messages WHERE sender_id = ? AND client_id = ?'),
      insertMessage: prepare(`
        INSERT INTO messages (id, conversation_id, seq, client_id, sender_id, from_admin, body, reply_to_id,
          created_at, change_seq, created_change)
        VALUES (@id, @conversationId, @seq, @clientId, @senderId, @fromAdmin, @body, @replyToId, @now, @change, @change)`),
      editMessage: prepare(`
        UPDATE messages SET body = @body, edited_at = @now, change_seq = @change WHERE id = @id RETURNING *`),
      deleteMessage: prepare(`
        UPDATE messages SET body = '', deleted_at = @now, change_seq = @change
        WHERE id = @id AND deleted_at IS NULL RETURNING *`),
      history: prepare(`
        SELECT * FROM messages WHERE conversation_id = @conversationId AND seq < @beforeSeq
        ORDER BY seq DESC LIMIT @limit`),
      unreadByConversation: prepare(`
        SELECT conversation_id AS id, unread_count AS unread FROM participants WHERE user_id = ? AND unread_count > 0`),
      unreadTotal: prepare(`
        SELECT COALESCE(SUM(unread_count), 0) FROM participants WHERE user_id = ? AND unread_count > 0`),
      listConversations: prepare(`
        SELECT * FROM conversations
        WHERE id IN (${VISIBLE_IDS})
          AND (@beforeUpdated IS NULL OR (updated_at, id) < (@beforeUpdated, @beforeId))
        ORDER BY updated_at DESC, id DESC LIMIT @limit`),
      changedConversations: prepare(`
        SELECT * FROM conversations WHERE id IN (${VISIBLE_IDS}) AND change_seq > @after
        ORDER BY change_seq LIMIT @limit`),
      // Sync's messages, in two parts (see migration 5). Every change to a
      // message also moves its conversation's change_seq: only those are looked in.
      changedConversationSeqs: prepare(`
        SELECT id, last_seq FROM conversations WHERE id IN (${VISIBLE_IDS}) AND change_seq > @after`),
      createdChangeAt: prepare('SELECT created_change FROM messages WHERE conversation_id = ? AND seq = ?'),
      untouchedFromSeq: prepare(`
        SELECT * FROM messages
        WHERE conversation_id = @conversationId AND seq >= @fromSeq AND edited_at IS NULL AND deleted_at IS NULL
        ORDER BY seq LIMIT @limit`),
      changedLater: prepare(`
        SELECT * FROM messages
        WHERE conversation_id = @conversationId AND change_seq > @after
          AND (edited_at IS NOT NULL OR deleted_at IS NOT NULL)
        ORDER BY change_seq LIMIT @limit`),
      changedReads: prepare(`
        SELECT conversation_id, user_id, role, last_read_seq, last_read_at, change_seq FROM participants
        WHERE conversation_id IN (${VISIBLE_IDS}) AND change_seq > @after AND last_read_at IS NOT NULL
        ORDER BY change_seq LIMIT @limit`),
      contactsOf: prepare(`
        SELECT DISTINCT other.user_id FROM participants mine
        JOIN participants other ON other.conversation_id = mine.conversation_id
        WHERE mine.user_id = ? AND other.user_id <> mine.user_id`),
      // Taken inside the write's transaction: undone with it, kept with its commit.
      takeChange: prepare('UPDATE change_feed SET head = head + 1 WHERE id = 1 RETURNING head'),
      changeHead: prepare('SELECT head FROM change_feed WHERE id = 1'),
      readTarget: prepare('SELECT min(@seq, last_seq) FROM conversations WHERE id = @conversationId'),
      ping: prepare('SELECT 1'),
      instanceId: prepare("SELECT value FROM meta WHERE key = 'instance_id'"),
    };
    this.instanceId = this.statements.instanceId.pluck().get() as string;
    this.insertOne = (input: InsertMessageInput): StoredMessage => {
      const at = now();
      const change = this.nextChange();
      const { conversationId } = input;
      const senderId = input.sender.id;
      const seq = this.statements.nextSeq.pluck().get({ id: conversationId, now: at, change }) as number;
      let joined = false;
      if (input.joinAsAgent) {
        joined =
          this.statements.insertParticipant.run({ conversationId, userId: senderId, role: 'agent', now: at, change })
            .changes === 1;
        if (joined) this.accessCache.delete(conversationId);
      }
      const before = this.statements.participant.get(conversationId, senderId) as ParticipantRow | undefined;
      const message: Message = {
        // Time-ordered: each id lands at the end of the id index instead of on a random page.
        id: uuidv7({ random: randomBytes16() }),
        clientId: input.clientId,
        conversationId,
        seq,
        senderId,
        fromAdmin: input.sender.isAdmin,
        body: input.body,
        attachments: [],
        createdAt: at,
      };
      if (input.replyToId !== undefined) message.replyToId = input.replyToId;
      // A clientId seen before fails here (unique index); `insertMessages` answers it with the stored message.
      this.statements.insertMessage.run({
        id: message.id,
        conversationId,
        seq,
        clientId: input.clientId,
        senderId,
        fromAdmin: input.sender.isAdmin ? 1 : 0,
        body: input.body,
        replyToId: input.replyToId ?? null,
        now: at,
        change,
      });
      const unreadAfter = this.statements.countNewMessage.all({
        conversationId,
        senderId,
        seq,
        now: at,
        change,
      }) as Array<{
        userId: string;
        unread: number;
      }>;
      return { message, created: true, previousUnread: before?.unread_count ?? 0, unreadAfter, joined };
    };
    this.insertOneAlone = this.db.transaction(this.insertOne);
  }

  /** The newest committed change number: a cursor at this point has seen everything. */
  get head(): number {
    return this.statements.changeHead.pluck().get() as number;
  }

  /**
   * The next change number, for a write inside a transaction. Taken from the
   * stored head, so a write rolled back gives it back and no number is ever
   * issued twice, restarts included. Writes are serialized (one connection,
   * IMMEDIATE transactions), so the order of numbers is the order of commits.
   */
  private nextChange(): number {
    return this.statements.takeChange.pluck().get() as number;
  }

  ping(): boolean {
    return this.statements.ping.pluck().get() === 1;
  }

  /** Records the user as their token describes them; writes only when something changed. */
  rememberUser(user: ChatUser): void {
    const fingerprint = `${user.name}\u0000${user.avatarUrl ?? ''}\u0000${user.isAdmin ? 1 : 0}`;
    if (this.knownUsers.get(user.id) === fingerprint) return;
    this.statements.upsertUser.run({
      id: user.id,
      name: user.name,
      avatarUrl: user.avatarUrl ?? null,
      isAdmin: user.isAdmin ? 1 : 0,
      now: now(),
    });
    this.knownUsers.set(user.id, fingerprint);
  }

  userExists(id: string): boolean {
    return this.statements.userById.get(id) !== undefined;
  }

  lastSeenAt(id: string): string | undefined {
    const row = this.statements.userById.get(id) as { last_seen_at: string | null } | undefined;
    return row?.last_seen_at ?? undefined;
  }

  setLastSeen(id: string, at: string): void {
    this.statements.setLastSeen.run(at, id);
  }

  /**
   * Who is in a conversation. Asked on every request, so it is served from
   * memory: participants only ever join (each join drops the entry), and the
   * least recently used entries go when the cache is full.
   */
  access(conversationId: string): ConversationAccess | undefined {
    const cached = this.accessCache.get(conversationId);
    if (cached) {
      this.accessCache.delete(conversationId);
      this.accessCache.set(conversationId, cached);
      return cached;
    }
    const kind = this.statements.kindOf.pluck().get(conversationId) as ConversationAccess['kind'] | undefined;
    if (!kind) return undefined;
    const participants = new Map<string, Role>();
    for (const p of this.statements.membersOf.all(conversationId) as ParticipantRow[]) {
      participants.set(p.user_id, p.role);
    }
    const access: ConversationAccess = {
      id: conversationId,
      kind,
      participants,
      participantIds: [...participants.keys()],
    };
    if (this.accessCache.size >= ACCESS_CACHE_SIZE) {
      this.accessCache.delete(this.accessCache.keys().next().value as string);
    }
    this.accessCache.set(conversationId, access);
    return access;
  }

  /** Get-or-create of the one conversation about `product` between this buyer and supplier. */
  openProductConversation(input: { buyer: ChatUser; supplierId: string; supplierName: string; product: ProductRef }): {
    id: string;
    created: boolean;
  } {
    return this.db
      .transaction(() => {
        const existing = this.statements.productConversation
          .pluck()
          .get(input.product.id, input.buyer.id, input.supplierId) as string | undefined;
        if (existing) return { id: existing, created: false };
        const at = now();
        const change = this.nextChange();
        const id = randomUUID();
        this.statements.insertUserIfMissing.run({ id: input.supplierId, name: input.supplierName, now: at });
        this.statements.insertConversation.run({
          id,
          kind: 'product',
          productId: input.product.id,
          productJson: JSON.stringify(input.product),
          buyerId: input.buyer.id,
          supplierId: input.supplierId,
          subject: null,
          subjectKey: null,
          clientId: null,
          now: at,
          change,
        });
        this.statements.insertParticipant.run({
          conversationId: id,
          userId: input.buyer.id,
          role: 'buyer',
          now: at,
          change,
        });
        this.statements.insertParticipant.run({
          conversationId: id,
          userId: input.supplierId,
          role: 'supplier',
          now: at,
          change,
        });
        return { id, created: true };
      })
      .immediate();
  }

  /** Get-or-create of the support conversation of `clientId` about `subject` (case and spacing ignored). */
  openSupportConversation(input: { clientId: string; clientName?: string; subject: string; agentId?: string }): {
    id: string;
    created: boolean;
    joined: boolean;
  } {
    const subject = input.subject.trim();
    const subjectKey = subject.toLowerCase().replace(/\s+/g, ' ');
    return this.db
      .transaction(() => {
        const at = now();
        if (input.clientName) {
          this.statements.insertUserIfMissing.run({ id: input.clientId, name: input.clientName, now: at });
        }
        let id = this.statements.supportConversation.pluck().get(input.clientId, subjectKey) as string | undefined;
        const created = id === undefined;
        const joining =
          input.agentId !== undefined && (created || this.statements.participant.get(id, input.agentId) === undefined);
        // Reopening a conversation one is already in writes nothing, so it takes no change number.
        if (!created && !joining) return { id: id as string, created, joined: false };
        const change = this.nextChange();
        if (id === undefined) {
          id = randomUUID();
          this.statements.insertConversation.run({
            id,
            kind: 'support',
            productId: null,
            productJson: null,
            buyerId: null,
            supplierId: null,
            subject,
            subjectKey,
            clientId: input.clientId,
            now: at,
            change,
          });
          this.statements.insertParticipant.run({
            conversationId: id,
            userId: input.clientId,
            role: 'client',
            now: at,
            change,
          });
        }
        let joined = false;
        if (joining && input.agentId) {
          joined =
            this.statements.insertParticipant.run({
              conversationId: id,
              userId: input.agentId,
              role: 'agent',
              now: at,
              change,
            }).changes === 1;
          if (joined && !created) this.statements.touchConversation.run(change, id);
          if (joined) {
            this.accessCache.delete(id);
            // Inside the transaction, but dropping an entry is right whether it commits or not.
            this.unreadTotals.delete(input.agentId);
          }
        }
        return { id, created, joined };
      })
      .immediate();
  }

  /** The conversation as `viewerId` sees it (their unread count). */
  conversation(id: string, viewerId: string): Conversation | undefined {
    const row = this.statements.conversationById.get(id) as ConversationRow | undefined;
    return row ? this.toConversation(row, viewerId) : undefined;
  }

  private toConversation(row: ConversationRow, viewerId: string): Conversation {
    const participantRows = this.statements.participantsOf.all(row.id) as ParticipantRow[];
    const viewer = participantRows.find((p) => p.user_id === viewerId);
    const conversation: Conversation = {
      id: row.id,
      kind: row.kind,
      participants: participantRows.map(toParticipant),
      lastSeq: row.last_seq,
      unreadCount: viewer?.unread_count ?? 0,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
    if (row.product_json) conversation.product = JSON.parse(row.product_json) as ProductRef;
    if (row.subject) conversation.subject = row.subject;
    if (row.last_seq > 0) {
      const last = this.statements.messageBySeq.get(row.id, row.last_seq) as MessageRow | undefined;
      if (last) conversation.lastMessage = toMessage(last);
    }
    return conversation;
  }

  listConversations(viewer: ChatUser, limit: number, before?: { updatedAt: string; id: string }): Conversation[] {
    const rows = this.statements.listConversations.all({
      user: viewer.id,
      admin: viewer.isAdmin ? 1 : 0,
      beforeUpdated: before?.updatedAt ?? null,
      beforeId: before?.id ?? null,
      limit,
    }) as ConversationRow[];
    return rows.map((row) => this.toConversation(row, viewer.id));
  }

  messageById(id: string): Message | undefined {
    const row = this.statements.messageById.get(id) as MessageRow | undefined;
    return row ? toMessage(row) : undefined;
  }

  messageByClientId(senderId: string, clientId: string): Message | undefined {
    const row = this.statements.messageByClientId.get(senderId, clientId) as MessageRow | undefined;
    return row ? toMessage(row) : undefined;
  }

  /**
   * Group commit: stores several messages in one transaction (one disk sync for
   * all of them). Returns, in order, each message's outcome; nothing of the
   * batch is visible (or acknowledged by the caller) before the commit.
   *
   * Every check ran before, so a message that fails here is rare (a resent
   * clientId, a full disk): the batch first runs as it is, and
   * only if something fails does it run again with a savepoint per message, so
   * that one failure does not undo the others.
   */
  insertMessages(inputs: InsertMessageInput[]): Array<StoredMessage | Error> {
    let outcomes: Array<StoredMessage | Error>;
    try {
      outcomes = this.db.transaction(() => inputs.map(this.insertOne)).immediate();
    } catch {
      outcomes = this.insertEachAlone(inputs);
      // Rare: recount every total rather than follow which attempt changed what.
      this.unreadTotals.clear();
      return outcomes;
    }
    for (const outcome of outcomes) if (!(outcome instanceof Error)) this.countInTotals(outcome);
    return outcomes;
  }

  /** A committed message in the cached unread totals: one more for each recipient, none left for its sender. */
  private countInTotals(stored: StoredMessage): void {
    const senderId = stored.message.senderId;
    for (const { userId } of stored.unreadAfter ?? []) {
      const total = this.unreadTotals.get(userId);
      if (total === undefined) continue;
      // An agent who joined by writing had the thread's history added and read at once: count again.
      if (userId === senderId && stored.joined) this.unreadTotals.delete(userId);
      else this.unreadTotals.set(userId, userId === senderId ? total - (stored.previousUnread ?? 0) : total + 1);
    }
  }

  /** The user's unread total across their conversations. */
  unreadTotal(userId: string): number {
    let total = this.unreadTotals.get(userId);
    if (total === undefined) {
      total = this.statements.unreadTotal.pluck().get(userId) as number;
      this.rememberTotal(userId, total);
    }
    return total;
  }

  private rememberTotal(userId: string, total: number): void {
    this.unreadTotals.delete(userId);
    if (this.unreadTotals.size >= UNREAD_TOTALS_SIZE) {
      this.unreadTotals.delete(this.unreadTotals.keys().next().value as string);
    }
    this.unreadTotals.set(userId, total);
  }

  private insertEachAlone(inputs: InsertMessageInput[]): Array<StoredMessage | Error> {
    return this.db
      .transaction(() =>
        inputs.map((input) => {
          try {
            return this.insertOneAlone(input);
          } catch (error) {
            // The savepoint is undone; a resent clientId gets the message stored the first time.
            const existing = isClientIdConflict(error) && this.messageByClientId(input.sender.id, input.clientId);
            if (existing) return { message: existing, created: false };
            return error instanceof Error ? error : new Error(String(error));
          }
        }),
      )
      .immediate();
  }

  editMessage(id: string, body: string): Message {
    return this.db
      .transaction(() => {
        const change = this.nextChange();
        const row = this.statements.editMessage.get({ id, body, now: now(), change }) as MessageRow;
        this.statements.touchConversation.run(change, row.conversation_id);
        return toMessage(row);
      })
      .immediate();
  }

  /** Blanks a message (once: deleting it again changes nothing) and uncounts it where it was unread. */
  deleteMessage(id: string): DeleteOutcome {
    const outcome = this.db
      .transaction((): DeleteOutcome => {
        const change = this.nextChange();
        const row = this.statements.deleteMessage.get({ id, now: now(), change }) as MessageRow | undefined;
        if (!row) return { message: this.messageById(id) as Message, unreadChangedFor: [] };
        this.statements.touchConversation.run(change, row.conversation_id);
        const unreadChangedFor = this.statements.uncountDeletedMessage
          .pluck()
          .all({ conversationId: row.conversation_id, senderId: row.sender_id, seq: row.seq }) as string[];
        return { message: toMessage(row), unreadChangedFor };
      })
      .immediate();
    for (const userId of outcome.unreadChangedFor) this.unreadTotals.delete(userId);
    return outcome;
  }

  history(
    conversationId: string,
    beforeSeq: number | undefined,
    limit: number,
  ): { messages: Message[]; hasMore: boolean } {
    const rows = this.statements.history.all({
      conversationId,
      beforeSeq: beforeSeq ?? Number.MAX_SAFE_INTEGER,
      limit: limit + 1,
    }) as MessageRow[];
    const hasMore = rows.length > limit;
    return { messages: rows.slice(0, limit).reverse().map(toMessage), hasMore };
  }

  /**
   * Moves a read pointer forward (never backwards, never past the last message)
   * and recounts what is left unread; `moved` is false when it already was there.
   */
  markRead(conversationId: string, userId: string, seq: number): ReadUpdate {
    const update = this.db
      .transaction((): ReadUpdate => {
        const before = this.statements.participant.get(conversationId, userId) as ParticipantRow;
        const target = this.statements.readTarget.pluck().get({ conversationId, seq }) as number;
        // A pointer already there moves nothing, so the read takes no change number.
        const after =
          target > before.last_read_seq
            ? (this.statements.moveReadPointer.get({
                conversationId,
                userId,
                seq,
                now: now(),
                change: this.nextChange(),
              }) as ParticipantRow | undefined)
            : undefined;
        if (after) this.statements.touchConversation.run(after.change_seq, conversationId);
        const row = after ?? before;
        return {
          moved: after !== undefined,
          receipt: toReceipt(row),
          unreadCount: row.unread_count,
          read: before.unread_count - row.unread_count,
        };
      })
      .immediate();
    const total = this.unreadTotals.get(userId);
    if (total !== undefined) this.unreadTotals.set(userId, total - update.read);
    return update;
  }

  /** Unread counts of every conversation of the user that has any, and their total. */
  unreadOf(userId: string): { total: number; conversations: Record<string, number> } {
    const rows = this.statements.unreadByConversation.all(userId) as Array<{ id: string; unread: number }>;
    const conversations: Record<string, number> = {};
    let total = 0;
    for (const row of rows) {
      if (row.unread === 0) continue;
      conversations[row.id] = row.unread;
      total += row.unread;
    }
    this.rememberTotal(userId, total);
    return { total, conversations };
  }

  /** Everything that changed after `after` in the conversations the viewer may see, up to `limit` rows per kind. */
  changesSince(viewer: ChatUser, after: number, limit: number): ChangesPage {
    const params = { user: viewer.id, admin: viewer.isAdmin ? 1 : 0, after, limit };
    return this.db
      .transaction(() => ({
        conversations: (this.statements.changedConversations.all(params) as ConversationRow[]).map((row) => ({
          changeSeq: row.change_seq,
          row,
        })),
        messages: this.changedMessages(params).map((row) => ({
          changeSeq: row.change_seq,
          message: toMessage(row),
        })),
        reads: (this.statements.changedReads.all(params) as ParticipantRow[]).map((row) => ({
          changeSeq: row.change_seq,
          receipt: toReceipt(row),
        })),
      }))
      .deferred();
  }

  /**
   * The `limit` message changes after `after` with the lowest change numbers,
   * in the viewer's conversations: per changed conversation, the untouched
   * messages created after the cursor (in seq order, which is their change
   * order) and those edited or deleted after it; then the lowest of all.
   */
  private changedMessages(params: { user: string; admin: number; after: number; limit: number }): MessageRow[] {
    const { after, limit } = params;
    const found: MessageRow[] = [];
    const conversations = this.statements.changedConversationSeqs.all(params) as Array<{
      id: string;
      last_seq: number;
    }>;
    for (const { id: conversationId, last_seq: lastSeq } of conversations) {
      const fromSeq = this.firstSeqCreatedAfter(conversationId, lastSeq, after);
      if (fromSeq <= lastSeq) {
        found.push(...(this.statements.untouchedFromSeq.all({ conversationId, fromSeq, limit }) as MessageRow[]));
      }
      found.push(...(this.statements.changedLater.all({ conversationId, after, limit }) as MessageRow[]));
    }
    return found.sort((a, b) => a.change_seq - b.change_seq).slice(0, limit);
  }

  /**
   * The first seq created after change `after` (lastSeq + 1 if none).
   * created_change grows with seq: steps back from the end, doubling, then a
   * bisection — a short catch-up costs a few lookups however long the thread.
   */
  private firstSeqCreatedAfter(conversationId: string, lastSeq: number, after: number): number {
    const createdAfter = (seq: number) =>
      (this.statements.createdChangeAt.pluck().get(conversationId, seq) as number) > after;
    let high = lastSeq + 1; // every seq from here on was created after the cursor
    let low = 1; // every seq below this one was not
    for (let step = 1, probe = lastSeq; probe >= 1; step *= 2, probe = high - step) {
      if (!createdAfter(probe)) {
        low = probe + 1;
        break;
      }
      high = probe;
    }
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (createdAfter(middle)) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /** Turns stored conversation rows into what the viewer sees. */
  viewConversations(rows: ConversationRow[], viewerId: string): Conversation[] {
    return rows.map((row) => this.toConversation(row, viewerId));
  }

  /** Users who share at least one conversation with this one (who may see their presence). */
  contactsOf(userId: string): string[] {
    return this.statements.contactsOf.pluck().all(userId) as string[];
  }
}

/**
 * 16 random bytes for a message id, cut from a pool refilled 256 ids at a time:
 * one call into the system's random source per id cost more than the rest of
 * the id's making.
 */
const randomPool = new Uint8Array(16 * 256);
let randomOffset = randomPool.length;
function randomBytes16(): Uint8Array {
  if (randomOffset === randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  randomOffset += 16;
  return randomPool.subarray(randomOffset - 16, randomOffset);
}

function isClientIdConflict(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    error.message.includes('messages.sender_id')
  );
}

export type { ConversationRow };
