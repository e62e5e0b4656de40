import {
  type AckResponse,
  type ClientToServerEvents,
  type HandshakeAuth,
  SERVER_EVENT_NAMES,
  type ServerToClientEvents,
  type UnreadCounts,
} from '@palaver/protocol';
import { io, type Socket } from 'socket.io-client';
import { ChatError } from '../errors.js';
import type { ClientEvent, PayloadOf, ResultOf, Transport, TransportHandlers } from './transport.js';

export interface SocketTransportOptions {
  /** Longest wait between reconnection attempts (ms). */
  reconnectionDelayMax?: number;
}

/** The Socket.IO transport: WebSocket first, HTTP long-polling where WebSocket is blocked. */
export function socketTransport(url: string, options: SocketTransportOptions = {}): Transport {
  let socket: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
  /** Read at every (re)connection attempt, so Socket.IO's own reconnections use the latest token. */
  let currentToken = '';
  const pending = new Set<() => void>();
  const failPending = () => {
    for (const fail of [...pending]) fail();
  };
  return {
    get connected() {
      return socket?.connected ?? false;
    },
    open(token, handlers: TransportHandlers) {
      socket?.close();
      currentToken = token;
      const current: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
        // Unread counts on `message:new` itself: one frame per message, and the badge moves with it.
        auth: (send) => send({ token: currentToken, unreadWithMessages: true } satisfies HandshakeAuth),
        transports: ['websocket', 'polling'],
        reconnectionDelay: 500,
        reconnectionDelayMax: options.reconnectionDelayMax ?? 5000,
        randomizationFactor: 0.5,
        forceNew: true,
      });
      socket = current;
      current.on('connect', () => handlers.connected());
      current.on('disconnect', (reason) => {
        failPending();
        handlers.disconnected(current.active, reason === 'io server disconnect');
      });
      current.on('connect_error', (error: Error & { data?: { code?: string; message?: string } }) => {
        // A refusal by the server's middleware is final for this token; network errors are retried by Socket.IO.
        if (!current.active) {
          handlers.refused({ code: error.data?.code ?? 'unauthorized', message: error.data?.message ?? error.message });
        } else {
          handlers.disconnected(true);
        }
      });
      for (const event of SERVER_EVENT_NAMES) {
        (current.on as (event: string, listener: (payload: unknown, unread?: UnreadCounts) => void) => void)(
          event,
          (payload, unread) => handlers.event(event, payload as never, unread),
        );
      }
    },
    setToken(token) {
      currentToken = token;
    },
    close() {
      socket?.close();
      socket = undefined;
      failPending();
    },
    request<E extends ClientEvent>(event: E, payload: PayloadOf<E>, timeoutMs: number) {
      const current = socket;
      if (!current?.connected) return Promise.reject(new ChatError('offline', 'Not connected.'));
      return new Promise<AckResponse<ResultOf<E>>>((resolve, reject) => {
        const settle = (error?: ChatError, answer?: AckResponse<ResultOf<E>>) => {
          clearTimeout(timer);
          pending.delete(onLost);
          if (error) reject(error);
          else resolve(answer as AckResponse<ResultOf<E>>);
        };
        // An answer cannot come over a connection that is gone: fail now, not at the timeout.
        const onLost = () => settle(new ChatError('offline', `The connection was lost before ${event} was answered.`));
        const timer = setTimeout(
          () => settle(new ChatError('timeout', `No answer to ${event} within ${timeoutMs} ms.`)),
          timeoutMs,
        );
        pending.add(onLost);
        (current.emit as (e: string, p: unknown, ack: (answer: unknown) => void) => void)(event, payload, (answer) =>
          settle(undefined, answer as AckResponse<ResultOf<E>>),
        );
      });
    },
    notify(event, payload) {
      if (socket?.connected) (socket.emit as (e: string, p: unknown) => void)(event, payload);
    },
    // Loaded on the first upload: pages that never send a file do not download it.
    upload: async (file, name, uploadOptions) =>
      (await import('./http-upload.js')).httpUpload(url, currentToken, file, name, uploadOptions),
  };
}
