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
import type { SqliteDatabase } from './database.js';

/** The attachments table on SQLite. */
export class SqliteAttachments implements AttachmentStore {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    const prepare = (sql: string) => db.prepare(sql);
    this.statements = {
      insert: prepare(`INSERT INTO attachments (${UPLOAD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      bind: prepare(`
        UPDATE attachments SET message_id = @messageId, conversation_id = @conversationId
        WHERE id = @id AND uploader_id = @uploaderId AND message_id IS NULL AND discarded_at IS NULL`),
      discardOfMessage: prepare(
        'UPDATE attachments SET discarded_at = ? WHERE message_id = ? AND discarded_at IS NULL',
      ),
      discardOfUploader: prepare(
        'UPDATE attachments SET discarded_at = ? WHERE uploader_id = ? AND discarded_at IS NULL',
      ),
      uploadedSince: prepare(`
        SELECT coalesce(sum(size), 0) AS bytes, min(created_at) AS oldest FROM attachments
        WHERE uploader_id = ? AND created_at > ?`),
      doomed: prepare(`
        SELECT * FROM (
          SELECT * FROM attachments WHERE discarded_at IS NOT NULL
          UNION SELECT * FROM attachments WHERE message_id IS NULL AND created_at < @unsentBefore
        ) ORDER BY created_at LIMIT @limit`),
      forget: prepare(`
        DELETE FROM attachments WHERE id = @id
          AND (discarded_at IS NOT NULL OR (message_id IS NULL AND created_at < @unsentBefore))`),
    };
  }

  async insert(upload: StoredUpload): Promise<void> {
    this.statements.insert.run(...uploadValues(upload));
  }

  async byIds(ids: readonly string[]): Promise<StoredUpload[]> {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT * FROM attachments WHERE discarded_at IS NULL AND id IN (${ids.map(() => '?').join(', ')})`)
      .all(...ids) as UploadRow[];
    return rows.map(toUpload);
  }

  async uploadedSince(uploaderId: string, since: string): Promise<{ bytes: number; oldest: string | undefined }> {
    const row = this.statements.uploadedSince.get(uploaderId, since) as { bytes: number; oldest: string | null };
    return { bytes: row.bytes, oldest: row.oldest ?? undefined };
  }

  async discardUploadsOf(uploaderId: string, at: string): Promise<number> {
    return this.statements.discardOfUploader.run(at, uploaderId).changes;
  }

  async doomed(unsentBefore: string, limit: number): Promise<StoredUpload[]> {
    return (this.statements.doomed.all({ unsentBefore, limit }) as UploadRow[]).map(toUpload);
  }

  async forget(ids: readonly string[], unsentBefore: string): Promise<void> {
    this.db.transaction(() => {
      for (const id of ids) this.statements.forget.run({ id, unsentBefore });
    })();
  }

  /** Binds a message's uploads to it; runs inside the message insert's transaction. */
  bind(messageId: string, conversationId: string, uploaderId: string, records: readonly AttachmentRecord[]): void {
    for (const record of records) {
      const { changes } = this.statements.bind.run({ id: record.id, messageId, conversationId, uploaderId });
      if (changes !== 1) throw new AttachmentUnavailable(record.id);
    }
  }

  /** Discards a deleted message's uploads; runs inside the delete's transaction. */
  discardOfMessage(messageId: string, at: string): void {
    this.statements.discardOfMessage.run(at, messageId);
  }
}
