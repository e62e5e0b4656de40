import type { RecordedEvent } from '../webhooks.js';
import type { Queryable } from './pool.js';

/**
 * Writes webhook events into the outbox table inside the caller's transaction,
 * all of a batch in one statement — or nothing when no webhook is configured.
 */
export class PostgresEventRecorder {
  constructor(readonly enabled: boolean) {}

  async record(tx: Queryable, events: readonly RecordedEvent[]): Promise<void> {
    if (!this.enabled || events.length === 0) return;
    await tx.query(
      `INSERT INTO outbox_events (id, type, payload, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
      [
        events.map((e) => e.id),
        events.map((e) => e.type),
        events.map((e) => e.payload),
        events.map((e) => e.createdAt),
      ],
    );
  }
}
