import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ChatUser } from '@palaver/protocol';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { applyMigrations, openDatabase } from '../src/db/sqlite/database.js';
import { MIGRATIONS } from '../src/db/sqlite/migrations.js';
import { SqliteStore } from '../src/db/sqlite/sqlite-store.js';
import { sqliteOnly } from './test-database.js';

/**
 * Sync finds the messages a cursor has not seen without an index on
 * (conversation, change): untouched messages by seq, edited and deleted ones by
 * a partial index (migration 5). Whatever mix of sends, edits and deletes came
 * before — made on a database from before migration 5 and after it — every page
 * must be exactly what the plain definition says: the `limit` lowest changes
 * after the cursor in the viewer's conversations.
 */
type Step = { op: 'send'; where: number; who: number } | { op: 'edit' | 'delete'; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('send' as const), where: fc.nat(2), who: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('edit' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }) },
) as fc.Arbitrary<Step>;

const at = '2026-01-01T00:00:00.000Z';
const buyer: ChatUser = { id: 'b', name: 'Buyer', isAdmin: false };
const supplier: ChatUser = { id: 's', name: 'Supplier', isAdmin: false };
// The buyer sees conversations 0 and 1; conversation 2 is someone else's.
const conversations = ['c0', 'c1', 'c2'];

/** The same steps written straight into a database at schema version 4, as the server of then did. */
function writeBeforeMigration(db: Database.Database, steps: Step[]): void {
  let change = 0;
  const ids: string[] = [];
  for (const s of steps) {
    change++;
    if (s.op === 'send') {
      const conversationId = conversations[s.where] as string;
      const sender = conversationId === 'c2' ? 'o' : s.who === 0 ? 'b' : 's';
      const seq =
        (db.prepare('SELECT last_seq FROM conversations WHERE id = ?').pluck().get(conversationId) as number) + 1;
      db.prepare('UPDATE conversations SET last_seq = ?, change_seq = ? WHERE id = ?').run(seq, change, conversationId);
      const id = `old-${change}`;
      db.prepare(
        `INSERT INTO messages (id, conversation_id, seq, client_id, sender_id, body, created_at, change_seq)
         VALUES (?, ?, ?, ?, ?, 'old', ?, ?)`,
      ).run(id, conversationId, seq, id, sender, at, change);
      ids.push(id);
    } else if (ids.length > 0) {
      const id = ids[s.pick % ids.length] as string;
      const column = s.op === 'edit' ? 'edited_at' : 'deleted_at';
      const { conversation_id } = db
        .prepare(`UPDATE messages SET ${column} = ?, change_seq = ? WHERE id = ? RETURNING conversation_id`)
        .get(at, change, id) as { conversation_id: string };
      db.prepare('UPDATE conversations SET change_seq = ? WHERE id = ?').run(change, conversation_id);
    }
  }
}

async function writeThroughStore(store: SqliteStore, steps: Step[], run: number): Promise<void> {
  const ids: string[] = [];
  for (const [index, s] of steps.entries()) {
    if (s.op === 'send') {
      const conversationId = conversations[s.where] as string;
      const sender =
        conversationId === 'c2' ? { id: 'o', name: 'Other', isAdmin: false } : s.who === 0 ? buyer : supplier;
      const [outcome] = await store.insertMessages([
        { conversationId, sender, clientId: `new-${run}-${index}`, body: 'new', joinAsAgent: false },
      ]);
      if (outcome instanceof Error || outcome === undefined) throw outcome ?? new Error('no outcome');
      ids.push(outcome.message.id);
    } else if (ids.length > 0) {
      const id = ids[s.pick % ids.length] as string;
      if (s.op === 'edit' && !(await store.messageById(id))?.deletedAt) await store.editMessage(id, 'edited');
      if (s.op === 'delete') await store.deleteMessage(id);
    }
  }
}

describe('sync without an index on (conversation, change)', () => {
  it('pages exactly the lowest changes after any cursor, before and after the upgrade', {
    skip: sqliteOnly('the SQLite sync queries'),
  }, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), fc.array(step, { maxLength: 40 }), async (before, later) => {
        run++;
        const dir = mkdtempSync(join(tmpdir(), 'palaver-sync-changes-'));
        const path = join(dir, 'sync.db');
        try {
          const old = new Database(path);
          applyMigrations(
            old,
            MIGRATIONS.filter((m) => m.version <= 4),
          );
          old.exec(`
            INSERT INTO users (id, name, created_at) VALUES ('b', 'Buyer', '${at}'), ('s', 'Supplier', '${at}'),
              ('o', 'Other', '${at}');
            INSERT INTO conversations (id, kind, last_seq, created_at, updated_at, change_seq)
              VALUES ('c0', 'product', 0, '${at}', '${at}', 0), ('c1', 'product', 0, '${at}', '${at}', 0),
                     ('c2', 'product', 0, '${at}', '${at}', 0);
            INSERT INTO participants (conversation_id, user_id, role, joined_at, change_seq)
              VALUES ('c0', 'b', 'buyer', '${at}', 0), ('c0', 's', 'supplier', '${at}', 0),
                     ('c1', 'b', 'buyer', '${at}', 0), ('c1', 's', 'supplier', '${at}', 0),
                     ('c2', 'o', 'buyer', '${at}', 0), ('c2', 's', 'supplier', '${at}', 0);`);
          writeBeforeMigration(old, before);
          old.close();

          const db = openDatabase({ path, synchronous: 'NORMAL' });
          const store = new SqliteStore(db);
          await writeThroughStore(store, later, run);
          // The definition, by a plain scan.
          const expected = db.prepare(`
            SELECT id, change_seq FROM messages WHERE conversation_id IN ('c0', 'c1') AND change_seq > ?
            ORDER BY change_seq LIMIT ?`);
          const head = await store.head();
          for (let after = 0; after <= head; after++) {
            for (const limit of [1, 3, 100]) {
              const page = (await store.changesSince(buyer, after, limit)).messages;
              assert.deepEqual(
                page.map((m) => [m.item.id, m.changeSeq]),
                (expected.all(after, limit) as Array<{ id: string; change_seq: number }>).map((r) => [
                  r.id,
                  r.change_seq,
                ]),
                `after ${after}, limit ${limit}`,
              );
            }
          }
          db.close();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 60 },
    );
  });
});
