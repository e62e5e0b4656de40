/**
 * The Palaver server (the same `createPalaverServer` the launcher runs) in a
 * process that can also be asked for its memory: run with `--expose-gc`, it
 * prints `listening on … "port":N`, and for each `measure` line on stdin
 * collects garbage and prints one JSON line of `process.memoryUsage()`. The
 * benchmark reads it before and after a thousand sockets connect, so garbage
 * not yet collected does not count as memory the sockets keep.
 */
import { createInterface } from 'node:readline';
import { loadConfig } from '../demo-server/src/config.js';
import { createLogger } from '../demo-server/src/logger.js';
import { createPalaverServer } from '../demo-server/src/server.js';

const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('run with --expose-gc');

const server = await createPalaverServer(loadConfig(process.env), createLogger('warn'));
const { port, url } = await server.start();
process.stdout.write(`listening on ${url} {"port":${port}}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line !== 'measure') return;
  // Twice: the first pass may leave objects that only the second frees (weak references, finalizers).
  collect();
  collect();
  process.stdout.write(`${JSON.stringify(process.memoryUsage())}\n`);
});
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
