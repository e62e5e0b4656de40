import type {
  Message,
  ReadReceipt,
  ServerProduct,
  ServerUser,
  UpsertProductInput,
  UpsertUserInput,
} from '@palaver/protocol';
import type { AttachmentLinks } from '../attachments.js';
import {
  type DirectoryStore,
  ERASED_NAME,
  emailPreference,
  type ProductRow,
  toServerProduct,
  toServerUser,
  type UserRow,
  userValues,
} from '../directory.js';
import { type MessageRow, now, type ParticipantRow, toMessage, toReceipt } from '../rows.js';
import type { SqliteDatabase } from './database.js';
import type { SqliteUsers } from './users.js';

/** The marketplace's users and products (server API) in the SQLite file. */
export class SqliteDirectory implements DirectoryStore {
  private readonly statements;

  constructor(
    db: SqliteDatabase,
    private readonly users: SqliteUsers,
    private readonly links: AttachmentLinks,
  ) {
    this.statements = {
      upsertUser: db.prepare(`
        INSERT INTO users (id, name, avatar_url, is_admin, email, locale, created_at, email_notifications)
        VALUES (?, ?, ?, ?, ?, ?, ?, COALESCE(?, 1))
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, avatar_url = excluded.avatar_url,
          is_admin = excluded.is_admin, email = excluded.email, locale = excluded.locale,
          email_notifications = COALESCE(?, users.email_notifications)
        WHERE users.erased_at IS NULL`),
      setEmailNotifications: db.prepare('UPDATE users SET email_notifications = ? WHERE id = ?'),
      user: db.prepare('SELECT * FROM users WHERE id = ?'),
      upsertProduct: db.prepare(`
        INSERT INTO products (id, title, price, image_url, url, supplier_id, updated_at)
        SELECT ?, ?, ?, ?, ?, id, ? FROM users WHERE id = ?
        ON CONFLICT (id) DO UPDATE SET title = excluded.title, price = excluded.price, image_url = excluded.image_url,
          url = excluded.url, supplier_id = excluded.supplier_id, updated_at = excluded.updated_at`),
      product: db.prepare('SELECT * FROM products WHERE id = ?'),
      erase: db.prepare(`
        UPDATE users SET name = ?, avatar_url = NULL, email = NULL, locale = NULL, erased_at = COALESCE(erased_at, ?)
        WHERE id = ?`),
      sentBy: db.prepare('SELECT * FROM messages WHERE sender_id = ? ORDER BY created_at, id'),
      readsOf: db.prepare(`
        SELECT conversation_id, user_id, last_read_seq, last_read_at FROM participants
        WHERE user_id = ? ORDER BY conversation_id`),
    };
  }

  async upsertUser(id: string, input: UpsertUserInput): Promise<ServerUser | undefined> {
    const preference = emailPreference(input);
    this.statements.upsertUser.run(id, ...userValues(input), now(), preference, preference);
    this.users.forget(id);
    return this.user(id);
  }

  async user(id: string): Promise<ServerUser | undefined> {
    const row = this.statements.user.get(id) as UserRow | undefined;
    return row ? toServerUser(row) : undefined;
  }

  async upsertProduct(id: string, input: UpsertProductInput): Promise<ServerProduct | undefined> {
    const { title, price, imageUrl, url, supplierId } = input;
    this.statements.upsertProduct.run(
      id,
      title.trim(),
      price ?? null,
      imageUrl ?? null,
      url ?? null,
      now(),
      supplierId,
    );
    const product = await this.product(id);
    return product?.supplierId === supplierId ? product : undefined;
  }

  async product(id: string): Promise<ServerProduct | undefined> {
    const row = this.statements.product.get(id) as ProductRow | undefined;
    return row ? toServerProduct(row) : undefined;
  }

  async setEmailNotifications(id: string, on: boolean): Promise<boolean> {
    return this.statements.setEmailNotifications.run(on ? 1 : 0, id).changes === 1;
  }

  async eraseProfile(id: string): Promise<void> {
    this.statements.erase.run(ERASED_NAME, now(), id);
    this.users.forget(id);
  }

  async messagesSentBy(id: string): Promise<Message[]> {
    return (this.statements.sentBy.all(id) as MessageRow[]).map((row) => toMessage(row, this.links));
  }

  async readsOf(id: string): Promise<ReadReceipt[]> {
    return (this.statements.readsOf.all(id) as ParticipantRow[]).map(toReceipt);
  }
}
