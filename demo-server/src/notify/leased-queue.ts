import type { Logger } from '../logger.js';

/**
 * The loop both durable queues share (webhooks, emails): every `pollMs` it
 * asks the subclass for what is due — as many items as there are free slots
 * of `concurrency` — and works each one beside the chat, never on a
 * request's path. A pass that fails is logged and the next comes on time;
 * `stop()` waits for the pass and the items under way.
 *
 * Less often than the poll: the queue's figures are taken every
 * `measureEveryMs` (counting a table four times a second would cost more than
 * the work), and items finished longer than `retentionMs` ago are deleted
 * (every `min(retention, an hour)`), so the tables hold what is under way and
 * a recent history, not everything ever sent.
 */
export interface QueueSettings {
  pollMs: number;
  concurrency: number;
  logger: Logger;
  what: string;
  /** How long finished items are kept (the server API lists them). */
  retentionMs: number;
  /** How often the queue's figures are taken (default 15 s). */
  measureEveryMs?: number;
  now?: () => number;
}

export abstract class LeasedQueueWorker<Item> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  protected stopped = false;
  private measuredAt = Number.NEGATIVE_INFINITY;
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly settings: QueueSettings) {}

  /** Leases up to `free` due items to this node. */
  protected abstract claim(free: number): Promise<Item[]>;
  /** Works one item and records its outcome. */
  protected abstract work(item: Item): Promise<void>;
  /** Before claiming (webhooks turn new events into deliveries here). */
  protected async prepare(): Promise<void> {}
  /** The queue's figures for the metrics (every `measureEveryMs`). */
  protected async measure(): Promise<void> {}
  /** Deletes items finished before `before` (ISO time); returns how many. */
  protected async prune(_before: string): Promise<number> {
    return 0;
  }

  start(): void {
    this.schedule(0);
  }

  /** Stops looking for work and waits for the items under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await Promise.allSettled([...this.inFlight]);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass()
        .catch((error: unknown) => this.settings.logger.warn({ err: error }, `${this.settings.what} queue pass failed`))
        .finally(() => this.schedule(this.settings.pollMs));
    }, delayMs);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    await this.prepare();
    const free = this.settings.concurrency - this.inFlight.size;
    if (free <= 0 || this.stopped) return;
    for (const item of await this.claim(free)) {
      const working = this.work(item)
        .catch((error: unknown) => this.settings.logger.warn({ err: error }, `${this.settings.what} not recorded`))
        .finally(() => this.inFlight.delete(working));
      this.inFlight.add(working);
    }
    await this.housekeeping();
  }

  private async housekeeping(): Promise<void> {
    const { retentionMs, measureEveryMs = 15_000, now = Date.now } = this.settings;
    const at = now();
    if (at - this.prunedAt >= Math.min(retentionMs, 3_600_000)) {
      this.prunedAt = at;
      const pruned = await this.prune(new Date(at - retentionMs).toISOString());
      if (pruned > 0) this.settings.logger.info({ pruned }, `${this.settings.what} queue: finished items deleted`);
      this.measuredAt = Number.NEGATIVE_INFINITY; // the figures changed
    }
    if (at - this.measuredAt >= measureEveryMs) {
      this.measuredAt = at;
      await this.measure();
    }
  }
}
