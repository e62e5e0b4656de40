import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Backups of the SQLite database that can be trusted: `VACUUM INTO` copies one
 * consistent snapshot (every transaction committed before it began, nothing
 * after — a WAL reader never blocks the server's writes), the copy's
 * `PRAGMA integrity_check` must say "ok", and only then is it renamed into
 * place, so a backup file that exists is a whole, checked database.
 *
 * The work runs in a worker thread with its own connection: a large database
 * never stalls the server's event loop.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
try {
  const source = new Database(workerData.source, { readonly: true, fileMustExist: true });
  try {
    source.prepare('VACUUM INTO ?').run(workerData.target);
  } finally {
    source.close();
  }
  const copy = new Database(workerData.target, { fileMustExist: true });
  try {
    const result = copy.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new Error('integrity check of the copy failed: ' + result);
    if (workerData.newIdentity) {
      copy.prepare("UPDATE meta SET value = lower(hex(randomblob(8))) WHERE key = 'instance_id'").run();
    }
    const messages = copy.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'messages'").pluck().get()
      ? copy.prepare('SELECT count(*) FROM messages').pluck().get()
      : 0;
    parentPort.postMessage({ ok: true, messages });
  } finally {
    copy.close();
  }
} catch (error) {
  parentPort.postMessage({ ok: false, error: String((error && error.message) || error) });
}
`;

export interface CopyResult {
  /** Messages in the copy. */
  messages: number;
  bytes: number;
}

/** Copies `source` into `target` through a temporary file: checked, then renamed into place. */
function checkedCopy(source: string, target: string, newIdentity: boolean): Promise<CopyResult> {
  if (!existsSync(source)) return Promise.reject(new Error(`no database at ${source}`));
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  return new Promise<CopyResult>((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, source, target: partial, newIdentity },
    });
    worker.once('message', (message: { ok: boolean; error?: string; messages?: number }) => {
      if (!message.ok) {
        rmSync(partial, { force: true });
        reject(new Error(message.error));
        return;
      }
      const bytes = statSync(partial).size;
      renameSync(partial, target);
      resolve({ messages: message.messages ?? 0, bytes });
    });
    worker.once('error', (error) => {
      rmSync(partial, { force: true });
      reject(error);
    });
  });
}

/** An online backup of the database at `databasePath` into `target` (the server may be running). */
export function backupDatabase(databasePath: string, target: string): Promise<CopyResult> {
  return checkedCopy(databasePath, target, false);
}

/**
 * Puts a backup in place of the database at `databasePath` (the server must be
 * stopped). The backup is checked first and given a new identity, so every
 * client's sync cursor is recognised as foreign and its cache refilled instead
 * of trusting a cursor from the timeline the restore threw away. The database
 * it replaces is kept beside it as `<name>.before-restore-<time>`.
 */
export async function restoreDatabase(
  backupPath: string,
  databasePath: string,
): Promise<CopyResult & { kept?: string }> {
  const staged = `${databasePath}.restoring`;
  const result = await checkedCopy(backupPath, staged, true);
  let kept: string | undefined;
  if (existsSync(databasePath)) {
    kept = `${databasePath}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(databasePath, kept);
  }
  // A write-ahead log of the old database must not be replayed into the restored one.
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(databasePath + suffix)) {
      if (kept) renameSync(databasePath + suffix, kept + suffix);
      else rmSync(databasePath + suffix);
    }
  }
  renameSync(staged, databasePath);
  return kept ? { ...result, kept } : result;
}

/** `palaver-2026-11-30T01-02-03-456Z.db`: sorts by time. */
export const backupFileName = (at: Date) => `palaver-${at.toISOString().replace(/[:.]/g, '-')}.db`;

/** Deletes all but the `keep` newest backups made by the schedule in `dir`. */
export function pruneBackups(dir: string, keep: number): string[] {
  const ours = readdirSync(dir)
    .filter((name) => /^palaver-\d{4}-\d\d-\d\dT[\d-]+Z\.db$/.test(name))
    .sort();
  const removed = ours.slice(0, Math.max(0, ours.length - keep));
  for (const name of removed) rmSync(join(dir, name), { force: true });
  return removed.map((name) => basename(name));
}
