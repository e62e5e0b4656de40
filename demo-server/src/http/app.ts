import {
  type ChatUser,
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
import { bearerToken, type TokenVerifier } from '../auth.js';
import type { Actor, ChatService } from '../chat-service.js';
import type { ServerConfig } from '../config.js';
import type { ChatStore } from '../db/chat-store.js';
import { ChatError, errorStatus, toErrorBody } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { parseInput } from '../validation.js';

export interface HttpAppOptions {
  config: ServerConfig;
  verifier: TokenVerifier;
  store: ChatStore;
  service: ChatService;
  metrics: Metrics;
  logger: Logger;
  version: string;
  startedAt: number;
  inFlight: { count: number; closing: boolean };
  /** Extra routes mounted before the API (the demo's token endpoint and pages). */
  extend?: (app: express.Express) => void;
}

type AuthedRequest = Request & { actor?: Actor };

/** The Express application: health, metrics and the REST API of `PROTOCOL.md`. */
export function createHttpApp(options: HttpAppOptions): express.Express {
  const { config, verifier, store, service, metrics, logger, inFlight } = options;
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

  app.get('/health', (_req, res) => {
    let db = 'ok';
    try {
      if (!store.ping()) db = 'error';
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

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

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
    const user: ChatUser = await verifier.verify(bearerToken(req.headers.authorization));
    store.rememberUser(user);
    req.actor = { user };
    next();
  });

  const actorOf = (req: AuthedRequest): Actor => req.actor as Actor;
  const idParam = (req: Request, what: string) => parseInput(idSchema, req.params.id, what);

  api.post('/conversations', (req, res) => {
    const input = parseInput(openConversationSchema, req.body, 'conversation');
    res.json({ conversation: service.openConversation(actorOf(req), input) });
  });
  api.get('/conversations', (req, res) => {
    const query = parseInput(listConversationsQuerySchema, req.query, 'query');
    res.json(service.listConversations(actorOf(req), query));
  });
  api.get('/conversations/:id', (req, res) => {
    res.json({ conversation: service.getConversation(actorOf(req), idParam(req, 'conversation id')) });
  });
  api.get('/conversations/:id/messages', (req, res) => {
    const query = parseInput(historyQuerySchema, req.query, 'query');
    res.json(service.history(actorOf(req), { conversationId: idParam(req, 'conversation id'), ...query }));
  });
  api.post('/conversations/:id/messages', async (req, res) => {
    const body = parseInput(sendMessageBodySchema, req.body, 'message');
    const message = await service.sendMessage(actorOf(req), {
      ...body,
      conversationId: idParam(req, 'conversation id'),
    });
    res.json({ message });
  });
  api.patch('/messages/:id', (req, res) => {
    const { body } = parseInput(editMessageBodySchema, req.body, 'edit');
    res.json({ message: service.editMessage(actorOf(req), { messageId: idParam(req, 'message id'), body }) });
  });
  api.delete('/messages/:id', (req, res) => {
    res.json({ message: service.deleteMessage(actorOf(req), { messageId: idParam(req, 'message id') }) });
  });
  api.post('/conversations/:id/read', (req, res) => {
    const { seq } = parseInput(readBodySchema, req.body, 'read');
    res.json(service.markRead(actorOf(req), { conversationId: idParam(req, 'conversation id'), seq }));
  });
  api.get('/unread', (req, res) => {
    res.json(service.unread(actorOf(req)));
  });
  api.get('/sync', (req, res) => {
    const query = parseInput(syncQuerySchema, req.query, 'query');
    const input = { cursor: query.cursor ?? null, ...(query.limit !== undefined ? { limit: query.limit } : {}) };
    res.json(service.sync(actorOf(req), input));
  });
  api.use((_req, _res, next) => next(new ChatError('not_found', 'No such endpoint.')));

  app.use('/api', api);

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const chatError = fromHttpError(error);
    const body = toErrorBody(chatError);
    if (body.code === 'internal') logger.error({ err: error }, 'request failed');
    metrics.errors.inc({ code: body.code });
    res.status(errorStatus(chatError)).json({ error: body });
  });
  return app;
}

/** Maps body-parser's errors (too large, malformed JSON) to protocol codes. */
function fromHttpError(error: unknown): unknown {
  const type = (error as { type?: string } | null)?.type;
  if (type === 'entity.too.large') return new ChatError('payload_too_large', 'The request body is too large.');
  if (type === 'entity.parse.failed') return new ChatError('invalid_payload', 'The request body is not valid JSON.');
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') {
    return new ChatError('unsupported_media_type', 'Send the body as UTF-8 JSON.');
  }
  return error;
}
