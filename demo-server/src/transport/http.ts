import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { ClusterLink } from '../cluster/redis.js';
import type { ServerConfig } from '../config.js';
import type { ChatStore } from '../db/store.js';
import { ChatError, errorStatus, isChatError, toErrorBody } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { DashboardSampler } from '../operations/dashboard-samples.js';
import type { Realtime } from '../realtime/realtime.js';
import type { Actor, ChatService } from '../service/chat-service.js';
import { requireApiKey } from './api/api-key.js';
import { openApiDocument } from './api/openapi.js';
import { OPERATIONS_PATHS } from './api/operations.js';
import { mountRoutes, type RouteGroup } from './api/route.js';
import { serverRoutes } from './api/server-routes.js';
import { userRoutes } from './api/user-routes.js';
import { ATTACHMENT_PATHS, mountAttachmentRoutes } from './attachment-routes.js';
import { bearerToken, type TokenVerifier } from './auth.js';
import { dashboardRouter } from './dashboard.js';
import { metricsRoute } from './metrics-endpoint.js';
import type { SecurityLog } from './security-log.js';

export interface HttpAppOptions {
  /** The operator dashboard's samples of this node (and the others, on a cluster). */
  dashboard: DashboardSampler;
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
  /** Where uploads are received before they are checked. */
  incomingDir: string;
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
  app.use(dashboardRouter(options.dashboard, config.metricsToken, true));

  options.extend?.(app);

  const groups = {
    user: userRoutes(service, realtime),
    server: serverRoutes(
      service.directory,
      store.webhooks,
      service.sessions,
      store.safety,
      service.moderation,
      realtime,
    ),
  };
  const document = openApiDocument({
    version: options.version,
    groups: [groups.user, groups.server] as ReadonlyArray<RouteGroup<never>>,
    extras: [...OPERATIONS_PATHS, ...ATTACHMENT_PATHS],
  });
  app.get('/api/openapi.json', (_req, res) => {
    res.json(document);
  });

  const jsonBodies = [
    // Bodies are JSON only; anything else is refused before parsing.
    (req: Request, _res: Response, next: NextFunction) => {
      const hasBody = req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0';
      if ((hasBody || req.headers['transfer-encoding']) && !req.is('application/json')) {
        next(new ChatError('unsupported_media_type', 'Send the body as application/json.'));
        return;
      }
      next();
    },
    express.json({ limit: config.maxPayloadBytes, strict: false }),
  ];

  // The marketplace's backend: its own key, checked before any body is read.
  const serverApi = express.Router();
  serverApi.use(requireApiKey(config.apiKey), ...jsonBodies);
  mountRoutes(serverApi, groups.server, () => ({}));
  serverApi.use((_req, _res, next) => next(new ChatError('not_found', 'No such endpoint.')));
  app.use(groups.server.prefix, serverApi);

  const authenticate = async (req: Request): Promise<Actor> => {
    const { user } = await service.sessions.admit(await verifier.verifySession(bearerToken(req.headers.authorization)));
    return { user };
  };
  // Multipart uploads and downloads by signed address: before the JSON-only API.
  mountAttachmentRoutes(app, {
    attachments: service.attachments,
    authenticate,
    maxBytes: config.attachments.maxBytes,
    incomingDir: options.incomingDir,
  });

  const api = express.Router();
  api.use(...jsonBodies);
  api.use(async (req: AuthedRequest, _res, next) => {
    req.actor = await authenticate(req);
    next();
  });
  mountRoutes(api, groups.user, (req: AuthedRequest) => req.actor as Actor);
  api.use((_req, _res, next) => next(new ChatError('not_found', 'No such endpoint.')));
  app.use(groups.user.prefix, api);

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
  // Refusals of our own already say what is wrong (a ChatError has a `status` too).
  if (isChatError(error)) return error;
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
