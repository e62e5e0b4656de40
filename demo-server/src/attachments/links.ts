import { createHmac } from 'node:crypto';
import type { Attachment } from '@palaver/protocol';
import type { AttachmentLinks, AttachmentRecord } from '../db/attachments.js';
import { sameSecret } from '../transport/auth.js';

/** What a signed address serves: the file itself, or its preview (images). */
export type Variant = 'file' | 'preview';
export const VARIANTS: readonly Variant[] = ['file', 'preview'];

/**
 * Addresses are valid until the end of the hour after the current one: from
 * one to two hours. Everyone who reads a message within the same hour gets
 * the same address, so browsers and proxies cache one copy.
 */
const WINDOW_S = 3600;

/**
 * Signed download addresses: `/api/attachments/<id>/<variant>?exp=<unix s>&sig=<HMAC>`.
 * They need no header (an `<img src>`, a link opened in a new tab) and say
 * nothing but "this file, until then": the signature covers the id, the
 * variant and the expiry, with a key of their own.
 */
export class LinkSigner {
  constructor(
    private readonly secret: string,
    /** PUBLIC_URL without the trailing slash, or '' for paths on this server. */
    private readonly base: string,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Unix seconds at which addresses signed now expire. */
  expiry(): number {
    return (Math.floor(this.nowMs() / 1000 / WINDOW_S) + 2) * WINDOW_S;
  }

  private signature(id: string, variant: Variant, exp: number): string {
    return createHmac('sha256', this.secret).update(`${id}\n${variant}\n${exp}`).digest('base64url');
  }

  url(id: string, variant: Variant, exp: number): string {
    return `${this.base}/api/attachments/${encodeURIComponent(id)}/${variant}?exp=${exp}&sig=${this.signature(id, variant, exp)}`;
  }

  /** Whether `exp` and `sig` (as the query gave them) sign this id and variant and have not expired. */
  verify(id: string, variant: Variant, exp: unknown, sig: unknown): boolean {
    if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp)) return false;
    const expiresAt = Number(exp);
    if (expiresAt * 1000 <= this.nowMs()) return false;
    return sameSecret(sig, this.signature(id, variant, expiresAt));
  }

  /** Seconds left before `exp` (for Cache-Control). */
  secondsLeft(exp: string): number {
    return Math.max(0, Number(exp) - Math.floor(this.nowMs() / 1000));
  }

  /** The protocol's Attachment: the record as this reader may see it, with freshly signed addresses. */
  readonly links: AttachmentLinks = (record: AttachmentRecord, name: string): Attachment => {
    const exp = this.expiry();
    const attachment: Attachment = {
      id: record.id,
      name,
      type: record.type,
      size: record.size,
      url: this.url(record.id, 'file', exp),
      expiresAt: new Date(exp * 1000).toISOString(),
    };
    if (record.width !== undefined) attachment.width = record.width;
    if (record.height !== undefined) attachment.height = record.height;
    if (record.preview) attachment.previewUrl = this.url(record.id, 'preview', exp);
    if (record.placeholder !== undefined) attachment.placeholder = record.placeholder;
    return attachment;
  };
}
