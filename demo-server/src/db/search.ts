import type { Message } from '@palaver/protocol';
import type { SearchQuery } from '../search/query.js';

/** Whose search it is: a participant sees their conversations, an admin every one (original texts). */
export interface SearchScope {
  userId: string;
  isAdmin: boolean;
  /** Only this conversation. */
  conversationId?: string;
}

/**
 * The full-text index (kept in step with every write by the store itself:
 * triggers in SQLite, the same transaction in PostgreSQL). Answers are
 * already limited to what the scope may see; the service adds nothing but
 * conversations and snippets.
 */
export interface SearchStore {
  /**
   * Messages matching, best first. A participant searches what the other side
   * reads (masked text) and never a removed message; an admin also the
   * original and removed texts. Messages come as stored (see `rows.ts`).
   */
  messages(query: SearchQuery, scope: SearchScope, limit: number): Promise<Message[]>;
  /** Conversations (with a first message) whose product title, subject or participant names match, best first. */
  conversations(query: SearchQuery, scope: SearchScope, limit: number): Promise<string[]>;
}
