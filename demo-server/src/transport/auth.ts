import { createHash, timingSafeEqual } from 'node:crypto';
import { type ChatUser, isReservedUserId, LIMITS, tokenClaimsSchema } from '@palaver/protocol';
import { errors, jwtVerify, SignJWT } from 'jose';
import { ChatError } from '../errors.js';
import type { Session } from '../service/sessions.js';

/** The only algorithm accepted: pinned so `alg: none` or an RS/HS confusion can never pass. */
const ALGORITHM = 'HS256';

export interface TokenVerifier {
  verify(token: unknown): Promise<ChatUser>;
  /** The user and the token's span (`iat`, `exp`): what a socket's session and a revocation check need. */
  verifySession(token: unknown): Promise<Session>;
}

export function createTokenVerifier(secret: string): TokenVerifier {
  const key = new TextEncoder().encode(secret);
  const verifySession = async (token: unknown): Promise<Session> => {
    if (typeof token !== 'string' || token.length === 0) {
      throw new ChatError('unauthorized', 'A token is required.');
    }
    if (token.length > LIMITS.tokenMaxLength) throw new ChatError('unauthorized', 'The token is not valid.');
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: [ALGORITHM],
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new ChatError('token_expired', 'The token has expired.');
      }
      throw new ChatError('unauthorized', 'The token is not valid.');
    }
    const claims = tokenClaimsSchema.safeParse(payload);
    if (!claims.success) {
      throw new ChatError('unauthorized', 'The token lacks a valid sub, name or exp claim.');
    }
    const { sub, name, avatar, role, exp } = claims.data;
    if (isReservedUserId(sub)) throw new ChatError('unauthorized', 'This user id is reserved by Palaver.');
    const user: ChatUser = { id: sub, name: name.trim(), isAdmin: role === 'admin' };
    if (avatar) user.avatarUrl = avatar;
    const { iat } = payload as { iat?: unknown };
    return { user, expiresAt: exp * 1000, issuedAt: typeof iat === 'number' ? iat * 1000 : undefined };
  };
  return {
    verifySession,
    async verify(token) {
      return (await verifySession(token)).user;
    },
  };
}

/** Signs a token the way a marketplace backend would; used by the demo and by tests. */
export async function signToken(
  secret: string,
  user: { id: string; name: string; avatarUrl?: string; admin?: boolean },
  expiresIn: string | number = '12h',
): Promise<string> {
  const claims: Record<string, unknown> = { name: user.name };
  if (user.avatarUrl) claims.avatar = user.avatarUrl;
  if (user.admin) claims.role = 'admin';
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

/** Compares in constant time (hashes first, so the lengths match and leak nothing either). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Reads `Authorization: Bearer <jwt>`. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
