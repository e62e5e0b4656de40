import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Attachment, ChatUser } from '@palaver/protocol';
import { recordOf, type StoredUpload } from '../db/attachments.js';
import { newMessageId } from '../db/ids.js';
import type { ChatStore } from '../db/store.js';
import { ChatError } from '../errors.js';
import type { AccessRules } from '../service/access.js';
import { type Limits, takeSlot } from '../service/limits.js';
import { messageFor } from '../service/masking.js';
import { sanitisedName } from './file-names.js';
import { sniffType } from './file-types.js';
import { type ImageQueue, reencodeImage } from './images.js';
import type { LinkSigner } from './links.js';
import type { ReceivedFile } from './receive.js';
import type { AttachmentStorage } from './storage.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** An upload never sent is removed after this long. */
export const UNSENT_TTL_MS = DAY_MS;
/**
 * A send may name an upload up to this age: an hour less than the sweeper
 * waits, so a send never binds an upload whose files are being removed.
 */
export const SENDABLE_MS = UNSENT_TTL_MS - 60 * 60 * 1000;
/** Uploads removed per sweep round (the next round takes the rest). */
const SWEEP_BATCH = 200;

export interface AttachmentServiceOptions {
  store: ChatStore;
  rules: AccessRules;
  limits: Limits;
  storage: AttachmentStorage;
  signer: LinkSigner;
  queue: ImageQueue;
  /** Bytes one user may upload in any 24 hours. */
  quotaBytesPerDay: number;
  /** Where images are re-encoded before they go to storage. */
  workDir: string;
}

/**
 * Uploads (checked, re-encoded, stored), the signed addresses of the ones a
 * user may see, and the removal of files nobody will see again.
 */
export class AttachmentService {
  constructor(private readonly options: AttachmentServiceOptions) {}

  /**
   * The checks made before any byte of an upload is read: the hourly count,
   * and the daily quota (with the announced length, when there is one).
   */
  async admit(user: ChatUser, announcedBytes: number): Promise<void> {
    await takeSlot(this.options.limits, 'uploads', user.id);
    await this.checkQuota(user.id, announcedBytes);
  }

  private async checkQuota(userId: string, adding: number): Promise<void> {
    const { quotaBytesPerDay } = this.options;
    const now = Date.now();
    const used = await this.options.store.attachments.uploadedSince(userId, new Date(now - DAY_MS).toISOString());
    if (used.bytes + adding <= quotaBytesPerDay) return;
    // Room comes back as the oldest upload of the window turns a day old.
    const retryAfterMs = used.oldest ? Math.max(1000, Date.parse(used.oldest) + DAY_MS - now) : DAY_MS;
    throw new ChatError('rate_limited', 'Upload quota for the last 24 hours reached; wait a while.', { retryAfterMs });
  }

  /**
   * Keeps a received file: its type from its bytes, images re-encoded, the
   * files put in storage, then the row written. A refusal at any step leaves
   * no file and no row.
   */
  async keep(user: ChatUser, received: ReceivedFile): Promise<Attachment> {
    const { store, storage } = this.options;
    await this.checkQuota(user.id, received.size);
    const allowed = await sniffType(received.path, received);
    const id = newMessageId();
    const upload: StoredUpload = {
      id,
      uploaderId: user.id,
      name: sanitisedName(received.name, allowed.extensions),
      type: allowed.type,
      size: received.size,
      preview: false,
      fileKey: id,
      createdAt: new Date().toISOString(),
    };
    const work = {
      file: join(this.options.workDir, `${id}.image`),
      preview: join(this.options.workDir, `${id}.preview`),
    };
    const put: string[] = [];
    try {
      let source = received.path;
      if (allowed.image) {
        const format = allowed.image;
        const image = await this.options.queue.run(() => reencodeImage(received.path, format, work));
        Object.assign(upload, {
          size: image.size,
          type: image.type,
          width: image.width,
          height: image.height,
          placeholder: image.placeholder,
          preview: true,
          previewKey: `${id}.preview`,
          previewSize: image.previewSize,
        });
        source = work.file;
        put.push(`${id}.preview`);
        await storage.put(`${id}.preview`, createReadStream(work.preview), image.previewSize, 'image/webp');
      }
      put.push(id);
      await storage.put(id, createReadStream(source), upload.size, upload.type);
      await store.attachments.insert(upload);
    } catch (error) {
      await Promise.allSettled(put.map((key) => storage.delete(key)));
      throw error;
    } finally {
      await Promise.all([rm(work.file, { force: true }), rm(work.preview, { force: true })]);
    }
    return this.options.signer.links(recordOf(upload), upload.name);
  }

  /**
   * The attachments among `ids` that the user may see, in the order asked,
   * with fresh addresses: their own uploads not sent yet, and attachments of
   * messages in conversations they may read, as they may read them (masked
   * names, nothing of a removed message unless they moderate). Others are
   * left out, without saying why.
   */
  async visible(user: ChatUser, ids: readonly string[]): Promise<Attachment[]> {
    const { store, rules, signer } = this.options;
    const uploads = new Map((await store.attachments.byIds(ids)).map((upload) => [upload.id, upload]));
    const seen: Attachment[] = [];
    for (const id of new Set(ids)) {
      const upload = uploads.get(id);
      if (!upload) continue;
      if (!upload.messageId) {
        if (upload.uploaderId === user.id) seen.push(signer.links(recordOf(upload), upload.name));
        continue;
      }
      const message = await store.messageById(upload.messageId);
      if (!message) continue;
      const readable = await rules.readable(user, message.conversationId).then(
        () => true,
        () => false,
      );
      const attachment = readable && messageFor(user, message).attachments.find((item) => item.id === id);
      if (attachment) seen.push(attachment);
    }
    return seen;
  }

  async one(user: ChatUser, id: string): Promise<Attachment> {
    const [attachment] = await this.visible(user, [id]);
    if (!attachment) throw new ChatError('not_found', 'No such attachment.');
    return attachment;
  }

  /** An upload a signed address may serve (undefined once it is discarded or gone). */
  async servable(id: string): Promise<StoredUpload | undefined> {
    const [upload] = await this.options.store.attachments.byIds([id]);
    return upload;
  }

  get storage(): AttachmentStorage {
    return this.options.storage;
  }

  get signer(): LinkSigner {
    return this.options.signer;
  }

  /**
   * Removes the files of discarded uploads (deleted messages, erased users)
   * and of uploads never sent within a day, then forgets them. Deleting a
   * file twice is harmless, so nodes of a cluster may sweep at the same time.
   * Resolves with how many uploads were removed.
   */
  async sweep(at = Date.now()): Promise<number> {
    const { store, storage } = this.options;
    const unsentBefore = new Date(at - UNSENT_TTL_MS).toISOString();
    let removed = 0;
    for (;;) {
      const doomed = await store.attachments.doomed(unsentBefore, SWEEP_BATCH);
      if (doomed.length === 0) return removed;
      for (const upload of doomed) {
        await storage.delete(upload.fileKey);
        if (upload.previewKey) await storage.delete(upload.previewKey);
      }
      await store.attachments.forget(
        doomed.map((upload) => upload.id),
        unsentBefore,
      );
      removed += doomed.length;
      if (doomed.length < SWEEP_BATCH) return removed;
    }
  }
}
