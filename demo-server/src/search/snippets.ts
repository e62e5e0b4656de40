import type { SearchSnippet } from '@palaver/protocol';
import { matchesWord, type SearchQuery } from './query.js';
import { wordsOf } from './terms.js';

/** About this many characters of context around the first match. */
const SNIPPET_LENGTH = 160;
const CONTEXT_BEFORE = 40;
const ELLIPSIS = '…';

/**
 * The part of a text around its first matching word, with the matching words'
 * ranges (UTF-16 offsets into `text`): clients render the text as text and
 * mark those ranges, never HTML from the server. Cuts fall between words.
 */
export function snippetOf(text: string, query: SearchQuery): SearchSnippet {
  const words = wordsOf(text);
  const matching = words.filter(({ word }) => matchesWord(query, word));
  const first = matching[0];
  let start = 0;
  if (first && first.start > CONTEXT_BEFORE) {
    // Back to the start of a word about CONTEXT_BEFORE characters earlier.
    const from = words.find((word) => word.start >= first.start - CONTEXT_BEFORE);
    start = from ? from.start : first.start;
  }
  let end = Math.min(text.length, start + SNIPPET_LENGTH);
  if (end < text.length) {
    // Not in the middle of a word (nor of a surrogate pair, which is inside a word or a space run).
    const cut = words.find((word) => word.start < end && word.end > end);
    if (cut && cut.start > start) end = cut.start;
  }
  const prefix = start > 0 ? ELLIPSIS : '';
  const body = text.slice(start, end).trim();
  const lead = text.slice(start, end).length - text.slice(start, end).trimStart().length;
  const offset = prefix.length - start - lead;
  const highlights = matching
    .filter((word) => word.start >= start + lead && word.end <= start + lead + body.length)
    .map((word) => ({ start: word.start + offset, end: word.end + offset }));
  return { text: prefix + body + (end < text.length ? ELLIPSIS : ''), highlights };
}
