import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Message } from '@palaver/protocol';
import Database from 'better-sqlite3';
import { bob, carol, connectAs, newClientId, ok, openProduct, spawnServer } from './helpers.js';
import { sqliteOnly } from './test-database.js';

const run = promisify(execFile);
const serverEntry = fileURLToPath(new URL('../src/bin/palaver-server.ts', import.meta.url));

/** `palaver-server <args>` as an operator runs it. */
const palaverServer = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', serverEntry, ...args], { env: { ...process.env, ...env } });

const instanceIdOf = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare("SELECT value FROM meta WHERE key = 'instance_id'").pluck().get() as string;
  } finally {
    db.close();
  }
};

describe('backups', { skip: sqliteOnly('PostgreSQL is backed up with pg_dump') }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'palaver-backup-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a backup taken under write load holds every message acked before it began, is intact, and restores with a new identity', async () => {
    const databasePath = join(dir, 'live.db');
    const env = { DATABASE_PATH: databasePath, DATABASE_URL: '', REDIS_URL: '', RATE_LIMIT_MESSAGES: '100000' };
    const server = await spawnServer(env);
    const buyer = await connectAs(server.url, carol);
    const conversation = await openProduct(buyer);
    const acked: Array<{ message: Message; at: number }> = [];
    let writing = true;
    // Sends keep going while the backup runs: four writers, one after another each.
    const writers = Array.from({ length: 4 }, async () => {
      while (writing) {
        const { message } = await ok(buyer, 'message:send', {
          clientId: newClientId(),
          conversationId: conversation.id,
          body: `under load ${acked.length}`,
        });
        acked.push({ message, at: Date.now() });
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const backupPath = join(dir, 'backups', 'palaver.db');
    const began = Date.now();
    const ackedBefore = acked.filter((entry) => entry.at < began).map((entry) => entry.message.id);
    const { stdout } = await palaverServer(['backup', backupPath], env);
    assert.match(stdout, /integrity ok/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    writing = false;
    await Promise.all(writers);
    buyer.disconnect();
    await server.stop('SIGTERM');
    assert.ok(ackedBefore.length > 10, `only ${ackedBefore.length} messages before the backup`);
    assert.ok(acked.length > ackedBefore.length, 'writes went on during the backup');

    const copy = new Database(backupPath, { readonly: true });
    try {
      assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
      const stored = new Set(copy.prepare('SELECT id FROM messages').pluck().all() as string[]);
      const missing = ackedBefore.filter((id) => !stored.has(id));
      assert.deepEqual(missing, []);
    } finally {
      copy.close();
    }

    const restoredPath = join(dir, 'restored.db');
    const restoreEnv = { DATABASE_PATH: restoredPath, DATABASE_URL: '', REDIS_URL: '' };
    const restored = await palaverServer(['restore', backupPath], restoreEnv);
    assert.match(restored.stdout, /new identity/);
    assert.notEqual(instanceIdOf(restoredPath), instanceIdOf(backupPath));
    // The restored database serves: its messages are there for the supplier.
    const again = await spawnServer(restoreEnv);
    try {
      const supplier = await connectAs(again.url, bob);
      const { messages } = await ok(supplier, 'messages:history', { conversationId: conversation.id, limit: 100 });
      assert.ok(messages.length > 0);
      const { reset } = await ok(supplier, 'sync', { cursor: null });
      assert.equal(reset, true);
      supplier.disconnect();
    } finally {
      await again.stop('SIGTERM');
    }
  });

  it('restoring over a database keeps the one it replaces, and a corrupt backup is refused with nothing changed', async () => {
    const databasePath = join(dir, 'target.db');
    const env = { DATABASE_PATH: databasePath, DATABASE_URL: '', REDIS_URL: '' };
    const server = await spawnServer(env);
    await server.stop('SIGTERM');
    const before = instanceIdOf(databasePath);
    const garbage = join(dir, 'garbage.db');
    await import('node:fs').then((fs) => fs.writeFileSync(garbage, 'this is not a database'.repeat(100)));
    await assert.rejects(palaverServer(['restore', garbage], env), /not a database|file is not a database|malformed/);
    assert.equal(instanceIdOf(databasePath), before);
    const backupPath = join(dir, 'target-backup.db');
    await palaverServer(['backup', backupPath], env);
    const { stdout } = await palaverServer(['restore', backupPath], env);
    assert.match(stdout, /previous database is kept as/);
    assert.ok(readdirSync(dir).some((name) => name.startsWith('target.db.before-restore-')));
    assert.notEqual(instanceIdOf(databasePath), before);
  });

  it('scheduled backups: BACKUP_DIR every BACKUP_INTERVAL_MINUTES, keeping BACKUP_KEEP', async () => {
    const databasePath = join(dir, 'scheduled.db');
    const backupDir = join(dir, 'scheduled-backups');
    const server = await spawnServer({
      DATABASE_PATH: databasePath,
      DATABASE_URL: '',
      REDIS_URL: '',
      BACKUP_DIR: backupDir,
      BACKUP_INTERVAL_MINUTES: '0.003', // 180 ms
      BACKUP_KEEP: '2',
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
    } finally {
      // A graceful stop waits for the backup under way: no partial file is left behind.
      await server.stop('SIGTERM');
    }
    const files = readdirSync(backupDir);
    assert.ok(
      files.every((name) => !name.includes('.partial-')),
      files.join(', '),
    );
    assert.equal(files.filter((name) => name.endsWith('.db')).length, 2, files.join(', '));
    for (const name of files) {
      const copy = new Database(join(backupDir, name), { readonly: true });
      assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
      copy.close();
    }
    assert.ok(existsSync(databasePath));
  });
});
