import { type ChatClient, type ChatClientOptions, createChatClient } from '@palaver/sdk';

/**
 * The page-wide client that elements use when none is given to them through
 * their `client` property. Set it once with `configure()`.
 */
let shared: ChatClient | undefined;
const waiting = new Set<(client: ChatClient) => void>();

/**
 * Configures Palaver for the whole page:
 *
 * ```js
 * import { configure } from './palaver.js';
 * configure({ url: 'https://chat.shop.example', token: () => fetch('/palaver-token').then((r) => r.text()) });
 * ```
 *
 * Pass an existing client instead of options to share one you created.
 */
export function configure(options: ChatClientOptions | ChatClient): ChatClient {
  const client = 'messagesOf' in options ? options : createChatClient(options);
  shared = client;
  // Safe to drop: connect() fails only for a destroyed client; $connection tells the rest.
  void client.connect().catch(() => undefined);
  for (const notify of waiting) notify(client);
  return client;
}

/** The client given to `configure()`, if any. */
export function configuredClient(): ChatClient | undefined {
  return shared;
}

/** Calls `listener` when (or once) the page-wide client exists; returns a function that stops listening. */
export function whenConfigured(listener: (client: ChatClient) => void): () => void {
  if (shared) {
    listener(shared);
    return () => undefined;
  }
  waiting.add(listener);
  return () => waiting.delete(listener);
}
