import type { PayloadOf } from '../connection/transport.js';
import type { PendingMessage } from '../state/types.js';
import type { OutboxFile } from './uploads.js';

/** A message waiting in the outbox: what is shown, plus the delivery bookkeeping. Persisted. */
export interface OutboxEntry extends Omit<PendingMessage, 'files'> {
  /**
   * Written before its conversation could be opened (offline, first contact):
   * `conversationId` is a draft id, and the conversation is opened with this
   * first — then every entry of the draft moves to the real id.
   */
  open?: PayloadOf<'conversation:open'>;
  attempts: number;
  /** Not before this time (ms since the epoch): backoff and rate limits. */
  notBefore: number;
  /** Files to upload before the message goes (see uploads.ts). */
  files?: OutboxFile[];
}

/**
 * The persistent outbox. A send is written to storage first and shown at once;
 * the sending tab then delivers entries in order (per conversation: one after
 * the other, so the server's order is the sender's order). Transient failures
 * are retried with backoff, `rate_limited` waits as long as the server says,
 * permanent refusals turn the entry `failed` until the user retries or
 * discards it. The server deduplicates by `clientId`, so a retry after a lost
 * ack never creates a second message.
 */
export interface Outbox {
  /** Reads the entries from storage (at start, and when another tab changed them). */
  reload(): Promise<void>;
  /** Adds a message; resolves once it is safely stored (it then survives a reload). */
  add(entry: Omit<OutboxEntry, 'order' | 'status' | 'attempts' | 'notBefore'>): Promise<OutboxEntry>;
  retry(clientId: string): Promise<void>;
  /** Removes one file from a pending message (the whole message if nothing else is left in it). */
  removeFile(clientId: string, fileId: string): Promise<void>;
  /** Moves the entries queued under a draft conversation id to the conversation it turned out to be. */
  rebind(draftId: string, conversationId: string): Promise<void>;
  discard(clientId: string): Promise<void>;
  /**
   * A fresh connection: entries that were backing off from network errors go
   * now (the network is back); rate-limited ones keep waiting.
   */
  connected(): void;
  /** Shows another tab's in-flight state. */
  showStatus(clientId: string, status: OutboxEntry['status']): void;
  /** Sends what is due. Safe to call any time: it does nothing unless this tab sends and is connected. */
  flush(): Promise<void>;
  dispose(): void;
}
