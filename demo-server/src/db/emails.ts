/**
 * The durable side of email digests. A digest is queued as one row of
 * `email_outbox` in the same transaction that marks its burst notified (see
 * `NotificationStore.markNotified`), so an email exists exactly when its burst
 * was told; a dispatcher then leases due rows, sends them and records the
 * outcome. On a cluster a row is leased to one node at a time, so two nodes
 * never send the same email at once.
 */
export interface EmailStore {
  /**
   * Leases up to `limit` emails that are due (pending, next attempt passed, no
   * live lease) to this node until `leaseUntil`.
   */
  claimDue(now: number, leaseUntil: number, limit: number): Promise<QueuedEmail[]>;
  /**
   * The SMTP server accepted it: done for good. The payload (quoted messages)
   * is dropped here and on a skip: the outbox keeps no copy of conversations
   * once it no longer needs one (a user's erasure must not leave their text here).
   */
  markSent(id: string, at: string, smtpResponse: string): Promise<void>;
  /** The attempt failed: try again at `nextAttemptAt`, or give up when it is undefined. */
  markFailed(id: string, outcome: { error: string; nextAttemptAt?: number; at: string }): Promise<void>;
  /** Not to be sent after all (no address any more, unsubscribed, erased): `reason` says why. */
  markSkipped(id: string, reason: string, at: string): Promise<void>;
  /** How many emails are still to be sent (the dashboard; answered from the index of due ones). */
  pendingCount(): Promise<number>;
  /** How many emails are in each state (metrics). */
  counts(): Promise<Record<EmailState, number>>;
  /** Deletes emails that finished (sent, given up, skipped) before `before`; returns how many. */
  prune(before: string): Promise<number>;
}

export type EmailState = 'pending' | 'sent' | 'failed' | 'skipped';

/** A digest waiting in the outbox (or being sent). */
export interface QueuedEmail {
  id: string;
  userId: string;
  /** JSON of a `DigestSnapshot` (notify/email-digest.ts): what the email tells, as it was when queued. */
  payload: string;
  createdAt: string;
  attempts: number;
}

export interface QueuedEmailRow {
  id: string;
  user_id: string;
  payload: string;
  created_at: string;
  attempts: number;
}

export function toQueuedEmail(row: QueuedEmailRow): QueuedEmail {
  return {
    id: row.id,
    userId: row.user_id,
    payload: row.payload,
    createdAt: row.created_at,
    attempts: row.attempts,
  };
}

/** What `markNotified` writes beside the burst: one email to queue. */
export interface EmailToQueue {
  id: string;
  userId: string;
  payload: string;
  createdAt: string;
}

/** `GROUP BY state` rows → every state with its count (0 when absent). */
export function stateCounts(rows: ReadonlyArray<{ state: string; count: number | string }>) {
  const counts: Record<EmailState, number> = { pending: 0, sent: 0, failed: 0, skipped: 0 };
  for (const row of rows) {
    if (row.state in counts) counts[row.state as EmailState] = Number(row.count);
  }
  return counts;
}
