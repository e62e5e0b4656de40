import * as z from 'zod/mini';
import { idSchema, timestampSchema } from './primitives.js';
import { REPORT_NOTE_MAX_LENGTH, REPORT_REASONS } from './safety-rules.js';

export { CANNOT_WRITE_MESSAGE, REPORT_NOTE_MAX_LENGTH, REPORT_REASONS } from './safety-rules.js';

/**
 * Extension: block and report. Any user may block someone they have talked
 * with (not the marketplace's staff): the blocked user can no longer write to
 * them, open a conversation with them or show them typing, and the blocker
 * stops seeing their presence. Any participant may report a conversation or
 * one of its messages; reports go to the marketplace's moderation queue.
 */
export const blockUserSchema = z.object({ userId: idSchema });
export type BlockUserInput = z.infer<typeof blockUserSchema>;

export const blocksQuerySchema = z.object({});

export const blocksResultSchema = z.object({
  /** Whom the asking user blocked. */
  userIds: z.array(z.string()),
});
export type BlocksResult = z.infer<typeof blocksResultSchema>;

export const reportReasonSchema = z.enum(REPORT_REASONS);
export type ReportReason = z.infer<typeof reportReasonSchema>;

export const createReportSchema = z.object({
  conversationId: idSchema,
  /** A message of that conversation; absent: the conversation as a whole. */
  messageId: z.optional(idSchema),
  reason: reportReasonSchema,
  note: z.optional(z.string().check(z.maxLength(REPORT_NOTE_MAX_LENGTH))),
});
export type CreateReportInput = z.infer<typeof createReportSchema>;

export const reportStatusSchema = z.enum(['open', 'resolved', 'dismissed']);

export const reportSchema = z.object({
  id: z.string(),
  reporterId: z.string(),
  conversationId: z.string(),
  messageId: z.optional(z.string()),
  reason: reportReasonSchema,
  note: z.optional(z.string()),
  status: reportStatusSchema,
  createdAt: timestampSchema,
  resolvedAt: z.optional(timestampSchema),
  resolvedBy: z.optional(z.string()),
  resolutionNote: z.optional(z.string()),
});
export type Report = z.infer<typeof reportSchema>;

export const reportResultSchema = z.object({ report: reportSchema });
export const reportListResultSchema = z.object({ reports: z.array(reportSchema) });

/** `POST /api/server/reports/:id/resolve`: a moderator closes a report. */
export const resolveReportSchema = z.object({
  status: z.enum(['resolved', 'dismissed']),
  /** Who decided (a moderator's id in the marketplace) and why. */
  moderatorId: idSchema,
  note: z.optional(z.string().check(z.maxLength(REPORT_NOTE_MAX_LENGTH))),
});
export type ResolveReportInput = z.infer<typeof resolveReportSchema>;

export const reportsQuerySchema = z.object({
  status: z.optional(reportStatusSchema),
  limit: z.optional(z.string().check(z.regex(/^\d{1,3}$/, 'must be a whole number up to 999'))),
});

/** What a moderator does through the server API says who did it and why (the audit log keeps both). */
export const moderatorActionSchema = z.object({
  moderatorId: idSchema,
  reason: z.string().check(z.minLength(1), z.maxLength(REPORT_NOTE_MAX_LENGTH)),
});
export type ModeratorActionInput = z.infer<typeof moderatorActionSchema>;

export const MODERATION_ACTIONS = [
  'message.removed',
  'user.suspended',
  'user.reinstated',
  'report.resolved',
  'report.dismissed',
] as const;

export const moderationLogEntrySchema = z.object({
  id: z.string(),
  at: timestampSchema,
  moderatorId: z.string(),
  action: z.enum(MODERATION_ACTIONS),
  /** The message, user or report acted on. */
  targetId: z.string(),
  reason: z.optional(z.string()),
});
export type ModerationLogEntry = z.infer<typeof moderationLogEntrySchema>;
export const moderationLogResultSchema = z.object({ entries: z.array(moderationLogEntrySchema) });

/** `GET /api/server/moderation/search`: conversations by participant, product, or words in their messages. */
export const moderationSearchQuerySchema = z.object({
  userId: z.optional(idSchema),
  productId: z.optional(idSchema),
  q: z.optional(z.string().check(z.minLength(2), z.maxLength(200))),
  limit: z.optional(z.string().check(z.regex(/^\d{1,3}$/, 'must be a whole number up to 999'))),
});
