import { type Attachment, PERMANENT_ERROR_CODES } from '@palaver/protocol';
import type { Transport } from '../connection/transport.js';
import { ChatError } from '../errors.js';
import type { Failure, PendingFile } from '../state/types.js';

/** A file as the outbox keeps it: persisted with its message, bytes included. */
export interface OutboxFile {
  /** Unique within its message. */
  id: string;
  name: string;
  type: string;
  size: number;
  /** The bytes (IndexedDB stores Blobs as they are; the memory store keeps them in memory). */
  blob: Blob;
  /** Set once the server has the file: a reload, a reconnection or another tab never uploads it again. */
  attachment?: Attachment;
  /** The server refused the file for good. */
  error?: Failure;
}

export interface UploadsOptions {
  transport: Transport;
  /** The entry's files as they are now (a file, or the whole message, may have gone while one was uploading). */
  filesOf(clientId: string): OutboxFile[] | undefined;
  /** Writes the entry with its files' new state; resolves once it is stored. */
  record(clientId: string, files: OutboxFile[]): Promise<void>;
  /** Progress moved: the outbox shows its entries again. */
  changed(): void;
}

/**
 * The upload half of sending a message with files: each file goes to
 * `POST /api/attachments`, one after the other, before the message that names
 * them. What the server accepted is written into the outbox entry at once, so
 * nothing is uploaded twice; progress and the local previews (object URLs)
 * live here, in memory, since they mean nothing after a reload.
 */
export interface Uploads {
  /**
   * Uploads the files of a message that the server does not have yet and
   * resolves with every attachment id, in the message's order. Rejects with
   * the first failure (a `ChatError`); a permanent one also stays on its file.
   */
  uploadAll(clientId: string): Promise<string[]>;
  /** Stops the upload in progress of one file, or of any file of the message. */
  abort(clientId: string, fileId?: string): void;
  /** The files as the UI shows them. */
  view(clientId: string, files: OutboxFile[]): PendingFile[];
  /** Frees the previews of messages no longer in the outbox. */
  prune(clientIds: Set<string>): void;
}

export function createUploads(options: UploadsOptions): Uploads {
  const { transport } = options;
  const inFlight = new Map<string, AbortController>();
  const progress = new Map<string, number>();
  const urls = new Map<string, string>();
  const keyOf = (clientId: string, fileId: string) => `${clientId}/${fileId}`;

  const uploadOne = async (clientId: string, file: OutboxFile): Promise<void> => {
    if (!transport.upload) throw new ChatError('invalid_payload', 'This connection cannot upload files.');
    const key = keyOf(clientId, file.id);
    const controller = new AbortController();
    inFlight.set(key, controller);
    progress.set(key, 0);
    options.changed();
    let answer: Awaited<ReturnType<NonNullable<Transport['upload']>>>;
    try {
      answer = await transport.upload(file.blob, file.name, {
        signal: controller.signal,
        onProgress(sent, total) {
          progress.set(key, total > 0 ? Math.min(1, sent / total) : 0);
          options.changed();
        },
      });
    } finally {
      inFlight.delete(key);
      progress.delete(key);
      options.changed();
    }
    const permanent = !answer.ok && PERMANENT_ERROR_CODES.has(answer.error.code);
    const files = options.filesOf(clientId);
    if (files && (answer.ok || permanent)) {
      await options.record(
        clientId,
        files.map((f) =>
          f.id !== file.id
            ? f
            : answer.ok
              ? { ...f, attachment: answer.attachment }
              : { ...f, error: { code: answer.error.code, message: answer.error.message } },
        ),
      );
    }
    if (!answer.ok) throw ChatError.from(answer.error);
  };

  return {
    async uploadAll(clientId) {
      for (;;) {
        const files = options.filesOf(clientId);
        if (!files) throw new ChatError('invalid_payload', 'The message was discarded.');
        const refused = files.find((f) => f.error);
        if (refused?.error) throw new ChatError(refused.error.code, `${refused.name}: ${refused.error.message}`);
        const next = files.find((f) => !f.attachment);
        if (!next) return files.map((f) => (f.attachment as Attachment).id);
        try {
          await uploadOne(clientId, next);
        } catch (error) {
          // Cancelled by the user: carry on with what is left of the message.
          if ((error as Error).name !== 'AbortError') throw error;
        }
      }
    },
    abort(clientId, fileId) {
      for (const [key, controller] of inFlight) {
        if (fileId ? key === keyOf(clientId, fileId) : key.startsWith(`${clientId}/`)) controller.abort();
      }
    },
    view(clientId, files) {
      return files.map((file) => {
        const key = keyOf(clientId, file.id);
        let url = urls.get(key);
        if (url === undefined) {
          url = typeof URL.createObjectURL === 'function' ? URL.createObjectURL(file.blob) : '';
          urls.set(key, url);
        }
        const shown: PendingFile = {
          id: file.id,
          name: file.name,
          type: file.type,
          size: file.size,
          url,
          status: file.error ? 'failed' : file.attachment ? 'uploaded' : inFlight.has(key) ? 'uploading' : 'waiting',
          progress: file.attachment ? 1 : (progress.get(key) ?? 0),
        };
        if (file.error) shown.error = file.error;
        return shown;
      });
    },
    prune(clientIds) {
      for (const [key, url] of urls) {
        if (clientIds.has(key.slice(0, key.lastIndexOf('/')))) continue;
        urls.delete(key);
        if (url) URL.revokeObjectURL(url);
      }
    },
  };
}
