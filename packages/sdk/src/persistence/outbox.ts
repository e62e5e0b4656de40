import { PERMANENT_ERROR_CODES } from '@palaver/protocol';
import { retryDelay } from '../connection/backoff.js';
import type { Transport } from '../connection/transport.js';
import { ChatError } from '../errors.js';
import type { ChatState } from '../state/chat-state.js';
import type { ClientErrorCode, PendingMessage } from '../state/types.js';
import type { KeyValueStore } from './storage/key-value-store.js';

/** A message waiting in the outbox: what is shown, plus the delivery bookkeeping. Persisted. */
export interface OutboxEntry extends PendingMessage {
  attempts: number;
  /** Not before this time (ms since the epoch): backoff and rate limits. */
  notBefore: number;
}

const PREFIX = 'o:';
const SEND_TIMEOUT_MS = 15_000;

/** What to do with an entry after a failed send. */
export function classifyFailure(code: ClientErrorCode): 'fail' | 'wait' | 'retry' {
  if (code === 'rate_limited') return 'wait';
  if ((PERMANENT_ERROR_CODES as ReadonlySet<string>).has(code)) return 'fail';
  return 'retry';
}

export interface OutboxOptions {
  store: KeyValueStore;
  state: ChatState;
  transport: Transport;
  /** Only one tab sends; the others only show. */
  isSender: () => boolean;
  /** Tells the other tabs that the outbox changed on disk or in flight. */
  announce: (change: { clientId: string; status?: OutboxEntry['status'] }) => void;
  now?: () => number;
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
export class Outbox {
  private entries = new Map<string, OutboxEntry>();
  private readonly unsaved = new Map<string, OutboxEntry | null>();
  private diskQueue: Promise<void> = Promise.resolve();
  private flushing = false;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastOrder = 0;
  private disposed = false;
  private readonly now: () => number;

  constructor(private readonly options: OutboxOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Reads the entries from storage (at start, and when another tab changed them). */
  reload(): Promise<void> {
    return this.exclusive(() => this.readFromDisk());
  }

  /**
   * Disk reads and writes of this tab run one at a time, so a reload never
   * reads the disk before a write of ours and applies the result after it.
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.diskQueue.then(work, work);
    this.diskQueue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async readFromDisk(): Promise<void> {
    const stored = await this.options.store.entries<OutboxEntry>(PREFIX);
    const next = new Map<string, OutboxEntry>();
    for (const [, entry] of stored) {
      this.lastOrder = Math.max(this.lastOrder, entry.order);
      // Our in-flight state is fresher than the disk's.
      const local = this.entries.get(entry.clientId);
      next.set(entry.clientId, local?.status === 'sending' && entry.status === 'queued' ? local : entry);
    }
    // Writes of ours still on their way to disk win over what the disk said a moment ago:
    // a delivered entry must not come back (and be sent again), a new one must not vanish.
    for (const [clientId, local] of this.unsaved) {
      if (local) next.set(clientId, local);
      else next.delete(clientId);
    }
    this.entries = next;
    this.publish();
  }

  /** Writes one entry (or its removal) and tells the other tabs. */
  private async persist(clientId: string, entry: OutboxEntry | null): Promise<void> {
    this.unsaved.set(clientId, entry);
    await this.exclusive(async () => {
      try {
        if (entry) await this.options.store.setMany([[PREFIX + clientId, entry]]);
        else await this.options.store.delMany([PREFIX + clientId]);
      } finally {
        if (this.unsaved.get(clientId) === entry) this.unsaved.delete(clientId);
      }
    });
    this.options.announce({ clientId });
  }

  private publish(): void {
    this.options.state.setOutbox([...this.entries.values()]);
  }

  /** Adds a message; resolves once it is safely stored (it then survives a reload). */
  async add(entry: Omit<OutboxEntry, 'order' | 'status' | 'attempts' | 'notBefore'>): Promise<OutboxEntry> {
    // Strictly increasing, even for many sends within one millisecond.
    const order = Math.max(this.now() * 1000, this.lastOrder + 1);
    this.lastOrder = order;
    const full: OutboxEntry = { ...entry, order, status: 'queued', attempts: 0, notBefore: 0 };
    await this.save(full);
    void this.flush();
    return full;
  }

  async retry(clientId: string): Promise<void> {
    const entry = this.entries.get(clientId);
    if (entry?.status !== 'failed') return;
    const { error: _error, ...rest } = entry;
    await this.save({ ...rest, status: 'queued', attempts: 0, notBefore: 0 });
    void this.flush();
  }

  async discard(clientId: string): Promise<void> {
    if (this.entries.has(clientId)) await this.remove(clientId);
  }

  private async save(entry: OutboxEntry): Promise<void> {
    this.entries.set(entry.clientId, entry);
    this.publish();
    await this.persist(entry.clientId, entry);
  }

  private async remove(clientId: string): Promise<void> {
    this.entries.delete(clientId);
    this.publish();
    await this.persist(clientId, null);
  }

  /**
   * A fresh connection: entries that were backing off from network errors go
   * now (the network is back); rate-limited ones keep waiting.
   */
  connected(): void {
    for (const [clientId, entry] of this.entries) {
      if (entry.status === 'queued' && entry.attempts > 0) this.entries.set(clientId, { ...entry, notBefore: 0 });
    }
    void this.flush();
  }

  /** Shows another tab's in-flight state. */
  showStatus(clientId: string, status: OutboxEntry['status']): void {
    const entry = this.entries.get(clientId);
    if (entry && entry.status !== status) {
      this.entries.set(clientId, { ...entry, status });
      this.publish();
    }
  }

  /** The next entry that may go now: the oldest unsent one of each conversation, soonest first. */
  private next(): { entry: OutboxEntry; waitMs: number } | undefined {
    const heads = new Map<string, OutboxEntry>();
    for (const entry of [...this.entries.values()].sort((a, b) => a.order - b.order)) {
      if (entry.status === 'failed' || heads.has(entry.conversationId)) continue;
      heads.set(entry.conversationId, entry);
    }
    let best: OutboxEntry | undefined;
    for (const entry of heads.values()) {
      if (
        !best ||
        entry.notBefore < best.notBefore ||
        (entry.notBefore === best.notBefore && entry.order < best.order)
      ) {
        best = entry;
      }
    }
    return best ? { entry: best, waitMs: Math.max(0, best.notBefore - this.now()) } : undefined;
  }

  /** Sends what is due. Safe to call any time: it does nothing unless this tab sends and is connected. */
  async flush(): Promise<void> {
    if (this.flushing) {
      this.again = true;
      return;
    }
    this.flushing = true;
    try {
      do {
        this.again = false;
        while (!this.disposed && this.options.isSender() && this.options.transport.connected) {
          const next = this.next();
          if (!next) break;
          if (next.waitMs > 0) {
            this.wakeIn(next.waitMs);
            break;
          }
          await this.sendOne(next.entry);
        }
      } while (this.again && !this.disposed);
    } finally {
      this.flushing = false;
    }
  }

  private wakeIn(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), ms);
  }

  private async sendOne(entry: OutboxEntry): Promise<void> {
    const sending: OutboxEntry = { ...entry, status: 'sending' };
    this.entries.set(entry.clientId, sending);
    this.publish();
    this.options.announce({ clientId: entry.clientId, status: 'sending' });
    let code: ClientErrorCode;
    let message: string;
    let retryAfterMs: number | undefined;
    try {
      const answer = await this.options.transport.request(
        'message:send',
        {
          clientId: entry.clientId,
          conversationId: entry.conversationId,
          body: entry.body,
          ...(entry.replyToId ? { replyToId: entry.replyToId } : {}),
        },
        SEND_TIMEOUT_MS,
      );
      if (answer.ok) {
        // Show the server's copy first: the pending one disappears in the same render.
        this.options.state.applyMessages([answer.message]);
        await this.remove(entry.clientId);
        return;
      }
      ({ code, message, retryAfterMs } = answer.error);
    } catch (error) {
      const chatError = error instanceof ChatError ? error : new ChatError('timeout', String(error));
      ({ code, message } = chatError);
    }
    if (!this.entries.has(entry.clientId)) return; // discarded meanwhile
    const action = classifyFailure(code);
    if (action === 'fail') {
      await this.save({ ...entry, status: 'failed', error: { code, message } });
    } else if (action === 'wait') {
      await this.save({ ...entry, status: 'queued', notBefore: this.now() + (retryAfterMs ?? 1000) });
    } else {
      const attempts = entry.attempts + 1;
      await this.save({ ...entry, status: 'queued', attempts, notBefore: this.now() + retryDelay(attempts) });
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }
}
