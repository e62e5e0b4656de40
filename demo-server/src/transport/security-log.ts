import type { ErrorCode } from '@palaver/protocol';
import type { Logger } from '../logger.js';

/** The refusals an operator wants to see: who was turned away or tried what they may not. */
const LOGGED: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['unauthorized', 'token_expired', 'forbidden']);

/** At most this many refusal lines per minute; the rest are counted and reported with the next line. */
const LINES_PER_MINUTE = 60;

export interface SecurityLog {
  /**
   * Logs a refused login or a forbidden attempt (other codes are ignored).
   * `where` says what was refused (a socket handshake, an event, a route);
   * never pass tokens or bodies.
   */
  refused(code: ErrorCode, where: Record<string, string | undefined>): void;
}

/**
 * Refused logins and forbidden attempts, as warnings: enough to spot a probe
 * or a misconfigured client (the code, what was asked, the user if known, the
 * address), never a token or a body. A flood is throttled so it cannot flood
 * the logs too: past the per-minute budget lines are only counted, and the
 * next line says how many were left out.
 */
export function createSecurityLog(logger: Logger, clock: () => number = Date.now): SecurityLog {
  let windowStart = clock();
  let lines = 0;
  let suppressed = 0;
  return {
    refused(code, where) {
      if (!LOGGED.has(code)) return;
      const now = clock();
      if (now - windowStart >= 60_000) {
        windowStart = now;
        lines = 0;
      }
      if (lines >= LINES_PER_MINUTE) {
        suppressed++;
        return;
      }
      lines++;
      logger.warn({ code, ...where, ...(suppressed > 0 ? { suppressed } : {}) }, 'refused');
      suppressed = 0;
    },
  };
}
