import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations.js';
import { registerSearchFunctions } from './search-index.js';

export type SqliteDatabase = Database.Database;

export interface OpenDatabaseOptions {
  path: string;
  synchronous: 'NORMAL' | 'FULL';
}

/**
 * Opens (creating if needed) the SQLite file in WAL mode and brings its schema up
 * to date. WAL lets readers run beside the single writer; `synchronous` decides
 * whether a commit waits for the disk (FULL) or only for the OS (NORMAL).
 */
export function openDatabase({ path, synchronous }: OpenDatabaseOptions): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  registerSearchFunctions(db);
  applyMigrations(db, MIGRATIONS);
  return db;
}

export function applyMigrations(db: SqliteDatabase, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    })();
    done.push(migration.version);
  }
  return done;
}
