import type { Message } from '@palaver/protocol';
import { ftsExpression, type SearchQuery } from '../../search/query.js';
import { memberTag } from '../../search/terms.js';
import type { AttachmentLinks } from '../attachments.js';
import { type MessageRow, toMessage } from '../rows.js';
import type { SearchScope, SearchStore } from '../search.js';
import type { SqliteDatabase } from './database.js';

/**
 * Queries of the FTS5 index (`search-index.ts`). A participant's query reads
 * the `scoped` column under their tag (posting lists of their own
 * conversations only); the join with `participants` then makes the answer
 * exact whatever the hash did. Admins read the plain columns.
 */
export class SqliteSearch implements SearchStore {
  private readonly statements;

  constructor(
    db: SqliteDatabase,
    private readonly links: AttachmentLinks,
  ) {
    this.statements = {
      messages: db.prepare(`
        SELECT m.* FROM message_search s JOIN messages m ON m.rowid = s.rowid
        WHERE message_search MATCH @match
          AND (@conversationId IS NULL OR m.conversation_id = @conversationId)
          AND (@admin = 1 OR EXISTS (
            SELECT 1 FROM participants p WHERE p.conversation_id = m.conversation_id AND p.user_id = @userId))
        ORDER BY bm25(message_search), m.created_at DESC LIMIT @limit`),
      conversations: db
        .prepare(`
        SELECT c.id FROM conversation_search s JOIN conversations c ON c.rowid = s.rowid
        WHERE conversation_search MATCH @match AND c.last_seq > 0
          AND (@conversationId IS NULL OR c.id = @conversationId)
          AND (@admin = 1 OR EXISTS (
            SELECT 1 FROM participants p WHERE p.conversation_id = c.id AND p.user_id = @userId))
        ORDER BY bm25(conversation_search), c.updated_at DESC LIMIT @limit`)
        .pluck(),
    };
  }

  async messages(query: SearchQuery, scope: SearchScope, limit: number): Promise<Message[]> {
    const words = ftsExpression(query);
    const match = scope.isAdmin
      ? `({body} : (${words})) OR ({original} : (${words}))`
      : `{scoped} : (${ftsExpression(query, memberTag(scope.userId))})`;
    const rows = this.statements.messages.all(this.parameters(match, scope, limit)) as MessageRow[];
    return rows.map((row) => toMessage(row, this.links));
  }

  async conversations(query: SearchQuery, scope: SearchScope, limit: number): Promise<string[]> {
    const match = scope.isAdmin
      ? `{title} : (${ftsExpression(query)})`
      : `{scoped} : (${ftsExpression(query, memberTag(scope.userId))})`;
    return this.statements.conversations.all(this.parameters(match, scope, limit)) as string[];
  }

  private parameters(match: string, scope: SearchScope, limit: number) {
    return {
      match,
      conversationId: scope.conversationId ?? null,
      admin: scope.isAdmin ? 1 : 0,
      userId: scope.userId,
      limit,
    };
  }
}
