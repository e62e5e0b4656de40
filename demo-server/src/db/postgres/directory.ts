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
import type { Queryable } from './pool.js';
import type { PostgresUsers } from './users.js';

/** The marketplace's users and products (server API) in PostgreSQL. */
export class PostgresDirectory implements DirectoryStore {
  constructor(
    private readonly db: Queryable,
    private readonly users: PostgresUsers,
    private readonly links: AttachmentLinks,
  ) {}

  async upsertUser(id: string, input: UpsertUserInput): Promise<ServerUser | undefined> {
    await this.db.query(
      `INSERT INTO users (id, name, avatar_url, is_admin, email, locale, created_at, email_notifications)
       VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8::integer, 1))
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, avatar_url = excluded.avatar_url,
         is_admin = excluded.is_admin, email = excluded.email, locale = excluded.locale,
         email_notifications = COALESCE($8::integer, users.email_notifications)
       WHERE users.erased_at IS NULL`,
      [id, ...userValues(input), now(), emailPreference(input)],
    );
    this.users.forget(id);
    return this.user(id);
  }

  async user(id: string): Promise<ServerUser | undefined> {
    const { rows } = await this.db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] ? toServerUser(rows[0]) : undefined;
  }

  async upsertProduct(id: string, input: UpsertProductInput): Promise<ServerProduct | undefined> {
    const { title, price, imageUrl, url, supplierId } = input;
    const { rows } = await this.db.query<ProductRow>(
      `INSERT INTO products (id, title, price, image_url, url, supplier_id, updated_at)
       SELECT $1, $2, $3, $4, $5, id, $6 FROM users WHERE id = $7
       ON CONFLICT (id) DO UPDATE SET title = excluded.title, price = excluded.price, image_url = excluded.image_url,
         url = excluded.url, supplier_id = excluded.supplier_id, updated_at = excluded.updated_at
       RETURNING *`,
      [id, title.trim(), price ?? null, imageUrl ?? null, url ?? null, now(), supplierId],
    );
    return rows[0] ? toServerProduct(rows[0]) : undefined;
  }

  async product(id: string): Promise<ServerProduct | undefined> {
    const { rows } = await this.db.query<ProductRow>('SELECT * FROM products WHERE id = $1', [id]);
    return rows[0] ? toServerProduct(rows[0]) : undefined;
  }

  async setEmailNotifications(id: string, on: boolean): Promise<boolean> {
    const { rowCount } = await this.db.query('UPDATE users SET email_notifications = $1 WHERE id = $2', [
      on ? 1 : 0,
      id,
    ]);
    return rowCount === 1;
  }

  async eraseProfile(id: string): Promise<void> {
    await this.db.query(
      `UPDATE users SET name = $1, avatar_url = NULL, email = NULL, locale = NULL, erased_at = COALESCE(erased_at, $2)
       WHERE id = $3`,
      [ERASED_NAME, now(), id],
    );
    this.users.forget(id);
  }

  async messagesSentBy(id: string): Promise<Message[]> {
    const { rows } = await this.db.query<MessageRow>(
      'SELECT * FROM messages WHERE sender_id = $1 ORDER BY created_at, id',
      [id],
    );
    return rows.map((row) => toMessage(row, this.links));
  }

  async readsOf(id: string): Promise<ReadReceipt[]> {
    const { rows } = await this.db.query<ParticipantRow>(
      `SELECT conversation_id, user_id, last_read_seq, last_read_at FROM participants
       WHERE user_id = $1 ORDER BY conversation_id`,
      [id],
    );
    return rows.map(toReceipt);
  }
}
