import { isNotBlank } from '@palaver/protocol';
import { retryDelay } from '../connection/backoff.js';
import type { Transport } from '../connection/transport.js';
import { ChatError } from '../errors.js';
import type { ChatState } from '../state/chat-state.js';
import type { ClientErrorCode } from '../state/types.js';
import type { Outbox, OutboxEntry } from './outbox-api.js';

export type { Outbox, OutboxEntry } from './outbox-api.js';
export { classifyFailure } from './outbox-policy.js';

import { classifyFailure, nextDue } from './outbox-policy.js';
import type { KeyValueStore } from './storage/key-value-store.js';
import type { Uploads, UploadsOptions } from './uploads.js';

const PREFIX = 'o:';
const SEND_TIMEOUT_MS = 15_000;

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

  let uploads: Uploads | undefined;
  let loadingUploads: Promise<Uploads> | undefined;
  /**
   * The upload code, loaded with the first message that has files, or after
   * connecting (so a file picked offline later finds it): most pages never send one.
   */
  const loadUploads = (): Promise<Uploads> => {
    loadingUploads ??= import('./uploads.js').then(({ createUploads }) => {
      uploads = createUploads(uploadsOptions);
      publish();
      return uploads;
    });
    // A failed load (offline) is forgotten: the next use tries again.
    loadingUploads.catch(() => (loadingUploads = undefined));
    return loadingUploads;
  };
  const uploadsOptions: UploadsOptions = {
    transport,
    filesOf: (clientId) => entries.get(clientId)?.files,
    async record(clientId, files) {
      const entry = entries.get(clientId);
      if (entry) await save({ ...entry, files });
    },
    changed: () => publish(),
  };

  const publish = (): void => {
    state.setOutbox(
      [...entries.values()].map(({ files, ...e }) => {
        if (!files) return e;
        if (!uploads) void loadUploads();
        // Until the upload code is here, the files show as waiting, without a preview.
        const shown =
          uploads?.view(e.clientId, files) ??
          files.map((f) => ({ ...f, url: '', status: 'waiting' as const, progress: 0 }));
        return { ...e, files: shown };
      }),
    );
    uploads?.prune(new Set(entries.keys()));
  };

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
  const persist = async (clientId: string, shown: OutboxEntry | null): Promise<void> => {
    // On disk it waits: `sending` is true only while this tab is at it.
    const entry = shown?.status === 'sending' ? { ...shown, status: 'queued' as const } : shown;
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
          const due = nextDue(entries.values(), now());
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

  const sendOne = async (due: OutboxEntry): Promise<void> => {
    let entry = due;
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
      const attachmentIds = entry.files ? await (await loadUploads()).uploadAll(entry.clientId) : undefined;
      const answer = await transport.request(
        'message:send',
        {
          clientId: entry.clientId,
          conversationId: entry.conversationId,
          body: entry.body,
          ...(entry.replyToId ? { replyToId: entry.replyToId } : {}),
          ...(attachmentIds ? { attachmentIds } : {}),
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
    // As it is now: discarded meanwhile, or with files uploaded (never to upload again).
    const latest = entries.get(entry.clientId);
    if (!latest) return;
    entry = latest;
    const action = classifyFailure(code);
    // The refused file was removed while this send failed (its refusal shows first): the rest goes now.
    const fileKind = code === 'unsupported_media_type' || code === 'payload_too_large';
    const { error: _error, ...rest } = entry;
    if (fileKind && (entry.files?.length ?? 0) < (due.files?.length ?? 0) && !entry.files?.some((f) => f.error)) {
      await save({ ...rest, status: 'queued', attempts: 0, notBefore: 0 });
    } else if (action === 'fail') {
      await save({ ...entry, status: 'failed', error: { code, message } });
    } else if (action === 'wait') {
      // The error stays on the queued entry so the UI can say why it waits (it goes by itself).
      await save({ ...entry, status: 'queued', notBefore: now() + (retryAfterMs ?? 1000), error: { code, message } });
    } else {
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
      uploads?.abort(clientId);
      if (entries.has(clientId)) await remove(clientId);
    },
    async removeFile(clientId, fileId) {
      const entry = entries.get(clientId);
      if (!entry?.files) return;
      uploads?.abort(clientId, fileId);
      const { error, files: _files, ...rest } = entry;
      const files = entry.files.filter((f) => f.id !== fileId);
      if (files.length === 0 && !isNotBlank(entry.body)) return this.discard(clientId);
      // The refused file was why the message failed: without it, the rest goes.
      const unblocked = entry.status === 'failed' && entry.files.some((f) => f.error) && !files.some((f) => f.error);
      const kept = files.length > 0 ? { files } : {};
      await save(
        unblocked
          ? { ...rest, ...kept, status: 'queued', attempts: 0, notBefore: 0 }
          : { ...rest, ...kept, ...(error ? { error } : {}) },
      );
      void flush();
    },
    connected() {
      void loadUploads().catch(() => undefined);
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
