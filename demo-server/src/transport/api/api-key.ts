import type { RequestHandler } from 'express';
import { ChatError } from '../../errors.js';
import { bearerToken, sameSecret } from '../auth.js';

/**
 * `Authorization: Bearer <PALAVER_API_KEY>`, compared in constant time (both
 * sides hashed first, so not even the key's length leaks). Without a
 * configured key the server API is closed.
 */
export function requireApiKey(apiKey: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (apiKey === undefined) {
      next(new ChatError('forbidden', 'The server API is off: set PALAVER_API_KEY on the server to use it.'));
      return;
    }
    const given = bearerToken(req.headers.authorization);
    if (given === undefined || !sameSecret(given, apiKey)) {
      next(
        new ChatError('unauthorized', 'A valid server API key is required (Authorization: Bearer <PALAVER_API_KEY>).'),
      );
      return;
    }
    next();
  };
}
