/**
 * History pages on big databases, and the time a client needs to catch up.
 * The databases are filled directly with SQL (in batches, like a restore)
 * so that a million messages take seconds, not hours of sends.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChatClient } from '@palaver/sdk';
import Database from 'better-sqlite3';
import { io } from 'socket.io-client';
import { openDatabase } from '../demo-server/src/db/sqlite/database.js';
import { registerSearchFunctions } from '../demo-server/src/db/sqlite/search-index.js';
import { signProductTokenSync } from '../test-support/product-token.js';
import { BENCH_SECRET, benchToken, startPalaver } from './processes.js';

/** A database with `total` messages spread over conversations of 1,000 messages. */
function seed(path: string, total: number): string {
  openDatabase({ path, synchronous: 'NORMAL' }).close();
  const db = new Database(path);
  // The search index's triggers run on every message written.
  registerSearchFunctions(db);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const now = new Date().toISOString();
  db.prepare(
    "INSERT INTO users (id, name, created_at) VALUES ('bench-buyer', 'Buyer', ?), ('bench-supplier', 'Supplier', ?)",
  ).run(now, now);
  const insertConversation = db.prepare(
    "INSERT INTO conversations (id, kind, product_id, product_json, buyer_id, supplier_id, last_seq, created_at, updated_at, change_seq) VALUES (?, 'product', ?, ?, 'bench-buyer', 'bench-supplier', ?, ?, ?, ?)",
  );
  const insertParticipant = db.prepare(
    'INSERT INTO participants (conversation_id, user_id, role, last_read_seq, joined_at, change_seq) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertMessage = db.prepare(
    'INSERT INTO messages (id, conversation_id, seq, client_id, sender_id, body, created_at, change_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const perConversation = 1000;
  let change = 0;
  let target = '';
  const fill = db.transaction((conversationIndex: number) => {
    const id = `bench-conversation-${conversationIndex}`;
    target = id;
    insertConversation.run(
      id,
      `p-${conversationIndex}`,
      JSON.stringify({ id: `p-${conversationIndex}`, title: 'Bench' }),
      perConversation,
      now,
      now,
      ++change,
    );
    insertParticipant.run(id, 'bench-buyer', 'buyer', perConversation, now, ++change);
    insertParticipant.run(id, 'bench-supplier', 'supplier', perConversation, now, ++change);
    for (let seq = 1; seq <= perConversation; seq++) {
      insertMessage.run(
        randomUUID(),
        id,
        seq,
        `c-${conversationIndex}-${seq}`,
        seq % 2 ? 'bench-buyer' : 'bench-supplier',
        `message ${seq} of a long history`,
        now,
        ++change,
      );
    }
  });
  for (let i = 0; i < total / perConversation; i++) fill(i);
  db.close();
  return target;
}

export interface HistoryResult {
  messages: number;
  p50: number;
  p99: number;
}

/** p50/p99 of `messages:history` (50 messages, at a random depth) over a socket, end to end. */
export async function historyLatency(total: number, requests = 300): Promise<HistoryResult> {
  const dir = mkdtempSync(join(tmpdir(), 'palaver-history-'));
  const path = join(dir, 'history.db');
  const conversationId = seed(path, total);
  const server = await startPalaver({}, path);
  try {
    const socket = io(server.url, {
      auth: { token: await benchToken('bench-buyer') },
      transports: ['websocket'],
      forceNew: true,
    });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const times: number[] = [];
    for (let i = 0; i < requests + 20; i++) {
      const beforeSeq = 51 + Math.floor(Math.random() * 950);
      const started = performance.now();
      const answer = (await socket.emitWithAck('messages:history', { conversationId, beforeSeq, limit: 50 })) as {
        ok: boolean;
        messages: unknown[];
      };
      if (!answer.ok || answer.messages.length !== 50) throw new Error('history page failed');
      if (i >= 20) times.push(performance.now() - started); // the first ones warm up
    }
    socket.close();
    times.sort((a, b) => a - b);
    return {
      messages: total,
      p50: times[Math.floor(times.length / 2)] ?? 0,
      p99: times[Math.floor(times.length * 0.99)] ?? 0,
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A Node client away while `missed` messages arrive: time from reconnect to fully synced. */
export async function catchUp(missed = 1000): Promise<{ missed: number; ms: number; received: number }> {
  const server = await startPalaver({ DB_SYNCHRONOUS: 'NORMAL' });
  try {
    const supplier = createChatClient({
      url: server.url,
      token: await benchToken('cu-supplier'),
      storage: 'memory',
      namespace: 'cu-s',
    });
    const buyer = createChatClient({
      url: server.url,
      token: await benchToken('cu-buyer'),
      storage: 'memory',
      namespace: 'cu-b',
    });
    await Promise.all([supplier.connect(), buyer.connect()]);
    await waitFor(
      () => supplier.$connection.get() === 'online' && buyer.$connection.get() === 'online' && !supplier.$syncing.get(),
    );
    const conversation = await buyer.openProductConversation({
      productToken: signProductTokenSync(
        BENCH_SECRET,
        { id: 'p-cu', title: 'Catch-up' },
        { id: 'cu-supplier', name: 'Supplier' },
      ),
    });
    await buyer.send(conversation.id, 'first');
    const view = supplier.messagesOf(conversation.id);
    const stop = view.listen(() => undefined);
    await waitFor(() => view.get().length === 1 && !supplier.$syncing.get());
    supplier.disconnect();
    for (let i = 0; i < missed; i++) void buyer.send(conversation.id, `missed ${i}`);
    const sent = buyer.messagesOf(conversation.id);
    await waitFor(() => sent.get().length === missed + 1 && sent.get().every((m) => !m.pending), 120_000);
    const started = performance.now();
    await supplier.connect();
    await waitFor(() => view.get().length === missed + 1 && !supplier.$syncing.get(), 60_000);
    const ms = performance.now() - started;
    stop();
    const received = view.get().length;
    await Promise.all([supplier.destroy(), buyer.destroy()]);
    return { missed, ms, received };
  } finally {
    await server.stop();
  }
}

async function waitFor(check: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
