/**
 * A slot taken (which may be given back when what it was taken for turned out
 * to add nothing, such as a resend of a stored message), or how long to wait
 * for one.
 */
export type Slot = { allowed: true; giveBack(): Promise<void> } | { allowed: false; retryAfterMs: number };

/**
 * A limit of so many events per key in any window, counted where the nodes
 * share it: in memory on one node, in Redis on a cluster (cluster/rate-limit.ts).
 */
export interface RateLimiter {
  take(key: string): Promise<Slot>;
  /** Drops what idle keys cost (called periodically). */
  sweep(): void;
}

/**
 * Sliding-window limit: at most `limit` events per user in any `windowMs`
 * interval (not per calendar minute, so no burst of 2× at a window edge).
 * Synchronous on purpose: the check and the write that follows it happen in the
 * same tick, so two concurrent sends can never both take the last slot.
 */
export class SlidingWindowLimiter implements RateLimiter {
  private readonly events = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  async take(key: string): Promise<Slot> {
    return this.takeNow(key);
  }

  /** Takes one slot for `key`, or returns how long to wait (ms) until one frees up. */
  takeNow(key: string): Slot {
    const now = this.clock();
    const since = now - this.windowMs;
    let times = this.events.get(key);
    if (!times) {
      times = [];
      this.events.set(key, times);
    }
    while (times.length > 0 && (times[0] as number) <= since) times.shift();
    if (times.length >= this.limit) {
      return { allowed: false, retryAfterMs: Math.max(1, (times[0] as number) + this.windowMs - now) };
    }
    times.push(now);
    return {
      allowed: true,
      giveBack: async () => {
        const index = times.lastIndexOf(now);
        if (index >= 0) times.splice(index, 1);
      },
    };
  }

  /** Drops keys with no recent events so idle users cost no memory. */
  sweep(): void {
    const since = this.clock() - this.windowMs;
    for (const [key, times] of this.events) {
      if (times.length === 0 || (times[times.length - 1] as number) <= since) this.events.delete(key);
    }
  }
}
