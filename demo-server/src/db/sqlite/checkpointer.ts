import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the event loop. Left to itself, SQLite checkpoints inside
 * the commit that takes the log past 1,000 pages: that commit copies the pages
 * into the database file and syncs it while every socket event waits behind it
 * (tens of milliseconds, in the middle of a burst). Instead, a worker thread
 * with a connection of its own runs a PASSIVE checkpoint (it never blocks the
 * writer) every `intervalMs`, and the main connection checkpoints by itself
 * only as a safety net, if the log ever grows past `SAFETY_NET_PAGES`.
 */
// Far above what 500 ms of commits write at the benchmark's ceiling (~25,000 pages of 4 KB).
export const SAFETY_NET_PAGES = 40_000;

export interface Checkpointer {
  /** Stops the worker and closes its connection (before the main connection closes, so that one cleans up). */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  path: string;
  intervalMs: number;
  /** Called after each checkpoint that copied something into the database file. */
  onCheckpoint(): void;
  onError(error: Error): void;
}

// CommonJS, evaluated in the worker: it only needs better-sqlite3 and a timer.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
let last = '';
const timer = setInterval(() => {
  try {
    // { busy, log, checkpointed }: frames in the log and how many of them are in the database file.
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    const state = result.log + '/' + result.checkpointed;
    if (result.checkpointed > 0 && state !== last) parentPort.postMessage({ checkpointed: result.checkpointed });
    last = state;
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export function startCheckpointer(options: CheckpointerOptions): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, path: options.path, intervalMs: options.intervalMs },
  });
  // The worker must not keep a stopping process alive.
  worker.unref();
  worker.on('message', (message: { checkpointed?: number; error?: string }) => {
    if (message.error) options.onError(new Error(`WAL checkpoint failed: ${message.error}`));
    if (message.checkpointed !== undefined) options.onCheckpoint();
  });
  worker.on('error', (error) => options.onError(error));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        worker.ref(); // now something waits for it
        worker.postMessage('stop');
        await exited;
      })();
      return stopping;
    },
  };
}
