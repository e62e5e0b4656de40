import { newMessageId } from '../ids.js';
import {
  toDelivery,
  type WebhookDelivery,
  type WebhookDeliveryRow,
  type WebhookDeliveryState,
  type WebhookStore,
} from '../webhooks.js';
import type { SqliteDatabase } from './database.js';

/** Webhook events and deliveries in the SQLite file (one node: leases only guard against overlapping passes). */
export class SqliteWebhooks implements WebhookStore {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    const prepare = (sql: string) => db.prepare(sql);
    this.statements = {
      undispatched: prepare(
        'SELECT id, type, payload, created_at FROM outbox_events WHERE dispatched = 0 ORDER BY id LIMIT ?',
      ),
      markDispatched: prepare('UPDATE outbox_events SET dispatched = 1 WHERE id = ?'),
      insertDelivery: prepare(`
        INSERT INTO webhook_deliveries (id, event_id, endpoint, type, payload, created_at, next_attempt_at)
        VALUES (@id, @eventId, @endpoint, @type, @payload, @createdAt, 0)`),
      claim: prepare(`
        UPDATE webhook_deliveries SET locked_until = @leaseUntil
        WHERE id IN (
          SELECT id FROM webhook_deliveries
          WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= @now
            AND (locked_until IS NULL OR locked_until < @now)
          ORDER BY next_attempt_at, id LIMIT @limit)
        RETURNING *`),
      delivered: prepare(`
        UPDATE webhook_deliveries SET delivered_at = ?, last_status = ?, attempts = attempts + 1, locked_until = NULL
        WHERE id = ?`),
      failed: prepare(`
        UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = @status, last_error = @error,
          next_attempt_at = COALESCE(@nextAttemptAt, next_attempt_at), failed_at = @failedAt, locked_until = NULL
        WHERE id = @id`),
      pending: prepare(`
        SELECT * FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL
        ORDER BY created_at DESC, id DESC LIMIT ?`),
      deliveredList: prepare(
        'SELECT * FROM webhook_deliveries WHERE delivered_at IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT ?',
      ),
      failedList: prepare(
        'SELECT * FROM webhook_deliveries WHERE failed_at IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT ?',
      ),
      counts: prepare(`
        SELECT
          COALESCE(SUM(delivered_at IS NULL AND failed_at IS NULL), 0) AS pending,
          COALESCE(SUM(delivered_at IS NOT NULL), 0) AS delivered,
          COALESCE(SUM(failed_at IS NOT NULL), 0) AS failed
        FROM webhook_deliveries`),
      pendingCount: prepare(
        'SELECT count(*) AS count FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL',
      ),
      pruneDeliveries: prepare('DELETE FROM webhook_deliveries WHERE COALESCE(delivered_at, failed_at) < ?'),
      pruneEvents: prepare('DELETE FROM outbox_events WHERE dispatched = 1 AND created_at < ?'),
    };
  }

  async dispatchEvents(endpoints: readonly string[], limit: number): Promise<number> {
    return this.db
      .transaction(() => {
        const events = this.statements.undispatched.all(limit) as Array<{
          id: string;
          type: string;
          payload: string;
          created_at: string;
        }>;
        for (const event of events) {
          for (const endpoint of endpoints) {
            this.statements.insertDelivery.run({
              id: newMessageId(),
              eventId: event.id,
              endpoint,
              type: event.type,
              payload: event.payload,
              createdAt: event.created_at,
            });
          }
          this.statements.markDispatched.run(event.id);
        }
        return events.length;
      })
      .immediate();
  }

  async claimDue(now: number, leaseUntil: number, limit: number): Promise<WebhookDelivery[]> {
    return (this.statements.claim.all({ now, leaseUntil, limit }) as WebhookDeliveryRow[]).map(toDelivery);
  }

  async markDelivered(id: string, status: number, at: string): Promise<void> {
    this.statements.delivered.run(at, status, id);
  }

  async markFailed(
    id: string,
    outcome: { status?: number; error: string; nextAttemptAt?: number; at: string },
  ): Promise<void> {
    this.statements.failed.run({
      id,
      status: outcome.status ?? null,
      error: outcome.error.slice(0, 500),
      nextAttemptAt: outcome.nextAttemptAt ?? null,
      failedAt: outcome.nextAttemptAt === undefined ? outcome.at : null,
    });
  }

  async list(state: WebhookDeliveryState, limit: number): Promise<WebhookDelivery[]> {
    const statement =
      state === 'pending'
        ? this.statements.pending
        : state === 'delivered'
          ? this.statements.deliveredList
          : this.statements.failedList;
    return (statement.all(limit) as WebhookDeliveryRow[]).map(toDelivery);
  }

  async counts(): Promise<Record<WebhookDeliveryState, number>> {
    return this.statements.counts.get() as Record<WebhookDeliveryState, number>;
  }

  async pendingCount(): Promise<number> {
    return (this.statements.pendingCount.get() as { count: number }).count;
  }

  async prune(before: string): Promise<number> {
    return this.db.transaction(() => {
      this.statements.pruneEvents.run(before);
      return this.statements.pruneDeliveries.run(before).changes;
    })();
  }
}
