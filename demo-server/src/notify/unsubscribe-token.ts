import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The token of an email's unsubscribe link: the user id and an HMAC of it
 * with `JWT_SECRET`, so the link works without signing in and nobody can make
 * one for someone else. It does not expire: an unsubscribe link in an old
 * email must still work (RFC 8058 expects it to). A purpose prefix keeps the
 * MAC from being valid anywhere else the secret is used.
 */
const PURPOSE = 'palaver-unsubscribe\u0000';

export function signUnsubscribe(secret: string, userId: string): string {
  return `${Buffer.from(userId).toString('base64url')}.${mac(secret, userId).toString('base64url')}`;
}

/** The user id the token was made for, or undefined when it is not genuine. */
export function verifyUnsubscribe(secret: string, token: unknown): string | undefined {
  if (typeof token !== 'string' || token.length > 1024) return undefined;
  const [encodedId, encodedMac, extra] = token.split('.');
  if (!encodedId || !encodedMac || extra !== undefined) return undefined;
  const userId = Buffer.from(encodedId, 'base64url').toString();
  const given = Buffer.from(encodedMac, 'base64url');
  const expected = mac(secret, userId);
  return given.length === expected.length && timingSafeEqual(given, expected) ? userId : undefined;
}

function mac(secret: string, userId: string): Buffer {
  return createHmac('sha256', secret)
    .update(PURPOSE + userId)
    .digest();
}
