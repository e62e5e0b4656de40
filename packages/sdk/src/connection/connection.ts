import type { AckResponse, ChatUser, ServerToClientEvents } from '@palaver/protocol';
import { atom, type ReadableAtom } from 'nanostores';
import { ChatError } from '../errors.js';
import { type Signal, signal } from '../state/signal.js';
import { retryDelay } from './backoff.js';
import { expiryOf, type TokenSource, userFromToken } from './token.js';
import { tokenRefresh } from './token-refresh.js';
import type { ClientEvent, PayloadOf, ResultOf, ServerEvent, Transport } from './transport.js';

/**
 * - `idle`: not started (`connect()` not called yet)
 * - `connecting`: first connection in progress
 * - `online`: connected and live
 * - `offline`: connection lost or server unreachable; retrying by itself, sends are queued
 * - `unauthorized`: the server refused the token and no fresh one could be had (a token
 *   given as a string that expired or was revoked ends here: pass a provider function,
 *   or `setToken` a new one)
 * - `closed`: `disconnect()`, `logout()` or `destroy()` was called
 */
export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'offline' | 'unauthorized' | 'closed';

/** A server event as the transport delivered it. */
export type ServerMessage = {
  [E in ServerEvent]: { event: E; payload: Parameters<ServerToClientEvents[E]>[0] };
}[ServerEvent];

export interface ConnectionOptions {
  transport: Transport;
  token: TokenSource;
  /** The user's id when the token cannot be had (offline start). */
  userId: string | undefined;
  /** Called before connecting as `user` (the client opens that user's local data). */
  prepare(user: ChatUser): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 15_000;
/** Consecutive refusals with freshly fetched tokens before giving up (no refresh loop). */
const MAX_TOKEN_REFUSALS = 3;

function unwrap<T extends object>(answer: AckResponse<T>): T {
  if (!answer.ok) throw ChatError.from(answer.error);
  const { ok: _ok, ...result } = answer as { ok: true } & T;
  return result as T;
}

/** The connection as the rest of the client sees it. */
export interface Connection {
  readonly $status: ReadableAtom<ConnectionStatus>;
  /** Each time a connection is up (after every reconnection too). */
  readonly connected: Signal<void>;
  /** Every server event, in order. */
  readonly events: Signal<ServerMessage>;
  readonly isConnected: boolean;
  /** Fetches a token, prepares its user and connects; reconnects by itself from then on. */
  start(): Promise<void>;
  /** Closes the connection; `destroy` also makes it final. */
  stop(destroy?: boolean): void;
  /** Replaces the token (or provider) and reconnects. */
  setToken(token: TokenSource): void;
  /** Sends a request and resolves with the server's answer; rejects with a `ChatError`. */
  request<E extends ClientEvent>(event: E, payload: PayloadOf<E>, timeoutMs?: number): Promise<ResultOf<E>>;
  /** Fire-and-forget; dropped when not connected. */
  notify<E extends ClientEvent>(event: E, payload: PayloadOf<E>): void;
  /** A token for a REST call: the one the socket runs on while it lasts, else a fresh one from the source. */
  token(): Promise<string>;
}

/**
 * The connection to the server: status, tokens (and their refusals),
 * reconnection, the browser's online/offline events, and the transport.
 * Others listen to `connected` and `events`; it calls no one but `prepare`.
 * (A closure rather than a class: its private names minify.)
 */
export function createConnection(options: ConnectionOptions): Connection {
  const { transport } = options;
  const $status = atom<ConnectionStatus>('idle');
  const connected = signal<void>();
  const events = signal<ServerMessage>();
  let tokenSource = options.token;
  let started = false;
  let closed = false;
  let refusals = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** The token the connection runs on now (the last one the server took). */
  let currentToken: string | undefined;
  /** The server said it would close the socket (`session:ended`): the token expired or was revoked. */
  let ended = false;
  const hasWindow = typeof window !== 'undefined' && typeof window.addEventListener === 'function';

  // The browser knows before any socket timeout when the network goes: close at
  // once (sends queue up), and reconnect as soon as it is back.
  const onBrowserOffline = (): void => {
    if (closed || !started) return;
    transport.close();
    $status.set('offline');
  };
  const onBrowserOnline = (): void => {
    if (closed || !started || transport.connected) return;
    void reconnect();
  };

  const fetchToken = async (): Promise<string> => (typeof tokenSource === 'string' ? tokenSource : await tokenSource());

  const refresh = tokenRefresh({
    canRefresh: () => !closed && typeof tokenSource === 'function' && transport.connected,
    fetchToken,
    send: (token) => request('auth:refresh', { token }),
    refreshed: (token) => {
      currentToken = token;
      transport.setToken(token);
    },
  });

  const open = (token: string): void => {
    currentToken = token;
    transport.open(token, {
      connected: () => {
        refusals = 0;
        ended = false;
        $status.set('online');
        connected.emit();
        // (With a fixed token the planned refresh finds nothing to ask and does nothing.)
        refresh.schedule(currentToken as string);
      },
      disconnected: (_willRetry, byServer) => {
        if (closed || $status.get() === 'unauthorized') return;
        $status.set('offline');
        if (!byServer) return;
        // The server closed the socket: its session ended (the token expired or was
        // revoked) or the server is stopping. Socket.IO does not reconnect after that.
        refresh.cancel();
        if (typeof tokenSource !== 'function' && ended) {
          // A fixed token that ended cannot get better: say so instead of knocking again and again.
          $status.set('unauthorized');
          return;
        }
        scheduleReconnect(retryDelay(1));
      },
      refused: (reason) => {
        refusals++;
        if (typeof tokenSource !== 'function' || refusals > MAX_TOKEN_REFUSALS) {
          $status.set('unauthorized');
          transport.close();
          return;
        }
        // Expired or refused: fetch a fresh token after a growing pause (never a tight refresh loop).
        $status.set(reason.code === 'token_expired' ? 'connecting' : 'offline');
        scheduleReconnect(retryDelay(refusals));
      },
      event: (event, payload, unread) => {
        if (event === 'session:ended') ended = true;
        events.emit({ event, payload } as ServerMessage);
        if (unread) events.emit({ event: 'unread', payload: unread });
      },
    });
  };

  const request = async <E extends ClientEvent>(
    event: E,
    payload: PayloadOf<E>,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<ResultOf<E>> => unwrap(await transport.request(event, payload, timeoutMs)) as ResultOf<E>;

  const scheduleReconnect = (delayMs = retryDelay(1)): void => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void reconnect(), delayMs);
  };

  const reconnect = async (): Promise<void> => {
    if (closed) return;
    try {
      const token = await fetchToken();
      const user = userFromToken(token);
      if (user) await options.prepare(user);
      open(token);
    } catch {
      // No token (offline) or the local data would not open: try again later, more slowly each time.
      $status.set('offline');
      scheduleReconnect(retryDelay(Math.min(++refusals, 6)));
    }
  };

  return {
    $status,
    connected,
    events,
    get isConnected() {
      return transport.connected;
    },
    async start() {
      started = true;
      if (hasWindow) {
        window.addEventListener('offline', onBrowserOffline);
        window.addEventListener('online', onBrowserOnline);
      }
      $status.set('connecting');
      let token: string | undefined;
      try {
        token = await fetchToken();
      } catch {
        // The marketplace's token endpoint is unreachable (offline): show the cache, retry later.
      }
      const { userId } = options;
      const user =
        (token ? userFromToken(token) : undefined) ??
        (userId ? { id: userId, name: userId, isAdmin: false } : undefined);
      if (user) await options.prepare(user);
      if (user && token) open(token);
      else {
        $status.set('offline');
        scheduleReconnect();
      }
    },
    stop(destroy = false) {
      clearTimeout(retryTimer);
      refresh.cancel();
      if (hasWindow) {
        window.removeEventListener('offline', onBrowserOffline);
        window.removeEventListener('online', onBrowserOnline);
      }
      transport.close();
      started = false;
      closed ||= destroy;
      $status.set('closed');
    },
    setToken(token) {
      tokenSource = token;
      refusals = 0;
      refresh.cancel();
      if (closed) return;
      transport.close();
      if (started) void reconnect();
    },
    request,
    notify(event, payload) {
      transport.notify(event, payload);
    },
    // The server took `currentToken`: reusing it spares the marketplace's token endpoint a call
    // per REST request. Ten seconds of margin, so it does not expire on its way.
    token: async () =>
      currentToken && (expiryOf(currentToken) ?? Number.POSITIVE_INFINITY) > Date.now() + 10_000
        ? currentToken
        : fetchToken(),
  };
}
