import type { HistoryResult, Message } from '@palaver/protocol';
import type { AttachmentLinks } from '../attachments.js';
import { messageEvents, messageUpdated } from '../events.js';
import { attachmentsJson, type MessageRow, newMessage, now, toMessage } from '../rows.js';
import type { DeleteOutcome, InsertMessageInput, StoredMessage } from '../store.js';
import type { SqliteAttachments } from './attachments.js';
import type { SqliteChangeFeed } from './change-feed.js';
import type { SqliteConversations } from './conversations.js';
import type { SqliteDatabase } from './database.js';
import type { SqliteEventRecorder } from './events.js';
import type { SqliteReads } from './reads.js';

/** Messages: group-committed sends, edits, deletes and history pages. */
export class SqliteMessages {
  /** `insertOne` in a savepoint of its own: undone alone when it fails. */
  private readonly insertOneAlone: (input: InsertMessageInput) => StoredMessage;
  private readonly statements;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly feed: SqliteChangeFeed,
    private readonly conversations: SqliteConversations,
    private readonly reads: SqliteReads,
    private readonly events: SqliteEventRecorder,
    private readonly attachments: SqliteAttachments,
    private readonly links: AttachmentLinks,
  ) {
    const prepare = (sql: string) => db.prepare(sql);
    this.statements = {
      byId: prepare('SELECT * FROM messages WHERE id = ?'),
      byClientId: prepare('SELECT * FROM messages WHERE sender_id = ? AND client_id = ?'),
      insert: prepare(`
        INSERT INTO messages (id, conversation_id, seq, client_id, sender_id, from_admin, body, masked_body,
          reply_to_id, created_at, change_seq, created_change, attachments_json)
        VALUES (@id, @conversationId, @seq, @clientId, @senderId, @fromAdmin, @body, @maskedBody, @replyToId, @now,
          @change, @change, @attachments)`),
      edit: prepare(`
        UPDATE messages SET body = @body, masked_body = @maskedBody, edited_at = @now, change_seq = @change
        WHERE id = @id RETURNING *`),
      remove: prepare(`
        UPDATE messages SET removed_body = body, body = '', masked_body = NULL, deleted_at = @now, removed_at = @now,
          change_seq = @change
        WHERE id = @id AND deleted_at IS NULL RETURNING *`),
      delete: prepare(`
        UPDATE messages SET body = '', masked_body = NULL, attachments_json = NULL, deleted_at = @now,
          change_seq = @change
        WHERE id = @id AND deleted_at IS NULL RETURNING *`),
      history: prepare(`
        SELECT * FROM messages WHERE conversation_id = @conversationId AND seq < @beforeSeq
        ORDER BY seq DESC LIMIT @limit`),
    };
    this.insertOneAlone = this.db.transaction((input: InsertMessageInput) => this.insertOne(input));
  }

  byId(id: string): Message | undefined {
    const row = this.statements.byId.get(id) as MessageRow | undefined;
    return row ? toMessage(row, this.links) : undefined;
  }

  byClientId(senderId: string, clientId: string): Message | undefined {
    const row = this.statements.byClientId.get(senderId, clientId) as MessageRow | undefined;
    return row ? toMessage(row, this.links) : undefined;
  }

  /**
   * Every check ran before, so a message that fails here is rare (a resent
   * clientId, a full disk): the batch first runs as it is, in one transaction
   * (one disk sync for all), and only if something fails does it run again
   * with a savepoint per message, so that one failure does not undo the others.
   */
  insert(inputs: InsertMessageInput[]): Array<StoredMessage | Error> {
    let outcomes: Array<StoredMessage | Error>;
    try {
      outcomes = this.db.transaction(() => inputs.map((input) => this.insertOne(input))).immediate();
    } catch {
      outcomes = this.insertEachAlone(inputs);
      // Rare: recount every total rather than follow which attempt changed what.
      this.reads.forget();
      return this.withTotals(outcomes);
    }
    for (const outcome of outcomes) if (!(outcome instanceof Error)) this.reads.countInTotals(outcome);
    return this.withTotals(outcomes);
  }

  /** Each recipient's total after the batch, for the counts that ride on the message. */
  private withTotals(outcomes: Array<StoredMessage | Error>): Array<StoredMessage | Error> {
    for (const outcome of outcomes) {
      if (outcome instanceof Error) continue;
      for (const entry of outcome.unreadAfter ?? []) entry.total = this.reads.unreadTotal(entry.userId);
    }
    return outcomes;
  }

  /**
   * Stores one message under the conversation's next `seq`, counts it as
   * unread for everyone else and moves the sender's read pointer onto it
   * (writing implies having read). Runs inside the caller's transaction.
   */
  private insertOne(input: InsertMessageInput): StoredMessage {
    const at = now();
    const change = this.feed.take();
    const { conversationId } = input;
    const senderId = input.sender.id;
    const seq = this.conversations.nextSeq(conversationId, at, change);
    const joined = input.joinAsAgent && this.conversations.join(conversationId, senderId, 'agent', at, change);
    const before = this.conversations.participant(conversationId, senderId);
    const message = newMessage(input, seq, at, this.links);
    // A clientId seen before fails here (unique index); `insert` answers it with the stored message.
    this.statements.insert.run({
      id: message.id,
      conversationId,
      seq,
      clientId: input.clientId,
      senderId,
      fromAdmin: input.sender.isAdmin ? 1 : 0,
      body: input.body,
      maskedBody: input.maskedBody ?? null,
      replyToId: input.replyToId ?? null,
      now: at,
      change,
      attachments: attachmentsJson(input),
    });
    if (input.attachments) this.attachments.bind(message.id, conversationId, senderId, input.attachments);
    // Totals are filled in once the batch is committed.
    const unreadAfter = this.reads
      .countNewMessage({ conversationId, senderId, seq, now: at, change })
      .map((entry) => ({ ...entry, total: 0 }));
    if (this.events.enabled)
      this.events.record(
        ...messageEvents(
          message,
          unreadAfter.map((entry) => entry.userId),
        ),
      );
    return { message, created: true, previousUnread: before?.unread_count ?? 0, unreadAfter, joined };
  }

  private insertEachAlone(inputs: InsertMessageInput[]): Array<StoredMessage | Error> {
    return this.db
      .transaction(() =>
        inputs.map((input) => {
          try {
            return this.insertOneAlone(input);
          } catch (error) {
            // The savepoint is undone; a resent clientId gets the message stored the first time.
            const existing = isClientIdConflict(error) && this.byClientId(input.sender.id, input.clientId);
            if (existing) return { message: existing, created: false };
            return error instanceof Error ? error : new Error(String(error));
          }
        }),
      )
      .immediate();
  }

  edit(id: string, body: string, maskedBody?: string): Message {
    return this.db
      .transaction(() => {
        const change = this.feed.take();
        const at = now();
        const row = this.statements.edit.get({
          id,
          body,
          maskedBody: maskedBody ?? null,
          now: at,
          change,
        }) as MessageRow;
        this.conversations.touch(row.conversation_id, change);
        const message = toMessage(row, this.links);
        this.events.record(messageUpdated(message, at));
        return message;
      })
      .immediate();
  }

  delete(id: string, byModeration = false): DeleteOutcome {
    const outcome = this.db
      .transaction((): DeleteOutcome => {
        const change = this.feed.take();
        const at = now();
        const statement = byModeration ? this.statements.remove : this.statements.delete;
        const row = statement.get({ id, now: at, change }) as MessageRow | undefined;
        if (!row) return { message: this.byId(id) as Message, unreadChangedFor: [] };
        this.events.record(messageUpdated(toMessage(row, this.links), at));
        this.conversations.touch(row.conversation_id, change);
        if (!byModeration) this.attachments.discardOfMessage(id, at);
        const unreadChangedFor = this.reads.uncountDeleted({
          conversationId: row.conversation_id,
          senderId: row.sender_id,
          seq: row.seq,
        });
        return { message: toMessage(row, this.links), unreadChangedFor };
      })
      .immediate();
    this.reads.forget(outcome.unreadChangedFor);
    return outcome;
  }

  history(conversationId: string, beforeSeq: number | undefined, limit: number): HistoryResult {
    const rows = this.statements.history.all({
      conversationId,
      beforeSeq: beforeSeq ?? Number.MAX_SAFE_INTEGER,
      limit: limit + 1,
    }) as MessageRow[];
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

function isClientIdConflict(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    error.message.includes('messages.sender_id')
  );
}
