import type { CreateReportInput, Report, ResolveReportInput } from '@palaver/protocol';
import { reportCreated } from '../events.js';
import { newMessageId } from '../ids.js';
import { now } from '../rows.js';
import { type ReportRow, type SafetyStore, toReport } from '../safety.js';
import type { SqliteDatabase } from './database.js';
import type { SqliteEventRecorder } from './events.js';

/** Blocks and reports in the SQLite file. */
export class SqliteSafety implements SafetyStore {
  private readonly statements;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly events: SqliteEventRecorder,
  ) {
    const prepare = (sql: string) => db.prepare(sql);
    this.statements = {
      block: prepare('INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      unblock: prepare('DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?'),
      blockers: prepare(
        'SELECT blocker_id FROM blocks WHERE blocked_id = ? AND blocker_id IN (SELECT value FROM json_each(?))',
      ),
      blockedBy: prepare('SELECT blocked_id FROM blocks WHERE blocker_id = ? ORDER BY created_at'),
      everyone: prepare('SELECT DISTINCT blocked_id FROM blocks'),
      insertReport: prepare(`
        INSERT INTO reports (id, reporter_id, conversation_id, message_id, reason, note, status, created_at)
        VALUES (@id, @reporterId, @conversationId, @messageId, @reason, @note, 'open', @createdAt) RETURNING *`),
      reports: prepare(`
        SELECT * FROM reports WHERE (@status IS NULL OR status = @status) ORDER BY created_at DESC, id DESC LIMIT @limit`),
      resolve: prepare(`
        UPDATE reports SET status = @status, resolved_at = @at, resolved_by = @moderatorId, resolution_note = @note
        WHERE id = @id AND status = 'open' RETURNING *`),
      report: prepare('SELECT * FROM reports WHERE id = ?'),
    };
  }

  async block(blocker: string, blocked: string): Promise<void> {
    this.statements.block.run(blocker, blocked, now());
  }

  async unblock(blocker: string, blocked: string): Promise<void> {
    this.statements.unblock.run(blocker, blocked);
  }

  async blockersAmong(blocked: string, candidates: readonly string[]): Promise<string[]> {
    return this.statements.blockers.pluck().all(blocked, JSON.stringify(candidates)) as string[];
  }

  async blockedBy(blocker: string): Promise<string[]> {
    return this.statements.blockedBy.pluck().all(blocker) as string[];
  }

  async everyoneBlocked(): Promise<string[]> {
    return this.statements.everyone.pluck().all() as string[];
  }

  async createReport(reporterId: string, input: CreateReportInput): Promise<Report> {
    // The report and its webhook event commit together.
    return this.db
      .transaction(() => {
        const row = this.statements.insertReport.get({
          id: newMessageId(),
          reporterId,
          conversationId: input.conversationId,
          messageId: input.messageId ?? null,
          reason: input.reason,
          note: input.note?.trim() || null,
          createdAt: now(),
        }) as ReportRow;
        const report = toReport(row);
        this.events.record(reportCreated(report));
        return report;
      })
      .immediate();
  }

  async reports(status: Report['status'] | undefined, limit: number): Promise<Report[]> {
    return (this.statements.reports.all({ status: status ?? null, limit }) as ReportRow[]).map(toReport);
  }

  async resolveReport(
    id: string,
    input: ResolveReportInput,
  ): Promise<{ report: Report; changed: boolean } | undefined> {
    const row = this.statements.resolve.get({
      id,
      status: input.status,
      at: now(),
      moderatorId: input.moderatorId,
      note: input.note?.trim() || null,
    }) as ReportRow | undefined;
    if (row) return { report: toReport(row), changed: true };
    const existing = this.statements.report.get(id) as ReportRow | undefined;
    return existing ? { report: toReport(existing), changed: false } : undefined;
  }
}
