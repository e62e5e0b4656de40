/**
 * Browser-side helpers shared by the SDK's and the elements' browser tests:
 * real Palaver servers (started by the palaver-server plugin in Node, see
 * palaver-server-plugin.mjs), tokens signed there, clients for test users, and
 * waiting on store conditions.
 */

import { executeServerCommand } from '@web/test-runner-commands';
import type { ReadableAtom } from 'nanostores';
import {
  type ChatClient,
  type ChatClientOptions,
  type Conversation,
  createChatClient,
} from '../packages/sdk/src/index.js';

export interface TestUser {
  id: string;
  name: string;
  admin?: boolean;
}

export interface RunningServer {
  id: string;
  url: string;
}

export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  return (await executeServerCommand('palaver-start', {
    env: { CORS_ORIGIN: location.origin, ...env },
  })) as RunningServer;
}

export const killServer = (server: RunningServer) => executeServerCommand('palaver-kill', { id: server.id });
/** SIGKILL, then start again on the same port and database (optionally with changed settings). */
export const restartServer = (server: RunningServer, env?: Record<string, string>) =>
  executeServerCommand('palaver-restart', { id: server.id, ...(env ? { env } : {}) });
export const stopServer = (server: RunningServer) => executeServerCommand('palaver-stop', { id: server.id });
/** The server's Prometheus text (/metrics asks for a token, which the test runner holds). */
export const serverMetrics = async (server: RunningServer): Promise<string> =>
  (await executeServerCommand('palaver-metrics', { id: server.id })) as string;

export async function tokenFor(user: TestUser, expiresIn: string | number = '1h'): Promise<string> {
  return (await executeServerCommand('palaver-token', { user, expiresIn })) as string;
}

let unique = 0;
/** A user id no other test uses, so tests never share caches or conversations. */
export function uniqueUser(name: string, admin = false): TestUser {
  unique++;
  return { id: `${name.toLowerCase()}-${Date.now().toString(36)}-${unique}`, name, admin };
}

const clients: ChatClient[] = [];

/** A client for `user` against `server`; destroyed after the test by `destroyClients()`. */
export async function clientFor(
  server: RunningServer,
  user: TestUser,
  options: Partial<ChatClientOptions> = {},
): Promise<ChatClient> {
  const client = createChatClient({
    url: server.url,
    token: await tokenFor(user),
    reconnectionDelayMax: 500,
    namespace: `test-${server.id}`,
    ...options,
  });
  clients.push(client);
  return client;
}

export async function destroyClients(): Promise<void> {
  await Promise.all(clients.splice(0).map((client) => client.destroy()));
}

/** Resolves when `predicate` holds for the store's value; rejects with the last value after `timeoutMs`. */
export function waitForStore<T>(
  store: ReadableAtom<T>,
  predicate: (value: T) => boolean,
  timeoutMs = 15000,
  what = 'condition',
): Promise<T> {
  return new Promise((resolve, reject) => {
    let unsubscribe: (() => void) | undefined;
    const timer = setTimeout(() => {
      unsubscribe?.();
      reject(new Error(`timed out waiting for ${what}; last value: ${describe(store.get())}`));
    }, timeoutMs);
    unsubscribe = store.subscribe((value) => {
      if (!predicate(value)) return;
      clearTimeout(timer);
      queueMicrotask(() => unsubscribe?.());
      resolve(value);
    });
  });
}

/** A product token for `productRef` sold by `supplier`, signed as the marketplace's backend would. */
export async function productTokenFor(
  productRef: { id: string; title: string; price?: string; imageUrl?: string; url?: string },
  supplier: TestUser,
  expiresIn: string | number = '1h',
): Promise<string> {
  return (await executeServerCommand('palaver-product-token', {
    product: productRef,
    supplier: { id: supplier.id, name: supplier.name },
    expiresIn,
  })) as string;
}

export const product = (id = 'p-mug') => ({ id, title: `Product ${id}`, price: '€18.00' });

/** A fresh buyer, online, with a product conversation opened with a fresh supplier. */
export async function buyerInConversation(
  server: RunningServer,
  productId: string,
  options: Partial<ChatClientOptions> = {},
): Promise<{ client: ChatClient; buyer: TestUser; supplier: TestUser; conversation: Conversation }> {
  const buyer = uniqueUser('Buyer');
  const supplier = uniqueUser('Supplier');
  const client = await clientFor(server, buyer, options);
  await client.connect();
  await waitForStore(client.$connection, (s) => s === 'online');
  const conversation = await client.openProductConversation({
    productToken: await productTokenFor(product(productId), supplier),
  });
  return { client, buyer, supplier, conversation };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) {
    const seqs = value.map((item: { seq?: number; body?: string }) => `${item.seq}:${item.body?.slice(0, 12)}`);
    return `${value.length} items [${seqs.slice(0, 5).join(', ')} … ${seqs.slice(-5).join(', ')}]`;
  }
  return JSON.stringify(value)?.slice(0, 500) ?? String(value);
}
