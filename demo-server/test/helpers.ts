/**
 * Test harness: a real Palaver server on a free port with a real SQLite file in a
 * temporary folder, reached through real socket.io-client sockets and fetch.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type {
  AckResponse,
  ClientToServerEvents,
  Conversation,
  HandshakeAuth,
  Message,
  ProductRef,
  ServerToClientEvents,
} from '@palaver/protocol';
import { io, type Socket } from 'socket.io-client';
import { productOpenWith, signProductTokenSync } from '../../test-support/product-token.js';
import { loadConfig } from '../src/config.js';
import type { Logger } from '../src/logger.js';
import { createPalaverServer, type PalaverServer } from '../src/server.js';
import { signToken } from '../src/transport/auth.js';
import { databaseEnv, dropDatabase } from './test-database.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256';
/** What the test servers ask for on `/metrics` (see `metricsText`). */
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789';

/**
 * Write limits far above what a test does, so tests about something else never
 * meet them; tests of the limits set their own.
 */
export const GENEROUS_LIMITS: Record<string, string> = {
  RATE_LIMIT_OPENS: '100000',
  RATE_LIMIT_EDITS: '100000',
  RATE_LIMIT_DELETES: '100000',
  RATE_LIMIT_TYPING: '100000',
  RATE_LIMIT_READS: '100000',
  RATE_LIMIT_SAFETY: '100000',
  RATE_LIMIT_MODERATION: '100000',
  RATE_LIMIT_REACTIONS: '100000',
};

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestUser {
  id: string;
  name: string;
  admin?: boolean;
}

export const alice: TestUser = { id: 'buyer-alice', name: 'Alice' };
export const bob: TestUser = { id: 'supplier-bob', name: 'Bob Supplies' };
export const carol: TestUser = { id: 'buyer-carol', name: 'Carol' };
export const sam: TestUser = { id: 'admin-sam', name: 'Sam', admin: true };

export const product = { id: 'p-mug', title: 'Stoneware mug', price: '€18.00', imageUrl: '/img/mug.svg' };

export interface TestServer {
  server: PalaverServer;
  url: string;
  dbPath: string;
  /** DATABASE_PATH or DATABASE_URL of this server's database (for `openReader`). */
  databaseEnv: Record<string, string>;
  dir: string;
  token(user: TestUser, expiresIn?: string | number): Promise<string>;
  /** The Prometheus text of `/metrics` (with the metrics token). */
  metricsText(): Promise<string>;
  /** A socket of this user; `handshake` adds to its handshake's `auth` (beside the token). */
  connect(user: TestUser, handshake?: Omit<HandshakeAuth, 'token'>): Promise<ClientSocket>;
  /** A REST call as this user (or anonymous with `null`). */
  rest<T = unknown>(
    user: TestUser | null,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startTestServer(
  env: Record<string, string> = {},
  dir?: string,
  logger?: Logger,
): Promise<TestServer> {
  const folder = dir ?? mkdtempSync(join(tmpdir(), 'palaver-test-'));
  const dbPath = join(folder, 'palaver.db');
  const database = await databaseEnv(folder);
  const config = loadConfig({
    JWT_SECRET: TEST_SECRET,
    PORT: '0',
    ...database,
    // Beside the SQLite file; on PostgreSQL too (never ./data of the working folder).
    ATTACHMENT_DIR: join(folder, 'attachments'),
    LOG_LEVEL: 'silent',
    PRESENCE_GRACE_MS: '50',
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    ...GENEROUS_LIMITS,
    ...env,
  });
  const server = await createPalaverServer(config, logger);
  const { url } = await server.start();
  const sockets: ClientSocket[] = [];
  const token = (user: TestUser, expiresIn?: string | number) =>
    signToken(TEST_SECRET, { id: user.id, name: user.name, admin: user.admin ?? false }, expiresIn);
  return {
    server,
    url,
    dbPath,
    databaseEnv: database,
    dir: folder,
    token,
    async metricsText() {
      const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
      if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
      return response.text();
    },
    async connect(user, handshake) {
      const socket = await connectSocket(url, await token(user), handshake);
      sockets.push(socket);
      return socket;
    },
    async rest(user, method, path, body) {
      const headers: Record<string, string> = {};
      if (user) headers.authorization = `Bearer ${await token(user)}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(url + path, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as never };
    },
    async close() {
      for (const socket of sockets) socket.disconnect();
      await server.close();
      if (!dir) {
        await dropDatabase(folder);
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}

/** Connects and resolves once connected; rejects with the server's `{ code, message }` when refused. */
export function connectSocket(
  url: string,
  token: unknown,
  handshake: Omit<HandshakeAuth, 'token'> = {},
): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    auth: token === undefined ? handshake : { ...handshake, token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.close();
      reject(Object.assign(new Error(error.message), { data: error.data }));
    });
  });
}

type EventPayload<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];
type EventAck<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1];
type AckOf<E extends keyof ClientToServerEvents> =
  NonNullable<EventAck<E>> extends (response: infer R) => void ? R : never;

/** Emits a client event and resolves with its acknowledgement. */
export function request<E extends keyof ClientToServerEvents>(
  socket: ClientSocket,
  event: E,
  payload: EventPayload<E>,
): Promise<AckOf<E>> {
  return (socket.timeout(5000).emitWithAck as (event: string, payload: unknown) => Promise<AckOf<E>>)(event, payload);
}

/** Like `request` but fails the test unless the server said ok. */
export async function ok<E extends keyof ClientToServerEvents>(
  socket: ClientSocket,
  event: E,
  payload: EventPayload<E>,
): Promise<Extract<AckOf<E>, { ok: true }>> {
  const response = (await request(socket, event, payload)) as AckResponse;
  if (!response.ok) throw new Error(`${event} failed: ${response.error.code} ${response.error.message}`);
  return response as Extract<AckOf<E>, { ok: true }>;
}

/** Records every payload of a server event on a socket. */
export function record<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
): Array<Parameters<ServerToClientEvents[E]>[0]> {
  const seen: Array<Parameters<ServerToClientEvents[E]>[0]> = [];
  (socket.on as (event: string, listener: (payload: unknown) => void) => void)(event, (payload) => {
    seen.push(payload as Parameters<ServerToClientEvents[E]>[0]);
  });
  return seen;
}

/** Resolves with the first payload of `event` that matches, or rejects after `timeoutMs`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  matches: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 3000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const on = socket.on.bind(socket) as (event: string, listener: (payload: never) => void) => void;
    const off = socket.off.bind(socket) as (event: string, listener: (payload: never) => void) => void;
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!matches(payload)) return;
      clearTimeout(timer);
      off(event, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      off(event, listener);
      reject(new Error(`no matching "${event}" within ${timeoutMs} ms`));
    }, timeoutMs);
    on(event, listener);
  });
}

/**
 * Waits until the server has handled everything this socket sent before and
 * everything it emitted to it since: a round trip through the server. Use it
 * to assert that an event did *not* arrive.
 */
export async function settle(...sockets: ClientSocket[]): Promise<void> {
  for (const socket of sockets) {
    await request(socket, 'messages:history', { conversationId: 'settle-probe' });
  }
}

/** A product conversation's open payload, vouched for by a product token signed with the test secret. */
export function productOpen(input: { product: ProductRef; supplierId: string; supplierName: string }) {
  return productOpenWith(TEST_SECRET, input);
}

/** A product token for a product sold by `supplier`, signed with the test secret. */
export function productTokenFor(productRef: ProductRef, supplier: TestUser): string {
  return signProductTokenSync(TEST_SECRET, productRef, { id: supplier.id, name: supplier.name });
}

export async function openProduct(socket: ClientSocket, supplier: TestUser = bob): Promise<Conversation> {
  const { conversation } = await ok(
    socket,
    'conversation:open',
    productOpen({ product, supplierId: supplier.id, supplierName: supplier.name }),
  );
  return conversation;
}

let counter = 0;
export const newClientId = () => `c-${process.pid}-${Date.now()}-${++counter}`;

export async function send(socket: ClientSocket, conversationId: string, body: string): Promise<Message> {
  const { message } = await ok(socket, 'message:send', { clientId: newClientId(), conversationId, body });
  return message;
}

/** Emits any event name with any payload (for hostile-client tests) and resolves with the raw ack. */
export function rawRequest(socket: ClientSocket, event: string, payload: unknown, timeoutMs = 5000): Promise<unknown> {
  const untyped = socket as unknown as Socket;
  return untyped.timeout(timeoutMs).emitWithAck(event, payload);
}

const serverEntry = fileURLToPath(new URL('../src/bin/palaver-server.ts', import.meta.url));

/** A `palaver-server` process, as an operator runs it. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Sends the signal and resolves with the exit code once the process has exited. */
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<number | null>;
}

/** Runs `palaver-server` as its own process, as an operator would, and waits until it listens. */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', serverEntry], {
    env: { ...process.env, JWT_SECRET: TEST_SECRET, PORT: '0', LOG_LEVEL: 'info', ...GENEROUS_LIMITS, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    void exited.then((code) => reject(new Error(`server exited early with ${code}`)));
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg?.startsWith('listening on')) resolve(`http://127.0.0.1:${entry.port}`);
    });
  });
  return {
    child,
    url,
    stop(signal) {
      child.kill(signal);
      return exited;
    },
  };
}

/** A socket of this user on the server at `url`. */
export const connectAs = async (url: string, user: TestUser): Promise<ClientSocket> =>
  connectSocket(url, await signToken(TEST_SECRET, user));

/**
 * Two nodes of one cluster, in this process: one PostgreSQL database (the
 * test database of one folder) and one Redis, under a key prefix of their own
 * so that clusters of tests running at once never hear each other.
 */
export async function startCluster(env: Record<string, string> = {}): Promise<{
  a: TestServer;
  b: TestServer;
  close(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'palaver-cluster-'));
  const shared = {
    REDIS_URL: process.env.REDIS_URL ?? '',
    REDIS_PREFIX: `palaver-test-${process.pid}-${++counter}`,
    ...env,
  };
  const a = await startTestServer(shared, dir);
  const b = await startTestServer(shared, dir);
  return {
    a,
    b,
    async close() {
      await a.close();
      await b.close();
      await dropDatabase(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
