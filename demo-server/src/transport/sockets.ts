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
import { ChatError, toErrorBody } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { ADMINS_ROOM, separateUnreadRoom, userRoom } from '../realtime/fanout.js';
import type { Realtime } from '../realtime/realtime.js';
import type { Actor, ChatService } from '../service/chat-service.js';
import type { Notice, Outcome } from '../service/notices.js';
import { SESSION_REVOKED } from '../service/sessions.js';
import { parseInput } from '../validation.js';
import type { SecurityLog } from './security-log.js';
import { type Authenticate, SocketSession } from './socket-session.js';

export interface SocketData {
  user: ChatUser;
  /** When the handshake's token expires (ms since the epoch). */
  expiresAt: number;
  /** When it was issued (ms), if it says. */
  issuedAt: number | undefined;
}

export type PalaverIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type PalaverSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** What a handled event answers (beside `ok: true`) and the notices its change sends. */
interface Handled {
  answer: object;
  notices?: readonly Notice[];
}

/** What each client event does once its payload passed the schema. */
type Handlers = {
  [E in ClientEventName]: (actor: Actor, payload: never, session: SocketSession) => Promise<Handled>;
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
    'reaction:add': async (actor, payload) => written(await service.reactions.add(actor, payload), 'message'),
    'reaction:remove': async (actor, payload) => written(await service.reactions.remove(actor, payload), 'message'),
    'messages:history': async (actor, payload) => ({ answer: await service.messages.history(actor, payload) }),
    'conversation:read': async (actor, payload) => written(await service.reads.markRead(actor, payload)),
    typing: async (actor, payload) => ({ answer: {}, notices: await service.presence.typing(actor, payload) }),
    sync: async (actor, payload) => ({ answer: await service.sync.sync(actor, payload) }),
    'presence:query': async (actor, payload) => ({ answer: await service.presence.query(actor, payload) }),
    'unread:get': async (actor) => ({ answer: await service.reads.unread(actor) }),
    'user:block': async (actor, payload: { userId: string }) => ({
      answer: await service.safety.block(actor, payload.userId),
    }),
    'user:unblock': async (actor, payload: { userId: string }) => ({
      answer: await service.safety.unblock(actor, payload.userId),
    }),
    'user:blocks': async (actor) => ({ answer: await service.safety.blocks(actor) }),
    'report:create': async (actor, payload) => ({ answer: { report: await service.safety.report(actor, payload) } }),
    'attachment:links': async (actor, payload: { attachmentIds: string[] }) => ({
      answer: { attachments: await service.attachments.visible(actor.user, payload.attachmentIds) },
    }),
    search: async (actor, payload) => ({ answer: await service.search.search(actor, payload) }),
    'auth:refresh': async (_actor, payload: { token: string }, session) => ({
      answer: await session.refresh(payload.token),
    }),
  };
}

export interface SocketLayerOptions {
  io: PalaverIo;
  /** Checks a token: signature, expiry and revocation. */
  authenticate: Authenticate;
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
  const { io, authenticate, service, realtime, metrics, logger, securityLog, inFlight } = options;
  const handlers = handlersFor(service);

  io.use(async (socket, next) => {
    try {
      const session = await authenticate((socket.handshake.auth as { token?: unknown } | undefined)?.token);
      socket.data.user = session.user;
      socket.data.expiresAt = session.expiresAt;
      socket.data.issuedAt = session.issuedAt;
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
    const { user, expiresAt, issuedAt } = socket.data;
    const session = new SocketSession(socket, expiresAt, authenticate);
    void socket.join(userRoom(user.id));
    const { unreadWithMessages } = (socket.handshake.auth ?? {}) as Partial<HandshakeAuth>;
    if (unreadWithMessages !== true) void socket.join(separateUnreadRoom(user.id));
    if (user.isAdmin) void socket.join(ADMINS_ROOM);
    metrics.connectedSockets.inc();
    realtime.connected(user.id);
    // A revocation that ran while this handshake was being checked closed the room before this
    // socket was in it: asked again now that it is, one of the two sees the other.
    service.sessions.revoked({ user, expiresAt, issuedAt }).then(
      (revoked) => {
        if (revoked) session.end(SESSION_REVOKED);
      },
      (error: unknown) => {
        if (!inFlight.closing) logger.error({ err: error }, 'revocation check failed');
      },
    );

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
        if (session.expired) {
          // The timer is about to close it; nothing more is done for this token meanwhile.
          setImmediate(() => session.end({ code: 'token_expired', message: 'The token has expired.' }));
          throw new ChatError('token_expired', 'The token has expired; send auth:refresh before it does.');
        }
        const payload = parseInput(schema, args[0], `${event} payload`);
        // socket.data.user, not the handshake's: auth:refresh may have renamed the user.
        const actor = { user: socket.data.user, socketId: socket.id };
        const { answer, notices } = await handler(actor, payload as never, session);
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
