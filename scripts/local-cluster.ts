/**
 * A Palaver cluster on loopback, as docs/deployment.md describes it: nginx
 * (Debian's `nginx`) in front of several `palaver-server` nodes sharing one
 * PostgreSQL database and one Redis. The cluster tests drive it (killing and
 * restarting nodes); run it by hand to try a deployment:
 *
 *   eval "$(bash scripts/services.sh start)"   # PostgreSQL and Redis
 *   npx tsx scripts/local-cluster.ts           # nginx + 2 nodes; Ctrl-C stops them
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';

const serverEntry = fileURLToPath(new URL('../demo-server/src/bin/palaver-server.ts', import.meta.url));

/** Debian's nginx lives in /usr/sbin, which is not on every user's PATH. */
export const nginxBinary = (): string | undefined =>
  process.env.NGINX_PATH ?? ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path));

/**
 * The nginx configuration of docs/deployment.md for these nodes. `balance`
 * is `ip_hash` in production (sticky, so the HTTP long-polling fallback
 * works); the tests use round robin (`''`) with WebSocket-only clients, so that
 * clients on one loopback address still land on every node.
 */
export function nginxConfig(options: { dir: string; port: number; nodePorts: number[]; balance: string }): string {
  const { dir, port, nodePorts, balance } = options;
  const runningAsRoot = process.getuid?.() === 0;
  return `${runningAsRoot ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;

  map $http_upgrade $connection_upgrade { default upgrade; '' close; }

  upstream palaver {
    ${balance ? `${balance};` : '# round robin: WebSocket-only clients'}
${nodePorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=1s;`).join('\n')}
  }

  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://palaver;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # A node that refuses or dies before answering: try the next one.
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 2s;
      proxy_read_timeout 75s;
    }
  }
}
`;
}

export interface ClusterNode {
  readonly port: number;
  readonly url: string;
  child: ChildProcess | undefined;
  /** Starts the node (again) on its port and resolves once it listens. */
  start(): Promise<void>;
  /** Sends the signal and resolves with the exit code once the process has exited. */
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<number | null>;
}

export interface LocalCluster {
  /** nginx, in front of every node. */
  readonly url: string;
  readonly nodes: ClusterNode[];
  close(): Promise<void>;
}

function startNode(port: number, env: Record<string, string>): ClusterNode {
  const node: ClusterNode = {
    port,
    url: `http://127.0.0.1:${port}`,
    child: undefined,
    start() {
      const child = spawn(process.execPath, ['--import', 'tsx', serverEntry], {
        env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      node.child = child;
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      return new Promise((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`node on port ${port} exited early with ${code}`)));
        lines.on('line', (line) => {
          if (line.includes('"listening on')) resolve();
        });
      });
    },
    stop(signal) {
      const child = node.child;
      if (!child || child.exitCode !== null || child.signalCode !== null)
        return Promise.resolve(child?.exitCode ?? null);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill(signal);
      return exited;
    },
  };
  return node;
}

/** Starts nginx and `nodeCount` nodes sharing the database and Redis of `env` (DATABASE_URL, REDIS_URL, …). */
export async function startLocalCluster(options: {
  env: Record<string, string>;
  nodeCount?: number;
  balance?: string;
}): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'palaver-nginx-'));
  mkdirSync(join(dir, 'tmp'));
  const nodePorts = await Promise.all(Array.from({ length: options.nodeCount ?? 2 }, () => freePort()));
  const nodes = nodePorts.map((port) => startNode(port, options.env));
  // One after the other: the first applies the migrations, the others find them applied.
  for (const node of nodes) await node.start();
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig({ dir, port, nodePorts, balance: options.balance ?? '' }));
  const nginxPath = nginxBinary();
  if (!nginxPath) throw new Error('nginx is not installed (Debian: apt-get install nginx)');
  const test = spawnSync(nginxPath, ['-t', '-p', dir, '-c', conf, '-e', join(dir, 'error.log')], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx refused its configuration:\n${test.stderr}`);
  const nginx = spawn(nginxPath, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], { stdio: 'inherit' });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await fetch(`${url}/ready`)).ok) break;
    } catch {
      // nginx not listening yet
    }
    if (attempt > 100) throw new Error('nginx did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    nodes,
    async close() {
      await Promise.all(nodes.map((node) => node.stop('SIGTERM')));
      const stopped = new Promise((resolve) => nginx.once('exit', resolve));
      nginx.kill('SIGQUIT');
      await stopped;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { DATABASE_URL, REDIS_URL } = process.env;
  if (!DATABASE_URL || !REDIS_URL) {
    process.stderr.write('Set DATABASE_URL and REDIS_URL first: eval "$(bash scripts/services.sh start)"\n');
    process.exit(1);
  }
  const cluster = await startLocalCluster({
    env: { DATABASE_URL, REDIS_URL, JWT_SECRET: process.env.JWT_SECRET ?? 'local-cluster-secret-that-is-long-enough' },
    balance: 'ip_hash',
  });
  process.stdout.write(`Palaver cluster: ${cluster.url} (nginx) → ${cluster.nodes.map((n) => n.url).join(', ')}\n`);
  process.on('SIGINT', () => void cluster.close().then(() => process.exit(0)));
}
