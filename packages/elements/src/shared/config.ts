import { type ChatClient, type ChatClientOptions, createChatClient } from '@palaver/sdk';

/**
 * The page-wide client that elements use when none is given to them through
 * their `client` property. Set it once with `configure()`.
 *
 * It lives on `globalThis` under a `Symbol.for` key, not in this module: a page
 * may load Palaver twice (`palaver-badge.js` in the header, `palaver.js` on a
 * product page, or two copies bundled by two teams), and every copy must see
 * the same configuration and talk through the same connection, in any load order.
 */
interface PageClient {
  client: ChatClient | undefined;
  /** What the client was created from (server and user): a second `configure()` with the same reuses it. */
  identity: string | undefined;
  /** Elements of every copy waiting for (or following) the page's client. */
  listeners: Set<(client: ChatClient) => void>;
}

const REGISTRY = Symbol.for('palaver.page-client.v1');

function pageClient(): PageClient {
  const scope = globalThis as { [REGISTRY]?: PageClient };
  scope[REGISTRY] ??= { client: undefined, identity: undefined, listeners: new Set() };
  return scope[REGISTRY];
}

const identityOf = (options: ChatClientOptions): string =>
  JSON.stringify([options.url ?? '', options.userId ?? '', options.namespace ?? ''], null, 0);

/**
 * Configures Palaver for the whole page:
 *
 * ```js
 * import { configure } from './palaver.js';
 * configure({
 *   url: 'https://chat.shop.example',
 *   token: () => fetch('/palaver-token').then((r) => r.text()),
 *   userId: 'u-42', // the signed-in user: lets the client start offline, from its cache
 * });
 * ```
 *
 * Pass an existing client instead of options to share one you created.
 * Calling it again with the same server and user (from another bundle, say)
 * returns the client that exists; with another user it replaces it (the old
 * one is destroyed, every element moves to the new one).
 */
export function configure(options: ChatClientOptions | ChatClient): ChatClient {
  const page = pageClient();
  const given = 'messagesOf' in options ? options : undefined;
  const identity = given ? undefined : identityOf(options as ChatClientOptions);
  if (page.client && (page.client === given || (identity !== undefined && identity === page.identity))) {
    return page.client;
  }
  const previous = page.client;
  const client = given ?? createChatClient(options as ChatClientOptions);
  page.client = client;
  page.identity = identity;
  // Safe to drop: connect() fails only for a destroyed client; $connection tells the rest.
  void client.connect().catch(() => undefined);
  for (const notify of page.listeners) notify(client);
  // Safe to drop: destroying only closes the old socket and storage.
  if (previous) void previous.destroy().catch(() => undefined);
  return client;
}

/** The client given to `configure()` (by any copy of Palaver on the page), if any. */
export function configuredClient(): ChatClient | undefined {
  return pageClient().client;
}

/**
 * Calls `listener` with the page-wide client now if there is one, and again
 * each time `configure()` sets another; returns a function that stops listening.
 */
export function whenConfigured(listener: (client: ChatClient) => void): () => void {
  const page = pageClient();
  page.listeners.add(listener);
  if (page.client) listener(page.client);
  return () => page.listeners.delete(listener);
}
