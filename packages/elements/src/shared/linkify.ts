/** A piece of message text: plain text, or a web link to render as `<a>`. */
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

/**
 * http(s) only; trailing punctuation stays outside the link ("see https://x.y/z.").
 * A link also ends at any bidirectional control character: a right-to-left
 * override inside a link would show its address in another order than it goes
 * to (`https://evil.example/` + U+202E + `moc.elgoog` reads "…google.com").
 */
const BIDI_CONTROLS = '\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069';
const LINK = new RegExp(`\\bhttps?:\\/\\/[^\\s<>"'${BIDI_CONTROLS}]+[^\\s<>"'.,;:!?)\\]}${BIDI_CONTROLS}]`, 'gi');

/**
 * Splits text into plain parts and links. Only `http:`/`https:` URLs become
 * links, so `javascript:` and friends stay text; the caller renders every part
 * as text (never as HTML).
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const start = match.index ?? 0;
    let href: string;
    try {
      const url = new URL(match[0]);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
      href = url.href;
    } catch {
      // Not a URL after all: it stays plain text.
      continue;
    }
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: match[0], href });
    last = start + match[0].length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}
