import type { AckResponse, Attachment } from '@palaver/protocol';
import { LIMITS } from '@palaver/protocol';
import type { UploadOptions } from '../connection/transport.js';
import { refuse } from './fake-data.js';

/** What the reference server accepts (it sniffs the bytes; the fake trusts the declared type). */
const ACCEPTED =
  /^(image\/(jpeg|png|webp|gif|heic|heif)|application\/pdf|text\/plain|application\/(msword|vnd\.ms-|vnd\.openxmlformats-officedocument\.|vnd\.oasis\.opendocument\.(text|spreadsheet)))/;

export interface FakeFilesOptions {
  /** Upload speed, to watch progress bars (default: instant). */
  uploadBytesPerSecond?: number;
  /** Largest upload (the server's `ATTACHMENT_MAX_BYTES`). */
  attachmentMaxBytes?: number;
}

interface Stored {
  uploaderId: string;
  attachment: Attachment;
  /** The conversation of the message that named it. */
  conversationId?: string;
}

const wait = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new DOMException('The upload was cancelled.', 'AbortError'));
      },
      { once: true },
    );
  });

/** Image dimensions where the environment can decode (browsers); none elsewhere. */
async function dimensionsOf(blob: Blob): Promise<{ width?: number; height?: number }> {
  if (!blob.type.startsWith('image/') || typeof createImageBitmap !== 'function') return {};
  try {
    const bitmap = await createImageBitmap(blob);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  } catch {
    return {};
  }
}

/**
 * The fake backend's attachments: uploads kept in memory and served from
 * object URLs, the allow-list and size limit of the reference server, who may
 * see what, and links that never expire.
 */
export class FakeFiles {
  private readonly stored = new Map<string, Stored>();
  private counter = 0;

  constructor(private readonly options: FakeFilesOptions = {}) {}

  async upload(
    uploaderId: string,
    file: Blob,
    name: string,
    options: UploadOptions,
  ): Promise<AckResponse<{ attachment: Attachment }>> {
    const type = file.type || 'application/octet-stream';
    if (file.size > (this.options.attachmentMaxBytes ?? LIMITS.attachmentMaxBytes)) {
      return { ok: false, error: { code: 'payload_too_large', message: 'The file is too large.' } };
    }
    if (!ACCEPTED.test(type)) {
      return { ok: false, error: { code: 'unsupported_media_type', message: 'This type of file is not accepted.' } };
    }
    const speed = this.options.uploadBytesPerSecond;
    if (speed) {
      for (let sent = 0; sent < file.size; sent = Math.min(file.size, sent + speed / 10)) {
        options.onProgress?.(sent, file.size);
        await wait(100, options.signal);
      }
    }
    options.onProgress?.(file.size, file.size);
    const url = URL.createObjectURL(file);
    const attachment: Attachment = {
      id: `attachment-${++this.counter}`,
      name,
      type,
      size: file.size,
      ...(await dimensionsOf(file)),
      url,
      ...(type.startsWith('image/') ? { previewUrl: url } : {}),
    };
    this.stored.set(attachment.id, { uploaderId, attachment });
    return { ok: true, attachment };
  }

  /** Attaches uploads of `uploaderId` to a message; refuses ids that are not theirs or were used. */
  claim(uploaderId: string, ids: readonly string[], conversationId: string): Attachment[] {
    const found = ids.map((id) => this.stored.get(id));
    if (found.some((s) => !s || s.uploaderId !== uploaderId || s.conversationId)) {
      throw refuse('not_found', 'No such upload.');
    }
    return (found as Stored[]).map((s) => {
      s.conversationId = conversationId;
      return s.attachment;
    });
  }

  /** Adds a stored attachment (for seeded messages). */
  seed(attachment: Attachment, uploaderId: string, conversationId: string): Attachment {
    this.stored.set(attachment.id, { uploaderId, attachment, conversationId });
    return attachment;
  }

  /** The attachments among `ids` that `userId` may see (`canRead`: may they read that conversation). */
  links(userId: string, ids: readonly string[], canRead: (conversationId: string) => boolean): Attachment[] {
    return ids.flatMap((id) => {
      const s = this.stored.get(id);
      const visible = s && (s.conversationId ? canRead(s.conversationId) : s.uploaderId === userId);
      return visible ? [s.attachment] : [];
    });
  }
}
