import { fold, formsOf, wordsOf } from './terms.js';

/**
 * A search as typed, made into what each store matches: every word must
 * match (any of its forms), and the last one may also be the start of a word
 * (search as you type). Quoting and operators are not a feature: every
 * character that is not a letter or a digit only separates words.
 */
export interface SearchQuery {
  /** One entry per word: the forms any of which must be in a document. */
  words: Array<{ forms: string[]; prefix?: string }>;
}

/** At most this many words count (the rest of a pasted paragraph is ignored). */
const QUERY_WORDS_MAX = 8;
/** A prefix shorter than this would match half the index: it must be typed whole. */
const PREFIX_MIN_LENGTH = 2;

export function parseQuery(q: string): SearchQuery | undefined {
  const typed = wordsOf(q).slice(0, QUERY_WORDS_MAX);
  const words = typed
    .map(({ word }, index) => {
      const forms = formsOf(word);
      const last = index === typed.length - 1;
      return last && fold(word).length >= PREFIX_MIN_LENGTH ? { forms, prefix: forms[0] as string } : { forms };
    })
    .filter((word) => word.forms.length > 0);
  return words.length > 0 ? { words } : undefined;
}

/**
 * FTS5 syntax: `("factures" OR "factur") AND ("fact"*)`, each term quoted (they
 * are letters and digits only), behind a participant's tag when given (`scopedTerms`).
 */
export function ftsExpression(query: SearchQuery, tag = ''): string {
  return query.words
    .map(({ forms, prefix }) => {
      const alternatives = forms.map((form) => `"${tag}${form}"`);
      if (prefix) alternatives.push(`"${tag}${prefix}"*`);
      return `(${alternatives.join(' OR ')})`;
    })
    .join(' AND ');
}

/** PostgreSQL `tsquery` syntax, read by a plain `::tsquery` cast (no dictionary runs on it); `tag` as above. */
export function tsqueryText(query: SearchQuery, tag = ''): string {
  return query.words
    .map(({ forms, prefix }) => {
      const alternatives = forms.map((form) => `'${tag}${form}'`);
      if (prefix) alternatives.push(`'${tag}${prefix}':*`);
      return `(${alternatives.join(' | ')})`;
    })
    .join(' & ');
}

/** Whether a word of a text matches one of the query's words (snippets highlight those). */
export function matchesWord(query: SearchQuery, word: string): boolean {
  const forms = formsOf(word);
  return query.words.some(
    (w) =>
      forms.some((form) => w.forms.includes(form)) ||
      (w.prefix !== undefined && forms.some((form) => form.startsWith(w.prefix as string))),
  );
}
