import {
  editMessageBodySchema,
  historyQuerySchema,
  idSchema,
  listConversationsQuerySchema,
  openConversationSchema,
  readBodySchema,
  sendMessageBodySchema,
  syncQuerySchema,
} from '@palaver/protocol';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { ClusterLink } from '../cluster/redis.js';
import type { ServerConfig } from '../config.js';
import type { ChatStore } from '../db/store.js';
import { ChatError, errorStatus, toErrorBody } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Realtime } from '../realtime/realtime.js';
import type { Actor, ChatService } from '../service/chat-service.js';
import type { Outcome } from '../service/notices.js';
import { parseInput } from '../validation.js';
import { bearerToken, type TokenVerifier } from './auth.js';
import { metricsRoute } from './metrics-endpoint.js';
import type { SecurityLog } from './security-log.js';

export interface HttpAppOptions {
  config: ServerConfig;
  verifier: TokenVerifier;
  store: ChatStore;
  service: ChatService;
  realtime: Realtime;
  /** The link to the other nodes, when there are any: /ready checks it. */
  cluster: ClusterLink | undefined;
  metrics: Metrics;
  logger: Logger;
  /** Refused logins and forbidden attempts. */
  securityLog: SecurityLog;
  version: string;
  startedAt: number;
  inFlight: { count: number; closing: boolean };
  /** Extra routes mounted before the API (the demo's token endpoint and pages). */
  extend?: (app: express.Express) => void;
}

type AuthedRequest = Request & { actor?: Actor };

/** The Express application: health, metrics and the REST API of `PROTOCOL.md`. */
export function createHttpApp(options: HttpAppOptions): express.Express {
  const { config, verifier, store, service, realtime, cluster, metrics, logger, securityLog, inFlight } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(helmet());
  app.use(cors({ origin: config.corsOrigins, maxAge: 600 }));
  app.use((_req, res, next) => {
    inFlight.count++;
    res.on('close', () => inFlight.count--);
    next();
  });

  app.get('/health', async (_req, res) => {
    let db = 'ok';
    try {
      if (!(await store.ping())) db = 'error';
    } catch {
      db = 'error';
    }
    const healthy = db === 'ok' && !inFlight.closing;
    res.status(healthy ? 200 : 503).json({
      status: healthy ? 'ok' : 'error',
      db,
      version: options.version,
      uptimeS: Math.round((Date.now() - options.startedAt) / 1000),
    });
  });

  // Readiness, for load balancers: send traffic here only while the database
  // (and Redis, on a cluster) answers and the node is not shutting down.
  app.get('/ready', async (_req, res) => {
    const check = async (probe: () => Promise<boolean>) => {
      try {
        return (await probe()) ? 'ok' : 'error';
      } catch {
        return 'error';
      }
    };
    const [db, redis] = await Promise.all([
      check(() => store.ping()),
      cluster ? check(() => cluster.ping()) : Promise.resolve(undefined),
    ]);
    const ready = db === 'ok' && redis !== 'error' && !inFlight.closing;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : inFlight.closing ? 'shutting-down' : 'error',
      db,
      ...(redis ? { redis } : {}),
    });
  });

  app.get('/metrics', metricsRoute(metrics, config.metricsToken));

  options.extend?.(app);

  const api = express.Router();
  // Bodies are JSON only; anything else is refused before parsing.
  api.use((req, _res, next) => {
    const hasBody = req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0';
    if ((hasBody || req.headers['transfer-encoding']) && !req.is('application/json')) {
      next(new ChatError('unsupported_media_type', 'Send the body as application/json.'));
      return;
    }
    next();
  });
  api.use(express.json({ limit: config.maxPayloadBytes, strict: false }));
  api.use(async (req: AuthedRequest, _res, next) => {
    const { user } = await service.sessions.admit(await verifier.verifySession(bearerToken(req.headers.authorization)));
    req.actor = { user };
    next();
  });

  const actorOf = (req: AuthedRequest): Actor => req.actor as Actor;
  const idParam = (req: Request, what: string) => parseInput(idSchema, req.params.id, what);
  /** The result of a write, once its notices went out to the sockets. */
  const delivered = <T>({ result, notices }: Outcome<T>): T => {
    realtime.deliver(notices);
    return result;
  };

  api.post('/conversations', async (req, res) => {
    const input = parseInput(openConversationSchema, req.body, 'conversation');
    res.json({ conversation: delivered(await service.conversations.open(actorOf(req), input)) });
  });
  api.get('/conversations', async (req, res) => {
    const query = parseInput(listConversationsQuerySchema, req.query, 'query');
    res.json(await service.conversations.list(actorOf(req), query));
  });
  api.get('/conversations/:id', async (req, res) => {
    res.json({ conversation: await service.conversations.get(actorOf(req), idParam(req, 'conversation id')) });
  });
  api.get('/conversations/:id/messages', async (req, res) => {
    const query = parseInput(historyQuerySchema, req.query, 'query');
    res.json(
      await service.messages.history(actorOf(req), { conversationId: idParam(req, 'conversation id'), ...query }),
    );
  });
  api.post('/conversations/:id/messages', async (req, res) => {
    const body = parseInput(sendMessageBodySchema, req.body, 'message');
    const input = { ...body, conversationId: idParam(req, 'conversation id') };
    res.json({ message: delivered(await service.messages.send(actorOf(req), input)) });
  });
  api.patch('/messages/:id', async (req, res) => {
    const { body } = parseInput(editMessageBodySchema, req.body, 'edit');
    const input = { messageId: idParam(req, 'message id'), body };
    res.json({ message: delivered(await service.messages.edit(actorOf(req), input)) });
  });
  api.delete('/messages/:id', async (req, res) => {
    const input = { messageId: idParam(req, 'message id') };
    res.json({ message: delivered(await service.messages.delete(actorOf(req), input)) });
  });
  api.post('/conversations/:id/read', async (req, res) => {
    const { seq } = parseInput(readBodySchema, req.body, 'read');
    const input = { conversationId: idParam(req, 'conversation id'), seq };
    res.json(delivered(await service.reads.markRead(actorOf(req), input)));
  });
  api.get('/unread', async (req, res) => {
    res.json(await service.reads.unread(actorOf(req)));
  });
  api.get('/sync', async (req, res) => {
    const query = parseInput(syncQuerySchema, req.query, 'query');
    const input = { cursor: query.cursor ?? null, ...(query.limit !== undefined ? { limit: query.limit } : {}) };
    res.json(await service.sync.sync(actorOf(req), input));
  });
  api.use((_req, _res, next) => next(new ChatError('not_found', 'No such endpoint.')));

  app.use('/api', api);

  app.use((error: unknown, req: AuthedRequest, res: Response, _next: NextFunction) => {
    const chatError = fromHttpError(error);
    const body = toErrorBody(chatError);
    if (body.code === 'internal') logger.error({ err: error }, 'request failed');
    // The route, not the URL: no query string (it may hold a sync cursor) ever reaches the log.
    securityLog.refused(body.code, {
      what: `${req.method} ${req.route?.path ?? req.path.slice(0, 200)}`,
      userId: req.actor?.user.id,
      ip: req.ip,
    });
    metrics.errors.inc({ code: body.code });
    res.status(errorStatus(chatError)).json({ error: body });
  });
  return app;
}

/**
 * Maps the request errors of Express and body-parser (too large, malformed
 * JSON, a broken compressed body, a malformed percent-escape in the path) to
 * protocol codes: they are the client's fault, never `internal`.
 */
function fromHttpError(error: unknown): unknown {
  const type = (error as { type?: string } | null)?.type;
  const status = (error as { status?: unknown } | null)?.status;
  if (type === 'entity.too.large') return new ChatError('payload_too_large', 'The request body is too large.');
  if (type === 'entity.parse.failed') return new ChatError('invalid_payload', 'The request body is not valid JSON.');
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') {
    return new ChatError('unsupported_media_type', 'Send the body as UTF-8 JSON.');
  }
  if (error instanceof URIError) return new ChatError('invalid_payload', 'The path has a malformed %-escape.');
  // Anything else body-parser refuses with 400 (a compressed body that does not decompress, a cut-off body).
  if (status === 400) return new ChatError('invalid_payload', 'The request body could not be read.');
  return error;
}
