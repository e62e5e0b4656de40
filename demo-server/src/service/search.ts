import { SEARCH_LIMITS, type SearchInput, type SearchResult } from '@palaver/protocol';
import type { SearchScope } from '../db/search.js';
import type { ChatStore } from '../db/store.js';
import { parseQuery } from '../search/query.js';
import { snippetOf } from '../search/snippets.js';
import type { AccessRules } from './access.js';
import type { Actor } from './actor.js';
import { ADMIN_VIEWER, conversationFor, messageFor } from './masking.js';

/**
 * Full-text search (`search` / `GET /api/search`): the index finds and ranks
 * within what the user may see, this groups the messages by conversation and
 * cuts the snippets. A participant's snippet is cut from the text they
 * searched — as the other side reads it, contact details hidden — even when
 * they wrote it; admins search and read originals.
 */
export class SearchService {
  constructor(
    private readonly store: ChatStore,
    private readonly rules: AccessRules,
  ) {}

  async search({ user }: Actor, input: SearchInput): Promise<SearchResult> {
    const query = parseQuery(input.q);
    if (!query) return { results: [] };
    if (input.conversationId !== undefined) await this.rules.readable(user, input.conversationId);
    const limit = input.limit ?? SEARCH_LIMITS.resultsDefault;
    const scope: SearchScope = {
      userId: user.id,
      isAdmin: user.isAdmin,
      ...(input.conversationId !== undefined ? { conversationId: input.conversationId } : {}),
    };
    const [messages, titled] = await Promise.all([
      this.store.search.messages(query, scope, limit),
      this.store.search.conversations(query, scope, limit),
    ]);
    const groups = new Map<string, SearchResult['results'][number]['hits']>();
    for (const stored of messages) {
      const searched = user.isAdmin ? messageFor(ADMIN_VIEWER, stored).body : stored.body;
      const hits = groups.get(stored.conversationId) ?? [];
      hits.push({ message: messageFor(user, stored), snippet: snippetOf(searched, query) });
      groups.set(stored.conversationId, hits);
    }
    const titleMatches = new Set(titled);
    for (const id of titled) if (!groups.has(id)) groups.set(id, []);
    // The conversations of the best groups, read together (on PostgreSQL, side by side on the pool)
    // rather than one after the other; the order of the groups is kept.
    const best = [...groups].slice(0, limit);
    const conversations = await Promise.all(best.map(([id]) => this.store.conversation(id, user.id)));
    const results: SearchResult['results'] = [];
    best.forEach(([id, hits], index) => {
      const conversation = conversations[index];
      if (conversation)
        results.push({ conversation: conversationFor(user, conversation), hits, titleMatch: titleMatches.has(id) });
    });
    return { results };
  }
}
