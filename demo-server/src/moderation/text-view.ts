/**
 * A normalised view of a message that remembers where each of its characters came from.
 *
 * Invariant: `text[i]` was produced by the original characters `[from[i], to[i])`, and
 * `from` and `to` never decrease. Detectors search the view (lower case, no accents, one
 * kind of dash, dot and space, look-alike digits turned into digits, invisible characters
 * gone) and report ranges of the view; `toOriginal` turns them back into ranges of the
 * text the sender typed, so masking replaces exactly what was written.
 *
 * Everything here is a single left-to-right pass or a regular expression without nested
 * quantifiers that can overlap, so the cost stays linear in the length of the message.
 */

export interface TextView {
  readonly text: string;
  readonly from: readonly number[];
  readonly to: readonly number[];
}

/** Characters that show nothing but can split a number or an address into pieces (ranges of code points). */
const INVISIBLE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x00ad, 0x00ad], // soft hyphen
  [0x034f, 0x034f], // combining grapheme joiner
  [0x061c, 0x061c], // Arabic letter mark
  [0x115f, 0x1160], // Hangul fillers
  [0x17b4, 0x17b5],
  [0x180b, 0x180f], // Mongolian variation selectors and vowel separator
  [0x200b, 0x200f], // zero-width space, joiners, direction marks
  [0x202a, 0x202e], // bidi embeddings and overrides
  [0x2060, 0x206f], // word joiner, invisible operators, bidi isolates
  [0x20e3, 0x20e3], // combining enclosing keycap ("0️⃣")
  [0xfe00, 0xfe0f], // variation selectors
  [0xfeff, 0xfeff], // zero-width no-break space
];
const COMBINING_MARK = /\p{M}/u;
const DECIMAL_DIGIT = /\p{Nd}/u;
const SPACE = /\s/u;

export function isInvisible(char: string): boolean {
  const codePoint = char.codePointAt(0) ?? 0;
  return INVISIBLE_RANGES.some(([low, high]) => codePoint >= low && codePoint <= high);
}

/** Look-alikes that NFKD leaves alone but people use as dots and dashes. */
const PUNCTUATION: Record<string, string> = {
  '\u00b7': '.', // middle dot
  '\u2022': '.', // bullet
  '\u2219': '.', // bullet operator
  '\u30fb': '.', // katakana middle dot
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2043': '-',
  '\u2018': "'",
  '\u2019': "'",
  '\u02bc': "'",
};

/**
 * The value of a decimal digit from any script (Arabic-Indic, Devanagari, …). Unicode
 * encodes each script's digits as ten consecutive code points from zero, so the value is
 * the distance to the start of the run of digits, modulo ten.
 */
function digitValue(codePoint: number): string {
  let zero = codePoint;
  while (zero > 0 && DECIMAL_DIGIT.test(String.fromCodePoint(zero - 1)) && codePoint - zero < 9) zero--;
  return String((codePoint - zero) % 10);
}

function normaliseCharacter(char: string): string {
  if (isInvisible(char)) return '';
  const punctuation = PUNCTUATION[char];
  if (punctuation !== undefined) return punctuation;
  if (SPACE.test(char)) return char === '\n' ? '\n' : ' ';
  const codePoint = char.codePointAt(0) ?? 0;
  if (codePoint < 0x80) return char.toLowerCase();
  let out = '';
  for (const part of char.normalize('NFKD')) {
    if (COMBINING_MARK.test(part) || isInvisible(part)) continue;
    const partCode = part.codePointAt(0) ?? 0;
    if (partCode >= 0x80 && DECIMAL_DIGIT.test(part)) out += digitValue(partCode);
    else out += part.toLowerCase();
  }
  return out;
}

/** Builds the normalised view of `text`. */
export function normalise(text: string): TextView {
  let out = '';
  const from: number[] = [];
  const to: number[] = [];
  let index = 0;
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code < 0x80) {
      // Plain ASCII: only letters change (to lower case).
      from.push(index);
      to.push(index + 1);
      out +=
        code >= 65 && code <= 90
          ? String.fromCharCode(code + 32)
          : code === 9 || code === 11 || code === 12 || code === 13
            ? ' '
            : char;
      index++;
      continue;
    }
    const normalised = normaliseCharacter(char);
    for (let k = 0; k < normalised.length; k++) {
      from.push(index);
      to.push(index + char.length);
    }
    out += normalised;
    index += char.length;
  }
  return { text: out, from, to };
}

/**
 * Replaces every match of `pattern` (which must have the `g` flag) by `replace(match)`.
 * The characters of a replacement come from the whole matched range.
 */
export function rewrite(view: TextView, pattern: RegExp, replace: (match: RegExpExecArray) => string): TextView {
  pattern.lastIndex = 0;
  if (!pattern.test(view.text)) return view;
  let out = '';
  const from: number[] = [];
  const to: number[] = [];
  let last = 0;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(view.text); match !== null; match = pattern.exec(view.text)) {
    const start = match.index;
    const end = start + match[0].length;
    if (end === start) {
      pattern.lastIndex++;
      continue;
    }
    for (let i = last; i < start; i++) {
      from.push(view.from[i] ?? 0);
      to.push(view.to[i] ?? 0);
    }
    out += view.text.slice(last, start);
    const replacement = replace(match);
    for (let k = 0; k < replacement.length; k++) {
      from.push(view.from[start] ?? 0);
      to.push(view.to[end - 1] ?? 0);
    }
    out += replacement;
    last = end;
  }
  for (let i = last; i < view.text.length; i++) {
    from.push(view.from[i] ?? 0);
    to.push(view.to[i] ?? 0);
  }
  out += view.text.slice(last);
  return { text: out, from, to };
}

/** The range of the original text behind the view's range `[start, end)`. */
export function toOriginal(view: TextView, start: number, end: number): { start: number; end: number } {
  return { start: view.from[start] ?? 0, end: view.to[end - 1] ?? 0 };
}

/**
 * Turns each run of spaces into one space (or one line break if it held one), so that no
 * later pattern ever meets a long run of spaces: `\s*` and `\s+` then cost one step, and
 * the scans stay linear whatever the message.
 */
export function collapseSpaces(view: TextView): TextView {
  return rewrite(view, /[ \n]{2,}/g, (match) => (match[0].includes('\n') ? '\n' : ' '));
}

/**
 * Joins letters and digits typed one at a time with single spaces ("n a m e @ g m a i l .
 * c o m", "0 6 1 2 …") so that the detectors see the word they spell. Four single
 * characters in a row are needed: "3 x 2" or "il y a à" stay as they are.
 */
export function joinSpacedCharacters(view: TextView): TextView {
  return rewrite(view, /(?<![^\s])(?:[a-z0-9@._:/-] ){3,}[a-z0-9@._:/-](?![^\s])/g, (match) =>
    match[0].replaceAll(' ', ''),
  );
}
