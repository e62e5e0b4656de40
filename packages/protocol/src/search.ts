import * as z from 'zod/mini';
import { conversationSchema, messageSchema } from './entities.js';
import { idSchema } from './primitives.js';
import { isNotBlank } from './rules.js';

/**
 * Extension: full-text search over the conversations the asking user may see
 * (their own; admins: every conversation, original texts). Accent- and
 * case-insensitive, English and French word forms ("factures" finds
 * "facture"), numbers, the last word also as the start of a word; product
 * titles, support subjects and participant names count too. Deleted messages
 * are never found; non-admins search the text as the other side reads it
 * (contact details hidden).
 */
export const SEARCH_LIMITS = {
  queryMaxLength: 200,
  resultsDefault: 20,
  resultsMax: 50,
} as const;

const searchTextSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(SEARCH_LIMITS.queryMaxLength), z.refine(isNotBlank, 'must not be blank'));
const searchLimitSchema = z.int().check(z.minimum(1), z.maximum(SEARCH_LIMITS.resultsMax));

export const searchSchema = z.object({
  q: searchTextSchema,
  /** Only in this conversation. */
  conversationId: z.optional(idSchema),
  /** At most this many messages found (default 20, at most 50). */
  limit: z.optional(searchLimitSchema),
});
export type SearchInput = z.infer<typeof searchSchema>;

/** `GET /api/search?q&conversationId&limit`: the same, from a query string. */
export const searchQuerySchema = z.object({
  q: searchTextSchema,
  conversationId: z.optional(idSchema),
  limit: z.optional(
    z.pipe(
      z.pipe(
        z.string().check(z.regex(/^\d{1,3}$/, 'must be a whole number')),
        z.transform((s) => Number(s)),
      ),
      searchLimitSchema,
    ),
  ),
});

/** The part of a text around the match; `highlights` are UTF-16 offsets into `text`, rendered as text, never HTML. */
export const searchSnippetSchema = z.object({
  text: z.string(),
  highlights: z.array(z.object({ start: z.int().check(z.nonnegative()), end: z.int().check(z.nonnegative()) })),
});
export type SearchSnippet = z.infer<typeof searchSnippetSchema>;

export const searchHitSchema = z.object({ message: messageSchema, snippet: searchSnippetSchema });
export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchResultSchema = z.object({
  /**
   * Grouped by conversation, best first (a conversation ranks by its best
   * message). `hits` is empty for a conversation found by its product title,
   * subject or a participant's name alone; those come after the others.
   */
  results: z.array(
    z.object({
      conversation: conversationSchema,
      hits: z.array(searchHitSchema),
      /** The query matched its product title, support subject or a participant's name. */
      titleMatch: z.boolean(),
    }),
  ),
});
export type SearchResult = z.infer<typeof searchResultSchema>;
