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

export function isSafeUrl(value: string): boolean {
  if (value.startsWith('/')) return !value.startsWith('//') && !value.startsWith('/\\');
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    // Unparseable: not a URL any client should render as a link.
    return false;
  }
}

/** A page size given by a client. */
export const pageLimitSchema = z.int().check(z.minimum(1), z.maximum(LIMITS.pageSizeMax));
