import type { Attachment } from '@palaver/protocol';

/**
 * What a message keeps of each of its attachments (as JSON on the message
 * row, written in the transaction that stores the message): everything a
 * client is shown but the signed addresses, which are made fresh each time
 * the message is read (`AttachmentLinks`).
 */
export interface AttachmentRecord {
  id: string;
  /** As uploaded (sanitised). */
  name: string;
  /** The name as the other side reads it, when contact masking hid something in it. */
  maskedName?: string;
  type: string;
  size: number;
  width?: number;
  height?: number;
  placeholder?: string;
  /** Whether a preview was made (images). */
  preview: boolean;
}

/** An attachment as clients get it, from its record and the name this reader may see, with fresh signed addresses. */
export type AttachmentLinks = (record: AttachmentRecord, name: string) => Attachment;

/** An upload as the attachments table holds it. */
export interface StoredUpload extends AttachmentRecord {
  uploaderId: string;
  /** Where the file is in attachment storage, and its preview (images). */
  fileKey: string;
  previewKey?: string;
  previewSize?: number;
  createdAt: string;
  /** Set once a message names it (and never changed after). */
  messageId?: string;
  conversationId?: string;
  /** Set when its message was deleted or its uploader erased: its files are to be removed. */
  discardedAt?: string;
}

/** An attachment that a send names but that is not (or no longer) an unsent upload of the sender. */
export class AttachmentUnavailable extends Error {
  override readonly name = 'AttachmentUnavailable';
  constructor(readonly attachmentId: string) {
    super(`Attachment ${attachmentId} is not an unsent upload of the sender.`);
  }
}

/**
 * The attachments table, behind the same interface on SQLite and PostgreSQL.
 * Uploads are bound to their message by the message insert itself (see
 * `InsertMessageInput.attachments`), and discarded by a delete in the same
 * transaction as the delete; removing their files is the sweeper's job.
 */
export interface AttachmentStore {
  insert(upload: StoredUpload): Promise<void>;
  /** The uploads with these ids that are not discarded (in no particular order). */
  byIds(ids: readonly string[]): Promise<StoredUpload[]>;
  /** Bytes the user uploaded since `since` (ISO time), and when the oldest of those uploads was made. */
  uploadedSince(uploaderId: string, since: string): Promise<{ bytes: number; oldest: string | undefined }>;
  /** Discards every upload of the user (erasure): their files go with the next sweep. */
  discardUploadsOf(uploaderId: string, at: string): Promise<number>;
  /**
   * Uploads whose files are to be removed: the discarded ones, and those never
   * sent that were made before `unsentBefore`. At most `limit`, oldest first.
   */
  doomed(unsentBefore: string, limit: number): Promise<StoredUpload[]>;
  /**
   * Forgets doomed uploads whose files were removed. An upload that a message
   * took meanwhile is kept (only unsent or discarded rows are deleted).
   */
  forget(ids: readonly string[], unsentBefore: string): Promise<void>;
}

/** The columns of the attachments table, the same on SQLite and PostgreSQL. */
export interface UploadRow {
  id: string;
  uploader_id: string;
  name: string;
  type: string;
  size: number | string;
  width: number | null;
  height: number | null;
  placeholder: string | null;
  file_key: string;
  preview_key: string | null;
  preview_size: number | string | null;
  created_at: string;
  message_id: string | null;
  conversation_id: string | null;
  discarded_at: string | null;
}

export function toUpload(row: UploadRow): StoredUpload {
  const upload: StoredUpload = {
    id: row.id,
    uploaderId: row.uploader_id,
    name: row.name,
    type: row.type,
    size: Number(row.size),
    preview: row.preview_key !== null,
    fileKey: row.file_key,
    createdAt: row.created_at,
  };
  if (row.width !== null) upload.width = row.width;
  if (row.height !== null) upload.height = row.height;
  if (row.placeholder !== null) upload.placeholder = row.placeholder;
  if (row.preview_key !== null) upload.previewKey = row.preview_key;
  if (row.preview_size !== null) upload.previewSize = Number(row.preview_size);
  if (row.message_id !== null) upload.messageId = row.message_id;
  if (row.conversation_id !== null) upload.conversationId = row.conversation_id;
  if (row.discarded_at !== null) upload.discardedAt = row.discarded_at;
  return upload;
}

/** The row values of a new upload, in the order of `UPLOAD_COLUMNS`. */
export function uploadValues(upload: StoredUpload): unknown[] {
  return [
    upload.id,
    upload.uploaderId,
    upload.name,
    upload.type,
    upload.size,
    upload.width ?? null,
    upload.height ?? null,
    upload.placeholder ?? null,
    upload.fileKey,
    upload.previewKey ?? null,
    upload.previewSize ?? null,
    upload.createdAt,
  ];
}

export const UPLOAD_COLUMNS =
  'id, uploader_id, name, type, size, width, height, placeholder, file_key, preview_key, preview_size, created_at';

/** Only what a message shows of an upload (no storage keys, no uploader). */
export function recordOf(upload: StoredUpload, maskedName?: string): AttachmentRecord {
  const record: AttachmentRecord = {
    id: upload.id,
    name: upload.name,
    type: upload.type,
    size: upload.size,
    preview: upload.preview,
  };
  if (maskedName !== undefined) record.maskedName = maskedName;
  if (upload.width !== undefined) record.width = upload.width;
  if (upload.height !== undefined) record.height = upload.height;
  if (upload.placeholder !== undefined) record.placeholder = upload.placeholder;
  return record;
}

/** Links that no download accepts: for stores opened without a signer (tools, tests of the store alone). */
export const UNSIGNED_LINKS: AttachmentLinks = (record, name) => ({
  id: record.id,
  name,
  type: record.type,
  size: record.size,
  url: `/api/attachments/${record.id}/file`,
});
