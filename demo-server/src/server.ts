import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idSchema, type PresenceEvent, type RevocationResult } from '@palaver/protocol';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Express } from 'express';
import express from 'express';
import type { CountryCode } from 'libphonenumber-js';
import { Server } from 'socket.io';
import { configureSharp, ImageQueue } from './attachments/images.js';
import { LinkSigner } from './attachments/links.js';
import { createStorage } from './attachments/storage.js';
import { AttachmentSweeper, SWEEP_INTERVAL_MS } from './attachments/sweeper.js';
import { blockChannel } from './cluster/blocks.js';
import { membershipChannel } from './cluster/membership.js';
import { RedisPresence } from './cluster/presence.js';
import { RedisSlidingWindowLimiter } from './cluster/rate-limit.js';
import { type ClusterLink, connectCluster } from './cluster/redis.js';
import type { ServerConfig } from './config.js';
import { PostgresStore } from './db/postgres/postgres-store.js';
import { openSqliteStore, type SqliteStore } from './db/sqlite/sqlite-store.js';
import type { ChatStore } from './db/store.js';
import { mountDemoRoutes, registerDemoCatalogue } from './demo/demo-routes.js';
import type { MailCatcher } from './demo/mail-catcher.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createContactMasker } from './moderation/contact-masking.js';
import { AwayNotifier } from './notify/away.js';
import { composeDigestEmail } from './notify/email-digest.js';
import { EmailDispatcher, smtpTransport } from './notify/email-dispatcher.js';
import { emailLinks } from './notify/email-links.js';
import { WebhookDispatcher } from './notify/webhooks.js';
import { scheduleBackups } from './operations/backup-schedule.js';
import { startDashboardSampler } from './operations/dashboard-samples.js';
import { LocalPresence, type Presence } from './realtime/presence.js';
import { createRealtime } from './realtime/realtime.js';
import { type ChatService, createChatService } from './service/chat-service.js';
import { BlockIndex } from './service/safety.js';
import { createTokenVerifier } from './transport/auth.js';
import { dashboardHandler } from './transport/dashboard.js';
import { createHttpApp } from './transport/http.js';
import { listenForMetrics } from './transport/metrics-endpoint.js';
import { createSecurityLog } from './transport/security-log.js';
import { attachSocketHandlers, type PalaverIo } from './transport/sockets.js';
import { mountUnsubscribeRoutes } from './transport/unsubscribe-routes.js';
import { parseInput } from './validation.js';
import { VERSION } from './version.js';

/** How long a stop waits for sockets to finish their closing handshake before cutting them. */
const SHUTDOWN_GRACE_MS = 2000;

export interface PalaverServer {
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly store: ChatStore;
  readonly service: ChatService;
  /** The link to the other nodes (Redis), when `REDIS_URL` is set. */
  readonly cluster: ClusterLink | undefined;
  /** The SQLite handle (for online backups with `database.backup(path)`); undefined on PostgreSQL. */
  readonly database: SqliteStore['database'] | undefined;
  readonly io: PalaverIo;
  readonly httpServer: HttpServer;
  /** The Express application (REST API, health, metrics). */
  readonly app: Express;
  /**
   * Listens on `config.host:config.port` (port 0 picks a free one) and resolves
   * with the address; `metricsUrl` when `METRICS_PORT` is set.
   */
  start(): Promise<{ port: number; url: string; metricsUrl?: string }>;
  /**
   * Revokes a user's sessions: tokens issued before now are refused from now on,
   * and every socket of the user, on every node, is told and closed. What the
   * server API's `POST /api/server/users/:id/revoke` calls.
   */
  revokeSessions(userId: string): Promise<RevocationResult>;
  /**
   * Graceful stop: refuse new work, let answers in flight go out, disconnect
   * sockets, close the database. Safe to call twice.
   */
  close(): Promise<void>;
}

/**
 * Puts the layers together: `transport/` (HTTP and Socket.IO) calls `service/`,
 * which reads and writes through the store (`db/`) and returns the notices that
 * `realtime/` delivers.
 */
export async function createPalaverServer(
  config: ServerConfig,
  logger: Logger = createLogger(config.logLevel),
): Promise<PalaverServer> {
  const startedAt = Date.now();
  const metrics = createMetrics();
  const cluster = config.redisUrl ? await connectCluster(config.redisUrl, config.redisPrefix) : undefined;
  const membership = cluster ? membershipChannel(cluster) : undefined;
  // Download addresses are signed when a message is read: the store makes them with this.
  const signer = new LinkSigner(config.attachments.urlSecret, config.attachments.publicUrl ?? '');
  const store: ChatStore & { database?: SqliteStore['database'] } = config.databaseUrl
    ? await PostgresStore.open({
        url: config.databaseUrl,
        poolSize: config.databasePoolSize,
        ...(membership ? { onJoin: membership.announce } : {}),
        recordEvents: config.webhookUrls.length > 0,
        links: signer.links,
      })
    : openSqliteStore({
        path: config.databasePath,
        synchronous: config.databaseSynchronous,
        onCheckpoint: () => metrics.walCheckpoints.inc(),
        onCheckpointError: (error) =>
          logger.warn({ err: error }, 'WAL checkpoint failed; SQLite falls back to its own'),
        recordEvents: config.webhookUrls.length > 0,
        links: signer.links,
      });
  const storage = await createStorage(config.attachments.storage);
  // Uploads arrive and images are re-encoded here, then go to storage; nothing here outlives a request.
  const workDir = await mkdtemp(join(tmpdir(), 'palaver-uploads-'));
  configureSharp();
  const webhooks =
    config.webhookUrls.length > 0 && config.webhookSecret
      ? new WebhookDispatcher({
          store: store.webhooks,
          endpoints: config.webhookUrls,
          secret: config.webhookSecret,
          timeoutMs: config.webhookTimeoutMs,
          retryBaseMs: config.webhookRetryBaseMs,
          pollMs: config.webhookPollMs,
          retentionMs: config.deliveryRetentionMs,
          logger,
          metrics,
        })
      : undefined;
  // Email digests: to SMTP_URL, or (demo) to a catcher in this process whose mailbox the demo shows.
  const emailSettings = config.email;
  let catcher: MailCatcher | undefined;
  if (emailSettings && !emailSettings.smtpUrl) {
    const { startMailCatcher } = await import('./demo/mail-catcher.js');
    catcher = await startMailCatcher();
  }
  // Known at start() in the demo (its listening address) when PUBLIC_URL is not set.
  let publicUrl = emailSettings?.publicUrl ?? '';
  const mailer = emailSettings
    ? new EmailDispatcher({
        store: store.emails,
        directory: store.directory,
        transport: smtpTransport(emailSettings.smtpUrl ?? (catcher as MailCatcher).url, emailSettings.timeoutMs),
        timeoutMs: emailSettings.timeoutMs,
        from: emailSettings.from,
        links: emailLinks(emailSettings, config.jwtSecret, () => publicUrl),
        pollMs: emailSettings.pollMs,
        retentionMs: config.deliveryRetentionMs,
        retryBaseMs: emailSettings.retryBaseMs,
        logger,
        metrics,
      })
    : undefined;
  const verifier = createTokenVerifier(config.jwtSecret);
  const securityLog = createSecurityLog(logger);
  const inFlight = { count: 0, closing: false };

  const httpServer = createServer();
  // Every connection, upgraded ones too: a stop must be able to end them all (see close()).
  const connections = new Set<Socket>();
  httpServer.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  const io: PalaverIo = new Server(httpServer, {
    cors: { origin: config.corsOrigins },
    // CORS headers alone do not stop a WebSocket: a browser opens one from any
    // page. With CORS_ORIGIN set, handshakes (polling and WebSocket) that carry
    // another Origin are refused; clients that are not browsers send none.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      callback(null, config.corsOrigins.length === 0 || !origin || config.corsOrigins.includes(origin));
    },
    maxHttpBufferSize: config.maxPayloadBytes,
    serveClient: false,
  });
  await membership?.listen((conversationId) => store.forgetAccess(conversationId));
  if (cluster) io.adapter(createAdapter(cluster.redis, cluster.subscriber, { key: `${config.redisPrefix}#socket.io` }));
  const logFailure = (what: string) => (error: unknown) => {
    if (!inFlight.closing) logger.error({ err: error }, what);
  };
  // A user came online or went offline: the service decides who is told.
  const announce = (_userId: string, event: PresenceEvent) => {
    service.presence.changed(event).then(realtime.deliver, logFailure('presence change failed'));
  };
  const presence: Presence = cluster
    ? new RedisPresence(cluster, config.presenceGraceMs, announce, logFailure('presence in Redis failed'))
    : new LocalPresence(config.presenceGraceMs, announce);
  const realtime = createRealtime({
    io,
    presence,
    typingTimeoutMs: config.typingTimeoutMs,
    clustered: cluster !== undefined,
  });
  // "Unread while away" is told through webhooks (message.unread) and email digests: it runs where either is on.
  const away =
    webhooks || mailer
      ? new AwayNotifier({
          store: store.notifications,
          isOnline: (userId) => realtime.isOnline(userId),
          afterMs: config.notifyAfterMs,
          scanMs: config.notifyScanMs,
          ...(mailer ? { composeEmail: (digest, at) => composeDigestEmail(store, digest, at) } : {}),
          logger,
        })
      : undefined;
  const masker = config.contactMasking
    ? createContactMasker({
        region: config.contactMasking.region as CountryCode,
        allowDomains: config.contactMasking.allowDomains,
      })
    : undefined;
  const blockIndex = new BlockIndex(await store.safety.everyoneBlocked());
  const blocks = cluster ? blockChannel(cluster) : undefined;
  await blocks?.listen((blockedId) => blockIndex.add(blockedId));
  const service = createChatService({
    blockIndex,
    ...(blocks ? { blockAnnouncer: blocks } : {}),
    ...(masker
      ? {
          masking: {
            mask: (text: string) => masker.mask(text),
            onMasked: (kinds: readonly string[]) => {
              for (const kind of kinds) metrics.messagesMasked.inc({ kind });
            },
          },
        }
      : {}),
    store,
    presence: realtime,
    metrics,
    messageMaxLength: config.messageMaxLength,
    limits: config.rateLimits,
    groupCommitWindowMs: config.groupCommitWindowMs,
    jwtSecret: config.jwtSecret,
    allowClientProducts: config.allowClientProducts,
    // On a cluster every limit is counted in Redis, so a user gets no more by spreading over nodes.
    ...(cluster
      ? { limiter: (name, { limit, windowMs }) => new RedisSlidingWindowLimiter(cluster, name, limit, windowMs) }
      : {}),
    attachments: {
      storage,
      signer,
      // One image at a time: a photo takes ~0.5 s and a few hundred MB of pixels while it is re-encoded.
      queue: new ImageQueue(1),
      quotaBytesPerDay: config.attachments.quotaBytesPerDay,
      workDir,
      onDiscarded: () => sweeper.soon(),
    },
  });
  const sweeper = new AttachmentSweeper(
    () => service.attachments.sweep(),
    SWEEP_INTERVAL_MS,
    logFailure('attachment sweep failed'),
  );
  const authenticate = async (token: unknown) => service.sessions.admit(await verifier.verifySession(token));
  const sweep = setInterval(() => service.sweep(), config.rateLimitWindowMs);
  sweep.unref();

  const dashboard = startDashboardSampler({
    metrics,
    intervalMs: config.dashboardSampleMs,
    databaseBytes: () => store.sizeBytes(),
    queues: async () => ({
      webhooks: await store.webhooks.pendingCount(),
      emails: await store.emails.pendingCount(),
    }),
    cluster,
    nodeId: cluster?.nodeId ?? 'this node',
  });
  const app = createHttpApp({
    dashboard,
    config,
    verifier,
    store,
    service,
    realtime,
    cluster,
    metrics,
    logger,
    securityLog,
    version: VERSION,
    startedAt,
    inFlight,
    incomingDir: workDir,
    extend: (application) => {
      if (emailSettings) mountUnsubscribeRoutes(application, store.directory, config.jwtSecret);
      if (config.demo) {
        mountDemoRoutes(
          application,
          config.jwtSecret,
          express.json({ limit: '4kb' }),
          catcher && (() => catcher.mails()),
        );
      }
    },
  });
  httpServer.on('request', app);
  attachSocketHandlers({ io, authenticate, service, realtime, metrics, logger, securityLog, inFlight });
  let metricsListener: HttpServer | undefined;

  let closing: Promise<void> | undefined;
  let backups: { stop(): Promise<void> } | undefined;

  return {
    config,
    logger,
    metrics,
    store,
    service,
    cluster,
    database: store.database,
    io,
    httpServer,
    app,
    async revokeSessions(userId) {
      const { result, notices } = await service.sessions.revoke(parseInput(idSchema, userId, 'user id'));
      realtime.deliver(notices);
      return result;
    },
    async start() {
      let metricsUrl: string | undefined;
      if (config.metricsPort !== undefined) {
        const listening = await listenForMetrics(
          config.metricsPort,
          metrics,
          config.metricsToken,
          dashboardHandler(dashboard, config.metricsToken),
        );
        metricsListener = listening.server;
        metricsUrl = `http://127.0.0.1:${listening.port}/metrics`;
      }
      const { port, url } = await new Promise<{ port: number; url: string }>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off('error', reject);
          const { port } = httpServer.address() as AddressInfo;
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          resolve({ port, url: `http://${host}:${port}` });
        });
      });
      publicUrl = emailSettings?.publicUrl ?? url;
      webhooks?.start();
      mailer?.start();
      sweeper.start();
      away?.start();
      if (config.backupDir && !config.databaseUrl && config.databasePath !== ':memory:') {
        backups = scheduleBackups({
          databasePath: config.databasePath,
          dir: config.backupDir,
          intervalMs: config.backupIntervalMs,
          keep: config.backupKeep,
          logger,
        });
      }
      // Before "listening" is announced, so the demo's products open from the first page load.
      if (config.demo && config.apiKey) await registerDemoCatalogue(url, config.apiKey);
      if (config.jwtSecretGenerated) {
        logger.warn('DEMO=1 without JWT_SECRET: using a generated secret; tokens die with this process');
      }
      logger.info(
        {
          port,
          host: config.host,
          demo: config.demo,
          database: config.databaseUrl ? 'postgres' : config.databasePath,
        },
        `listening on ${url}`,
      );
      return { port, url, ...(metricsUrl ? { metricsUrl } : {}) };
    },
    close() {
      closing ??= (async () => {
        inFlight.closing = true;
        clearInterval(sweep);
        const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        metricsListener?.close();
        metricsListener?.closeAllConnections();
        // Answers already being computed still go out before sockets are dropped.
        const deadline = Date.now() + 5000;
        while (inFlight.count > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        await realtime.dispose();
        await dashboard.stop();
        await away?.stop();
        await webhooks?.stop();
        await mailer?.stop();
        await catcher?.close();
        await backups?.stop();
        await sweeper.stop();
        // Sockets dropped from here on announce nothing and touch no database.
        // (io.close() resolves only once the HTTP server has no connection left.)
        const ioClosed = io.close();
        httpServer.closeAllConnections();
        // A WebSocket whose peer never answers the closing handshake would hold the
        // stop for the library's 30 s; after a short grace it is cut instead.
        const grace = new Promise<'late'>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS, 'late').unref());
        if ((await Promise.race([stopped, grace])) === 'late') for (const socket of connections) socket.destroy();
        await Promise.all([ioClosed, stopped]);
        await store.close();
        await storage.close();
        await rm(workDir, { recursive: true, force: true });
        await cluster?.close();
        logger.info('stopped');
      })();
      return closing;
    },
  };
}
