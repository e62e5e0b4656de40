import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { newMessageId } from '../db/ids.js';
import { type AttachmentStorage, type ByteRange, checkedKey, StoredFileMissing } from './storage.js';

/**
 * Files in a folder of the local disk (by default beside the SQLite file).
 * Written under a temporary name and renamed when complete, so a crash or a
 * refused upload never leaves half a file under a real key. One node only,
 * unless the folder is a disk every node shares.
 */
export class DiskStorage implements AttachmentStorage {
  private constructor(private readonly dir: string) {}

  static async open(dir: string): Promise<DiskStorage> {
    await mkdir(join(dir, 'partial'), { recursive: true });
    return new DiskStorage(dir);
  }

  /** Two levels of folders from the key's last characters (ids are time-ordered: their start is shared). */
  private pathOf(key: string): string {
    const checked = checkedKey(key);
    return join(this.dir, checked.slice(-2), checked);
  }

  async put(key: string, body: Readable, size: number): Promise<void> {
    const path = this.pathOf(key);
    const partial = join(this.dir, 'partial', `${newMessageId()}.part`);
    try {
      let written = 0;
      body.on('data', (chunk: Buffer) => {
        written += chunk.length;
      });
      await pipeline(body, createWriteStream(partial, { flags: 'wx' }));
      if (written !== size) throw new Error(`expected ${size} bytes, got ${written}`);
      await mkdir(join(path, '..'), { recursive: true });
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(key);
    const stream = createReadStream(path, range ? { start: range.start, end: range.end } : {});
    // Opened before answering, so a missing file is a typed rejection rather than an error mid-response.
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'ENOENT' ? new StoredFileMissing(key) : error),
      );
    });
    return stream;
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch {
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async close(): Promise<void> {}
}
