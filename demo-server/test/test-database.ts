/**
 * Which store the server suite runs on. `npm test` runs it on SQLite, then
 * again with `PALAVER_TEST_STORE=postgres` on the PostgreSQL server named by
 * `DATABASE_URL` (scripts/test-postgres.mjs): each test server gets a database
 * of its own there, named after its folder, so a restart in the same folder
 * finds the same data.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { nginxBinary } from '../../scripts/local-cluster.js';
import { PG_TYPES } from '../src/db/postgres/pool.js';

export const onPostgres = process.env.PALAVER_TEST_STORE === 'postgres';

/** Why a test runs on SQLite only (node:test's `skip` option), or false. */
export const sqliteOnly = (why: string): string | false => (onPostgres ? `SQLite only: ${why}` : false);

/** Why a test needs a cluster (PostgreSQL and Redis) and is skipped without one, or false. */
export const clusterOnly = (): string | false =>
  onPostgres && process.env.REDIS_URL ? false : 'cluster only: needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)';

/** Why a test needs a cluster behind nginx and is skipped without one, or false. */
export const clusterBehindNginxOnly = (): string | false =>
  clusterOnly() || (nginxBinary() ? false : 'cluster behind nginx only: needs nginx (Debian: apt-get install nginx)');

/** Why a test runs on PostgreSQL only (node:test's `skip` option), or false. */
export const postgresOnly = (why: string): string | false => (onPostgres ? false : `PostgreSQL only: ${why}`);

const adminUrl = (): string => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('PALAVER_TEST_STORE=postgres needs DATABASE_URL (a server where databases may be created)');
  return url;
};

const databaseName = (folder: string) => `palaver_test_${createHash('sha1').update(folder).digest('hex').slice(0, 16)}`;

function urlOf(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The environment that points a server at the test database of `folder`:
 * a SQLite file in it, or (on PostgreSQL) a database created for it once.
 * DATABASE_URL and REDIS_URL are always set, so a server never picks up those of the shell.
 */
export async function databaseEnv(folder: string, file = 'palaver.db'): Promise<Record<string, string>> {
  // Never the cluster of the shell (CI exports REDIS_URL): cluster tests ask for it themselves.
  if (!onPostgres) return { DATABASE_PATH: `${folder}/${file}`, DATABASE_URL: '', REDIS_URL: '' };
  const name = databaseName(`${folder}/${file}`);
  await admin(async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  });
  return { DATABASE_URL: urlOf(name), DATABASE_POOL_SIZE: '8', REDIS_URL: '' };
}

/** Drops the test database of `folder` (PostgreSQL; the SQLite file goes with the folder). */
export async function dropDatabase(folder: string, file = 'palaver.db'): Promise<void> {
  if (!onPostgres) return;
  const name = databaseName(`${folder}/${file}`);
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Reads a test server's database directly (the definition a test compares the server with). */
export interface TestDatabaseReader {
  /** Rows of `sql`, whose parameters are written `?` on both stores. */
  all<T>(sql: string, ...params: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function openReader(env: Record<string, string>): Promise<TestDatabaseReader> {
  if (!onPostgres) {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(env.DATABASE_PATH as string, { readonly: true });
    return {
      all: async <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[],
      close: async () => {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: env.DATABASE_URL, types: PG_TYPES });
  await client.connect();
  return {
    all: async <T>(sql: string, ...params: unknown[]) => {
      let index = 0;
      const { rows } = await client.query(
        sql.replace(/\?/g, () => `$${++index}`),
        params,
      );
      return rows as T[];
    },
    close: () => client.end(),
  };
}
