import type { Readable } from 'node:stream';
import type { AttachmentSettings } from '../config.js';
import { DiskStorage } from './disk-storage.js';
import { S3Storage } from './s3-storage.js';

/** Bytes `start` to `end`, both included (as HTTP ranges count). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where attachment files live. Keys are made by the server (letters, digits,
 * `.`, `-`, `_`), never taken from a client. A `put` is all or nothing: a
 * reader never sees half a file.
 */
export interface AttachmentStorage {
  /** Stores `size` bytes read from `body` under `key` (replacing any). */
  put(key: string, body: Readable, size: number, contentType: string): Promise<void>;
  /** The file, or the bytes of `range`; rejects with `StoredFileMissing` when there is no such key. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  exists(key: string): Promise<boolean>;
  /** Removes the file; a key that is already gone is fine (deletions may run twice, on two nodes). */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

export class StoredFileMissing extends Error {
  override readonly name = 'StoredFileMissing';
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

export function checkedKey(key: string): string {
  if (!KEY.test(key) || key.includes('..')) throw new Error(`not a storage key: ${key}`);
  return key;
}

export function createStorage(settings: AttachmentSettings['storage']): Promise<AttachmentStorage> {
  return settings.kind === 's3' ? S3Storage.open(settings.s3) : DiskStorage.open(settings.dir);
}
