import { createHmac } from 'node:crypto';
import type { WebhookDelivery, WebhookStore } from '../db/webhooks.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { LeasedQueueWorker } from './leased-queue.js';

/** Deliveries are retried with growing delays for this long, then given up. */
const GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000;
const LONGEST_RETRY_MS = 60 * 60 * 1000;
/** Deliveries one node sends at once: a slow receiver ties up at most these. */
const CONCURRENCY = 8;

export interface WebhookDispatcherOptions {
  store: WebhookStore;
  endpoints: readonly string[];
  secret: string;
  timeoutMs: number;
  /** How often the queue is looked at. */
  pollMs: number;
  /** How long finished deliveries are kept (`DELIVERY_RETENTION_DAYS`). */
  retentionMs: number;
  /** The first retry's delay; each next one doubles (up to an hour). */
  retryBaseMs: number;
  logger: Logger;
  metrics: Metrics;
  now?: () => number;
}

/**
 * `Palaver-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`:
 * a receiver recomputes it with the shared secret and rejects a stale `t`
 * (replays) or a mismatch.
 */
export function signWebhook(secret: string, body: string, timestampS: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('hex');
  return `t=${timestampS},v1=${mac}`;
}

/** The delay before attempt `attempts + 1`: `first`, twice that, four times … up to an hour, ±20 %. */
export function retryDelayMs(attempts: number, first: number, random = Math.random): number {
  const base = Math.min(first * 2 ** Math.max(0, attempts - 1), LONGEST_RETRY_MS);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Works through the durable webhook queue: turns recorded events into
 * deliveries, leases the due ones, sends each (signed, with its delivery id),
 * and records the outcome. Nothing here is on a request's path: a slow or dead
 * receiver only delays its own deliveries.
 */
export class WebhookDispatcher extends LeasedQueueWorker<WebhookDelivery> {
  private readonly now: () => number;

  constructor(private readonly options: WebhookDispatcherOptions) {
    super({
      pollMs: options.pollMs,
      concurrency: CONCURRENCY,
      logger: options.logger,
      what: 'webhook',
      retentionMs: options.retentionMs,
      ...(options.now ? { now: options.now } : {}),
    });
    this.now = options.now ?? Date.now;
  }

  /** New events become deliveries, one per endpoint. */
  protected override async prepare(): Promise<void> {
    const { store, endpoints } = this.options;
    while (!this.stopped && (await store.dispatchEvents(endpoints, 200)) > 0) {
      // more events waiting: take them too
    }
  }

  protected override claim(free: number): Promise<WebhookDelivery[]> {
    const now = this.now();
    // The lease outlives the longest attempt, so no other node takes a delivery still being sent.
    return this.options.store.claimDue(now, now + this.options.timeoutMs * 2 + 1000, free);
  }

  protected override work(delivery: WebhookDelivery): Promise<void> {
    return this.send(delivery);
  }

  protected override prune(before: string): Promise<number> {
    return this.options.store.prune(before);
  }

  protected override async measure(): Promise<void> {
    const counts = await this.options.store.counts();
    for (const [state, count] of Object.entries(counts)) this.options.metrics.webhookQueue.set({ state }, count);
  }

  private async send(delivery: WebhookDelivery): Promise<void> {
    const { store, secret, timeoutMs, metrics, logger } = this.options;
    const timestampS = Math.floor(this.now() / 1000);
    let status: number | undefined;
    let error = '';
    try {
      const response = await fetch(delivery.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Palaver-Webhooks/1',
          'palaver-delivery-id': delivery.id,
          'palaver-event': delivery.type,
          'palaver-signature': signWebhook(secret, delivery.payload, timestampS),
        },
        body: delivery.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      // The body is not read beyond what frees the connection.
      await response.body?.cancel().catch(() => undefined);
      if (status >= 200 && status < 300) {
        await store.markDelivered(delivery.id, status, new Date(this.now()).toISOString());
        metrics.webhookDeliveries.inc({ outcome: 'delivered' });
        return;
      }
      error = `HTTP ${status}`;
    } catch (failure) {
      error = (failure as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String(failure);
    }
    const attempts = delivery.attempts + 1;
    const next = this.now() + retryDelayMs(attempts, this.options.retryBaseMs);
    const giveUp = next - Date.parse(delivery.createdAt) > GIVE_UP_AFTER_MS;
    await store.markFailed(delivery.id, {
      ...(status !== undefined ? { status } : {}),
      error,
      ...(giveUp ? {} : { nextAttemptAt: next }),
      at: new Date(this.now()).toISOString(),
    });
    metrics.webhookDeliveries.inc({ outcome: giveUp ? 'failed' : 'retry' });
    if (giveUp) logger.warn({ deliveryId: delivery.id, endpoint: delivery.endpoint, error }, 'webhook given up');
  }
}
