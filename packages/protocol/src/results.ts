import * as z from 'zod/mini';
import { conversationSchema, messageSchema } from './entities.js';
import { chatErrorBodySchema } from './errors.js';
import { seqSchema, timestampSchema } from './primitives.js';

/**
 * What the server answers: socket acks carry these next to `ok: true`, REST
 * answers are these bodies. Schemas (not only types) so the OpenAPI document
 * of the REST API is generated from them and cannot drift from the code.
 */

export const readReceiptSchema = z.object({
  conversationId: z.string(),
  userId: z.string(),
  seq: seqSchema,
  readAt: timestampSchema,
});
export type ReadReceipt = z.infer<typeof readReceiptSchema>;

export const unreadCountsSchema = z.object({
  total: z.int().check(z.nonnegative()),
  /** The conversations whose count changed (in `unread` events) or all non-zero ones (`GET /api/unread`). */
  conversations: z.record(z.string(), z.int().check(z.nonnegative())),
});
export type UnreadCounts = z.infer<typeof unreadCountsSchema>;

export const historyResultSchema = z.object({
  messages: z.array(messageSchema),
  hasMore: z.boolean(),
});
export type HistoryResult = z.infer<typeof historyResultSchema>;

export const readResultSchema = z.object({
  unreadCount: z.int().check(z.nonnegative()),
  unreadTotal: z.int().check(z.nonnegative()),
});
export type ReadResult = z.infer<typeof readResultSchema>;

export const syncResultSchema = z.object({
  /** Conversations created or changed after the cursor, as the asking user sees them. */
  conversations: z.array(conversationSchema),
  /** New, edited and deleted messages after the cursor, ascending by change. */
  messages: z.array(messageSchema),
  /** Read pointers that moved after the cursor. */
  reads: z.array(readReceiptSchema),
  /** Pass this to the next sync. */
  cursor: z.string(),
  /** More changes are waiting: sync again with `cursor` at once. */
  hasMore: z.boolean(),
  /**
   * Extension: true when this answer is a fresh start (no cursor, or a cursor from
   * another database, e.g. after a restore) rather than the changes after the
   * cursor. `conversations` then holds the recent conversations and the client
   * should drop what it cached and refill from here.
   */
  reset: z.optional(z.boolean()),
});
export type SyncResult = z.infer<typeof syncResultSchema>;

export const conversationResultSchema = z.object({ conversation: conversationSchema });
export type ConversationResult = z.infer<typeof conversationResultSchema>;

export const messageResultSchema = z.object({ message: messageSchema });
export type MessageResult = z.infer<typeof messageResultSchema>;

export const conversationListResultSchema = z.object({
  conversations: z.array(conversationSchema),
  /** Pass as `before` for the next (older) page; absent on the last page. */
  next: z.optional(z.string()),
});
export type ConversationListResult = z.infer<typeof conversationListResultSchema>;

/** The body of every REST error answer. */
export const errorResultSchema = z.object({ error: chatErrorBodySchema });
