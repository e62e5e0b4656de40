import { randomUUID } from 'node:crypto';
import { type ChatUser, type Conversation, type Role, supportSubjectKey } from '@palaver/protocol';
import type { AttachmentLinks } from '../attachments.js';
import { type ConversationRow, type MessageRow, now, type ParticipantRow, toConversation } from '../rows.js';
import type {
  ConversationAccess,
  ConversationKey,
  ListPosition,
  OpenProductInput,
  OpenSupportInput,
} from '../store.js';
import type { SqliteChangeFeed } from './change-feed.js';
import type { SqliteDatabase } from './database.js';
import type { SqliteUsers } from './users.js';
import { VISIBLE_IDS } from './visibility.js';

/** How many conversations' membership `access` keeps in memory. */
const ACCESS_CACHE_SIZE = 20_000;

/** Conversations: get-or-create, membership, and how a viewer sees them. */
export class SqliteConversations {
  /** Membership by conversation id; an entry is dropped whenever someone joins that conversation. */
  private readonly accessCache = new Map<string, ConversationAccess>();
  private readonly statements;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly feed: SqliteChangeFeed,
    private readonly users: SqliteUsers,
    private readonly links: AttachmentLinks,
  ) {
    const prepare = (sql: string) => db.prepare(sql);
    this.statements = {
      byId: prepare('SELECT * FROM conversations WHERE id = ?'),
      productKey: prepare(`
        SELECT id, product_json FROM conversations
        WHERE kind = 'product' AND product_id = ? AND buyer_id = ? AND supplier_id = ?`),
      // Statements of their own: pluck() switches a statement for every user of it.
      findProduct: prepare(`
        SELECT id FROM conversations WHERE kind = 'product' AND product_id = ? AND buyer_id = ? AND supplier_id = ?`).pluck(),
      findSupport: prepare(`
        SELECT id FROM conversations WHERE kind = 'support' AND client_id = ? AND subject_key = ?`).pluck(),
      replaceCard: prepare('UPDATE conversations SET product_json = ?, change_seq = ? WHERE id = ?'),
      supportKey: prepare(`
        SELECT id FROM conversations WHERE kind = 'support' AND client_id = ? AND subject_key = ?`),
      insert: prepare(`
        INSERT INTO conversations (id, kind, product_id, product_json, buyer_id, supplier_id, subject, subject_key,
          client_id, last_seq, created_at, updated_at, change_seq)
        VALUES (@id, @kind, @productId, @productJson, @buyerId, @supplierId, @subject, @subjectKey,
          @clientId, 0, @now, @now, @change)`),
      touch: prepare('UPDATE conversations SET change_seq = ? WHERE id = ?'),
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
        SELECT p.*, u.name, u.avatar_url, u.suspended_at FROM participants p JOIN users u ON u.id = p.user_id
        WHERE p.conversation_id = ? ORDER BY p.joined_at, p.user_id`),
      participant: prepare('SELECT * FROM participants WHERE conversation_id = ? AND user_id = ?'),
      kindOf: prepare('SELECT kind, last_seq FROM conversations WHERE id = ?'),
      membersOf: prepare('SELECT user_id, role FROM participants WHERE conversation_id = ?'),
      messageBySeq: prepare('SELECT * FROM messages WHERE conversation_id = ? AND seq = ?'),
      list: prepare(`
        SELECT * FROM conversations
        WHERE id IN (${VISIBLE_IDS})
          AND (@beforeUpdated IS NULL OR (updated_at, id) < (@beforeUpdated, @beforeId))
        ORDER BY updated_at DESC, id DESC LIMIT @limit`),
    };
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
    const found = this.statements.kindOf.get(conversationId) as
      | { kind: ConversationAccess['kind']; last_seq: number }
      | undefined;
    if (!found) return undefined;
    const participants = new Map<string, Role>();
    for (const p of this.statements.membersOf.all(conversationId) as ParticipantRow[]) {
      participants.set(p.user_id, p.role);
    }
    const access: ConversationAccess = {
      id: conversationId,
      kind: found.kind,
      started: found.last_seq > 0,
      participants,
      participantIds: [...participants.keys()],
    };
    if (this.accessCache.size >= ACCESS_CACHE_SIZE) {
      this.accessCache.delete(this.accessCache.keys().next().value as string);
    }
    this.accessCache.set(conversationId, access);
    return access;
  }

  find(key: ConversationKey): string | undefined {
    const id =
      key.kind === 'product'
        ? this.statements.findProduct.get(key.productId, key.buyerId, key.supplierId)
        : this.statements.findSupport.get(key.clientId, supportSubjectKey(key.subject.trim()));
    return id as string | undefined;
  }

  openProduct(input: OpenProductInput): { id: string; created: boolean } {
    return this.db
      .transaction(() => {
        const existing = this.statements.productKey.get(input.product.id, input.buyer.id, input.supplierId) as
          | { id: string; product_json: string }
          | undefined;
        if (existing) {
          // The marketplace's latest card replaces the one the conversation showed (a change clients sync).
          const card = JSON.stringify(input.product);
          if (existing.product_json !== card) this.statements.replaceCard.run(card, this.feed.take(), existing.id);
          return { id: existing.id, created: false };
        }
        const at = now();
        const change = this.feed.take();
        const id = randomUUID();
        this.users.insertIfMissing(input.supplierId, input.supplierName, at);
        this.statements.insert.run({
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
        this.join(id, input.buyer.id, 'buyer', at, change);
        this.join(id, input.supplierId, 'supplier', at, change);
        return { id, created: true };
      })
      .immediate();
  }

  openSupport(input: OpenSupportInput): { id: string; created: boolean; joined: boolean } {
    const subject = input.subject.trim();
    const subjectKey = supportSubjectKey(subject);
    return this.db
      .transaction(() => {
        const at = now();
        if (input.clientName) this.users.insertIfMissing(input.clientId, input.clientName, at);
        const existing = this.statements.supportKey.pluck().get(input.clientId, subjectKey) as string | undefined;
        const joining =
          input.agentId !== undefined &&
          (existing === undefined || this.statements.participant.get(existing, input.agentId) === undefined);
        // Reopening a conversation one is already in writes nothing, so it takes no change number.
        if (existing !== undefined && !joining) return { id: existing, created: false, joined: false };
        const change = this.feed.take();
        const id = existing ?? randomUUID();
        if (existing === undefined) {
          this.statements.insert.run({
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
          this.join(id, input.clientId, 'client', at, change);
        }
        const joined = joining && input.agentId !== undefined && this.join(id, input.agentId, 'agent', at, change);
        if (joined && existing !== undefined) this.statements.touch.run(change, id);
        return { id, created: existing === undefined, joined };
      })
      .immediate();
  }

  /** Adds a participant (inside the caller's transaction); false when they already were one. */
  join(conversationId: string, userId: string, role: Role, at: string, change: number): boolean {
    const joined =
      this.statements.insertParticipant.run({ conversationId, userId, role, now: at, change }).changes === 1;
    // Dropped inside the transaction: right whether it commits or not.
    if (joined) this.accessCache.delete(conversationId);
    return joined;
  }

  /** The next message number of the conversation, moving its activity time and change (inside a transaction). */
  nextSeq(conversationId: string, at: string, change: number): number {
    const seq = this.statements.nextSeq.pluck().get({ id: conversationId, now: at, change }) as number;
    // The first message starts the conversation: cached membership says it has not.
    if (seq === 1) this.accessCache.delete(conversationId);
    return seq;
  }

  /** Marks the conversation changed (its listing must be sent again by sync). */
  touch(conversationId: string, change: number): void {
    this.statements.touch.run(change, conversationId);
  }

  participant(conversationId: string, userId: string): ParticipantRow | undefined {
    return this.statements.participant.get(conversationId, userId) as ParticipantRow | undefined;
  }

  get(id: string, viewerId: string): Conversation | undefined {
    const row = this.statements.byId.get(id) as ConversationRow | undefined;
    return row ? this.view(row, viewerId) : undefined;
  }

  list(viewer: ChatUser, limit: number, before?: ListPosition): Conversation[] {
    const rows = this.statements.list.all({
      user: viewer.id,
      admin: viewer.isAdmin ? 1 : 0,
      beforeUpdated: before?.updatedAt ?? null,
      beforeId: before?.id ?? null,
      limit,
    }) as ConversationRow[];
    return rows.map((row) => this.view(row, viewer.id));
  }

  /** A stored conversation as `viewerId` sees it (their unread count). */
  view(row: ConversationRow, viewerId: string): Conversation {
    const participants = this.statements.participantsOf.all(row.id) as ParticipantRow[];
    const last =
      row.last_seq > 0 ? (this.statements.messageBySeq.get(row.id, row.last_seq) as MessageRow | undefined) : undefined;
    return toConversation(row, participants, last, viewerId, this.links);
  }
}
