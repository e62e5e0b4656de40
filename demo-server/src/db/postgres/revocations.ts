import type { Queryable } from './pool.js';

/**
 * Per-user revocation times: tokens issued before a user's `revoked_before`
 * are refused. A table of its own (not a column of `users`): a user can be
 * revoked before the server has ever seen them.
 */
export class PostgresRevocations {
  constructor(private readonly db: Queryable) {}

  async revoke(userId: string, before: number): Promise<number> {
    // Only ever forward: a late or repeated call (from another node) never moves it back.
    const { rows } = await this.db.query<{ revoked_before: number }>(
      `INSERT INTO session_revocations (user_id, revoked_before) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET revoked_before = GREATEST(session_revocations.revoked_before, excluded.revoked_before)
       RETURNING revoked_before`,
      [userId, before],
    );
    return (rows[0] as { revoked_before: number }).revoked_before;
  }

  async revokedBefore(userId: string): Promise<number | undefined> {
    const { rows } = await this.db.query<{ revoked_before: number }>(
      'SELECT revoked_before FROM session_revocations WHERE user_id = $1',
      [userId],
    );
    return rows[0]?.revoked_before;
  }
}
