import { createHash } from 'node:crypto';
import snowball from 'snowball-stemmers';

/**
 * How text becomes search terms, in one place for both stores: SQLite's FTS5
 * triggers call `indexTerms` (registered as an SQL function), PostgreSQL gets
 * the same terms as a `tsvector` — so both stores answer the same.
 *
 * A word is folded (lower case, no diacritics, ligatures spelled out) and
 * indexed as itself plus its English and French Snowball stems, taken both
 * from the word as written and from its folded form: "Factures" gives
 * `factures factur`, "élève" gives `eleve elev`, and a query word matches
 * when any of its forms is among a document's. Numbers are words ("1234").
 * No stop words are dropped: a query's every word must match, and "de" or
 * "la" are in nearly every French message anyway.
 */

const english = snowball.newStemmer('english');
const french = snowball.newStemmer('french');

/** Longer "words" (hashes, base64, URLs glued together) are indexed as they are, never stemmed. */
const STEMMED_MAX_LENGTH = 40;
/** Longer runs are cut: nobody types them, and they would bloat the index. */
const TERM_MAX_LENGTH = 64;

const WORD = /[\p{L}\p{N}]+/gu;
const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o', đ: 'd', ł: 'l', ı: 'i' };

/** Lower case, combining marks removed, ligatures spelled out: "Élève" → "eleve". */
export function fold(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[œæßøđłı]/g, (c) => LIGATURES[c] ?? c);
}

/** The words of a text as written, with their UTF-16 offsets (snippets highlight these). */
export function wordsOf(text: string): Array<{ word: string; start: number; end: number }> {
  const words: Array<{ word: string; start: number; end: number }> = [];
  for (const match of text.matchAll(WORD)) {
    words.push({ word: match[0], start: match.index, end: match.index + match[0].length });
  }
  return words;
}

/** Every form a word is indexed and searched under (see the module comment). */
export function formsOf(word: string): string[] {
  const lower = word.toLowerCase();
  const folded = fold(word)
    .replace(/[^\p{L}\p{N}]/gu, '')
    .slice(0, TERM_MAX_LENGTH);
  if (!folded) return [];
  const forms = new Set([folded]);
  if (folded.length <= STEMMED_MAX_LENGTH && !/^\p{N}+$/u.test(folded)) {
    for (const source of lower === folded ? [folded] : [lower, folded]) {
      forms.add(fold(english.stem(source)));
      forms.add(fold(french.stem(source)));
    }
  }
  forms.delete('');
  return [...forms];
}

/** Caches the forms of frequent words: backfills and benches index millions of them. */
const formsCache = new Map<string, string[]>();
const FORMS_CACHE_SIZE = 50_000;

function cachedFormsOf(word: string): string[] {
  let forms = formsCache.get(word);
  if (!forms) {
    forms = formsOf(word);
    if (formsCache.size >= FORMS_CACHE_SIZE) formsCache.clear();
    formsCache.set(word, forms);
  }
  return forms;
}

/** The distinct terms a document is indexed under, in order of first appearance. */
export function termsOf(text: string | null | undefined): string[] {
  if (!text) return [];
  const terms = new Set<string>();
  for (const match of text.matchAll(WORD)) for (const form of cachedFormsOf(match[0])) terms.add(form);
  return [...terms];
}

/** The terms of a text as one space-separated string (what FTS5 is given). */
export function indexTerms(text: string | null | undefined): string {
  return termsOf(text).join(' ');
}

/**
 * A participant's tag: `u` and 8 hex digits of a hash of their id (any id,
 * punctuation and all, becomes letters and digits of a fixed length).
 */
export function memberTag(userId: string): string {
  return `u${createHash('sha256').update(userId).digest('hex').slice(0, 8)}`;
}

/**
 * A document's terms once per participant, each behind their tag: a
 * participant's query looks up `<tag><term>`, a posting list as short as
 * their own use of the word (and a prefix only spans their own words),
 * however common the word is across the marketplace. A tag collision only
 * widens the candidates: every query is still joined with `participants`.
 */
export function scopedTerms(text: string | null | undefined, tags: readonly string[]): string[] {
  const terms = termsOf(text);
  return tags.flatMap((tag) => terms.map((term) => tag + term));
}
