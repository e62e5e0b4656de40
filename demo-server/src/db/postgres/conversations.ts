import { randomUUID } from 'node:crypto';
import { type ChatUser, type Conversation, type Role, supportSubjectKey } from '@palaver/protocol';
import type pg from 'pg';
import type { AttachmentLinks } from '../attachments.js';
import { type ConversationRow, type MessageRow, now, type ParticipantRow, toConversation } from '../rows.js';
import type {
  ConversationAccess,
  ConversationKey,
  ListPosition,
  OpenProductInput,
  OpenSupportInput,
} from '../store.js';
import { takeChange, visibleIds } from './change-feed.js';
import { NothingWritten, type Queryable, type Tx, transaction } from './pool.js';
import type { PostgresUsers } from './users.js';

/** How many conversations' membership is kept in memory. */
const ACCESS_CACHE_SIZE = 20_000;

/**
 * Conversations: get-or-create, membership, and how a viewer sees them. No
 * membership is cached: on a cluster another node may add a participant at
 * any moment, and the query is one index lookup.
 */
export class PostgresConversations {
  /** Membership by conversation id (see `access`). */
  private readonly accessCache = new Map<string, ConversationAccess>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly users: PostgresUsers,
    /** Told after a commit that added someone to a conversation (other nodes drop their cached membership). */
    private readonly onJoin: (conversationId: string) => Promise<void>,
    private readonly links: AttachmentLinks,
  ) {}

  /**
   * Who is in a conversation, asked on every request: served from memory.
   * Participants only ever join; a join committed here drops the entry at
   * once and tells the other nodes (`onJoin`), and a caller that finds someone
   * missing asks again with `fresh` before refusing them.
   */
  async access(conversationId: string, fresh = false): Promise<ConversationAccess | undefined> {
    const cached = fresh ? undefined : this.accessCache.get(conversationId);
    if (cached) return cached;
    const access = await this.readAccess(conversationId);
    if (access) {
      if (this.accessCache.size >= ACCESS_CACHE_SIZE) {
        this.accessCache.delete(this.accessCache.keys().next().value as string);
      }
      this.accessCache.set(conversationId, access);
    }
    return access;
  }

  forget(conversationId: string): void {
    this.accessCache.delete(conversationId);
  }

  /** After a commit that added participants: this node's cache and, before the write is answered, the others'. */
  async joined(conversationId: string): Promise<void> {
    this.accessCache.delete(conversationId);
    await this.onJoin(conversationId);
  }

  /** The marketplace's latest card replaces the one the conversation showed (a change clients sync). */
  private async replaceCard(id: string, card: string): Promise<void> {
    await transaction(this.pool, async (tx) => {
      const change = await takeChange(tx);
      const { rowCount } = await tx.query(
        'UPDATE conversations SET product_json = $1, change_seq = $2 WHERE id = $3 AND product_json IS DISTINCT FROM $1',
        [card, change, id],
      );
      // Another open replaced it first: give the change number back.
      if (rowCount === 0) throw new NothingWritten(undefined);
    });
  }

  private async readAccess(conversationId: string): Promise<ConversationAccess | undefined> {
    const { rows } = await this.pool.query<{
      kind: ConversationAccess['kind'];
      last_seq: number;
      user_id: string | null;
      role: Role;
    }>(
      `SELECT c.kind, c.last_seq, p.user_id, p.role FROM conversations c
       LEFT JOIN participants p ON p.conversation_id = c.id WHERE c.id = $1`,
      [conversationId],
    );
    const first = rows[0];
    if (!first) return undefined;
    const participants = new Map<string, Role>();
    for (const row of rows) if (row.user_id !== null) participants.set(row.user_id, row.role);
    return {
      id: conversationId,
      kind: first.kind,
      started: first.last_seq > 0,
      participants,
      participantIds: [...participants.keys()],
    };
  }

  private async productKey(q: Queryable, input: OpenProductInput): Promise<string | undefined> {
    return (await this.existingProduct(q, input))?.id;
  }

  private async existingProduct(q: Queryable, input: OpenProductInput) {
    const { rows } = await q.query<{ id: string; product_json: string }>(
      `SELECT id, product_json FROM conversations
       WHERE kind = 'product' AND product_id = $1 AND buyer_id = $2 AND supplier_id = $3`,
      [input.product.id, input.buyer.id, input.supplierId],
    );
    return rows[0];
  }

  async find(key: ConversationKey): Promise<string | undefined> {
    const { rows } =
      key.kind === 'product'
        ? await this.pool.query<{ id: string }>(
            `SELECT id FROM conversations WHERE kind = 'product' AND product_id = $1 AND buyer_id = $2 AND supplier_id = $3`,
            [key.productId, key.buyerId, key.supplierId],
          )
        : await this.pool.query<{ id: string }>(
            `SELECT id FROM conversations WHERE kind = 'support' AND client_id = $1 AND subject_key = $2`,
            [key.clientId, supportSubjectKey(key.subject.trim())],
          );
    return rows[0]?.id;
  }

  async openProduct(input: OpenProductInput): Promise<{ id: string; created: boolean }> {
    const existing = await this.existingProduct(this.pool, input);
    if (existing) {
      const card = JSON.stringify(input.product);
      if (existing.product_json !== card) await this.replaceCard(existing.id, card);
      return { id: existing.id, created: false };
    }
    const opened = await transaction(this.pool, async (tx) => {
      const change = await takeChange(tx);
      // Another node may have created it while this one waited for the change lock.
      const created = await this.productKey(tx, input);
      if (created) throw new NothingWritten({ id: created, created: false });
      const at = now();
      const id = randomUUID();
      await this.users.insertIfMissing(tx, input.supplierId, input.supplierName, at);
      await this.insert(tx, {
        id,
        kind: 'product',
        productId: input.product.id,
        productJson: JSON.stringify(input.product),
        buyerId: input.buyer.id,
        supplierId: input.supplierId,
        at,
        change,
      });
      await this.join(tx, id, input.buyer.id, 'buyer', at, change);
      await this.join(tx, id, input.supplierId, 'supplier', at, change);
      return { id, created: true };
    });
    if (opened.created) await this.joined(opened.id);
    return opened;
  }

  async openSupport(input: OpenSupportInput): Promise<{ id: string; created: boolean; joined: boolean }> {
    const subject = input.subject.trim();
    const subjectKey = supportSubjectKey(subject);
    const find = async (q: Queryable) => {
      const { rows } = await q.query<{ id: string; agent: string | null }>(
        `SELECT c.id, p.user_id AS agent FROM conversations c
         LEFT JOIN participants p ON p.conversation_id = c.id AND p.user_id = $3
         WHERE c.kind = 'support' AND c.client_id = $1 AND c.subject_key = $2`,
        [input.clientId, subjectKey, input.agentId ?? null],
      );
      const row = rows[0];
      // Nothing to write when it exists and whoever opens it is already in it.
      return { id: row?.id, settled: row !== undefined && (input.agentId === undefined || row.agent !== null) };
    };
    const before = await find(this.pool);
    if (before.settled) return { id: before.id as string, created: false, joined: false };
    const opened = await transaction(this.pool, async (tx) => {
      const change = await takeChange(tx);
      const found = await find(tx);
      if (found.settled) throw new NothingWritten({ id: found.id as string, created: false, joined: false });
      const at = now();
      if (input.clientName) await this.users.insertIfMissing(tx, input.clientId, input.clientName, at);
      const id = found.id ?? randomUUID();
      if (found.id === undefined) {
        await this.insert(tx, { id, kind: 'support', subject, subjectKey, clientId: input.clientId, at, change });
        await this.join(tx, id, input.clientId, 'client', at, change);
      }
      const joined = input.agentId !== undefined && (await this.join(tx, id, input.agentId, 'agent', at, change));
      if (joined && found.id !== undefined) await this.touch(tx, id, change);
      return { id, created: found.id === undefined, joined };
    });
    if (opened.created || opened.joined) await this.joined(opened.id);
    return opened;
  }

  private async insert(
    tx: Tx,
    row: {
      id: string;
      kind: 'product' | 'support';
      productId?: string;
      productJson?: string;
      buyerId?: string;
      supplierId?: string;
      subject?: string;
      subjectKey?: string;
      clientId?: string;
      at: string;
      change: number;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO conversations (id, kind, product_id, product_json, buyer_id, supplier_id, subject, subject_key,
         client_id, last_seq, created_at, updated_at, change_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $10, $11)`,
      [
        row.id,
        row.kind,
        row.productId ?? null,
        row.productJson ?? null,
        row.buyerId ?? null,
        row.supplierId ?? null,
        row.subject ?? null,
        row.subjectKey ?? null,
        row.clientId ?? null,
        row.at,
        row.change,
      ],
    );
  }

  /** Adds a participant (inside the caller's transaction); false when they already were one. */
  async join(tx: Tx, conversationId: string, userId: string, role: Role, at: string, change: number): Promise<boolean> {
    // Someone joining a conversation with history (an agent) starts with all of it unread.
    const { rowCount } = await tx.query(
      `INSERT INTO participants (conversation_id, user_id, role, last_read_seq, joined_at, change_seq, unread_count)
       VALUES ($1, $2, $3, 0, $4, $5, (
         SELECT COUNT(*) FROM messages WHERE conversation_id = $1 AND sender_id <> $2 AND deleted_at IS NULL))
       ON CONFLICT DO NOTHING`,
      [conversationId, userId, role, at, change],
    );
    return rowCount === 1;
  }

  /** The next message number of the conversation, moving its activity time and change (inside a transaction). */
  async nextSeq(tx: Tx, conversationId: string, at: string, change: number): Promise<number> {
    const { rows } = await tx.query<{ last_seq: number }>(
      'UPDATE conversations SET last_seq = last_seq + 1, updated_at = $2, change_seq = $3 WHERE id = $1 RETURNING last_seq',
      [conversationId, at, change],
    );
    return (rows[0] as { last_seq: number }).last_seq;
  }

  /** Marks the conversation changed (its listing must be sent again by sync). */
  async touch(tx: Tx, conversationId: string, change: number): Promise<void> {
    await tx.query('UPDATE conversations SET change_seq = $2 WHERE id = $1', [conversationId, change]);
  }

  async participant(q: Queryable, conversationId: string, userId: string): Promise<ParticipantRow | undefined> {
    const { rows } = await q.query<ParticipantRow>(
      'SELECT * FROM participants WHERE conversation_id = $1 AND user_id = $2',
      [conversationId, userId],
    );
    return rows[0];
  }

  async get(id: string, viewerId: string): Promise<Conversation | undefined> {
    const { rows } = await this.pool.query<ConversationRow>('SELECT * FROM conversations WHERE id = $1', [id]);
    return (await this.view(this.pool, rows, viewerId))[0];
  }

  async list(viewer: ChatUser, limit: number, before?: ListPosition): Promise<Conversation[]> {
    const { rows } = await this.pool.query<ConversationRow>(
      `SELECT * FROM conversations
       WHERE id IN (${visibleIds('$1', '$2')})
         AND ($3::text IS NULL OR (updated_at, id) < ($3, $4))
       ORDER BY updated_at DESC, id DESC LIMIT $5`,
      [viewer.id, viewer.isAdmin, before?.updatedAt ?? null, before?.id ?? null, limit],
    );
    return this.view(this.pool, rows, viewer.id);
  }

  /** Stored conversations as `viewerId` sees them (their unread counts), in two queries for any number. */
  async view(q: Queryable, rows: ConversationRow[], viewerId: string): Promise<Conversation[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const [participants, lastMessages] = await Promise.all([
      q.query<ParticipantRow>(
        `SELECT p.*, u.name, u.avatar_url, u.suspended_at FROM participants p JOIN users u ON u.id = p.user_id
         WHERE p.conversation_id = ANY($1) ORDER BY p.joined_at, p.user_id`,
        [ids],
      ),
      q.query<MessageRow>(
        `SELECT m.* FROM conversations c JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq
         WHERE c.id = ANY($1)`,
        [ids],
      ),
    ]);
    const participantsOf = new Map<string, ParticipantRow[]>();
    for (const row of participants.rows) {
      const list = participantsOf.get(row.conversation_id) ?? [];
      list.push(row);
      participantsOf.set(row.conversation_id, list);
    }
    const lastOf = new Map(lastMessages.rows.map((row) => [row.conversation_id, row]));
    return rows.map((row) =>
      toConversation(row, participantsOf.get(row.id) ?? [], lastOf.get(row.id), viewerId, this.links),
    );
  }
}
