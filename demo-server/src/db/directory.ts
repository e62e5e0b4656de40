import type {
  Message,
  ReadReceipt,
  ServerProduct,
  ServerUser,
  UpsertProductInput,
  UpsertUserInput,
} from '@palaver/protocol';

/**
 * The marketplace's own facts, as its backend registered them through the
 * server API: who its users are and what it sells. Product cards and
 * suppliers are built from here (or from a signed product token), never from
 * what a browser says.
 */
export interface DirectoryStore {
  /** Creates or replaces a user's profile (an erased user stays erased: nothing is written). */
  upsertUser(id: string, input: UpsertUserInput): Promise<ServerUser | undefined>;
  user(id: string): Promise<ServerUser | undefined>;
  /** Creates or replaces a product; undefined when its supplier is not a known user. */
  upsertProduct(id: string, input: UpsertProductInput): Promise<ServerProduct | undefined>;
  product(id: string): Promise<ServerProduct | undefined>;
  /** Turns the user's email digests on or off; false when there is no such user. */
  setEmailNotifications(id: string, on: boolean): Promise<boolean>;
  /** Removes the user's name, avatar, email and locale for good, and marks them erased. */
  eraseProfile(id: string): Promise<void>;
  /** Every message the user sent, oldest first (deleted ones as tombstones). */
  messagesSentBy(id: string): Promise<Message[]>;
  /** The user's read pointer in each of their conversations. */
  readsOf(id: string): Promise<ReadReceipt[]>;
}

/** What an erased user is called from then on. */
export const ERASED_NAME = 'Deleted user';

export interface UserRow {
  id: string;
  name: string;
  avatar_url: string | null;
  is_admin: number;
  email: string | null;
  locale: string | null;
  email_notifications: number;
  created_at: string;
  erased_at: string | null;
}

export interface ProductRow {
  id: string;
  title: string;
  price: string | null;
  image_url: string | null;
  url: string | null;
  supplier_id: string;
  updated_at: string;
}

export function toServerUser(row: UserRow): ServerUser {
  const user: ServerUser = {
    id: row.id,
    name: row.name,
    role: row.is_admin === 1 ? 'admin' : 'user',
    emailNotifications: row.email_notifications !== 0,
    createdAt: row.created_at,
  };
  if (row.avatar_url) user.avatarUrl = row.avatar_url;
  if (row.email) user.email = row.email;
  if (row.locale) user.locale = row.locale;
  if (row.erased_at) user.erasedAt = row.erased_at;
  return user;
}

export function toServerProduct(row: ProductRow): ServerProduct {
  const product: ServerProduct = {
    id: row.id,
    title: row.title,
    supplierId: row.supplier_id,
    updatedAt: row.updated_at,
  };
  if (row.price !== null) product.price = row.price;
  if (row.image_url !== null) product.imageUrl = row.image_url;
  if (row.url !== null) product.url = row.url;
  return product;
}

/** The values of an upserted user, in column order: name, avatar_url, is_admin, email, locale. */
export function userValues(input: UpsertUserInput): [string, string | null, number, string | null, string | null] {
  return [
    input.name.trim(),
    input.avatarUrl ?? null,
    input.role === 'admin' ? 1 : 0,
    input.email ?? null,
    input.locale ?? null,
  ];
}

/** `email_notifications` as given (1 or 0), or null to keep what is stored (on for a new user). */
export function emailPreference(input: UpsertUserInput): number | null {
  return input.emailNotifications === undefined ? null : input.emailNotifications ? 1 : 0;
}
