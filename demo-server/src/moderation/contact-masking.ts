/**
 * Contact-detail masking: hides e-mail addresses, phone numbers, web addresses other than
 * the marketplace's own, and messaging handles from a chat message, including the usual
 * ways of dressing them up ("name at gmail dot com", "zéro six douze…", "O6 l2 34…",
 * "insta: @handle"). See docs/contact-masking.md for what is and is not hidden and the
 * measured quality.
 *
 * A pure function of (message, options): no randomness, no clock, no network, no state
 * kept between messages, so every node of a cluster masks a message the same way. The
 * cost is linear in the length of the message, with a fixed cap on phone-number checks
 * (phone-detection.ts).
 */
import type { CountryCode } from 'libphonenumber-js/max';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { findEmails, findHandles, findWebAddresses, spellOutView } from './address-detection.js';
import { findPhoneNumbers, PhoneContext } from './phone-detection.js';
import {
  collapseSpaces,
  isInvisible,
  joinSpacedCharacters,
  normalise,
  type TextView,
  toOriginal,
} from './text-view.js';

export type ContactKind = 'email' | 'phone' | 'url' | 'handle';

export interface ContactMaskingOptions {
  /** Country whose national phone format is recognised without a "+", e.g. 'FR'. */
  region: CountryCode;
  /** The marketplace's own domains: links to them and their subdomains stay readable. */
  allowDomains?: readonly string[];
  /** What replaces each hidden part. */
  replacement?: string;
}

export interface MaskResult {
  /** The message with contact details replaced. Equal to the input when nothing was found. */
  text: string;
  masked: boolean;
  /** What was hidden, each kind once, in a stable order. */
  kinds: ContactKind[];
}

export interface ContactMasker {
  mask(text: string): MaskResult;
}

export const DEFAULT_REPLACEMENT = '[contact details hidden]';

const KIND_ORDER: readonly ContactKind[] = ['email', 'phone', 'url', 'handle'];

interface Span {
  start: number;
  end: number;
  kinds: Set<ContactKind>;
}

/** What may sit between two hidden parts for them to become one ("06… / 07…", "mail, tel"). */
const JOINABLE_GAP = /^(?:[\s,;:/|&+\-.()[\]]|\bou\b|\bor\b|\bet\b|\band\b)*$/i;

/** Keycap marks, variation selectors and zero-width characters after a hidden part go with it. */
function extendOverInvisible(text: string, range: { start: number; end: number }): { start: number; end: number } {
  let end = range.end;
  while (end < text.length && isInvisible(text[end] ?? '')) end++;
  return { start: range.start, end };
}

function normaliseDomain(domain: string): string {
  return domain
    .trim()
    .toLowerCase()
    .replace(/^\*?\.|\.$/g, '');
}

export function createContactMasker(options: ContactMaskingOptions): ContactMasker {
  if (!isSupportedCountry(options.region)) throw new TypeError(`unknown phone region: ${options.region}`);
  const region = options.region;
  const allowDomains = (options.allowDomains ?? []).map(normaliseDomain).filter((domain) => domain.length > 0);
  const replacement = options.replacement ?? DEFAULT_REPLACEMENT;

  function mask(text: string): MaskResult {
    if (text.length === 0) return { text, masked: false, kinds: [] };
    const joined = joinSpacedCharacters(collapseSpaces(normalise(text)));
    const spelled = spellOutView(joined);
    const found: Array<{ view: TextView; start: number; end: number; kind: ContactKind }> = [];
    for (const range of findPhoneNumbers(joined.text, new PhoneContext(region))) {
      found.push({ view: joined, ...range, kind: 'phone' });
    }
    for (const address of findEmails(spelled, allowDomains)) found.push({ view: spelled, ...address });
    for (const address of findWebAddresses(spelled, text, allowDomains)) found.push({ view: spelled, ...address });
    for (const address of findHandles(joined)) found.push({ view: joined, ...address });
    if (found.length === 0) return { text, masked: false, kinds: [] };

    const spans = found
      .map(({ view, start, end, kind }) => ({ ...extendOverInvisible(text, toOriginal(view, start, end)), kind }))
      .sort((a, b) => a.start - b.start || b.end - a.end);
    const merged: Span[] = [];
    for (const { start, end, kind } of spans) {
      const last = merged[merged.length - 1];
      if (last && start < last.end) {
        // Overlap: the part is already hidden; a handle inside an address is that address.
        if (end > last.end) last.end = end;
        if (!(kind === 'handle' && last.kinds.size > 0)) last.kinds.add(kind);
      } else if (last && JOINABLE_GAP.test(text.slice(last.end, start))) {
        last.end = Math.max(last.end, end);
        last.kinds.add(kind);
      } else {
        merged.push({ start, end, kinds: new Set([kind]) });
      }
    }
    let out = '';
    let position = 0;
    const kinds = new Set<ContactKind>();
    for (const span of merged) {
      out += text.slice(position, span.start) + replacement;
      position = span.end;
      for (const kind of span.kinds) kinds.add(kind);
    }
    out += text.slice(position);
    return { text: out, masked: true, kinds: KIND_ORDER.filter((kind) => kinds.has(kind)) };
  }

  return { mask };
}
