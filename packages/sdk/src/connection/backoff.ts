const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;

/**
 * Delay before retry number `attempt` (1, 2, …) of a transient failure:
 * exponential with "equal jitter" — at least half the step, so retries spread
 * out without ever hammering a server that just came back.
 */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
