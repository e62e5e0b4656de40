import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { attachmentSchema, idSchema } from '@palaver/protocol';
import type express from 'express';
import type { NextFunction, Request, Response } from 'express';
import * as z from 'zod/mini';
import type { AttachmentService } from '../attachments/attachment-service.js';
import { VARIANTS, type Variant } from '../attachments/links.js';
import { receiveFile } from '../attachments/receive.js';
import { type ByteRange, StoredFileMissing } from '../attachments/storage.js';
import { ChatError } from '../errors.js';
import type { Actor } from '../service/chat-service.js';
import type { ExtraPath } from './api/openapi.js';

/** How long a refused upload's client may go on sending before its connection is cut. */
const CLOSE_GRACE_MS = 2000;

export interface AttachmentRouteOptions {
  attachments: AttachmentService;
  /** The signed-in user of a request (Bearer token), or a refusal. */
  authenticate: (req: Request) => Promise<Actor>;
  maxBytes: number;
  /** Where uploads are received before they are checked. */
  incomingDir: string;
}

/**
 * The two attachment endpoints that are not JSON: the multipart upload and
 * the downloads by signed address. (`GET /api/attachments/:id`, which is,
 * lives in the route table with the others.)
 */
export function mountAttachmentRoutes(app: express.Express, options: AttachmentRouteOptions): void {
  const { attachments } = options;

  app.post('/api/attachments', async (req: Request & { actor?: Actor }, res: Response, next: NextFunction) => {
    let received: Awaited<ReturnType<typeof receiveFile>> | undefined;
    try {
      const actor = await options.authenticate(req);
      req.actor = actor;
      const announced = Number(req.headers['content-length']);
      await attachments.admit(actor.user, Number.isFinite(announced) ? Math.min(announced, options.maxBytes) : 0);
      received = await receiveFile(req, { maxBytes: options.maxBytes, dir: options.incomingDir });
      const attachment = await attachments.keep(actor.user, received);
      res.status(201).json({ attachment });
    } catch (error) {
      if (!req.complete) {
        // The rest of the body is not kept: the answer goes out now, and what still arrives is thrown
        // away unread. (Closing at once would leave it in the socket, and the close would become a
        // reset that can destroy the answer before the client reads it.) A client that keeps sending
        // is cut off after a grace period.
        req.unpipe();
        req.resume();
        res.once('finish', () =>
          setTimeout(() => {
            if (!req.complete) req.socket.destroy();
          }, CLOSE_GRACE_MS).unref(),
        );
      }
      next(error);
    } finally {
      if (received) await rm(received.path, { force: true });
    }
  });

  app.get('/api/attachments/:id/:variant', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const id = String(req.params.id);
      const variant = String(req.params.variant) as Variant;
      if (!VARIANTS.includes(variant) || !idSchema.safeParse(id).success) {
        throw new ChatError('not_found', 'No such attachment.');
      }
      const { exp, sig } = req.query;
      if (!attachments.signer.verify(id, variant, exp, sig)) {
        throw new ChatError('forbidden', 'This address is not valid (expired or altered); ask for a fresh one.');
      }
      const upload = await attachments.servable(id);
      const key = variant === 'preview' ? upload?.previewKey : upload?.fileKey;
      const size = variant === 'preview' ? upload?.previewSize : upload?.size;
      if (!upload || !key || size === undefined) throw new ChatError('not_found', 'No such attachment.');
      const type = variant === 'preview' ? 'image/webp' : upload.type;
      const image = type.startsWith('image/');
      res.setHeader('Content-Type', type);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      // Marketplaces on other origins show these in <img>: helmet's same-origin default would block them.
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      res.setHeader(
        'Content-Disposition',
        `${image ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeRFC5987(upload.name)}`,
      );
      res.setHeader('Cache-Control', `private, max-age=${attachments.signer.secondsLeft(String(exp))}`);
      res.setHeader('Accept-Ranges', 'bytes');
      const range = parseRange(req.headers.range, size);
      if (range === 'unsatisfiable') {
        res.setHeader('Content-Range', `bytes */${size}`);
        res.status(416).end();
        return;
      }
      const body = await attachments.storage.get(key, range);
      if (range) {
        res.status(206);
        res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
      }
      res.setHeader('Content-Length', String(range ? range.end - range.start + 1 : size));
      if (req.method === 'HEAD') {
        body.destroy();
        res.end();
        return;
      }
      await pipeline(body, res).catch(() => {
        // The reader went away, or storage broke mid-file: the connection is cut, nothing else to answer.
        res.destroy();
      });
    } catch (error) {
      if (error instanceof StoredFileMissing) {
        next(new ChatError('not_found', 'No such attachment.'));
        return;
      }
      next(error);
    }
  });
}

/**
 * One `bytes=` range of a file of `size` bytes: undefined for the whole file
 * (no header, a malformed one, or several ranges — all answered with 200),
 * 'unsatisfiable' when it starts past the end.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [, from, to] = match as unknown as [string, string, string];
  if (from === '') {
    // The last N bytes.
    const suffix = Number(to);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (start >= size) return 'unsatisfiable';
  if (end < start) return undefined;
  return { start, end };
}

/** A file name for `filename*=UTF-8''…` (RFC 5987: everything but a few safe characters escaped). */
function encodeRFC5987(name: string): string {
  return encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The endpoints above, in the OpenAPI document. */
export const ATTACHMENT_PATHS: readonly ExtraPath[] = [
  {
    method: 'post',
    path: '/api/attachments',
    summary: 'Upload one file (multipart/form-data, part "file"); answers 201 { attachment }',
    tag: 'Users',
    security: 'userToken',
    status: 201,
    filePart: 'file',
    response: z.object({ attachment: attachmentSchema }),
  },
  {
    method: 'get',
    path: '/api/attachments/{id}/{variant}',
    summary: 'Download an attachment (variant "file") or its preview ("preview") by a signed address (?exp&sig)',
    tag: 'Users',
    response: 'binary',
  },
];
