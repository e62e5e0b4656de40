import * as z from 'zod/mini';
import { LIMITS } from './limits.js';
import { isNotBlank } from './rules.js';

/** An opaque id: a non-empty string of bounded length. */
export const idSchema = z.string().check(z.minLength(1), z.maxLength(LIMITS.idMaxLength));

/** A display name: not blank, bounded. */
export const nameSchema = z
  .string()
  .check(z.maxLength(LIMITS.nameMaxLength), z.refine(isNotBlank, 'must not be blank'));

/** ISO-8601 UTC timestamp, as every time on the wire. */
export const timestampSchema = z.string();

/** A sequence number: 0 means "nothing yet", messages start at 1. */
export const seqSchema = z.int().check(z.nonnegative());

/**
 * A link the UI may render: absolute http(s), or a path on the same site.
 * `javascript:` and other schemes are refused so no client ever has to guess.
 */
export const safeUrlSchema = z
  .string()
  .check(z.maxLength(LIMITS.urlMaxLength), z.refine(isSafeUrl, 'must be an http(s) URL or a path starting with /'));

/**
 * Control and format characters (tabs and newlines that browsers silently drop
 * from URLs, right-to-left overrides that disguise them), white space and
 * backslashes (which browsers read as `/`): no link that needs them is safe.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const UNSAFE_IN_URL = /[\u0000-\u0020\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\\]/;
const SAME_SITE_PROBE = 'https://same-site.invalid';

export function isSafeUrl(value: string): boolean {
  if (UNSAFE_IN_URL.test(value)) return false;
  try {
    if (value.startsWith('/')) {
      // A path must stay on this site once a browser resolves it.
      return new URL(value, SAME_SITE_PROBE).origin === SAME_SITE_PROBE;
    }
    if (!/^https?:\/\//i.test(value)) return false;
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    // Unparseable: not a URL any client should render as a link.
    return false;
  }
}

/** A page size given by a client. */
export const pageLimitSchema = z.int().check(z.minimum(1), z.maximum(LIMITS.pageSizeMax));
