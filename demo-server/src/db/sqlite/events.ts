import type { RecordedEvent } from '../webhooks.js';
import type { SqliteDatabase } from './database.js';

/**
 * Writes webhook events into the outbox table, inside the caller's
 * transaction — or nothing at all when no webhook is configured, so a server
 * without webhooks pays nothing per message.
 */
export class SqliteEventRecorder {
  private readonly insert;

  constructor(
    db: SqliteDatabase,
    readonly enabled: boolean,
  ) {
    this.insert = db.prepare(
      'INSERT INTO outbox_events (id, type, payload, created_at) VALUES (@id, @type, @payload, @createdAt)',
    );
  }

  record(...events: RecordedEvent[]): void {
    if (!this.enabled) return;
    for (const event of events) this.insert.run(event);
  }
}
