import {
  type AckResponse,
  type ChatUser,
  type ClientEventName,
  type ClientToServerEvents,
  clientEventSchemas,
  type HandshakeAuth,
  type ServerToClientEvents,
} from '@palaver/protocol';
import type { Server, Socket } from 'socket.io';
import type { TokenVerifier } from '../auth.js';
import type { Actor, ChatService } from '../chat-service.js';
import type { ChatStore } from '../db/chat-store.js';
import { ChatError, toErrorBody } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { parseInput } from '../validation.js';
import { ADMINS_ROOM, separateUnreadRoom, userRoom } from './fanout.js';
import type { RealtimeState } from './state.js';

export interface SocketData {
  user: ChatUser;
}

export type PalaverIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type PalaverSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** What each client event does once its payload passed the schema. */
type Handlers = {
  [E in ClientEventName]: (actor: Actor, payload: never) => object | undefined | Promise<object>;
};

function handlersFor(service: ChatService): Handlers {
  return {
    'conversation:open': (actor, payload) => ({ conversation: service.openConversation(actor, payload) }),
    'message:send': async (actor, payload) => ({ message: await service.sendMessage(actor, payload) }),
    'message:edit': (actor, payload) => ({ message: service.editMessage(actor, payload) }),
    'message:delete': (actor, payload) => ({ message: service.deleteMessage(actor, payload) }),
    'messages:history': (actor, payload) => service.history(actor, payload),
    'conversation:read': (actor, payload) => service.markRead(actor, payload),
    typing: (actor, payload) => {
      service.typing(actor, payload);
      return {};
    },
    sync: (actor, payload) => service.sync(actor, payload),
    'presence:query': (actor, payload) => service.presence(actor, payload),
    'unread:get': (actor) => service.unread(actor),
  };
}

export interface SocketLayerOptions {
  io: PalaverIo;
  verifier: TokenVerifier;
  store: ChatStore;
  service: ChatService;
  realtime: RealtimeState;
  metrics: Metrics;
  logger: Logger;
  /** Counts requests being answered, so a graceful shutdown can wait for them. */
  inFlight: { count: number; closing: boolean };
}

/**
 * Socket.IO side of the server: refuses sockets without a valid token, puts each
 * socket in its user's room, and answers every client event with an ack that is
 * either `{ ok: true, ... }` or `{ ok: false, error }` — never a thrown error.
 */
export function attachSocketHandlers(options: SocketLayerOptions): void {
  const { io, verifier, store, service, realtime, metrics, logger, inFlight } = options;
  const handlers = handlersFor(service);

  io.use(async (socket, next) => {
    try {
      const user = await verifier.verify((socket.handshake.auth as { token?: unknown } | undefined)?.token);
      store.rememberUser(user);
      socket.data.user = user;
      next();
    } catch (error) {
      const body = toErrorBody(error);
      if (body.code === 'internal') logger.error({ err: error }, 'socket authentication failed');
      metrics.errors.inc({ code: body.code });
      next(Object.assign(new Error(body.message), { data: { code: body.code, message: body.message } }));
    }
  });

  io.on('connection', (socket: PalaverSocket) => {
    const { user } = socket.data;
    void socket.join(userRoom(user.id));
    const { unreadWithMessages } = (socket.handshake.auth ?? {}) as Partial<HandshakeAuth>;
    if (unreadWithMessages !== true) void socket.join(separateUnreadRoom(user.id));
    if (user.isAdmin) void socket.join(ADMINS_ROOM);
    metrics.connectedSockets.inc();
    realtime.presence.connected(user.id);

    socket.on('disconnect', () => {
      metrics.connectedSockets.dec();
      if (realtime.presence.disconnected(user.id)) realtime.typing.clearUser(user.id);
    });

    socket.onAny(async (event: string, ...args: unknown[]) => {
      const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (r: AckResponse) => void) : undefined;
      const handler = (handlers as Record<string, Handlers[ClientEventName]>)[event];
      const schema = (clientEventSchemas as Record<string, (typeof clientEventSchemas)[ClientEventName]>)[event];
      const started = performance.now();
      inFlight.count++;
      try {
        if (inFlight.closing) throw new ChatError('internal', 'The server is shutting down; try again.');
        if (!handler || !schema) throw new ChatError('invalid_payload', `Unknown event "${event}".`);
        const payload = parseInput(schema, args[0], `${event} payload`);
        const result = await handler({ user, socketId: socket.id }, payload as never);
        ack?.({ ok: true, ...result });
      } catch (error) {
        const body = toErrorBody(error);
        if (body.code === 'internal' && !inFlight.closing) logger.error({ err: error, event }, 'socket event failed');
        metrics.errors.inc({ code: body.code });
        ack?.({ ok: false, error: body });
      } finally {
        inFlight.count--;
        if (handler) metrics.ackLatency.observe({ event }, (performance.now() - started) / 1000);
      }
    });
  });
}
