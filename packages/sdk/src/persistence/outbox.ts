import { PERMANENT_ERROR_CODES } from '@palaver/protocol';
import { retryDelay } from '../connection/backoff.js';
import type { PayloadOf, Transport } from '../connection/transport.js';
import { ChatError } from '../errors.js';
import type { ChatState } from '../state/chat-state.js';
import type { ClientErrorCode, PendingMessage } from '../state/types.js';
import type { KeyValueStore } from './storage/key-value-store.js';

/** A message waiting in the outbox: what is shown, plus the delivery bookkeeping. Persisted. */
export interface OutboxEntry extends PendingMessage {
  /**
   * Written before its conversation could be opened (offline, first contact):
   * `conversationId` is a draft id, and the conversation is opened with this
   * first — then every entry of the draft moves to the real id.
   */
  open?: PayloadOf<'conversation:open'>;
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
export interface Outbox {
  /** Reads the entries from storage (at start, and when another tab changed them). */
  reload(): Promise<void>;
  /** Adds a message; resolves once it is safely stored (it then survives a reload). */
  add(entry: Omit<OutboxEntry, 'order' | 'status' | 'attempts' | 'notBefore'>): Promise<OutboxEntry>;
  retry(clientId: string): Promise<void>;
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

export function createOutbox(options: OutboxOptions): Outbox {
  const { store, state, transport } = options;
  const now = options.now ?? Date.now;
  let entries = new Map<string, OutboxEntry>();
  const unsaved = new Map<string, OutboxEntry | null>();
  let diskQueue: Promise<void> = Promise.resolve();
  let flushing = false;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastOrder = 0;
  let disposed = false;

  /**
   * Disk reads and writes of this tab run one at a time, so a reload never
   * reads the disk before a write of ours and applies the result after it.
   */
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = diskQueue.then(work, work);
    diskQueue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };

  const publish = (): void => state.setOutbox([...entries.values()]);

  const readFromDisk = async (): Promise<void> => {
    const stored = await store.entries<OutboxEntry>(PREFIX);
    const next = new Map<string, OutboxEntry>();
    for (const [, entry] of stored) {
      lastOrder = Math.max(lastOrder, entry.order);
      // Our in-flight state is fresher than the disk's.
      const local = entries.get(entry.clientId);
      next.set(entry.clientId, local?.status === 'sending' && entry.status === 'queued' ? local : entry);
    }
    // Writes of ours still on their way to disk win over what the disk said a moment ago:
    // a delivered entry must not come back (and be sent again), a new one must not vanish.
    for (const [clientId, local] of unsaved) {
      if (local) next.set(clientId, local);
      else next.delete(clientId);
    }
    entries = next;
    publish();
  };

  /** Writes one entry (or its removal) and tells the other tabs. */
  const persist = async (clientId: string, entry: OutboxEntry | null): Promise<void> => {
    unsaved.set(clientId, entry);
    await exclusive(async () => {
      try {
        if (entry) await store.setMany([[PREFIX + clientId, entry]]);
        else await store.delMany([PREFIX + clientId]);
      } finally {
        if (unsaved.get(clientId) === entry) unsaved.delete(clientId);
      }
    });
    options.announce({ clientId });
  };

  const save = async (entry: OutboxEntry): Promise<void> => {
    entries.set(entry.clientId, entry);
    publish();
    await persist(entry.clientId, entry);
  };

  const remove = async (clientId: string): Promise<void> => {
    entries.delete(clientId);
    publish();
    await persist(clientId, null);
  };

  /** The next entry that may go now: the oldest unsent one of each conversation, soonest first. */
  const next = (): { entry: OutboxEntry; waitMs: number } | undefined => {
    const heads = new Map<string, OutboxEntry>();
    for (const entry of [...entries.values()].sort((a, b) => a.order - b.order)) {
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
    return best ? { entry: best, waitMs: Math.max(0, best.notBefore - now()) } : undefined;
  };

  const flush = async (): Promise<void> => {
    if (flushing) {
      again = true;
      return;
    }
    flushing = true;
    try {
      do {
        again = false;
        while (!disposed && options.isSender() && transport.connected) {
          const due = next();
          if (!due) break;
          if (due.waitMs > 0) {
            clearTimeout(timer);
            timer = setTimeout(() => void flush(), due.waitMs);
            break;
          }
          await sendOne(due.entry);
        }
      } while (again && !disposed);
    } finally {
      flushing = false;
    }
  };

  const sendOne = async (entry: OutboxEntry): Promise<void> => {
    entries.set(entry.clientId, { ...entry, status: 'sending' });
    publish();
    options.announce({ clientId: entry.clientId, status: 'sending' });
    let code: ClientErrorCode;
    let message: string;
    let retryAfterMs: number | undefined;
    try {
      if (entry.open) {
        // First contact written offline: the conversation is opened (get-or-create) before the message goes.
        const opened = await transport.request('conversation:open', entry.open, SEND_TIMEOUT_MS);
        if (opened.ok) {
          state.applyConversations([opened.conversation]);
          await rebind(entry.conversationId, opened.conversation.id);
          return;
        }
        throw ChatError.from(opened.error);
      }
      const answer = await transport.request(
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
        state.applyMessages([answer.message]);
        await remove(entry.clientId);
        return;
      }
      ({ code, message, retryAfterMs } = answer.error);
    } catch (error) {
      const chatError = error instanceof ChatError ? error : new ChatError('timeout', String(error));
      ({ code, message, retryAfterMs } = chatError);
    }
    if (!entries.has(entry.clientId)) return; // discarded meanwhile
    const action = classifyFailure(code);
    if (action === 'fail') {
      await save({ ...entry, status: 'failed', error: { code, message } });
    } else if (action === 'wait') {
      // The error stays on the queued entry so the UI can say why it waits (it goes by itself).
      await save({ ...entry, status: 'queued', notBefore: now() + (retryAfterMs ?? 1000), error: { code, message } });
    } else {
      const { error: _error, ...rest } = entry;
      const attempts = entry.attempts + 1;
      await save({ ...rest, status: 'queued', attempts, notBefore: now() + retryDelay(attempts) });
    }
  };

  const rebind = async (draftId: string, conversationId: string): Promise<void> => {
    for (const entry of [...entries.values()]) {
      if (entry.conversationId !== draftId) continue;
      const { open: _open, ...rest } = entry;
      await save({ ...rest, conversationId, status: entry.status === 'sending' ? 'queued' : entry.status });
    }
  };

  return {
    reload: () => exclusive(readFromDisk),
    rebind,
    async add(entry) {
      // Strictly increasing, even for many sends within one millisecond.
      const order = Math.max(now() * 1000, lastOrder + 1);
      lastOrder = order;
      const full: OutboxEntry = { ...entry, order, status: 'queued', attempts: 0, notBefore: 0 };
      await save(full);
      void flush();
      return full;
    },
    async retry(clientId) {
      const entry = entries.get(clientId);
      if (entry?.status !== 'failed') return;
      const { error: _error, ...rest } = entry;
      await save({ ...rest, status: 'queued', attempts: 0, notBefore: 0 });
      void flush();
    },
    async discard(clientId) {
      if (entries.has(clientId)) await remove(clientId);
    },
    connected() {
      for (const [clientId, entry] of entries) {
        if (entry.status === 'queued' && entry.attempts > 0) entries.set(clientId, { ...entry, notBefore: 0 });
      }
      void flush();
    },
    showStatus(clientId, status) {
      const entry = entries.get(clientId);
      if (entry && entry.status !== status) {
        entries.set(clientId, { ...entry, status });
        publish();
      }
    },
    flush,
    dispose() {
      disposed = true;
      clearTimeout(timer);
    },
  };
}
