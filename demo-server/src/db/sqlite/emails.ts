import {
  type EmailState,
  type EmailStore,
  type EmailToQueue,
  type QueuedEmail,
  type QueuedEmailRow,
  stateCounts,
  toQueuedEmail,
} from '../emails.js';
import type { SqliteDatabase } from './database.js';

/** The email outbox in the SQLite file (one node: leases only guard against overlapping passes). */
export class SqliteEmails implements EmailStore {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    const prepare = (sql: string) => db.prepare(sql);
    this.statements = {
      enqueue: prepare(
        'INSERT INTO email_outbox (id, user_id, payload, created_at) VALUES (@id, @userId, @payload, @createdAt)',
      ),
      claim: prepare(`
        UPDATE email_outbox SET locked_until = @leaseUntil
        WHERE id IN (
          SELECT id FROM email_outbox
          WHERE state = 'pending' AND next_attempt_at <= @now AND (locked_until IS NULL OR locked_until < @now)
          ORDER BY next_attempt_at, id LIMIT @limit)
        RETURNING id, user_id, payload, created_at, attempts`),
      sent: prepare(`
        UPDATE email_outbox SET state = 'sent', finished_at = ?, smtp_response = ?, attempts = attempts + 1,
          locked_until = NULL, payload = ''
        WHERE id = ?`),
      failed: prepare(`
        UPDATE email_outbox SET attempts = attempts + 1, last_error = @error, locked_until = NULL,
          next_attempt_at = COALESCE(@nextAttemptAt, next_attempt_at),
          state = CASE WHEN @nextAttemptAt IS NULL THEN 'failed' ELSE state END,
          finished_at = CASE WHEN @nextAttemptAt IS NULL THEN @at ELSE NULL END
        WHERE id = @id`),
      skipped: prepare(`
        UPDATE email_outbox SET state = 'skipped', last_error = ?, finished_at = ?, locked_until = NULL, payload = ''
        WHERE id = ?`),
      counts: prepare('SELECT state, count(*) AS count FROM email_outbox GROUP BY state'),
      pendingCount: prepare("SELECT count(*) AS count FROM email_outbox WHERE state = 'pending'"),
      prune: prepare("DELETE FROM email_outbox WHERE state <> 'pending' AND finished_at < ?"),
    };
  }

  /** Inside the caller's transaction (`markNotified`). */
  enqueue(email: EmailToQueue): void {
    this.statements.enqueue.run(email);
  }

  async claimDue(now: number, leaseUntil: number, limit: number): Promise<QueuedEmail[]> {
    return (this.statements.claim.all({ now, leaseUntil, limit }) as QueuedEmailRow[]).map(toQueuedEmail);
  }

  async markSent(id: string, at: string, smtpResponse: string): Promise<void> {
    this.statements.sent.run(at, smtpResponse.slice(0, 500), id);
  }

  async markFailed(id: string, outcome: { error: string; nextAttemptAt?: number; at: string }): Promise<void> {
    this.statements.failed.run({
      id,
      error: outcome.error.slice(0, 500),
      nextAttemptAt: outcome.nextAttemptAt ?? null,
      at: outcome.at,
    });
  }

  async markSkipped(id: string, reason: string, at: string): Promise<void> {
    this.statements.skipped.run(reason, at, id);
  }

  async counts(): Promise<Record<EmailState, number>> {
    return stateCounts(this.statements.counts.all() as Array<{ state: string; count: number }>);
  }

  async pendingCount(): Promise<number> {
    return (this.statements.pendingCount.get() as { count: number }).count;
  }

  async prune(before: string): Promise<number> {
    return this.statements.prune.run(before).changes;
  }
}
