import type pg from 'pg';
import {
  type AttachmentRecord,
  type AttachmentStore,
  AttachmentUnavailable,
  type StoredUpload,
  toUpload,
  UPLOAD_COLUMNS,
  type UploadRow,
  uploadValues,
} from '../attachments.js';
import type { Tx } from './pool.js';

/** The attachments table on PostgreSQL. */
export class PostgresAttachments implements AttachmentStore {
  constructor(private readonly pool: pg.Pool) {}

  async insert(upload: StoredUpload): Promise<void> {
    await this.pool.query(
      `INSERT INTO attachments (${UPLOAD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      uploadValues(upload),
    );
  }

  async byIds(ids: readonly string[]): Promise<StoredUpload[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<UploadRow>(
      'SELECT * FROM attachments WHERE discarded_at IS NULL AND id = ANY($1::text[])',
      [ids],
    );
    return rows.map(toUpload);
  }

  async uploadedSince(uploaderId: string, since: string): Promise<{ bytes: number; oldest: string | undefined }> {
    const { rows } = await this.pool.query<{ bytes: string; oldest: string | null }>(
      `SELECT coalesce(sum(size), 0) AS bytes, min(created_at) AS oldest FROM attachments
       WHERE uploader_id = $1 AND created_at > $2`,
      [uploaderId, since],
    );
    return { bytes: Number(rows[0]?.bytes ?? 0), oldest: rows[0]?.oldest ?? undefined };
  }

  async discardUploadsOf(uploaderId: string, at: string): Promise<number> {
    const { rowCount } = await this.pool.query(
      'UPDATE attachments SET discarded_at = $1 WHERE uploader_id = $2 AND discarded_at IS NULL',
      [at, uploaderId],
    );
    return rowCount ?? 0;
  }

  async doomed(unsentBefore: string, limit: number): Promise<StoredUpload[]> {
    const { rows } = await this.pool.query<UploadRow>(
      `SELECT * FROM (
         SELECT * FROM attachments WHERE discarded_at IS NOT NULL
         UNION SELECT * FROM attachments WHERE message_id IS NULL AND created_at < $1
       ) AS doomed ORDER BY created_at LIMIT $2`,
      [unsentBefore, limit],
    );
    return rows.map(toUpload);
  }

  async forget(ids: readonly string[], unsentBefore: string): Promise<void> {
    await this.pool.query(
      `DELETE FROM attachments WHERE id = ANY($1::text[])
         AND (discarded_at IS NOT NULL OR (message_id IS NULL AND created_at < $2))`,
      [ids, unsentBefore],
    );
  }
}

/** Binds a message's uploads to it, inside the message insert's transaction. */
export async function bindAttachments(
  tx: Tx,
  messageId: string,
  conversationId: string,
  uploaderId: string,
  records: readonly AttachmentRecord[],
): Promise<void> {
  for (const record of records) {
    const { rowCount } = await tx.query(
      `UPDATE attachments SET message_id = $1, conversation_id = $2
       WHERE id = $3 AND uploader_id = $4 AND message_id IS NULL AND discarded_at IS NULL`,
      [messageId, conversationId, record.id, uploaderId],
    );
    if (rowCount !== 1) throw new AttachmentUnavailable(record.id);
  }
}

/** Discards a deleted message's uploads, inside the delete's transaction. */
export async function discardAttachmentsOf(tx: Tx, messageId: string, at: string): Promise<void> {
  await tx.query('UPDATE attachments SET discarded_at = $1 WHERE message_id = $2 AND discarded_at IS NULL', [
    at,
    messageId,
  ]);
}
