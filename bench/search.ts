/**
 * Search over a big marketplace (#19): 1,000,000 messages (French and
 * English, ~2,000 users, conversations of very different lengths), filled
 * with direct SQL in transactions — the index's triggers run on every row, as
 * they do for sends — then the typical queries of a supplier in ~50
 * conversations, timed through the search service (index, ranking, snippets,
 * conversations: everything but the socket), on SQLite and, when
 * DATABASE_URL is set, PostgreSQL. The Node process is pinned to one core.
 *
 *   npx tsx bench/search.ts [--messages 100000] [--only sqlite|postgres]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { PostgresStore } from '../demo-server/src/db/postgres/postgres-store.js';
import { openSqliteStore, type SqliteStore } from '../demo-server/src/db/sqlite/sqlite-store.js';
import type { ChatStore } from '../demo-server/src/db/store.js';
import { parseQuery } from '../demo-server/src/search/query.js';
import { AccessRules } from '../demo-server/src/service/access.js';
import { SearchService } from '../demo-server/src/service/search.js';
import { freshPostgresDatabase } from './processes.js';
import {
  type PlannedConversation,
  personName,
  planConversations,
  productTitle,
  randomFrom,
  rareWord,
  sentence,
} from './search-corpus.js';

const SHAPE = { users: 2000, suppliers: 400 };
/** The searching users: suppliers in about this many conversations. */
const TARGET_CONVERSATIONS = 50;
const TARGETS = 5;

export interface SearchTiming {
  store: 'SQLite' | 'PostgreSQL';
  query: string;
  /** Through the service (what a client waits for, less the socket). */
  p50: number;
  p99: number;
  /** The index alone (messages and titles, ranked and limited). */
  indexP50: number;
  indexP99: number;
  /** Messages found (the first target's answer). */
  found: number;
}

export interface SearchBenchResult {
  messages: number;
  conversations: number;
  targetConversations: number[];
  fill: Array<{ store: string; seconds: number; note: string }>;
  timings: SearchTiming[];
}

interface Corpus {
  plan: PlannedConversation[];
  targets: number[];
  /** A word of the long tail found in each target's conversations (with the order number 4821). */
  rareWordOf: Map<number, string>;
}

const userId = (i: number) => `bench-user-${i}`;
const conversationId = (i: number) => `bench-c-${i}`;
const at = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();

export function planCorpus(messages: number): Corpus {
  const plan = planConversations({ messages, ...SHAPE }, randomFrom(19));
  const counts = new Map<number, number>();
  for (const c of plan) counts.set(c.supplier, (counts.get(c.supplier) ?? 0) + 1);
  const targets = [...counts]
    .sort((a, b) => Math.abs(a[1] - TARGET_CONVERSATIONS) - Math.abs(b[1] - TARGET_CONVERSATIONS))
    .slice(0, TARGETS)
    .map(([user]) => user);
  return { plan, targets, rareWordOf: new Map() };
}

/** Every row, in order, through `write` (the same rows for both stores). */
function* rowsOf(corpus: Corpus) {
  const random = randomFrom(20);
  let clock = 0;
  for (const c of corpus.plan) {
    const messages = [];
    for (let seq = 1; seq <= c.length; seq++) {
      let body = sentence(random);
      if (corpus.targets.includes(c.supplier) && !corpus.rareWordOf.has(c.supplier) && seq === 1) {
        const word = rareWord(random);
        corpus.rareWordOf.set(c.supplier, word);
        body += ` ${word} (commande 4821)`;
      }
      messages.push({ seq, sender: userId(seq % 2 ? c.buyer : c.supplier), body, createdAt: at(++clock) });
    }
    yield { conversation: c, title: productTitle(random), createdAt: at(clock), messages };
  }
}

export function fillSqlite(store: SqliteStore, corpus: Corpus): void {
  const db = store.database;
  const random = randomFrom(21);
  const user = db.prepare('INSERT INTO users (id, name, created_at) VALUES (?, ?, ?)');
  const conversation = db.prepare(`
    INSERT INTO conversations (id, kind, product_id, product_json, buyer_id, supplier_id, last_seq, created_at, updated_at, change_seq)
    VALUES (?, 'product', ?, ?, ?, ?, ?, ?, ?, 0)`);
  const participant = db.prepare(
    'INSERT INTO participants (conversation_id, user_id, role, joined_at, change_seq) VALUES (?, ?, ?, ?, 0)',
  );
  const message = db.prepare(`
    INSERT INTO messages (id, conversation_id, seq, client_id, sender_id, body, created_at, change_seq)
    VALUES (?, ?, ?, ?, ?, ?, ?, 0)`);
  db.transaction(() => {
    for (let i = 0; i < SHAPE.users; i++) user.run(userId(i), personName(random), at(0));
  })();
  let batch: Array<ReturnType<typeof rowsOf> extends Generator<infer R> ? R : never> = [];
  const flush = db.transaction(() => {
    for (const { conversation: c, title, createdAt, messages } of batch) {
      const id = conversationId(c.index);
      const product = JSON.stringify({ id: `p-${c.index}`, title });
      conversation.run(
        id,
        `p-${c.index}`,
        product,
        userId(c.buyer),
        userId(c.supplier),
        c.length,
        createdAt,
        createdAt,
      );
      participant.run(id, userId(c.buyer), 'buyer', createdAt);
      participant.run(id, userId(c.supplier), 'supplier', createdAt);
      for (const m of messages)
        message.run(`${id}-${m.seq}`, id, m.seq, `${id}-${m.seq}`, m.sender, m.body, m.createdAt);
    }
  });
  let pending = 0;
  for (const row of rowsOf(corpus)) {
    batch.push(row);
    pending += row.messages.length;
    if (pending >= 20_000) {
      flush();
      batch = [];
      pending = 0;
    }
  }
  flush();
  db.exec('PRAGMA optimize');
}

async function fillPostgres(url: string, corpus: Corpus): Promise<PostgresStore> {
  const store = await PostgresStore.open({ url, poolSize: 4 });
  const pool = (store as unknown as { pool: pg.Pool }).pool;
  const random = randomFrom(21);
  const ids = Array.from({ length: SHAPE.users }, (_, i) => userId(i));
  await pool.query(
    `INSERT INTO users (id, name, created_at) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
    [ids, ids.map(() => personName(random)), ids.map(() => at(0))],
  );
  const columns = { c: [] as unknown[][], p: [] as unknown[][], m: [] as unknown[][] };
  const flush = async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO conversations (id, kind, product_id, product_json, buyer_id, supplier_id, last_seq, created_at, updated_at, change_seq)
         SELECT id, 'product', pid, pj, b, s, n, t, t, 0 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[])
           AS x(id, pid, pj, b, s, n, t)`,
        columns.c,
      );
      await client.query(
        `INSERT INTO participants (conversation_id, user_id, role, joined_at, change_seq)
         SELECT c, u, r, t, 0 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(c, u, r, t)`,
        columns.p,
      );
      await client.query(
        `INSERT INTO messages (id, conversation_id, seq, client_id, sender_id, body, created_at, change_seq)
         SELECT id, c, s, id, u, b, t, 0 FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[])
           AS x(id, c, s, u, b, t)`,
        columns.m,
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    columns.c = [];
    columns.p = [];
    columns.m = [];
  };
  const push = (target: unknown[][], values: unknown[]) => {
    values.forEach((value, i) => {
      target[i] ??= [];
      (target[i] as unknown[]).push(value);
    });
  };
  let pending = 0;
  for (const { conversation: c, title, createdAt, messages } of rowsOf(corpus)) {
    const id = conversationId(c.index);
    push(columns.c, [
      id,
      `p-${c.index}`,
      JSON.stringify({ id: `p-${c.index}`, title }),
      userId(c.buyer),
      userId(c.supplier),
      c.length,
      createdAt,
    ]);
    push(columns.p, [id, userId(c.buyer), 'buyer', createdAt]);
    push(columns.p, [id, userId(c.supplier), 'supplier', createdAt]);
    for (const m of messages) push(columns.m, [`${id}-${m.seq}`, id, m.seq, m.sender, m.body, m.createdAt]);
    pending += messages.length;
    if (pending >= 20_000) {
      await flush();
      pending = 0;
    }
  }
  await flush();
  return store;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

async function timeQueries(storeName: SearchTiming['store'], store: ChatStore, corpus: Corpus, rounds: number) {
  const service = new SearchService(store, new AccessRules(store, 5000));
  const kinds: Array<[string, (target: number) => string]> = [
    ['common word: "merci"', () => 'merci'],
    ['rare word (a long-tail word of theirs)', (target) => corpus.rareWordOf.get(target) ?? 'kalomi'],
    ['prefix as typed: "livr"', () => 'livr'],
    ['two words: "facture commande"', () => 'facture commande'],
    ['number: "4821"', () => '4821'],
  ];
  const timings: SearchTiming[] = [];
  for (const [label, queryOf] of kinds) {
    const full: number[] = [];
    const index: number[] = [];
    let found = 0;
    for (let round = 0; round < rounds + 5; round++) {
      const target = corpus.targets[round % corpus.targets.length] as number;
      const user = { id: userId(target), name: 'Supplier', isAdmin: false };
      const q = queryOf(target);
      let started = performance.now();
      const answer = await service.search({ user }, { q });
      const fullMs = performance.now() - started;
      const parsed = parseQuery(q);
      if (!parsed) throw new Error(`no words in ${q}`);
      started = performance.now();
      const scope = { userId: user.id, isAdmin: false };
      await Promise.all([store.search.messages(parsed, scope, 20), store.search.conversations(parsed, scope, 20)]);
      const indexMs = performance.now() - started;
      if (round < 5) {
        if (round === 0) found = answer.results.reduce((sum, r) => sum + r.hits.length, 0);
        continue; // warm-up
      }
      full.push(fullMs);
      index.push(indexMs);
    }
    full.sort((a, b) => a - b);
    index.sort((a, b) => a - b);
    timings.push({
      store: storeName,
      query: label,
      p50: percentile(full, 0.5),
      p99: percentile(full, 0.99),
      indexP50: percentile(index, 0.5),
      indexP99: percentile(index, 0.99),
      found,
    });
  }
  return timings;
}

class SkipStore extends Error {}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/** Pins this process to one core (the budget is per core), when `taskset` is there. */
function pinToOneCore(): void {
  try {
    execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
  } catch {
    // Not pinned: the numbers still hold for one thread.
  }
}

export async function searchBench(
  messages: number,
  rounds = 200,
  log = (line: string) => console.error(line),
  stores: ReadonlyArray<'sqlite' | 'postgres'> = ['sqlite', 'postgres'],
) {
  pinToOneCore();
  const corpus = planCorpus(messages);
  const counts = corpus.targets.map((t) => corpus.plan.filter((c) => c.supplier === t).length);
  const result: SearchBenchResult = {
    messages,
    conversations: corpus.plan.length,
    targetConversations: counts,
    fill: [],
    timings: [],
  };
  let started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'palaver-search-bench-'));
  try {
    if (!stores.includes('sqlite')) throw new SkipStore();
    const path = join(dir, 'search.db');
    log(`search: filling SQLite with ${messages.toLocaleString('en')} messages …`);
    started = performance.now();
    const sqlite = openSqliteStore({ path, synchronous: 'NORMAL' });
    fillSqlite(sqlite, corpus);
    const seconds = (performance.now() - started) / 1000;
    const pages = (table: string) =>
      Number(sqlite.database.prepare('SELECT count(*) * 4096 FROM dbstat WHERE name LIKE ?').pluck().get(`${table}%`));
    result.fill.push({
      store: 'SQLite',
      seconds,
      note: `rows and index (triggers); file ${mb(await sqlite.sizeBytes())}, of which the index ${mb(pages('message_search') + pages('conversation_search'))}`,
    });
    result.timings.push(...(await timeQueries('SQLite', sqlite, corpus, rounds)));
    await sqlite.close();
  } catch (error) {
    if (!(error instanceof SkipStore)) throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const database = stores.includes('postgres') ? await freshPostgresDatabase() : undefined;
  if (database) {
    try {
      log(`search: filling PostgreSQL with ${messages.toLocaleString('en')} messages …`);
      started = performance.now();
      const store = await fillPostgres(database.url, corpus);
      const filled = (performance.now() - started) / 1000;
      started = performance.now();
      await store.search.catchUp();
      const indexed = (performance.now() - started) / 1000;
      const pool = (store as unknown as { pool: pg.Pool }).pool;
      await pool.query('VACUUM ANALYZE');
      const { rows } = await pool.query<{ all: string; index: string }>(
        `SELECT pg_database_size(current_database()) AS all,
           pg_total_relation_size('message_search') + pg_total_relation_size('conversation_search') AS index`,
      );
      result.fill.push({
        store: 'PostgreSQL',
        seconds: filled + indexed,
        note: `rows ${filled.toFixed(0)} s, terms (catch-up) ${indexed.toFixed(0)} s; database ${mb(Number(rows[0]?.all))}, of which the index ${mb(Number(rows[0]?.index))}`,
      });
      result.timings.push(...(await timeQueries('PostgreSQL', store, corpus, rounds)));
      await store.close();
    } finally {
      await database.drop();
    }
  }
  return result;
}

export function searchTable(result: SearchBenchResult): string {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const lines = [
    `${result.messages.toLocaleString('en')} messages in ${result.conversations.toLocaleString('en')} conversations; searching suppliers in ${result.targetConversations.join(', ')} conversations`,
    ...result.fill.map((f) => `fill ${f.store}: ${f.seconds.toFixed(0)} s (${f.note})`),
    '',
    '| store | query | p50 / p99 (service) | p50 / p99 (index only) | found |',
    '|---|---|---|---|---|',
    ...result.timings.map(
      (t) =>
        `| ${t.store} | ${t.query} | ${ms(t.p50)} / ${ms(t.p99)} | ${ms(t.indexP50)} / ${ms(t.indexP99)} | ${t.found} |`,
    ),
  ];
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--messages');
  const messages = at > 0 ? Number(process.argv[at + 1]) : 1_000_000;
  const only = process.argv.indexOf('--only');
  const stores = only > 0 ? [process.argv[only + 1] as 'sqlite' | 'postgres'] : undefined;
  console.log(searchTable(await searchBench(messages, 200, undefined, stores)));
}
