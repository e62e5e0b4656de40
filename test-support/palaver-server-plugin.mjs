/**
 * A web-test-runner plugin that lets browser tests drive real Palaver servers:
 * start one on a free port with a fresh SQLite file, kill it (SIGKILL), start
 * it again on the same port and file, sign tokens. Browser code calls these
 * through `executeServerCommand` from `@web/test-runner-commands`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const serverBin = join(root, 'demo-server', 'bin', 'palaver-server.js');
export const TEST_JWT_SECRET = 'browser-tests-secret-that-is-long-enough';
/** /metrics is not public: the test servers ask for this token (see the `palaver-metrics` command). */
const TEST_METRICS_TOKEN = 'browser-tests-metrics-token';

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function launch(server) {
  const child = spawn(process.execPath, [serverBin], {
    env: {
      ...process.env,
      JWT_SECRET: TEST_JWT_SECRET,
      HOST: '127.0.0.1',
      PORT: String(server.port),
      DATABASE_PATH: server.dbPath,
      // The SQLite file above and no cluster, even where the shell names a PostgreSQL server and a Redis (CI does).
      DATABASE_URL: '',
      REDIS_URL: '',
      LOG_LEVEL: 'info',
      PRESENCE_GRACE_MS: '100',
      METRICS_TOKEN: TEST_METRICS_TOKEN,
      // Write limits far above what a test does; tests of a limit set their own.
      RATE_LIMIT_OPENS: '100000',
      RATE_LIMIT_EDITS: '100000',
      RATE_LIMIT_DELETES: '100000',
      RATE_LIMIT_TYPING: '100000',
      RATE_LIMIT_READS: '100000',
      RATE_LIMIT_REACTIONS: '100000',
      ...server.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  server.child = child;
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const onExit = (code) => reject(new Error(`palaver-server exited with ${code} before listening`));
    child.once('exit', onExit);
    lines.on('line', (line) => {
      if (line.includes('"listening on')) {
        child.off('exit', onExit);
        resolve();
      }
    });
  });
}

async function stop(server, signal) {
  const child = server.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

export function palaverServerPlugin() {
  const servers = new Map();
  let next = 0;
  return {
    name: 'palaver-server',
    async executeCommand({ command, payload }) {
      switch (command) {
        case 'palaver-start': {
          const id = `s${++next}`;
          const dir = mkdtempSync(join(tmpdir(), 'palaver-wtr-'));
          const server = { id, dir, dbPath: join(dir, 'palaver.db'), port: await freePort(), env: payload?.env ?? {} };
          servers.set(id, server);
          await launch(server);
          return { id, url: `http://127.0.0.1:${server.port}` };
        }
        case 'palaver-kill':
          await stop(servers.get(payload.id), 'SIGKILL');
          return true;
        case 'palaver-restart': {
          const server = servers.get(payload.id);
          if (payload.env) server.env = { ...server.env, ...payload.env };
          await stop(server, 'SIGKILL');
          await launch(server);
          return true;
        }
        case 'palaver-stop': {
          const server = servers.get(payload.id);
          await stop(server, 'SIGTERM');
          rmSync(server.dir, { recursive: true, force: true });
          servers.delete(payload.id);
          return true;
        }
        case 'palaver-metrics': {
          // Fetched here, not in the page: the token stays out of browser code.
          const server = servers.get(payload.id);
          const response = await fetch(`http://127.0.0.1:${server.port}/metrics`, {
            headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` },
          });
          return response.text();
        }
        case 'palaver-token': {
          const { user, expiresIn = '1h' } = payload;
          const claims = { name: user.name, ...(user.admin ? { role: 'admin' } : {}) };
          return new SignJWT(claims)
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject(user.id)
            .setIssuedAt()
            .setExpirationTime(expiresIn)
            .sign(new TextEncoder().encode(TEST_JWT_SECRET));
        }
        case 'palaver-product-token': {
          // As a marketplace's backend signs it: the card and the supplier, HS256 with the server's secret.
          const { product, supplier, expiresIn = '1h' } = payload;
          return new SignJWT({ typ: 'palaver-product', product, supplier })
            .setProtectedHeader({ alg: 'HS256' })
            .setIssuedAt()
            .setExpirationTime(expiresIn)
            .sign(new TextEncoder().encode(TEST_JWT_SECRET));
        }
        default:
          return undefined;
      }
    },
    async serverStop() {
      for (const server of servers.values()) {
        await stop(server, 'SIGKILL');
        rmSync(server.dir, { recursive: true, force: true });
      }
    },
  };
}
