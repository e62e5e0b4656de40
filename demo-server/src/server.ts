import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Server } from 'socket.io';
import { createTokenVerifier } from './auth.js';
import { ChatService } from './chat-service.js';
import type { ServerConfig } from './config.js';
import { ChatStore } from './db/chat-store.js';
import { type Checkpointer, SAFETY_NET_PAGES, startCheckpointer } from './db/checkpointer.js';
import { openDatabase, type SqliteDatabase } from './db/database.js';
import { mountDemoRoutes } from './demo/demo-routes.js';
import { createHttpApp } from './http/app.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { socketFanout } from './realtime/fanout.js';
import { PresenceTracker } from './realtime/presence.js';
import { attachSocketHandlers, type PalaverIo } from './realtime/socket-handlers.js';
import { TypingTracker } from './realtime/typing.js';
import { VERSION } from './version.js';

/**
 * How often the checkpoint thread copies the write-ahead log into the database
 * file. A page changed by many commits in between is copied once: at 100 ms a
 * busy server spent 10–15 % more CPU in SQLite per message than at 500 ms (sends across
 * 500 conversations). The log holds about half a second of commits.
 */
const CHECKPOINT_INTERVAL_MS = 500;

export interface PalaverServer {
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly store: ChatStore;
  /** The SQLite handle (for online backups with `database.backup(path)`). */
  readonly database: SqliteDatabase;
  readonly io: PalaverIo;
  readonly httpServer: HttpServer;
  /** Listens on `config.host:config.port` (port 0 picks a free one) and resolves with the address. */
  start(): Promise<{ port: number; url: string }>;
  /**
   * Graceful stop: refuse new work, let answers in flight go out, disconnect
   * sockets, close the database. Safe to call twice.
   */
  close(): Promise<void>;
}

export function createPalaverServer(
  config: ServerConfig,
  logger: Logger = createLogger(config.logLevel),
): PalaverServer {
  const startedAt = Date.now();
  const db: SqliteDatabase = openDatabase({ path: config.databasePath, synchronous: config.databaseSynchronous });
  const store = new ChatStore(db);
  const metrics = createMetrics();
  let checkpointer: Checkpointer | undefined;
  if (config.databasePath !== ':memory:') {
    db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
    checkpointer = startCheckpointer({
      path: config.databasePath,
      intervalMs: CHECKPOINT_INTERVAL_MS,
      onCheckpoint: () => metrics.walCheckpoints.inc(),
      onError: (error) => logger.warn({ err: error }, 'WAL checkpoint failed; SQLite falls back to its own'),
    });
  }
  const verifier = createTokenVerifier(config.jwtSecret);
  const inFlight = { count: 0, closing: false };

  const httpServer = createServer();
  const io: PalaverIo = new Server(httpServer, {
    cors: { origin: config.corsOrigins },
    maxHttpBufferSize: config.maxPayloadBytes,
    serveClient: false,
  });
  const fanout = socketFanout(io);
  const presence = new PresenceTracker(config.presenceGraceMs, (userId, event) => {
    if (!event.online) store.setLastSeen(userId, event.lastSeenAt as string);
    fanout.toUsers(store.contactsOf(userId), 'presence', event);
  });
  const realtime = { fanout, presence, typing: new TypingTracker(fanout, config.typingTimeoutMs) };
  const service = new ChatService({
    store,
    realtime,
    metrics,
    messageMaxLength: config.messageMaxLength,
    rateLimitMessages: config.rateLimitMessages,
    rateLimitWindowMs: config.rateLimitWindowMs,
    groupCommitWindowMs: config.groupCommitWindowMs,
  });
  const sweep = setInterval(() => service.sendLimiter.sweep(), config.rateLimitWindowMs);
  sweep.unref();

  const app = createHttpApp({
    config,
    verifier,
    store,
    service,
    metrics,
    logger,
    version: VERSION,
    startedAt,
    inFlight,
    extend: config.demo
      ? (application) => mountDemoRoutes(application, store, config.jwtSecret, express.json({ limit: '4kb' }))
      : undefined,
  });
  httpServer.on('request', app);
  attachSocketHandlers({ io, verifier, store, service, realtime, metrics, logger, inFlight });

  let closing: Promise<void> | undefined;

  return {
    config,
    logger,
    metrics,
    store,
    database: db,
    io,
    httpServer,
    start() {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off('error', reject);
          const { port } = httpServer.address() as AddressInfo;
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          const url = `http://${host}:${port}`;
          if (config.jwtSecretGenerated) {
            logger.warn('DEMO=1 without JWT_SECRET: using a generated secret; tokens die with this process');
          }
          logger.info(
            { port, host: config.host, demo: config.demo, database: config.databasePath },
            `listening on ${url}`,
          );
          resolve({ port, url });
        });
      });
    },
    close() {
      closing ??= (async () => {
        inFlight.closing = true;
        clearInterval(sweep);
        const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        // Answers already being computed still go out before sockets are dropped.
        const deadline = Date.now() + 5000;
        while (inFlight.count > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        realtime.typing.dispose();
        presence.dispose();
        // Sockets dropped from here on announce nothing and touch no database.
        await io.close();
        httpServer.closeAllConnections();
        await stopped;
        await checkpointer?.stop();
        db.close();
        logger.info('stopped');
      })();
      return closing;
    },
  };
}
