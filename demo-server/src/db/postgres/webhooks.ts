import type pg from 'pg';
import { newMessageId } from '../ids.js';
import {
  toDelivery,
  type WebhookDelivery,
  type WebhookDeliveryRow,
  type WebhookDeliveryState,
  type WebhookStore,
} from '../webhooks.js';
import { transaction } from './pool.js';

const STATE_FILTER: Record<WebhookDeliveryState, string> = {
  pending: 'delivered_at IS NULL AND failed_at IS NULL',
  delivered: 'delivered_at IS NOT NULL',
  failed: 'failed_at IS NOT NULL',
};

/**
 * Webhook events and deliveries in PostgreSQL, shared by every node: rows are
 * taken with `FOR UPDATE SKIP LOCKED`, so nodes split the work and never take
 * the same event or delivery at once; a delivery's lease keeps it from being
 * taken again while one node is sending it.
 */
export class PostgresWebhooks implements WebhookStore {
  constructor(private readonly pool: pg.Pool) {}

  async dispatchEvents(endpoints: readonly string[], limit: number): Promise<number> {
    return transaction(this.pool, async (tx) => {
      const { rows } = await tx.query<{ id: string; type: string; payload: string; created_at: string }>(
        `SELECT id, type, payload, created_at FROM outbox_events WHERE dispatched = 0
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return 0;
      const deliveries = rows.flatMap((event) => endpoints.map((endpoint) => ({ event, endpoint })));
      await tx.query(
        `INSERT INTO webhook_deliveries (id, event_id, endpoint, type, payload, created_at, next_attempt_at)
         SELECT v.id, v.event_id, v.endpoint, v.type, v.payload, v.created_at, 0
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
           AS v(id, event_id, endpoint, type, payload, created_at)`,
        [
          deliveries.map(() => newMessageId()),
          deliveries.map((d) => d.event.id),
          deliveries.map((d) => d.endpoint),
          deliveries.map((d) => d.event.type),
          deliveries.map((d) => d.event.payload),
          deliveries.map((d) => d.event.created_at),
        ],
      );
      await tx.query('UPDATE outbox_events SET dispatched = 1 WHERE id = ANY($1)', [rows.map((row) => row.id)]);
      return rows.length;
    });
  }

  async claimDue(now: number, leaseUntil: number, limit: number): Promise<WebhookDelivery[]> {
    const { rows } = await this.pool.query<WebhookDeliveryRow>(
      `UPDATE webhook_deliveries SET locked_until = $2
       WHERE id IN (
         SELECT id FROM webhook_deliveries
         WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1
           AND (locked_until IS NULL OR locked_until < $1)
         ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now, leaseUntil, limit],
    );
    return rows.map(toDelivery);
  }

  async markDelivered(id: string, status: number, at: string): Promise<void> {
    await this.pool.query(
      `UPDATE webhook_deliveries SET delivered_at = $1, last_status = $2, attempts = attempts + 1, locked_until = NULL
       WHERE id = $3`,
      [at, status, id],
    );
  }

  async markFailed(
    id: string,
    outcome: { status?: number; error: string; nextAttemptAt?: number; at: string },
  ): Promise<void> {
    await this.pool.query(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = $2, last_error = $3,
         next_attempt_at = COALESCE($4, next_attempt_at), failed_at = $5, locked_until = NULL
       WHERE id = $1`,
      [
        id,
        outcome.status ?? null,
        outcome.error.slice(0, 500),
        outcome.nextAttemptAt ?? null,
        outcome.nextAttemptAt === undefined ? outcome.at : null,
      ],
    );
  }

  async list(state: WebhookDeliveryState, limit: number): Promise<WebhookDelivery[]> {
    const { rows } = await this.pool.query<WebhookDeliveryRow>(
      `SELECT * FROM webhook_deliveries WHERE ${STATE_FILTER[state]} ORDER BY created_at DESC, id DESC LIMIT $1`,
      [limit],
    );
    return rows.map(toDelivery);
  }

  async counts(): Promise<Record<WebhookDeliveryState, number>> {
    const { rows } = await this.pool.query<Record<WebhookDeliveryState, string>>(
      `SELECT count(*) FILTER (WHERE ${STATE_FILTER.pending}) AS pending,
              count(*) FILTER (WHERE ${STATE_FILTER.delivered}) AS delivered,
              count(*) FILTER (WHERE ${STATE_FILTER.failed}) AS failed
       FROM webhook_deliveries`,
    );
    const row = rows[0] as Record<WebhookDeliveryState, string>;
    return { pending: Number(row.pending), delivered: Number(row.delivered), failed: Number(row.failed) };
  }

  async pendingCount(): Promise<number> {
    const { rows } = await this.pool.query<{ count: string }>(
      `SELECT count(*) AS count FROM webhook_deliveries WHERE ${STATE_FILTER.pending}`,
    );
    return Number(rows[0]?.count ?? 0);
  }

  async prune(before: string): Promise<number> {
    await this.pool.query('DELETE FROM outbox_events WHERE dispatched = 1 AND created_at COLLATE "C" < $1', [before]);
    const { rowCount } = await this.pool.query(
      'DELETE FROM webhook_deliveries WHERE COALESCE(delivered_at, failed_at) COLLATE "C" < $1',
      [before],
    );
    return rowCount ?? 0;
  }
}
