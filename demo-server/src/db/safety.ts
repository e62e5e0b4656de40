import type { CreateReportInput, Report, ResolveReportInput } from '@palaver/protocol';

/** Blocks between users and the reports of the moderation queue. */
export interface SafetyStore {
  /** Records that `blocker` blocked `blocked` (once). */
  block(blocker: string, blocked: string): Promise<void>;
  unblock(blocker: string, blocked: string): Promise<void>;
  /** Who among `candidates` blocked `blocked`. */
  blockersAmong(blocked: string, candidates: readonly string[]): Promise<string[]>;
  /** Whom `blocker` blocked. */
  blockedBy(blocker: string): Promise<string[]>;
  /** Everyone blocked by anyone (loaded once at start: see `BlockIndex`). */
  everyoneBlocked(): Promise<string[]>;
  createReport(reporterId: string, input: CreateReportInput): Promise<Report>;
  reports(status: Report['status'] | undefined, limit: number): Promise<Report[]>;
  /**
   * Closes an open report (`changed`); a closed one is answered as it is;
   * undefined when there is no such report.
   */
  resolveReport(id: string, input: ResolveReportInput): Promise<{ report: Report; changed: boolean } | undefined>;
}

export interface ReportRow {
  id: string;
  reporter_id: string;
  conversation_id: string;
  message_id: string | null;
  reason: Report['reason'];
  note: string | null;
  status: Report['status'];
  created_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution_note: string | null;
}

export function toReport(row: ReportRow): Report {
  const report: Report = {
    id: row.id,
    reporterId: row.reporter_id,
    conversationId: row.conversation_id,
    reason: row.reason,
    status: row.status,
    createdAt: row.created_at,
  };
  if (row.message_id) report.messageId = row.message_id;
  if (row.note) report.note = row.note;
  if (row.resolved_at) report.resolvedAt = row.resolved_at;
  if (row.resolved_by) report.resolvedBy = row.resolved_by;
  if (row.resolution_note) report.resolutionNote = row.resolution_note;
  return report;
}
