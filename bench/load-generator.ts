/**
 * Load generator (its own process, so it does not share a core with the
 * server): `pairs` buyer/supplier socket pairs on 127.0.0.1; every pair sends
 * at a fixed rate, open loop (a message leaves on schedule whether or not the
 * previous one was answered). Latency is send → receipt by the other socket.
 * The first `warmup` seconds are not measured (both servers' code is still
 * being compiled then); only messages sent after them count. Prints `ready`
 * and `measured` around the measured window (the runner reads the servers'
 * CPU time there), then one JSON line with the results.
 *
 * argv: JSON { url, target: 'palaver' | 'bare', pairs, rate (msg/s in total), seconds, warmup?, supplierUrl? }
 * With `supplierUrl` (another node of a cluster) every supplier connects there:
 * each message crosses from one node to the other.
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { productOpenWith } from '../test-support/product-token.js';
import { BENCH_SECRET, benchToken } from './processes.js';

interface Options {
  url: string;
  target: 'palaver' | 'bare';
  pairs: number;
  rate: number;
  seconds: number;
  warmup?: number;
  supplierUrl?: string;
}
const options = JSON.parse(process.argv[2] ?? '{}') as Options;

function connect(user: string, auth: Record<string, string | boolean>, url = options.url): Promise<Socket> {
  const socket = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(new Error(`${user}: ${error.message}`)));
  });
}

const latencies: number[] = [];
let measureFrom = Number.POSITIVE_INFINITY;
let sent = 0;
let acked = 0;
let failed = 0;
let received = 0;

interface Pair {
  buyer: Socket;
  supplier: Socket;
  buyerId: string;
  supplierId: string;
  conversationId?: string;
}

async function setUp(): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (let i = 0; i < options.pairs; i++) {
    const buyerId = `load-buyer-${i}`;
    const supplierId = `load-supplier-${i}`;
    const auth = async (id: string): Promise<Record<string, string | boolean>> =>
      // Like the SDK: unread counts ride on message:new.
      options.target === 'palaver' ? { token: await benchToken(id), unreadWithMessages: true } : { user: id };
    const [buyer, supplier] = await Promise.all([
      connect(buyerId, await auth(buyerId)),
      connect(supplierId, await auth(supplierId), options.supplierUrl),
    ]);
    const pair: Pair = { buyer, supplier, buyerId, supplierId };
    if (options.target === 'palaver') {
      const answer = (await buyer.emitWithAck(
        'conversation:open',
        productOpenWith(BENCH_SECRET, {
          product: { id: `p-${i}`, title: 'Load test' },
          supplierId,
          supplierName: supplierId,
        }),
      )) as { ok: boolean; conversation: { id: string } };
      pair.conversationId = answer.conversation.id;
    } else {
      // The relay keeps nothing, but its messages carry an id of the same length.
      pair.conversationId = randomUUID();
    }
    supplier.on('message:new', (message: { body: string }) => {
      const sentAt = Number(message.body.split(' ')[0]);
      if (sentAt < measureFrom) return;
      received++;
      latencies.push(performance.now() - sentAt);
    });
    pairs.push(pair);
  }
  return pairs;
}

const pairs = await setUp();
const intervalMs = (1000 * pairs.length) / options.rate; // per pair
const warmupMs = (options.warmup ?? 2) * 1000;
const started = performance.now() + warmupMs;
const end = started + options.seconds * 1000;
// The runner samples the server's CPU time at these two lines: set-up (signing
// tokens, connecting, opening conversations) and warm-up are not measured.
setTimeout(() => {
  measureFrom = performance.now();
  process.stdout.write('ready\n');
}, warmupMs);
setTimeout(() => process.stdout.write('measured\n'), warmupMs + options.seconds * 1000);
let counter = 0;
const timers = pairs.map((pair, index) => {
  const send = () => {
    const now = performance.now();
    if (now > end) return;
    if (now >= measureFrom) sent++;
    const clientId = `${process.pid}-${++counter}`;
    const body = `${now} load message ${index}`;
    const payload =
      options.target === 'palaver'
        ? { clientId, conversationId: pair.conversationId, body }
        : { clientId, conversationId: pair.conversationId, to: pair.supplierId, body };
    const measured = now >= measureFrom;
    pair.buyer.emit('message:send', payload, (answer: { ok: boolean }) => {
      if (!measured) return;
      if (answer.ok) acked++;
      else failed++;
    });
  };
  // Spread the pairs over the interval so the load is even.
  return setTimeout(
    () => {
      send();
      const interval = setInterval(send, intervalMs);
      timers.push(interval as unknown as ReturnType<typeof setTimeout>);
    },
    (index * intervalMs) / pairs.length,
  );
});

// The window, then time for the last messages to arrive.
await new Promise((resolve) => setTimeout(resolve, warmupMs + options.seconds * 1000 + 1500));
for (const timer of timers) clearInterval(timer as unknown as ReturnType<typeof setInterval>);
const elapsed = (Math.min(performance.now(), end) - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
process.stdout.write(
  `${JSON.stringify({
    target: options.target,
    sockets: pairs.length * 2,
    offeredPerSecond: options.rate,
    sent,
    acked,
    failed,
    received,
    deliveredPerSecond: received / elapsed,
    p50: pct(50),
    p99: pct(99),
    p999: pct(99.9),
  })}\n`,
);
for (const pair of pairs) {
  pair.buyer.close();
  pair.supplier.close();
}
process.exit(0);
