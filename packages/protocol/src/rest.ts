import * as z from 'zod/mini';
import { LIMITS } from './limits.js';
import { pageLimitSchema } from './primitives.js';

/**
 * REST query strings arrive as text: these schemas coerce the numbers and refuse
 * anything else. Bodies reuse the socket payload schemas (see `events.ts`).
 */
const intFromQuery = z.pipe(
  z.string().check(z.regex(/^\d{1,15}$/, 'must be a whole number')),
  z.transform((s) => Number(s)),
);

export const listConversationsQuerySchema = z.object({
  limit: z.optional(z.pipe(intFromQuery, pageLimitSchema)),
  /** Opaque paging token from the previous page's `next`. */
  before: z.optional(z.string().check(z.maxLength(LIMITS.cursorMaxLength))),
});

export const historyQuerySchema = z.object({
  beforeSeq: z.optional(z.pipe(intFromQuery, z.int().check(z.positive()))),
  limit: z.optional(z.pipe(intFromQuery, pageLimitSchema)),
});

export const syncQuerySchema = z.object({
  cursor: z.optional(z.string().check(z.maxLength(LIMITS.cursorMaxLength))),
  limit: z.optional(z.pipe(intFromQuery, z.int().check(z.minimum(1), z.maximum(LIMITS.syncPageMax)))),
});
