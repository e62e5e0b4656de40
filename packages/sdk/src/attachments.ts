import { type Attachment, LIMITS } from '@palaver/protocol';
import { atom, type ReadableAtom } from 'nanostores';
import { accessOf, type ClientAccess } from './access.js';

/**
 * The addresses of attachments, kept usable. A message's `url` and
 * `previewUrl` are signed and expire (`expiresAt`): this asks the server
 * (`attachment:links`) for fresh ones when they are about to, or when an
 * image failed to load, and makes relative ones absolute (they are paths on
 * the Palaver server). See {@link attachmentLinksOf}.
 */
export interface AttachmentLinks {
  /** Moves on whenever fresh addresses arrived: views that show attachments re-render on it. */
  readonly $version: ReadableAtom<number>;
  /** The address to use now for the file (`file`) or its small copy (`preview`, images; the file otherwise). */
  url(attachment: Attachment, variant?: 'file' | 'preview'): string;
  /** Asks for fresh addresses (requests are batched); e.g. an `<img>` failed to load. */
  refresh(attachment: Attachment): void;
}

/** Addresses this close to their expiry are renewed before they are used. */
const RENEW_BEFORE_MS = 60_000;
/** One attachment is asked about at most this often (a file that is really gone must not loop). */
const COOLDOWN_MS = 10_000;
/** Refreshes asked for within this delay go in one request. */
const BATCH_MS = 50;

const linksByClient = new WeakMap<object, AttachmentLinks>();

/**
 * The link cache of a client made by `createChatClient` (one per client). Kept
 * out of the client itself: only pages that show attachments load it.
 */
export function attachmentLinksOf(client: object): AttachmentLinks {
  let links = linksByClient.get(client);
  if (!links) {
    links = createLinks(accessOf(client));
    linksByClient.set(client, links);
  }
  return links;
}

function createLinks(access: ClientAccess | undefined): AttachmentLinks {
  const $version = atom(0);
  const fresh = new Map<string, Attachment>();
  const askedAt = new Map<string, number>();
  let batch = new Set<string>();

  const send = async (): Promise<void> => {
    const ids = [...batch];
    batch = new Set();
    for (let i = 0; i < ids.length; i += LIMITS.attachmentLinksMax) {
      const attachmentIds = ids.slice(i, i + LIMITS.attachmentLinksMax);
      try {
        const answer = await access?.request('attachment:links', { attachmentIds });
        for (const attachment of answer?.attachments ?? []) fresh.set(attachment.id, attachment);
        $version.set($version.get() + 1);
      } catch {
        // Offline or refused: the next use (or failed load) asks again.
        for (const id of attachmentIds) askedAt.delete(id);
      }
    }
  };

  const refresh = (attachment: Attachment): void => {
    const last = askedAt.get(attachment.id);
    if (!access || (last !== undefined && Date.now() - last < COOLDOWN_MS)) return;
    askedAt.set(attachment.id, Date.now());
    batch.add(attachment.id);
    // The first of a batch starts its clock.
    if (batch.size === 1) setTimeout(() => void send(), BATCH_MS);
  };

  const expiry = (a: Attachment | undefined) => (a?.expiresAt ? Date.parse(a.expiresAt) : Number.POSITIVE_INFINITY);

  return {
    $version,
    refresh,
    url(attachment, variant = 'file') {
      const known = fresh.get(attachment.id);
      const best = known && expiry(known) > expiry(attachment) ? known : attachment;
      if (expiry(best) - Date.now() < RENEW_BEFORE_MS) refresh(attachment);
      const address = (variant === 'preview' && best.previewUrl) || best.url;
      // Paths are on the Palaver server, not on the page's origin.
      return access?.url ? new URL(address, access.url).href : address;
    },
  };
}
