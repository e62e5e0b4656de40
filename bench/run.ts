/**
 * `npm run bench` — Palaver's performance, measured side by side in one run on
 * this machine, against the budgets of the spec. `npm run bench -- --quick`
 * runs a smaller version (a minute or two). Not part of `npm test`: timings
 * belong here, not in unit tests. Traffic goes to 127.0.0.1 only, and every
 * load is bounded in count and time.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { gzipSync } from 'node:zlib';
import { catchUp, historyLatency } from './history-and-catch-up.js';
import { cpuSeconds, type LoadResult, rssBytes, runLoad, startBareRelay, startPalaver } from './processes.js';

const quick = process.argv.includes('--quick');
const plan = quick
  ? { pairs: 100, rate: 2000, seconds: 4, ceilingRate: 20000, ceilingSeconds: 4, idlePairs: 250, bigHistory: 100_000 }
  : {
      pairs: 500,
      rate: 5000,
      seconds: 10,
      ceilingRate: 30000,
      ceilingSeconds: 8,
      idlePairs: 500,
      bigHistory: 1_000_000,
    };

const rows: Array<[string, string, string]> = [];
const ms = (value: number) => `${value.toFixed(1)} ms`;
const perSecond = (value: number) => `${Math.round(value).toLocaleString('en')}/s`;
const log = (line: string) => process.stderr.write(`${line}\n`);

async function measured(
  target: 'palaver' | 'bare',
  rate: number,
  seconds: number,
  pairs: number,
  env: Record<string, string> = {},
) {
  const server =
    target === 'palaver' ? await startPalaver({ DB_SYNCHRONOUS: 'NORMAL', ...env }) : await startBareRelay();
  const pid = server.child.pid as number;
  try {
    const cpuBefore = cpuSeconds(pid);
    const started = performance.now();
    const result: LoadResult = await runLoad({ url: server.url, target, pairs, rate, seconds });
    const wall = (performance.now() - started) / 1000;
    return { ...result, cpu: (cpuSeconds(pid) - cpuBefore) / wall, rss: rssBytes(pid) };
  } finally {
    await server.stop();
  }
}

log(
  `Palaver benchmarks (${quick ? 'quick' : 'full'}) on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`,
);

// 1. Latency at a fixed load.
log(`server: ${plan.pairs * 2} sockets at ${plan.rate}/s …`);
const steady = await measured('palaver', plan.rate, plan.seconds, plan.pairs);
rows.push([
  `send → receive at ${plan.rate.toLocaleString('en')}/s, ${steady.sockets} sockets (p50 / p99 / p99.9)`,
  `${ms(steady.p50)} / ${ms(steady.p99)} / ${ms(steady.p999)}; ${perSecond(steady.deliveredPerSecond)} delivered, server CPU ${(steady.cpu * 100).toFixed(0)} %`,
  'p99 ≤ 50 ms at 5,000/s, 1,000 sockets',
]);

// 2. Ceilings: the same overload offered to Palaver and to a bare Socket.IO relay.
log(`ceiling: ${plan.ceilingRate}/s offered to the bare relay and to Palaver …`);
const bare = await measured('bare', plan.ceilingRate, plan.ceilingSeconds, plan.pairs);
const normal = await measured('palaver', plan.ceilingRate, plan.ceilingSeconds, plan.pairs);
const full = await measured('palaver', plan.ceilingRate, plan.ceilingSeconds, plan.pairs, { DB_SYNCHRONOUS: 'FULL' });
rows.push(['bare Socket.IO relay, delivered (ceiling)', perSecond(bare.deliveredPerSecond), '—']);
rows.push([
  'Palaver, SQLite synchronous=NORMAL, delivered',
  `${perSecond(normal.deliveredPerSecond)} (${((100 * normal.deliveredPerSecond) / bare.deliveredPerSecond).toFixed(0)} % of the relay)`,
  '≥ 50 % of the relay',
]);
rows.push([
  'Palaver, SQLite synchronous=FULL, delivered',
  `${perSecond(full.deliveredPerSecond)} (${((100 * full.deliveredPerSecond) / bare.deliveredPerSecond).toFixed(0)} % of the relay)`,
  '≥ 50 % of the relay (with group commit)',
]);

// 3. Memory per idle socket.
log('memory per idle socket …');
{
  const server = await startPalaver({ DB_SYNCHRONOUS: 'NORMAL' });
  const pid = server.child.pid as number;
  await new Promise((resolve) => setTimeout(resolve, 500));
  const baseline = rssBytes(pid);
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssBytes(pid));
  }, 100);
  await runLoad({ url: server.url, target: 'palaver', pairs: plan.idlePairs, rate: 1, seconds: 2 });
  clearInterval(sampler);
  await server.stop();
  rows.push([
    `memory per connected socket (${plan.idlePairs * 2} sockets, RSS growth)`,
    `${((peak - baseline) / (plan.idlePairs * 2) / 1024).toFixed(1)} KB`,
    '≤ 30 KB',
  ]);
}

// 4. History pages on a small and a big database.
log(`history: 10,000 and ${plan.bigHistory.toLocaleString('en')} messages …`);
const small = await historyLatency(10_000);
const big = await historyLatency(plan.bigHistory);
rows.push([
  `history page of 50, ${small.messages.toLocaleString('en')} messages (p50 / p99)`,
  `${ms(small.p50)} / ${ms(small.p99)}`,
  'p50 ≤ 2 ms',
]);
rows.push([
  `history page of 50, ${big.messages.toLocaleString('en')} messages (p50 / p99)`,
  `${ms(big.p50)} / ${ms(big.p99)} (${(big.p50 / small.p50).toFixed(2)} × the small one)`,
  'p50 ≤ 2 ms, ≤ 1.5 × the small one',
]);

// 5. Catching up.
log('catch-up after 1,000 missed messages …');
const caught = await catchUp(1000);
rows.push([
  'reconnect after 1,000 missed messages → synced',
  `${ms(caught.ms)} (${caught.received} messages)`,
  '≤ 500 ms',
]);

// 6. Bundle sizes (built by `npm run build`).
for (const [file, what, budget] of [
  ['packages/elements/dist/palaver.js', 'drop-in palaver.js, min+gzip', '≤ 50 KB'],
  ['packages/elements/dist/palaver-badge.js', '<unread-badge> with the SDK, min+gzip', '≤ 30 KB'],
  ['packages/sdk/dist/bundle/palaver-sdk.js', 'SDK alone with socket.io-client, min+gzip', '—'],
] as const) {
  rows.push([what, `${(gzipSync(readFileSync(file), { level: 9 }).length / 1024).toFixed(1)} KB`, budget]);
}

const width = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0), 8));
const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(width[i] ?? 0)).join(' | ')} |`;
console.log(line(['what', 'measured', 'budget']));
console.log(line(width.map((w) => '-'.repeat(w))));
for (const row of rows) console.log(line(row));
