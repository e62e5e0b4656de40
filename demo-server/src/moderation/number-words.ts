/**
 * Numbers written as words, the way people dictate a phone number in English and French:
 * digit by digit ("zero six one two"), or in pairs as French speakers say them ("zéro six,
 * douze, trente-quatre, cinquante-six, soixante-dix-huit"). Words arrive already lower
 * case and without accents (see text-view.ts).
 */

const UNITS: Record<string, number> = {
  zero: 0,
  oh: 0,
  o: 0,
  nought: 0,
  one: 1,
  un: 1,
  une: 1,
  two: 2,
  deux: 2,
  three: 3,
  trois: 3,
  four: 4,
  quatre: 4,
  five: 5,
  cinq: 5,
  six: 6,
  seven: 7,
  sept: 7,
  eight: 8,
  huit: 8,
  nine: 9,
  neuf: 9,
};

const TEENS: Record<string, number> = {
  ten: 10,
  dix: 10,
  eleven: 11,
  onze: 11,
  twelve: 12,
  douze: 12,
  thirteen: 13,
  treize: 13,
  fourteen: 14,
  quatorze: 14,
  fifteen: 15,
  quinze: 15,
  sixteen: 16,
  seize: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};

const TENS: Record<string, number> = {
  twenty: 20,
  vingt: 20,
  thirty: 30,
  trente: 30,
  forty: 40,
  fourty: 40,
  quarante: 40,
  fifty: 50,
  cinquante: 50,
  sixty: 60,
  soixante: 60,
  seventy: 70,
  septante: 70,
  eighty: 80,
  huitante: 80,
  octante: 80,
  ninety: 90,
  nonante: 90,
};

/** Words that repeat the next digit: "double six" is 66 (British habit). */
export const REPEATERS: Record<string, number> = { double: 2, triple: 3 };

/** "plus three three …" is how a dictated international number starts. */
export const PLUS_WORDS = new Set(['plus']);

/** Words joining the parts of one number: "vingt et un", "soixante et onze". */
const JOINERS = new Set(['et', 'and']);

/** Is `word` one of the words this module reads as (part of) a number? */
export function isNumberWord(word: string): boolean {
  return word in UNITS || word in TEENS || word in TENS || word === 'vingts';
}

/** The single-word value of `word`, for words glued to digits ("zero6", "0six12"). */
export function wordValue(word: string): number | undefined {
  return UNITS[word] ?? TEENS[word] ?? TENS[word];
}

function unitOf(word: string | undefined): number | undefined {
  if (word === undefined) return undefined;
  const value = UNITS[word];
  return value !== undefined && value > 0 && word !== 'o' && word !== 'oh' ? value : undefined;
}

/** Reads "dix", "dix-sept", "onze" … as 10-19 from `words[k]`; returns [value, words used]. */
function readTeen(words: readonly string[], k: number): [number, number] | undefined {
  const word = words[k];
  if (word === undefined) return undefined;
  if (word === 'dix') {
    const unit = unitOf(words[k + 1]);
    if (unit !== undefined && unit >= 7) return [10 + unit, 2];
  }
  const teen = TEENS[word];
  return teen === undefined ? undefined : [teen, 1];
}

/**
 * Reads one number starting at `words[k]`: a unit, a teen, or a tens word with what
 * completes it ("trente-quatre", "soixante-dix-huit", "quatre-vingt-neuf", "vingt et un",
 * "thirty four"). Returns the digits it stands for (one digit below ten, two above) and
 * how many words it used, or undefined when `words[k]` does not start a number.
 */
export function readNumberWords(words: readonly string[], k: number): { digits: string; used: number } | undefined {
  const word = words[k];
  if (word === undefined) return undefined;
  let tens: number | undefined;
  let used = 1;
  if (word === 'quatre' && (words[k + 1] === 'vingt' || words[k + 1] === 'vingts')) {
    tens = 80;
    used = 2;
  } else if (TENS[word] !== undefined) {
    tens = TENS[word];
  }
  if (tens === undefined) {
    const teen = readTeen(words, k);
    if (teen) return { digits: String(teen[0]), used: teen[1] };
    const unit = UNITS[word];
    return unit === undefined ? undefined : { digits: String(unit), used: 1 };
  }
  let next = k + used;
  const joined = JOINERS.has(words[next] ?? '');
  if (joined) next++;
  // French counts 70-79 and 90-99 as 60 + 10-19 and 80 + 10-19.
  if (tens === 60 || tens === 80) {
    const teen = readTeen(words, next);
    if (teen) return { digits: String(tens + teen[0]), used: next - k + teen[1] };
  }
  const unit = unitOf(words[next]);
  if (unit !== undefined) return { digits: String(tens + unit), used: next - k + 1 };
  return { digits: String(tens), used };
}
