import { PERMANENT_ERROR_CODES } from '@palaver/protocol';
import type { ClientErrorCode } from '../state/types.js';

/** What the policy needs of an outbox entry. */
interface Queued {
  conversationId: string;
  order: number;
  status: 'queued' | 'sending' | 'failed';
  notBefore: number;
}

/** What to do with an entry after a failed send. */
export function classifyFailure(code: ClientErrorCode): 'fail' | 'wait' | 'retry' {
  if (code === 'rate_limited') return 'wait';
  if ((PERMANENT_ERROR_CODES as ReadonlySet<string>).has(code)) return 'fail';
  return 'retry';
}

/**
 * The entry that may go next: the oldest unsent one of each conversation (a
 * conversation's messages go one after the other, in the sender's order), and
 * of those the one due soonest.
 */
export function nextDue<T extends Queued>(entries: Iterable<T>, now: number): { entry: T; waitMs: number } | undefined {
  const heads = new Map<string, T>();
  for (const entry of [...entries].sort((a, b) => a.order - b.order)) {
    if (entry.status === 'failed' || heads.has(entry.conversationId)) continue;
    heads.set(entry.conversationId, entry);
  }
  let best: T | undefined;
  for (const entry of heads.values()) {
    if (!best || entry.notBefore < best.notBefore || (entry.notBefore === best.notBefore && entry.order < best.order)) {
      best = entry;
    }
  }
  return best ? { entry: best, waitMs: Math.max(0, best.notBefore - now) } : undefined;
}
