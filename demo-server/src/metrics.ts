import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one server instance (its own registry, so several can share a process in tests). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'palaver_' });
  return {
    registry,
    connectedSockets: new Gauge({
      name: 'palaver_connected_sockets',
      help: 'Socket.IO connections currently open.',
      registers: [registry],
    }),
    messagesSent: new Counter({
      name: 'palaver_messages_sent_total',
      help: 'Messages stored (resends of a known clientId excluded).',
      registers: [registry],
    }),
    ackLatency: new Histogram({
      name: 'palaver_ack_latency_seconds',
      help: 'Time from receiving a client event to sending its acknowledgement.',
      labelNames: ['event'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    commitBatch: new Histogram({
      name: 'palaver_commit_batch_size',
      help: 'Messages stored per transaction (group commit).',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers: [registry],
    }),
    walCheckpoints: new Counter({
      name: 'palaver_wal_checkpoints_total',
      help: 'WAL checkpoints run by the checkpoint thread that copied pages into the database file.',
      registers: [registry],
    }),
    errors: new Counter({
      name: 'palaver_errors_total',
      help: 'Errors answered to clients, by protocol error code.',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'palaver_webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome: delivered (2xx), retry (will try again), failed (gave up)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    webhookQueue: new Gauge({
      name: 'palaver_webhook_deliveries',
      help: 'Webhook deliveries by state (pending, delivered, failed), as stored',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    emailAttempts: new Counter({
      name: 'palaver_email_attempts_total',
      help: 'Digest email attempts by outcome: sent (accepted by SMTP), retry, failed (gave up), skipped (no address, unsubscribed)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    emailQueue: new Gauge({
      name: 'palaver_emails',
      help: 'Digest emails by state (pending, sent, failed, skipped), as stored',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    messagesMasked: new Counter({
      name: 'palaver_messages_masked_total',
      help: 'Messages whose contact details were hidden from the other side, by kind of detail',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
