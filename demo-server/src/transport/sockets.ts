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
import type { ChatStore } from '../db/store.js';
import { ChatError, toErrorBody } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { ADMINS_ROOM, separateUnreadRoom, userRoom } from '../realtime/fanout.js';
import type { Realtime } from '../realtime/realtime.js';
import type { Actor, ChatService } from '../service/chat-service.js';
import type { Notice, Outcome } from '../service/notices.js';
import { parseInput } from '../validation.js';
import type { TokenVerifier } from './auth.js';
import type { SecurityLog } from './security-log.js';

export interface SocketData {
  user: ChatUser;
}

export type PalaverIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type PalaverSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** What a handled event answers (beside `ok: true`) and the notices its change sends. */
interface Handled {
  answer: object;
  notices?: readonly Notice[];
}

/** What each client event does once its payload passed the schema. */
type Handlers = {
  [E in ClientEventName]: (actor: Actor, payload: never) => Promise<Handled>;
};

/** A write's result under `key` (or spread when it is the answer itself), with its notices. */
function written<T extends object>({ result, notices }: Outcome<T>, key?: string): Handled {
  return { answer: key ? { [key]: result } : result, notices };
}

function handlersFor(service: ChatService): Handlers {
  return {
    'conversation:open': async (actor, payload) =>
      written(await service.conversations.open(actor, payload), 'conversation'),
    'message:send': async (actor, payload) => written(await service.messages.send(actor, payload), 'message'),
    'message:edit': async (actor, payload) => written(await service.messages.edit(actor, payload), 'message'),
    'message:delete': async (actor, payload) => written(await service.messages.delete(actor, payload), 'message'),
    'messages:history': async (actor, payload) => ({ answer: await service.messages.history(actor, payload) }),
    'conversation:read': async (actor, payload) => written(await service.reads.markRead(actor, payload)),
    typing: async (actor, payload) => ({ answer: {}, notices: await service.presence.typing(actor, payload) }),
    sync: async (actor, payload) => ({ answer: await service.sync.sync(actor, payload) }),
    'presence:query': async (actor, payload) => ({ answer: await service.presence.query(actor, payload) }),
    'unread:get': async (actor) => ({ answer: await service.reads.unread(actor) }),
  };
}

export interface SocketLayerOptions {
  io: PalaverIo;
  verifier: TokenVerifier;
  store: ChatStore;
  service: ChatService;
  realtime: Realtime;
  metrics: Metrics;
  logger: Logger;
  /** Refused logins and forbidden attempts. */
  securityLog: SecurityLog;
  /** Counts requests being answered, so a graceful shutdown can wait for them. */
  inFlight: { count: number; closing: boolean };
}

/**
 * Socket.IO side of the server: refuses sockets without a valid token, puts each
 * socket in its user's room, and answers every client event with an ack that is
 * either `{ ok: true, ... }` or `{ ok: false, error }` — never a thrown error.
 */
export function attachSocketHandlers(options: SocketLayerOptions): void {
  const { io, verifier, store, service, realtime, metrics, logger, securityLog, inFlight } = options;
  const handlers = handlersFor(service);

  io.use(async (socket, next) => {
    try {
      const user = await verifier.verify((socket.handshake.auth as { token?: unknown } | undefined)?.token);
      await store.rememberUser(user);
      socket.data.user = user;
      next();
    } catch (error) {
      const body = toErrorBody(error);
      if (body.code === 'internal') logger.error({ err: error }, 'socket authentication failed');
      securityLog.refused(body.code, { what: 'socket handshake', ip: socket.handshake.address });
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
    realtime.connected(user.id);

    socket.on('disconnect', () => {
      metrics.connectedSockets.dec();
      realtime.disconnected(user.id);
    });

    socket.onAny(async (event: string, ...args: unknown[]) => {
      const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (r: AckResponse) => void) : undefined;
      // Own properties only: `toString`, `__proto__` and the like are names of every object, not events.
      const known = Object.hasOwn(handlers, event) && Object.hasOwn(clientEventSchemas, event);
      const handler = known ? handlers[event as ClientEventName] : undefined;
      const schema = known ? clientEventSchemas[event as ClientEventName] : undefined;
      const started = performance.now();
      inFlight.count++;
      try {
        if (inFlight.closing) throw new ChatError('internal', 'The server is shutting down; try again.');
        if (!handler || !schema) throw new ChatError('invalid_payload', `Unknown event "${event}".`);
        const payload = parseInput(schema, args[0], `${event} payload`);
        const { answer, notices } = await handler({ user, socketId: socket.id }, payload as never);
        if (notices) realtime.deliver(notices);
        ack?.({ ok: true, ...answer });
      } catch (error) {
        const body = toErrorBody(error);
        if (body.code === 'internal' && !inFlight.closing) logger.error({ err: error, event }, 'socket event failed');
        securityLog.refused(body.code, { what: `socket event ${event.slice(0, 64)}`, userId: user.id });
        metrics.errors.inc({ code: body.code });
        ack?.({ ok: false, error: body });
      } finally {
        inFlight.count--;
        if (handler) metrics.ackLatency.observe({ event }, (performance.now() - started) / 1000);
      }
    });
  });
}
