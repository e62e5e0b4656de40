import type { SqliteDatabase } from './database.js';

/**
 * Per-user revocation times: tokens issued before a user's `revoked_before`
 * are refused. A table of its own (not a column of `users`): a user can be
 * revoked before the server has ever seen them.
 */
export class SqliteRevocations {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      // Only ever forward: a late or repeated call never un-revokes newer tokens' predecessors.
      revoke: db.prepare(`
        INSERT INTO session_revocations (user_id, revoked_before) VALUES (?, ?)
        ON CONFLICT (user_id) DO UPDATE SET revoked_before = max(revoked_before, excluded.revoked_before)
        RETURNING revoked_before`),
      of: db.prepare('SELECT revoked_before FROM session_revocations WHERE user_id = ?').pluck(),
    };
  }

  revoke(userId: string, before: number): number {
    return this.statements.revoke.pluck().get(userId, before) as number;
  }

  revokedBefore(userId: string): number | undefined {
    return (this.statements.of.get(userId) as number | undefined) ?? undefined;
  }
}
