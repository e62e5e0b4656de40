import type pg from 'pg';
import {
  type EmailState,
  type EmailStore,
  type EmailToQueue,
  type QueuedEmail,
  type QueuedEmailRow,
  stateCounts,
  toQueuedEmail,
} from '../emails.js';
import type { Queryable } from './pool.js';

/**
 * The email outbox in PostgreSQL, shared by every node: due rows are taken
 * with `FOR UPDATE SKIP LOCKED` and leased, so nodes split the work and one
 * node's email is not taken by another while it is being sent.
 */
export class PostgresEmails implements EmailStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Inside the caller's transaction (`markNotified`). */
  async enqueue(tx: Queryable, email: EmailToQueue): Promise<void> {
    await tx.query('INSERT INTO email_outbox (id, user_id, payload, created_at) VALUES ($1, $2, $3, $4)', [
      email.id,
      email.userId,
      email.payload,
      email.createdAt,
    ]);
  }

  async claimDue(now: number, leaseUntil: number, limit: number): Promise<QueuedEmail[]> {
    const { rows } = await this.pool.query<QueuedEmailRow>(
      `UPDATE email_outbox SET locked_until = $2
       WHERE id IN (
         SELECT id FROM email_outbox
         WHERE state = 'pending' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until < $1)
         ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING id, user_id, payload, created_at, attempts`,
      [now, leaseUntil, limit],
    );
    return rows.map(toQueuedEmail);
  }

  async markSent(id: string, at: string, smtpResponse: string): Promise<void> {
    await this.pool.query(
      `UPDATE email_outbox SET state = 'sent', finished_at = $1, smtp_response = $2, attempts = attempts + 1,
         locked_until = NULL, payload = ''
       WHERE id = $3`,
      [at, smtpResponse.slice(0, 500), id],
    );
  }

  async markFailed(id: string, outcome: { error: string; nextAttemptAt?: number; at: string }): Promise<void> {
    const giveUp = outcome.nextAttemptAt === undefined;
    await this.pool.query(
      `UPDATE email_outbox SET attempts = attempts + 1, last_error = $2, locked_until = NULL,
         next_attempt_at = COALESCE($3, next_attempt_at), state = $4, finished_at = $5
       WHERE id = $1`,
      [
        id,
        outcome.error.slice(0, 500),
        outcome.nextAttemptAt ?? null,
        giveUp ? 'failed' : 'pending',
        giveUp ? outcome.at : null,
      ],
    );
  }

  async markSkipped(id: string, reason: string, at: string): Promise<void> {
    await this.pool.query(
      `UPDATE email_outbox SET state = 'skipped', last_error = $1, finished_at = $2, locked_until = NULL, payload = ''
       WHERE id = $3`,
      [reason, at, id],
    );
  }

  async counts(): Promise<Record<EmailState, number>> {
    const { rows } = await this.pool.query<{ state: string; count: string }>(
      'SELECT state, count(*) AS count FROM email_outbox GROUP BY state',
    );
    return stateCounts(rows);
  }

  async pendingCount(): Promise<number> {
    const { rows } = await this.pool.query<{ count: string }>(
      "SELECT count(*) AS count FROM email_outbox WHERE state = 'pending'",
    );
    return Number(rows[0]?.count ?? 0);
  }

  async prune(before: string): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM email_outbox WHERE state <> 'pending' AND finished_at COLLATE "C" < $1`,
      [before],
    );
    return rowCount ?? 0;
  }
}
