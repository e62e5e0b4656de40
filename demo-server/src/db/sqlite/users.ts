import type { ChatUser } from '@palaver/protocol';
import { now } from '../rows.js';
import type { SqliteDatabase } from './database.js';

/** Users as their tokens describe them, and when they were last seen. */
export class SqliteUsers {
  /** What was last written for each user, so an unchanged token writes nothing. */
  private readonly known = new Map<string, string>();
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      upsert: db.prepare(`
        INSERT INTO users (id, name, avatar_url, is_admin, created_at) VALUES (@id, @name, @avatarUrl, @isAdmin, @now)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, avatar_url = excluded.avatar_url, is_admin = excluded.is_admin
        WHERE users.erased_at IS NULL`),
      insertIfMissing: db.prepare(`
        INSERT INTO users (id, name, is_admin, created_at) VALUES (@id, @name, 0, @now) ON CONFLICT (id) DO NOTHING`),
      byId: db.prepare('SELECT id, name, avatar_url, is_admin, last_seen_at FROM users WHERE id = ?'),
      setLastSeen: db.prepare('UPDATE users SET last_seen_at = ? WHERE id = ?'),
      contactsOf: db.prepare(`
        SELECT DISTINCT other.user_id FROM participants mine
        JOIN conversations c ON c.id = mine.conversation_id AND c.last_seq > 0
        JOIN participants other ON other.conversation_id = mine.conversation_id
        WHERE mine.user_id = ? AND other.user_id <> mine.user_id`),
    };
  }

  remember(user: ChatUser): void {
    const fingerprint = `${user.name}\u0000${user.avatarUrl ?? ''}\u0000${user.isAdmin ? 1 : 0}`;
    if (this.known.get(user.id) === fingerprint) return;
    this.statements.upsert.run({
      id: user.id,
      name: user.name,
      avatarUrl: user.avatarUrl ?? null,
      isAdmin: user.isAdmin ? 1 : 0,
      now: now(),
    });
    this.known.set(user.id, fingerprint);
  }

  /** Drops what was remembered of a user whose row changed another way (server API, erasure). */
  forget(id: string): void {
    this.known.delete(id);
  }

  /** A user named by someone else (a supplier, a client) before they ever signed in. */
  insertIfMissing(id: string, name: string, at: string): void {
    this.statements.insertIfMissing.run({ id, name, now: at });
  }

  exists(id: string): boolean {
    return this.statements.byId.get(id) !== undefined;
  }

  lastSeenAt(id: string): string | undefined {
    const row = this.statements.byId.get(id) as { last_seen_at: string | null } | undefined;
    return row?.last_seen_at ?? undefined;
  }

  setLastSeen(id: string, at: string): void {
    this.statements.setLastSeen.run(at, id);
  }

  contactsOf(userId: string): string[] {
    return this.statements.contactsOf.pluck().all(userId) as string[];
  }
}
