/**
 * The durable side of webhooks. A change that a webhook reports is recorded
 * as an *event* in the same transaction as the change itself (so an event
 * exists exactly when its change committed); a dispatcher then turns each
 * event into one *delivery* per endpoint and works through the due ones.
 * Everything here is shared by the nodes of a cluster: a delivery is leased
 * to one node at a time, so two nodes never send the same one at once.
 */
export interface WebhookStore {
  /** Turns up to `limit` undispatched events into one delivery per endpoint; returns how many events it took. */
  dispatchEvents(endpoints: readonly string[], limit: number): Promise<number>;
  /**
   * Leases up to `limit` deliveries that are due (not delivered, not given up,
   * next attempt passed, no live lease) to this node until `leaseUntil`.
   */
  claimDue(now: number, leaseUntil: number, limit: number): Promise<WebhookDelivery[]>;
  /** The receiver answered 2xx: done for good. */
  markDelivered(id: string, status: number, at: string): Promise<void>;
  /** The attempt failed: try again at `nextAttemptAt`, or give up when it is undefined. */
  markFailed(
    id: string,
    outcome: { status?: number; error: string; nextAttemptAt?: number; at: string },
  ): Promise<void>;
  /** Deliveries by state, newest first (the server API shows them). */
  list(state: WebhookDeliveryState, limit: number): Promise<WebhookDelivery[]>;
  /** How many deliveries are still to be made (the dashboard; answered from the index of due ones). */
  pendingCount(): Promise<number>;
  /** How many deliveries are in each state (metrics). */
  counts(): Promise<Record<WebhookDeliveryState, number>>;
  /**
   * Deletes deliveries that finished (delivered or given up) before `before`,
   * and the dispatched events older than that: the tables stay as small as
   * what is under way. Returns how many deliveries went.
   */
  prune(before: string): Promise<number>;
}

export type WebhookDeliveryState = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: string;
  eventId: string;
  endpoint: string;
  type: string;
  /** The JSON body, exactly as signed and sent. */
  payload: string;
  createdAt: string;
  attempts: number;
  nextAttemptAt: number;
  deliveredAt?: string;
  failedAt?: string;
  lastStatus?: number;
  lastError?: string;
}

export interface WebhookDeliveryRow {
  id: string;
  event_id: string;
  endpoint: string;
  type: string;
  payload: string;
  created_at: string;
  attempts: number;
  next_attempt_at: number | string;
  delivered_at: string | null;
  failed_at: string | null;
  last_status: number | null;
  last_error: string | null;
}

export function toDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  const delivery: WebhookDelivery = {
    id: row.id,
    eventId: row.event_id,
    endpoint: row.endpoint,
    type: row.type,
    payload: row.payload,
    createdAt: row.created_at,
    attempts: row.attempts,
    nextAttemptAt: Number(row.next_attempt_at),
  };
  if (row.delivered_at) delivery.deliveredAt = row.delivered_at;
  if (row.failed_at) delivery.failedAt = row.failed_at;
  if (row.last_status !== null) delivery.lastStatus = row.last_status;
  if (row.last_error !== null) delivery.lastError = row.last_error;
  return delivery;
}

/** An event of the outbox, as a write records it inside its own transaction. */
export interface RecordedEvent {
  id: string;
  type: 'message.created' | 'message.updated' | 'conversation.created' | 'message.unread' | 'report.created';
  /** JSON: `{ id, type, createdAt, data }` — the webhook body. */
  payload: string;
  createdAt: string;
}
