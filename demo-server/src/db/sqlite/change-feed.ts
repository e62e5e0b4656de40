import type { SqliteDatabase } from './database.js';

/**
 * The numbers of the change feed. The head is a stored row (migration 6) that
 * each write moves inside its own transaction: a rolled-back write gives its
 * number back, a committed one keeps it, and a restart goes on from there —
 * so no number is issued twice and the head never covers an unstored change.
 * Writes are serialized (one connection, IMMEDIATE transactions), so the order
 * of the numbers is the order of the commits.
 */
export class SqliteChangeFeed {
  private readonly takeStatement;
  private readonly headStatement;

  constructor(db: SqliteDatabase) {
    this.takeStatement = db.prepare('UPDATE change_feed SET head = head + 1 WHERE id = 1 RETURNING head').pluck();
    this.headStatement = db.prepare('SELECT head FROM change_feed WHERE id = 1').pluck();
  }

  /** The next change number, for a write inside a transaction. */
  take(): number {
    return this.takeStatement.get() as number;
  }

  /** The newest committed change number. */
  head(): number {
    return this.headStatement.get() as number;
  }
}
