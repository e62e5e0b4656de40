/** Starting the servers under test and reading their CPU time and memory from /proc. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const BENCH_SECRET = 'bench-secret-that-is-long-enough-for-hs256';
const root = fileURLToPath(new URL('..', import.meta.url));

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

export async function startPalaver(env: Record<string, string> = {}, dbPath?: string): Promise<Running> {
  const dir = dbPath ? undefined : mkdtempSync(join(tmpdir(), 'palaver-bench-'));
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under load.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'demo-server/bin/palaver-server.js')], {
    env: {
      ...process.env,
      JWT_SECRET: BENCH_SECRET,
      PORT: '0',
      DATABASE_PATH: dbPath ?? join(dir as string, 'bench.db'),
      LOG_LEVEL: 'info',
      RATE_LIMIT_MESSAGES: '1000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
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
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/bare-relay.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await waitForLine(child, (line) =>
    line.startsWith('listening ') ? Number(line.split(' ')[1]) : undefined,
  );
  return { child, url: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
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
}

/** Runs the load generator in its own process and returns its result line. */
export function runLoad(options: {
  url: string;
  target: 'palaver' | 'bare';
  pairs: number;
  rate: number;
  seconds: number;
}): Promise<LoadResult> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench/load-generator.ts'), JSON.stringify({ ...options, secret: BENCH_SECRET })],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = output.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as LoadResult);
      } catch {
        reject(new Error(`load generator failed (${code}): ${output.slice(-500)}`));
      }
    });
  });
}
