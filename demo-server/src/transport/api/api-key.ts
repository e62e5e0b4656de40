import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ChatError } from '../../errors.js';
import { bearerToken } from '../auth.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `Authorization: Bearer <PALAVER_API_KEY>`, compared in constant time (both
 * sides hashed first, so not even the key's length leaks). Without a
 * configured key the server API is closed.
 */
export function requireApiKey(apiKey: string | undefined): RequestHandler {
  const expected = apiKey === undefined ? undefined : digest(apiKey);
  return (req, _res, next) => {
    if (!expected) {
      next(new ChatError('forbidden', 'The server API is off: set PALAVER_API_KEY on the server to use it.'));
      return;
    }
    const given = bearerToken(req.headers.authorization);
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      next(
        new ChatError('unauthorized', 'A valid server API key is required (Authorization: Bearer <PALAVER_API_KEY>).'),
      );
      return;
    }
    next();
  };
}
