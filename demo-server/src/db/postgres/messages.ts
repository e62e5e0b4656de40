import type { HistoryResult, Message } from '@palaver/protocol';
import type pg from 'pg';
import type { AttachmentLinks } from '../attachments.js';
import { messageEvents, messageUpdated } from '../events.js';
import { attachmentsJson, type MessageRow, newMessage, now, toMessage } from '../rows.js';
import type { DeleteOutcome, InsertMessageInput, StoredMessage } from '../store.js';
import { bindAttachments, discardAttachmentsOf } from './attachments.js';
import { insertBatch } from './batch-insert.js';
import { takeChange } from './change-feed.js';
import type { PostgresConversations } from './conversations.js';
import type { PostgresEventRecorder } from './events.js';
import { NothingWritten, type Tx, transaction, uniqueViolation } from './pool.js';
import type { PostgresReads } from './reads.js';

/** Messages: group-committed sends, edits, deletes and history pages. */
export class PostgresMessages {
  constructor(
    private readonly pool: pg.Pool,
    private readonly conversations: PostgresConversations,
    private readonly reads: PostgresReads,
    private readonly events: PostgresEventRecorder,
    private readonly links: AttachmentLinks,
  ) {}

  async byId(id: string): Promise<Message | undefined> {
    const { rows } = await this.pool.query<MessageRow>('SELECT * FROM messages WHERE id = $1', [id]);
    return rows[0] ? toMessage(rows[0], this.links) : undefined;
  }

  async byClientId(senderId: string, clientId: string): Promise<Message | undefined> {
    const { rows } = await this.pool.query<MessageRow>(
      'SELECT * FROM messages WHERE sender_id = $1 AND client_id = $2',
      [senderId, clientId],
    );
    return rows[0] ? toMessage(rows[0], this.links) : undefined;
  }

  /**
   * The batch runs in one transaction (one commit, one disk sync for all, a
   * fixed number of statements: `insertBatch`); if anything fails it runs
   * again with a savepoint per message, so that one failure (a resent clientId,
   * typically) does not undo the others.
   */
  async insert(inputs: InsertMessageInput[]): Promise<Array<StoredMessage | Error>> {
    // An admin joining by writing changes who is in the conversation, and attachments are bound one by one:
    // such batches go one message at a time.
    const batched = inputs.some((input) => input.joinAsAgent || input.attachments)
      ? undefined
      : await transaction(this.pool, async (tx) => {
          const stored = await insertBatch(tx, inputs, now(), this.links);
          await this.events.record(tx, stored.flatMap(eventsOf));
          return stored;
        }).catch(() => undefined);
    const outcomes =
      batched ??
      (await transaction(this.pool, async (tx) => {
        const each: Array<StoredMessage | Error> = [];
        for (const input of inputs) each.push(await this.insertAlone(tx, input));
        return each;
      }));
    for (const outcome of outcomes) {
      if (!(outcome instanceof Error) && outcome.joined)
        await this.conversations.joined(outcome.message.conversationId);
    }
    return this.withTotals(outcomes);
  }

  private async insertAlone(tx: Tx, input: InsertMessageInput): Promise<StoredMessage | Error> {
    await tx.query('SAVEPOINT one_message');
    try {
      const stored = await this.insertOne(tx, input);
      await tx.query('RELEASE SAVEPOINT one_message');
      return stored;
    } catch (error) {
      await tx.query('ROLLBACK TO SAVEPOINT one_message');
      // A resent clientId gets the message stored the first time.
      if (uniqueViolation(error) === 'messages_sender_client') {
        const { rows } = await tx.query<MessageRow>('SELECT * FROM messages WHERE sender_id = $1 AND client_id = $2', [
          input.sender.id,
          input.clientId,
        ]);
        if (rows[0]) return { message: toMessage(rows[0], this.links), created: false };
      }
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /** Each recipient's total after the batch committed, for the counts that ride on the message. */
  private async withTotals(outcomes: Array<StoredMessage | Error>): Promise<Array<StoredMessage | Error>> {
    const users = new Set<string>();
    for (const outcome of outcomes) {
      if (outcome instanceof Error) continue;
      for (const entry of outcome.unreadAfter ?? []) users.add(entry.userId);
    }
    if (users.size === 0) return outcomes;
    const totals = await this.reads.totals(this.pool, [...users]);
    for (const outcome of outcomes) {
      if (outcome instanceof Error) continue;
      for (const entry of outcome.unreadAfter ?? []) entry.total = totals.get(entry.userId) ?? 0;
    }
    return outcomes;
  }

  /**
   * Stores one message under the conversation's next `seq`, counts it as
   * unread for everyone else and moves the sender's read pointer onto it.
   */
  private async insertOne(tx: Tx, input: InsertMessageInput): Promise<StoredMessage> {
    const at = now();
    const change = await takeChange(tx);
    const { conversationId } = input;
    const senderId = input.sender.id;
    const seq = await this.conversations.nextSeq(tx, conversationId, at, change);
    const joined =
      input.joinAsAgent && (await this.conversations.join(tx, conversationId, senderId, 'agent', at, change));
    const before = await this.conversations.participant(tx, conversationId, senderId);
    const message = newMessage(input, seq, at, this.links);
    // A clientId seen before fails here (unique index); `insert` answers it with the stored message.
    await tx.query(
      `INSERT INTO messages (id, conversation_id, seq, client_id, sender_id, from_admin, body, reply_to_id,
         created_at, change_seq, masked_body, attachments_json)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        message.id,
        conversationId,
        seq,
        input.clientId,
        senderId,
        input.sender.isAdmin ? 1 : 0,
        input.body,
        input.replyToId ?? null,
        at,
        change,
        input.maskedBody ?? null,
        attachmentsJson(input),
      ],
    );
    if (input.attachments) await bindAttachments(tx, message.id, conversationId, senderId, input.attachments);
    const counts = await this.reads.countNewMessage(tx, { conversationId, senderId, seq, now: at, change });
    // Totals are filled in once the batch is committed.
    const unreadAfter = counts.map((entry) => ({ ...entry, total: 0 }));
    const stored = { message, created: true, previousUnread: before?.unread_count ?? 0, unreadAfter, joined };
    await this.events.record(tx, eventsOf(stored));
    return stored;
  }

  async edit(id: string, body: string, maskedBody?: string): Promise<Message> {
    return transaction(this.pool, async (tx) => {
      const change = await takeChange(tx);
      const { rows } = await tx.query<MessageRow>(
        `UPDATE messages SET body = $2, masked_body = $5, edited_at = $3, change_seq = $4
         WHERE id = $1 RETURNING *`,
        [id, body, now(), change, maskedBody ?? null],
      );
      const row = rows[0] as MessageRow;
      await this.conversations.touch(tx, row.conversation_id, change);
      const message = toMessage(row, this.links);
      await this.events.record(tx, [messageUpdated(message, row.edited_at as string)]);
      return message;
    });
  }

  async delete(id: string, byModeration = false): Promise<DeleteOutcome> {
    const deleted = await transaction(this.pool, async (tx): Promise<DeleteOutcome | undefined> => {
      const change = await takeChange(tx);
      const { rows } = await tx.query<MessageRow>(
        byModeration
          ? `UPDATE messages SET removed_body = body, body = '', masked_body = NULL, deleted_at = $2, removed_at = $2,
               change_seq = $3
             WHERE id = $1 AND deleted_at IS NULL RETURNING *`
          : `UPDATE messages SET body = '', masked_body = NULL, attachments_json = NULL, deleted_at = $2,
               change_seq = $3
             WHERE id = $1 AND deleted_at IS NULL RETURNING *`,
        [id, now(), change],
      );
      const row = rows[0];
      // Deleted meanwhile by another request: nothing to write.
      if (!row) throw new NothingWritten(undefined);
      await this.conversations.touch(tx, row.conversation_id, change);
      if (!byModeration) await discardAttachmentsOf(tx, id, row.deleted_at as string);
      await this.events.record(tx, [messageUpdated(toMessage(row, this.links), row.deleted_at as string)]);
      const unreadChangedFor = await this.reads.uncountDeleted(tx, {
        conversationId: row.conversation_id,
        senderId: row.sender_id,
        seq: row.seq,
      });
      return { message: toMessage(row, this.links), unreadChangedFor };
    });
    return deleted ?? { message: (await this.byId(id)) as Message, unreadChangedFor: [] };
  }

  async history(conversationId: string, beforeSeq: number | undefined, limit: number): Promise<HistoryResult> {
    const { rows } = await this.pool.query<MessageRow>(
      `SELECT * FROM messages WHERE conversation_id = $1 AND seq < $2::bigint ORDER BY seq DESC LIMIT $3`,
      [conversationId, beforeSeq ?? 2_147_483_647, limit + 1],
    );
    const hasMore = rows.length > limit;
    return {
      messages: rows
        .slice(0, limit)
        .reverse()
        .map((row) => toMessage(row, this.links)),
      hasMore,
    };
  }
}

/** The webhook events of a stored message (for everyone who was in its conversation). */
function eventsOf(stored: StoredMessage) {
  return messageEvents(
    stored.message,
    (stored.unreadAfter ?? []).map((entry) => entry.userId),
  );
}
