/**
 * Where the client keeps what must survive a reload: the outbox, the cache and
 * the sync cursor. One store per (namespace, user), so two accounts on one
 * browser never see each other's data.
 */
export interface KeyValueStore {
  readonly kind: 'indexeddb' | 'memory';
  /**
   * Who shares this data: clients whose stores have the same scope see the
   * same outbox and elect one sender among themselves. An IndexedDB database is
   * shared by every tab of the origin; memory only within one page (one
   * JavaScript realm). Changes when IndexedDB fails mid-session.
   */
  readonly scope: string;
  get<T>(key: string): Promise<T | undefined>;
  /** Several keys in one transaction: a reader never sees half of them. */
  setMany(entries: Array<[string, unknown]>): Promise<void>;
  delMany(keys: string[]): Promise<void>;
  /** Every entry whose key starts with `prefix`. */
  entries<T>(prefix: string): Promise<Array<[string, T]>>;
  /** Removes everything this store holds (logout). */
  destroy(): Promise<void>;
}

export type StorageOption = 'auto' | 'indexeddb' | 'memory';
