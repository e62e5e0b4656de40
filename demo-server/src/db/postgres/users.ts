import type { ChatUser } from '@palaver/protocol';
import { now } from '../rows.js';
import type { Queryable } from './pool.js';

/** Users as their tokens describe them, and when they were last seen. */
export class PostgresUsers {
  /** What this node last wrote for each user, so an unchanged token writes nothing. */
  private readonly known = new Map<string, string>();

  constructor(private readonly db: Queryable) {}

  async remember(user: ChatUser): Promise<void> {
    const fingerprint = `${user.name}\u0000${user.avatarUrl ?? ''}\u0000${user.isAdmin ? 1 : 0}`;
    if (this.known.get(user.id) === fingerprint) return;
    await this.db.query(
      `INSERT INTO users (id, name, avatar_url, is_admin, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, avatar_url = excluded.avatar_url, is_admin = excluded.is_admin
       WHERE users.erased_at IS NULL`,
      [user.id, user.name, user.avatarUrl ?? null, user.isAdmin ? 1 : 0, now()],
    );
    this.known.set(user.id, fingerprint);
  }

  /** Drops what was remembered of a user whose row changed another way (server API, erasure). */
  forget(id: string): void {
    this.known.delete(id);
  }

  /** A user named by someone else (a supplier, a client) before they ever signed in. */
  async insertIfMissing(q: Queryable, id: string, name: string, at: string): Promise<void> {
    await q.query(
      'INSERT INTO users (id, name, is_admin, created_at) VALUES ($1, $2, 0, $3) ON CONFLICT (id) DO NOTHING',
      [id, name, at],
    );
  }

  async exists(id: string): Promise<boolean> {
    const { rowCount } = await this.db.query('SELECT 1 FROM users WHERE id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }

  async lastSeenAt(id: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ last_seen_at: string | null }>(
      'SELECT last_seen_at FROM users WHERE id = $1',
      [id],
    );
    return rows[0]?.last_seen_at ?? undefined;
  }

  async setLastSeen(id: string, at: string): Promise<void> {
    await this.db.query('UPDATE users SET last_seen_at = $1 WHERE id = $2', [at, id]);
  }

  async contactsOf(userId: string): Promise<string[]> {
    const { rows } = await this.db.query<{ user_id: string }>(
      `SELECT DISTINCT other.user_id FROM participants mine
       JOIN conversations c ON c.id = mine.conversation_id AND c.last_seq > 0
       JOIN participants other ON other.conversation_id = mine.conversation_id
       WHERE mine.user_id = $1 AND other.user_id <> mine.user_id`,
      [userId],
    );
    return rows.map((row) => row.user_id);
  }
}
