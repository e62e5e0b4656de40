import type { CreateReportInput, Report, ResolveReportInput } from '@palaver/protocol';
import type pg from 'pg';
import { reportCreated } from '../events.js';
import { newMessageId } from '../ids.js';
import { now } from '../rows.js';
import { type ReportRow, type SafetyStore, toReport } from '../safety.js';
import type { PostgresEventRecorder } from './events.js';
import { type Queryable, transaction } from './pool.js';

/** Blocks and reports in PostgreSQL. */
export class PostgresSafety implements SafetyStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly events: PostgresEventRecorder,
  ) {}

  async block(blocker: string, blocked: string): Promise<void> {
    await this.pool.query(
      'INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [blocker, blocked, now()],
    );
  }

  async unblock(blocker: string, blocked: string): Promise<void> {
    await this.pool.query('DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', [blocker, blocked]);
  }

  async blockersAmong(blocked: string, candidates: readonly string[]): Promise<string[]> {
    const { rows } = await this.pool.query<{ blocker_id: string }>(
      'SELECT blocker_id FROM blocks WHERE blocked_id = $1 AND blocker_id = ANY($2)',
      [blocked, candidates],
    );
    return rows.map((row) => row.blocker_id);
  }

  async blockedBy(blocker: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ blocked_id: string }>(
      'SELECT blocked_id FROM blocks WHERE blocker_id = $1 ORDER BY created_at',
      [blocker],
    );
    return rows.map((row) => row.blocked_id);
  }

  async everyoneBlocked(): Promise<string[]> {
    const { rows } = await this.pool.query<{ blocked_id: string }>('SELECT DISTINCT blocked_id FROM blocks');
    return rows.map((row) => row.blocked_id);
  }

  async createReport(reporterId: string, input: CreateReportInput): Promise<Report> {
    // The report and its webhook event commit together.
    return transaction(this.pool, async (tx) => {
      const report = await this.insertReport(tx, reporterId, input);
      await this.events.record(tx, [reportCreated(report)]);
      return report;
    });
  }

  private async insertReport(tx: Queryable, reporterId: string, input: CreateReportInput): Promise<Report> {
    const { rows } = await tx.query<ReportRow>(
      `INSERT INTO reports (id, reporter_id, conversation_id, message_id, reason, note, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'open', $7) RETURNING *`,
      [
        newMessageId(),
        reporterId,
        input.conversationId,
        input.messageId ?? null,
        input.reason,
        input.note?.trim() || null,
        now(),
      ],
    );
    return toReport(rows[0] as ReportRow);
  }

  async reports(status: Report['status'] | undefined, limit: number): Promise<Report[]> {
    const { rows } = await this.pool.query<ReportRow>(
      `SELECT * FROM reports WHERE ($1::text IS NULL OR status = $1) ORDER BY created_at DESC, id DESC LIMIT $2`,
      [status ?? null, limit],
    );
    return rows.map(toReport);
  }

  async resolveReport(
    id: string,
    input: ResolveReportInput,
  ): Promise<{ report: Report; changed: boolean } | undefined> {
    const { rows } = await this.pool.query<ReportRow>(
      `UPDATE reports SET status = $2, resolved_at = $3, resolved_by = $4, resolution_note = $5
       WHERE id = $1 AND status = 'open' RETURNING *`,
      [id, input.status, now(), input.moderatorId, input.note?.trim() || null],
    );
    if (rows[0]) return { report: toReport(rows[0]), changed: true };
    const existing = await this.pool.query<ReportRow>('SELECT * FROM reports WHERE id = $1', [id]);
    return existing.rows[0] ? { report: toReport(existing.rows[0]), changed: false } : undefined;
  }
}
