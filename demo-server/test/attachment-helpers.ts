/**
 * What the attachment tests share: a real S3-compatible server (s3rver) in
 * the test process, uploads as a browser makes them, and files to upload.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attachment, Message } from '@palaver/protocol';
import S3rver from 's3rver';
import sharp from 'sharp';
import { type ClientSocket, newClientId, ok, type TestServer, type TestUser } from './helpers.js';

export const S3_BUCKET = 'palaver-attachments';

/** The storages every attachment test runs on: the local disk, and S3 (s3rver on a free port). */
export const STORAGES = ['disk', 's3'] as const;
export type StorageKind = (typeof STORAGES)[number];

/** Starts what `kind` needs and resolves with the server environment that selects it. */
export async function storageEnv(kind: StorageKind): Promise<{ env: Record<string, string>; stop(): Promise<void> }> {
  if (kind === 'disk') return { env: {}, stop: async () => {} };
  const directory = mkdtempSync(join(tmpdir(), 'palaver-s3-'));
  const s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: S3_BUCKET }],
  });
  const { port } = await s3.run();
  return {
    env: {
      ATTACHMENT_STORAGE: 's3',
      S3_BUCKET,
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: '1',
    },
    async stop() {
      await s3.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export interface UploadAnswer {
  status: number;
  body: { attachment?: Attachment; error?: { code: string; message: string; retryAfterMs?: number } };
}

/** `POST /api/attachments` with one file in the part `file`, as a browser's FormData sends it. */
export async function upload(
  t: TestServer,
  user: TestUser,
  bytes: Uint8Array,
  name: string,
  type = 'application/octet-stream',
  field = 'file',
): Promise<UploadAnswer> {
  const form = new FormData();
  form.append(field, new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), name);
  const response = await fetch(`${t.url}/api/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await t.token(user)}` },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as UploadAnswer['body'] };
}

/** Like `upload`, failing the test unless the file was accepted. */
export async function uploaded(
  t: TestServer,
  user: TestUser,
  bytes: Uint8Array,
  name: string,
  type?: string,
): Promise<Attachment> {
  const answer = await upload(t, user, bytes, name, type);
  if (answer.status !== 201 || !answer.body.attachment) {
    throw new Error(`upload of ${name} answered ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return answer.body.attachment;
}

/** Fetches a (signed) address as a browser would: no Authorization header. */
export async function download(t: TestServer, address: string, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(address, t.url), { headers });
  return { status: response.status, headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) };
}

/** A small PNG of solid colour. */
export function png(width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 30 } } })
    .png()
    .toBuffer();
}

/**
 * A JPEG as phones make them: landscape pixels stored with EXIF orientation 6
 * (show rotated 90°) and a GPS position.
 */
export function phoneJpeg(width = 300, height = 200): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 20, g: 120, b: 200 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'PalaverPhone' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 51/1 2400/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '2/1 21/1 0/1',
      },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

export const utf8 = (text: string) => new TextEncoder().encode(text);

/** The start of a PDF followed by `size` bytes in all (the server only sniffs its head). */
export function pdfOf(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(utf8('%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<<>>\nendobj\n'));
  return bytes;
}

/** Whether EXIF data holds a GPS section (its pointer tag 0x8825, in either byte order). */
export function hasGps(exif: Buffer | undefined): boolean {
  if (!exif) return false;
  return exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]));
}

/** A three-frame animated GIF of 40 × 30 pixels. */
export async function animatedGif(): Promise<Buffer> {
  const frame = (colour: string) =>
    sharp({ create: { width: 40, height: 30, channels: 3, background: colour } })
      .png()
      .toBuffer();
  const frames = await Promise.all(['#f00', '#0f0', '#00f'].map(frame));
  return sharp(frames, { join: { animated: true } })
    .gif({ delay: 100, loop: 0 })
    .toBuffer();
}

/** Sends a message carrying these uploads (text optional) and resolves with the sender's copy. */
export async function sendWithAttachments(
  socket: ClientSocket,
  conversationId: string,
  attachmentIds: string[],
  body = '',
): Promise<Message> {
  const { message } = await ok(socket, 'message:send', {
    clientId: newClientId(),
    conversationId,
    body,
    attachmentIds,
  });
  return message;
}
