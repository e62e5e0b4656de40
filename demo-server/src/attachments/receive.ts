import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import busboy from 'busboy';
import { newMessageId } from '../db/ids.js';
import { ChatError } from '../errors.js';

/** Room for the multipart envelope (boundaries, part headers, a long file name) around the file itself. */
export const ENVELOPE_BYTES = 16 * 1024;

export interface ReceivedFile {
  /** A temporary file holding the upload: the caller removes it. */
  path: string;
  size: number;
  /** As the client gave them: only hints, never trusted. */
  name: string;
  mimeType: string;
}

/**
 * Streams the one file of a `multipart/form-data` upload (part `file`) to a
 * temporary file, counting as it goes: never the whole file in memory. Stops
 * reading as soon as the body is known to be too big — from Content-Length
 * before any byte is read, or from the count — and leaves nothing behind
 * when it refuses. Refusals are `ChatError`s (`invalid_payload`,
 * `payload_too_large`).
 */
export function receiveFile(req: IncomingMessage, options: { maxBytes: number; dir: string }): Promise<ReceivedFile> {
  const { maxBytes } = options;
  const declaredLength = Number(req.headers['content-length']);
  if (Number.isFinite(declaredLength) && declaredLength > maxBytes + ENVELOPE_BYTES) {
    return Promise.reject(tooLarge(maxBytes));
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // Browsers send file names in UTF-8 (busboy's default reads them as Latin-1).
      defParamCharset: 'utf8',
      // busboy stops a file when it *reaches* fileSize: one byte more lets a file of exactly maxBytes through.
      limits: { files: 1, fileSize: maxBytes + 1, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 20 },
    });
  } catch {
    return Promise.reject(new ChatError('invalid_payload', 'Send the file as multipart/form-data.'));
  }
  const path = join(options.dir, `${newMessageId()}.upload`);
  return new Promise<ReceivedFile>((resolve, reject) => {
    let settled = false;
    let received: Omit<ReceivedFile, 'path' | 'size'> | undefined;
    let size = 0;
    let written: Promise<void> | undefined;
    let output: ReturnType<typeof createWriteStream> | undefined;
    let source: NodeJS.ReadableStream | undefined;

    const fail = (error: ChatError) => {
      if (settled) return;
      settled = true;
      // Nothing more is read: the rest of the body stays unread and the answer goes out now.
      req.unpipe(parser);
      parser.removeAllListeners();
      parser.on('error', () => {});
      if (source && output) source.unpipe(output);
      source?.resume();
      output?.destroy();
      void rm(path, { force: true }).then(() => reject(error));
    };

    parser.on('file', (field, stream, info) => {
      if (field !== 'file') {
        stream.resume();
        fail(new ChatError('invalid_payload', 'The file must be in a part named "file".'));
        return;
      }
      received = { name: info.filename ?? '', mimeType: info.mimeType ?? '' };
      output = createWriteStream(path, { flags: 'wx' });
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      stream.on('limit', () => fail(tooLarge(maxBytes)));
      written = new Promise<void>((done, broken) => {
        (output as ReturnType<typeof createWriteStream>).on('finish', done).on('error', broken);
        stream.on('error', broken);
      });
      // Awaited only once the body is complete; a write cut short by a refusal must not go unhandled.
      written.catch(() => {});
      source = stream;
      stream.pipe(output);
    });
    parser.on('filesLimit', () => fail(new ChatError('invalid_payload', 'Send one file per upload.')));
    parser.on('partsLimit', () => fail(new ChatError('invalid_payload', 'Too many parts in the upload.')));
    parser.on('fieldsLimit', () => fail(new ChatError('invalid_payload', 'Too many fields in the upload.')));
    parser.on('error', () => fail(new ChatError('invalid_payload', 'The multipart body could not be read.')));
    parser.on('close', () => {
      if (settled) return;
      if (!received || !written) {
        fail(new ChatError('invalid_payload', 'The upload has no part named "file".'));
        return;
      }
      const file = received;
      written.then(
        () => {
          if (settled) return;
          if (size === 0) {
            fail(new ChatError('invalid_payload', 'The file is empty.'));
            return;
          }
          settled = true;
          resolve({ path, size, ...file });
        },
        () => fail(new ChatError('invalid_payload', 'The upload was interrupted.')),
      );
    });
    req.on('aborted', () => fail(new ChatError('invalid_payload', 'The upload was interrupted.')));
    req.pipe(parser);
  });
}

function tooLarge(maxBytes: number): ChatError {
  return new ChatError('payload_too_large', `The file is larger than ${maxBytes} bytes.`);
}
