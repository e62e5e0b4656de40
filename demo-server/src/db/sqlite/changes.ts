import type { ChatUser } from '@palaver/protocol';
import type { AttachmentLinks } from '../attachments.js';
import { type ConversationRow, type MessageRow, type ParticipantRow, toMessage, toReceipt } from '../rows.js';
import type { ChangesPage } from '../store.js';
import type { SqliteChangeFeed } from './change-feed.js';
import type { SqliteConversations } from './conversations.js';
import type { SqliteDatabase } from './database.js';
import { VISIBLE_IDS } from './visibility.js';

interface Params {
  user: string;
  admin: number;
  after: number;
  limit: number;
}

/** What sync returns: the rows whose change number is above a cursor, in the viewer's conversations. */
export class SqliteChanges {
  private readonly statements;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly feed: SqliteChangeFeed,
    private readonly conversations: SqliteConversations,
    private readonly links: AttachmentLinks,
  ) {
    const prepare = (sql: string) => db.prepare(sql);
    this.statements = {
      conversations: prepare(`
        SELECT * FROM conversations WHERE id IN (${VISIBLE_IDS}) AND change_seq > @after
        ORDER BY change_seq LIMIT @limit`),
      // Messages, in two parts (see migration 5). Every change to a message
      // also moves its conversation's change_seq: only those are looked in.
      conversationSeqs: prepare(`
        SELECT id, last_seq FROM conversations WHERE id IN (${VISIBLE_IDS}) AND change_seq > @after`),
      createdChangeAt: prepare('SELECT created_change FROM messages WHERE conversation_id = ? AND seq = ?'),
      untouchedFromSeq: prepare(`
        SELECT * FROM messages
        WHERE conversation_id = @conversationId AND seq >= @fromSeq
          AND edited_at IS NULL AND deleted_at IS NULL AND reacted_at IS NULL
        ORDER BY seq LIMIT @limit`),
      changedLater: prepare(`
        SELECT * FROM messages
        WHERE conversation_id = @conversationId AND change_seq > @after
          AND (edited_at IS NOT NULL OR deleted_at IS NOT NULL OR reacted_at IS NOT NULL)
        ORDER BY change_seq LIMIT @limit`),
      reads: prepare(`
        SELECT conversation_id, user_id, role, last_read_seq, last_read_at, change_seq FROM participants
        WHERE conversation_id IN (${VISIBLE_IDS}) AND change_seq > @after AND last_read_at IS NOT NULL
        ORDER BY change_seq LIMIT @limit`),
    };
  }

  since(viewer: ChatUser, after: number, limit: number): ChangesPage {
    const params: Params = { user: viewer.id, admin: viewer.isAdmin ? 1 : 0, after, limit };
    // One read transaction: every list and the head come from the same snapshot.
    return this.db
      .transaction(
        (): ChangesPage => ({
          head: this.feed.head(),
          conversations: (this.statements.conversations.all(params) as ConversationRow[]).map((row) => ({
            changeSeq: row.change_seq,
            item: this.conversations.view(row, viewer.id),
          })),
          messages: this.messages(params).map((row) => ({
            changeSeq: row.change_seq,
            item: toMessage(row, this.links),
          })),
          reads: (this.statements.reads.all(params) as ParticipantRow[]).map((row) => ({
            changeSeq: row.change_seq,
            item: toReceipt(row),
          })),
        }),
      )
      .deferred();
  }

  /**
   * The `limit` message changes after `after` with the lowest change numbers,
   * in the viewer's conversations: per changed conversation, the untouched
   * messages created after the cursor (in seq order, which is their change
   * order) and those edited or deleted after it; then the lowest of all.
   */
  private messages(params: Params): MessageRow[] {
    const { after, limit } = params;
    const found: MessageRow[] = [];
    const changed = this.statements.conversationSeqs.all(params) as Array<{ id: string; last_seq: number }>;
    for (const { id: conversationId, last_seq: lastSeq } of changed) {
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
}
