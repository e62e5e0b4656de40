import type { ChatUser } from '@palaver/protocol';

/** A token, or a function that fetches a fresh one from the marketplace's backend. */
export type TokenSource = string | (() => string | Promise<string>);

/**
 * Reads the user from a JWT *without verifying it* — the server verifies. The
 * client only needs the id to open the right local cache before it can reach
 * the server (offline start).
 */
export function userFromToken(token: string): ChatUser | undefined {
  const claims = readJwtClaims(token) as
    | { sub?: unknown; name?: unknown; avatar?: unknown; role?: unknown }
    | undefined;
  if (!claims || typeof claims.sub !== 'string' || claims.sub.length === 0) return undefined;
  const user: ChatUser = {
    id: claims.sub,
    name: typeof claims.name === 'string' ? claims.name : claims.sub,
    isAdmin: claims.role === 'admin',
  };
  if (typeof claims.avatar === 'string') user.avatarUrl = claims.avatar;
  return user;
}

/** The claims of a JWT, *unverified* (undefined when it is not one we can read). */
export function readJwtClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(
      Array.from(atob(base64), (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
    );
    const claims: unknown = JSON.parse(json);
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    // Not a JWT we can read: the server will refuse it and say why.
    return undefined;
  }
}

/** When the token expires (ms since the epoch, from `exp`), if it says. */
export function expiryOf(token: string): number | undefined {
  const exp = readJwtClaims(token)?.exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}
