import { expiryOf } from './token.js';

/** The most a token is replaced ahead of its expiry; shorter-lived ones at a quarter of what they have left. */
const LONGEST_LEAD_MS = 60_000;
/** The shortest wait before trying again after a failed refresh (otherwise a quarter of what is left). */
const RETRY_MIN_MS = 250;

export interface TokenRefreshOptions {
  /** Whether a refresh can happen now (a token provider is set and the socket is connected). */
  canRefresh(): boolean;
  /** Asks the token provider. */
  fetchToken(): Promise<string>;
  /** Hands the fresh token to the server (`auth:refresh`); rejects when refused. */
  send(token: string): Promise<unknown>;
  /** The server took it: later reconnections use it too. */
  refreshed(token: string): void;
}

export interface TokenRefresh {
  /** Plans the replacement of the token the connection now runs on (nothing when it names no `exp`). */
  schedule(token: string): void;
  cancel(): void;
}

/**
 * Replaces the socket's token before it expires, so the server never has to
 * close the connection: nothing is interrupted, nothing needs resending. When
 * the provider or the server fails, it tries again while the old token lasts;
 * should it run out anyway, the server closes the socket and the connection
 * reconnects with a fresh token — the same path as any lost connection.
 */
export function tokenRefresh(options: TokenRefreshOptions): TokenRefresh {
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Runs a refresh in `delayMs` for the token that expires at `expiresAt`. */
  const plan = (expiresAt: number, delayMs: number) => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!options.canRefresh()) return;
      try {
        const token = await options.fetchToken();
        // A provider that hands back the same token (or an older one) has not refreshed anything yet.
        if ((expiryOf(token) ?? 0) > expiresAt) {
          await options.send(token);
          options.refreshed(token);
          schedule(token);
          return;
        }
      } catch {
        // The provider failed or the server refused the token: try again below.
      }
      const left = expiresAt - Date.now();
      if (left > 0) plan(expiresAt, Math.max(RETRY_MIN_MS, left / 4));
    }, delayMs);
  };

  const schedule = (token: string) => {
    const expiresAt = expiryOf(token);
    if (expiresAt === undefined) return clearTimeout(timer);
    const left = expiresAt - Date.now();
    plan(expiresAt, left - Math.min(LONGEST_LEAD_MS, left / 4));
  };

  return {
    schedule,
    cancel: () => clearTimeout(timer),
  };
}
