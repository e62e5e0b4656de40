/** Starting the servers under test and reading their CPU time and memory from /proc. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';

export const BENCH_SECRET = 'bench-secret-that-is-long-enough-for-hs256';

/** A token for `id` that the benchmark's servers accept (an hour long). */
export function benchToken(id: string): Promise<string> {
  return new SignJWT({ name: id })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(id)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(BENCH_SECRET));
}
const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * With two or more cores, the server under test runs on core 1 only (all its
 * threads) and the load generator on core 0: "the server on one core", and
 * neither steals time from the other. `taskset` comes with util-linux.
 */
let canPin: boolean | undefined;
function onCore(core: 0 | 1, args: string[]): [string, string[]] {
  // Asked once, when the first process starts (the load generator imports this module too).
  canPin ??= cpus().length >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  return canPin ? ['taskset', ['-c', String(core), process.execPath, ...args]] : [process.execPath, args];
}

export interface Running {
  child: ChildProcess;
  url: string;
  dir?: string;
  stop(): Promise<void>;
}

function waitForLine(child: ChildProcess, match: (line: string) => number | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const port = match(line);
      if (port) resolve(port);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

// BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the servers (Palaver and the relay) under load.
const serverNodeArgs = () => process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];

/** A Palaver node; pinned to core 1 unless `core` says otherwise (`'any'`: not pinned). */
export function startPalaver(env: Record<string, string> = {}, dbPath?: string, core: 1 | 'any' = 1): Promise<Running> {
  return startServerProcess(
    [...serverNodeArgs(), join(root, 'demo-server/bin/palaver-server.js')],
    env,
    dbPath,
    'ignore',
    core,
  );
}

/**
 * A fresh database on the PostgreSQL server of DATABASE_URL (the bench's
 * shell: `eval "$(bash scripts/services.sh start)"`), for one measured server;
 * undefined without one. Dropped by the returned function.
 */
export async function freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const admin = process.env.DATABASE_URL;
  if (!admin || !/^postgres(ql)?:\/\//.test(admin)) return undefined;
  const { default: pg } = await import('pg');
  const name = `palaver_bench_${process.pid}_${Date.now()}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export interface MemoryProbe extends Running {
  /** The server's memory right after a full garbage collection. */
  measure(): Promise<NodeJS.MemoryUsage>;
}

/** The Palaver server in a process that can collect its garbage and report its memory (bench/memory-probe.ts). */
export async function startMemoryProbe(env: Record<string, string> = {}): Promise<MemoryProbe> {
  const running = await startServerProcess(
    ['--expose-gc', '--import', 'tsx', join(root, 'bench/memory-probe.ts')],
    env,
    undefined,
    'pipe',
  );
  const { child } = running;
  const answers: Array<(usage: NodeJS.MemoryUsage) => void> = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    if (line.startsWith('{"rss"')) answers.shift()?.(JSON.parse(line) as NodeJS.MemoryUsage);
  });
  return {
    ...running,
    measure() {
      return new Promise((resolve) => {
        answers.push(resolve);
        child.stdin?.write('measure\n');
      });
    },
  };
}

async function startServerProcess(
  args: string[],
  env: Record<string, string>,
  dbPath: string | undefined,
  stdin: 'ignore' | 'pipe' = 'ignore',
  core: 1 | 'any' = 1,
): Promise<Running> {
  const dir = dbPath ? undefined : mkdtempSync(join(tmpdir(), 'palaver-bench-'));
  const child = spawn(...(core === 'any' ? ([process.execPath, args] as [string, string[]]) : onCore(core, args)), {
    env: {
      ...process.env,
      JWT_SECRET: BENCH_SECRET,
      PORT: '0',
      DATABASE_PATH: dbPath ?? join(dir as string, 'bench.db'),
      // The SQLite file above and no cluster, even where the shell names a PostgreSQL server and a Redis (CI does).
      DATABASE_URL: '',
      REDIS_URL: '',
      LOG_LEVEL: 'info',
      RATE_LIMIT_MESSAGES: '1000000',
      // Load, not limits, is measured: every write limit out of the way.
      RATE_LIMIT_OPENS: '1000000',
      RATE_LIMIT_EDITS: '1000000',
      RATE_LIMIT_DELETES: '1000000',
      RATE_LIMIT_TYPING: '1000000',
      RATE_LIMIT_READS: '1000000',
      ...env,
    },
    stdio: [stdin, 'pipe', 'inherit'],
  });
  const port = await waitForLine(child, (line) => {
    const match = /"port":(\d+)/.exec(line);
    return line.includes('listening on') && match ? Number(match[1]) : undefined;
  });
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    ...(dir ? { dir } : {}),
    async stop() {
      await stopChild(child);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startBareRelay(): Promise<Running> {
  const child = spawn(...onCore(1, [...serverNodeArgs(), '--import', 'tsx', join(root, 'bench/bare-relay.ts')]), {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await waitForLine(child, (line) =>
    line.startsWith('listening ') ? Number(line.split(' ')[1]) : undefined,
  );
  return { child, url: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

/** The process's resident memory now, in bytes. */
function rssBytes(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

/** CPU seconds used so far by every process of this name (e.g. all of PostgreSQL's backends). */
export function cpuSecondsOf(name: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === name) total += cpuSeconds(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

export interface LoadResult {
  target: string;
  sockets: number;
  offeredPerSecond: number;
  sent: number;
  acked: number;
  failed: number;
  received: number;
  deliveredPerSecond: number;
  p50: number;
  p99: number;
  p999: number;
  /** The server's CPU use while the load ran (1 = one core), set-up excluded. */
  serverCpu: number;
  /** Server CPU time per delivered message, in microseconds. */
  serverCpuPerMessageUs: number;
  /** The load generator's CPU use meanwhile: near 1, it (not the server) may be the limit. */
  generatorCpu: number;
  /** The server's resident memory at the end of the measured window, in bytes. */
  serverRss: number;
  /** CPU time per delivered message of each other process counted (`others`), in microseconds. */
  othersCpuPerMessageUs: Record<string, number>;
}

/**
 * Runs the load generator in its own process and returns its result line, with
 * the CPU time the server process (`serverPid`) spent between the generator's
 * `ready` and `measured` lines.
 */
export function runLoad(options: {
  url: string;
  target: 'palaver' | 'bare';
  pairs: number;
  rate: number;
  seconds: number;
  warmup?: number;
  serverPid: number;
  /** Other processes whose CPU time is counted too: name → CPU seconds used so far. */
  others?: Record<string, () => number>;
  /** Suppliers connect here (another node): every message crosses nodes. */
  supplierUrl?: string;
  /** Called when the measured window opens: every socket connected, every conversation open. */
  onReady?: () => void;
}): Promise<LoadResult> {
  const { serverPid, onReady, others = {}, ...load } = options;
  const readOthers = () => Object.fromEntries(Object.entries(others).map(([name, read]) => [name, read()]));
  const child = spawn(...onCore(0, ['--import', 'tsx', join(root, 'bench/load-generator.ts'), JSON.stringify(load)]), {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const generatorPid = child.pid as number;
  let window: { cpu: number; generator: number; at: number; others: Record<string, number> } | undefined;
  let used:
    | { cpu: number; generator: number; seconds: number; rss: number; others: Record<string, number> }
    | undefined;
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    if (line === 'ready') {
      window = {
        cpu: cpuSeconds(serverPid),
        generator: cpuSeconds(generatorPid),
        at: performance.now(),
        others: readOthers(),
      };
      onReady?.();
    } else if (line === 'measured' && window) {
      used = {
        cpu: cpuSeconds(serverPid) - window.cpu,
        generator: cpuSeconds(generatorPid) - window.generator,
        seconds: (performance.now() - window.at) / 1000,
        rss: rssBytes(serverPid),
        others: Object.fromEntries(
          Object.entries(readOthers()).map(([name, value]) => [name, value - (window?.others[name] ?? 0)]),
        ),
      };
    } else output += `${line}\n`;
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = output.trim().split('\n').pop() ?? '';
      try {
        const result = JSON.parse(line) as Omit<
          LoadResult,
          'serverCpu' | 'serverCpuPerMessageUs' | 'generatorCpu' | 'serverRss' | 'othersCpuPerMessageUs'
        >;
        if (!used) throw new Error('no measurement window');
        resolve({
          ...result,
          serverCpu: used.cpu / used.seconds,
          serverCpuPerMessageUs: (1e6 * used.cpu) / Math.max(result.received, 1),
          generatorCpu: used.generator / used.seconds,
          serverRss: used.rss,
          othersCpuPerMessageUs: Object.fromEntries(
            Object.entries(used.others).map(([name, cpu]) => [name, (1e6 * cpu) / Math.max(result.received, 1)]),
          ),
        });
      } catch {
        reject(new Error(`load generator failed (${code}): ${output.slice(-500)}`));
      }
    });
  });
}
