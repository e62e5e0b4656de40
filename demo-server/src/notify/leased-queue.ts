import type { Logger } from '../logger.js';

/**
 * The loop both durable queues share (webhooks, emails): every `pollMs` it
 * asks the subclass for what is due — as many items as there are free slots
 * of `concurrency` — and works each one beside the chat, never on a
 * request's path. A pass that fails is logged and the next comes on time;
 * `stop()` waits for the pass and the items under way.
 */
export abstract class LeasedQueueWorker<Item> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  protected stopped = false;

  constructor(private readonly settings: { pollMs: number; concurrency: number; logger: Logger; what: string }) {}

  /** Leases up to `free` due items to this node. */
  protected abstract claim(free: number): Promise<Item[]>;
  /** Works one item and records its outcome. */
  protected abstract work(item: Item): Promise<void>;
  /** Before claiming (webhooks turn new events into deliveries here). */
  protected async prepare(): Promise<void> {}
  /** After each pass (the queue's figures for the metrics). */
  protected async measure(): Promise<void> {}

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
    await this.measure();
  }
}
