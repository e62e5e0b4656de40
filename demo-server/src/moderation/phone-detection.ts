/**
 * Finds phone numbers however they are typed: "06 12 34 56 78", "+33 (0)6 12…", "0033…",
 * "06.12.34.56.78", digits split by spaces or words ("zéro six douze trente-quatre…",
 * "oh seven nine one one"), look-alike letters ("O6 l2 34…").
 *
 * How: the message is cut into chains of digit groups joined only by what people put
 * inside a phone number (spaces, dots, dashes, slashes, brackets, and commas between
 * spelled-out numbers). Within a chain, runs of whole groups are offered to libphonenumber
 * (Google's numbering plans): a run is a number when it is valid in international form
 * (after "+" or "00"), or in the national form of the configured region, typed as people
 * of that region write it (with the trunk "0" in France or Britain). Prices, order numbers,
 * dates and sizes are not valid numbers in that form, which is what keeps them readable.
 * Next to a word that announces a number ("WhatsApp", "tel", "call me", "mon numéro"),
 * the rules relax: the trunk "0" may be missing and a number that is merely possible
 * (a range too new for the metadata) is enough.
 *
 * Cost: one pass to build chains; each group starts at most a bounded number of runs
 * (≤ 17 digits); libphonenumber calls are cached per message and capped (see
 * `PhoneContext.budget`): past the cap, runs shaped like a number are masked unchecked
 * (fail closed), so no message, however long or hostile, costs more than the cap.
 */

import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  getExampleNumber,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { isNumberWord, PLUS_WORDS, REPEATERS, readNumberWords, wordValue } from './number-words.js';

export interface FoundRange {
  start: number;
  end: number;
}

interface Item {
  digits: string;
  start: number;
  end: number;
  /** A "+" (or the word "plus") stands right before this group. */
  plus: boolean;
  /** Where that "+" is, so that it is hidden with the number. */
  plusStart: number;
  /** Spelled out in words, at least partly. */
  words: boolean;
  /** Glued (by one space) to a code such as "1Z" or "AA1": the digits continue that code. */
  afterCode: boolean;
  beforeCode: boolean;
}

const CALLING_CODES = new Set(getCountries().map((country) => getCountryCallingCode(country)));
const MAX_RUN_DIGITS = 17;
const MIN_NATIONAL_DIGITS = 7;
/** National forms tried for an announced number that is not one of the configured region's. */
const NEIGHBOUR_REGIONS: readonly CountryCode[] = ['FR', 'GB', 'BE', 'CH', 'DE', 'ES', 'IT', 'NL', 'US'];
const JOINING_WORDS = new Set(['et', 'and', 'vingts']);

/** Words that announce a phone number, in English and French (accents already removed). */
const PHONE_CUE =
  /\b(?:whats ?app|watsapp|wsp|telegram|signal|viber|wechat|tel|telephone|phone|portable|mobile|cell|sms|texto|(?:text|txt|call|ring|phone|message|bip|appelle|appelez|rappelle|rappelez|contacte|contactez)[- ]?(?:me|moi)|joindre|joignable|my (?:mobile |cell |phone |whatsapp )?(?:number|no|num)|mon (?:numero|num|06|07)|numero perso)\b/g;
const CUE_BEFORE = 40;
const CUE_AFTER = 30;

/** The national trunk prefix people type in `region` ("0" in France, "" in the US). */
const trunkPrefixes = new Map<CountryCode, string>();
function trunkPrefix(region: CountryCode): string {
  let prefix = trunkPrefixes.get(region);
  if (prefix === undefined) {
    const example = getExampleNumber(region, examples);
    const national = example ? example.formatNational().replace(/\D/g, '') : '';
    const significant = example ? example.nationalNumber : '';
    prefix = national.endsWith(significant) ? national.slice(0, national.length - significant.length) : '';
    trunkPrefixes.set(region, prefix);
  }
  return prefix;
}

/** Per-message state: the cache and the cap on libphonenumber calls. */
export class PhoneContext {
  private readonly cache = new Map<string, boolean>();
  private calls = 0;
  constructor(
    readonly region: CountryCode,
    readonly budget = 200,
  ) {}

  isNumber(digits: string, plus: boolean, cue: boolean): boolean {
    const key = `${plus ? '+' : ''}${digits}${cue ? '!' : ''}`;
    let answer = this.cache.get(key);
    if (answer === undefined) {
      answer = this.check(digits, plus, cue);
      this.cache.set(key, answer);
    }
    return answer;
  }

  private check(digits: string, plus: boolean, cue: boolean): boolean {
    const international = plus || (digits.startsWith('00') && digits[2] !== '0');
    if (international) {
      const number = plus ? digits : digits.slice(2);
      if (number.length < 8 || number.length > 15) return false;
      const [a = '', b = '', c = ''] = [number.slice(0, 1), number.slice(0, 2), number.slice(0, 3)];
      if (!CALLING_CODES.has(a) && !CALLING_CODES.has(b) && !CALLING_CODES.has(c)) return false;
      return this.validate(`+${number}`, undefined, (phone) => phone.isValid() || (cue && phone.isPossible()));
    }
    if (digits.length < MIN_NATIONAL_DIGITS || digits.length > 13) return false;
    const prefix = trunkPrefix(this.region);
    if (digits.startsWith(prefix)) {
      const national = (region: CountryCode, relaxed: boolean) =>
        this.validate(digits, region, (phone) => {
          // Typed the way the region writes it: the trunk prefix present, nothing else added.
          if (phone.formatNational().replace(/\D/g, '') !== digits) return false;
          return phone.isValid() || (relaxed && phone.isPossible());
        });
      if (national(this.region, cue)) return true;
      // An announced number may be in the national form of a neighbouring country
      // ("my UK number: 07911 123 456" on a French marketplace).
      if (!cue) return false;
      return NEIGHBOUR_REGIONS.some((region) => region !== this.region && national(region, false));
    }
    if (!cue) return false;
    // Announced numbers may lack the trunk prefix ("my number is six one two …") or be
    // international without the plus ("33 6 12 34 56 78").
    return (
      this.validate(digits, this.region, (phone) => phone.isValid() && phone.nationalNumber === digits) ||
      (digits.length >= 10 && this.validate(`+${digits}`, undefined, (phone) => phone.isValid()))
    );
  }

  private validate(
    text: string,
    region: CountryCode | undefined,
    accept: (phone: NonNullable<ReturnType<typeof parsePhoneNumberFromString>>) => boolean,
  ): boolean {
    if (this.calls >= this.budget) {
      // Fail closed: past the cap, something shaped like a number is treated as one.
      return text.replace(/\D/g, '').length >= 9;
    }
    this.calls++;
    const phone = parsePhoneNumberFromString(text, region);
    return phone !== undefined && accept(phone);
  }
}

type Token = { type: 'word' | 'digits' | 'mixed' | 'sep' | 'plus' | 'other'; text: string; start: number; end: number };

const SEPARATORS = new Set([' ', '\t', '\n', '.', '-', '/', '(', ')', '[', ']', '_', '*', '~', '|', ',']);

function tokenise(text: string): Token[] {
  const tokens: Token[] = [];
  const alnum = /[\p{L}\p{N}]+/uy;
  let i = 0;
  while (i < text.length) {
    alnum.lastIndex = i;
    const match = alnum.exec(text);
    if (match) {
      const word = match[0];
      const type = /^\d+$/.test(word) ? 'digits' : /\d/.test(word) ? 'mixed' : 'word';
      tokens.push({ type, text: word, start: i, end: i + word.length });
      i += word.length;
      continue;
    }
    const char = text[i] ?? '';
    const type = char === '+' ? 'plus' : SEPARATORS.has(char) ? 'sep' : 'other';
    tokens.push({ type, text: char, start: i, end: i + 1 });
    i++;
  }
  return tokens;
}

/** The digits a glued token such as "O6", "l2", "zero6" or "0six12" stands for, if any. */
function mixedDigits(token: string): string | undefined {
  let digits = '';
  for (const segment of token.match(/\d+|\D+/g) ?? []) {
    if (/^\d/.test(segment)) digits += segment;
    else if (wordValue(segment) !== undefined) digits += String(wordValue(segment));
    else if (/^[oli]+$/.test(segment)) digits += segment.replace(/o/g, '0').replace(/[li]/g, '1');
    else return undefined;
  }
  return digits;
}

/** Cuts the text into chains of digit groups (see the module comment). */
function chainsOf(tokens: readonly Token[]): Item[][] {
  const chains: Item[][] = [];
  let chain: Item[] = [];
  let separators = '';
  let plus = false;
  let plusStart = -1;
  let repeat = 1;
  let lastCodeEnd = -2;
  const close = () => {
    if (chain.length > 0) chains.push(chain);
    chain = [];
    separators = '';
    plus = false;
    repeat = 1;
  };
  const add = (digits: string, start: number, end: number, words: boolean) => {
    const previous = chain[chain.length - 1];
    const comma = separators.includes(',');
    if (previous && (plus || separators.length > 5 || (comma && !words && !previous.words))) {
      const keepPlus = plus;
      close();
      plus = keepPlus;
    }
    chain.push({
      digits: repeat > 1 ? digits.repeat(repeat) : digits,
      start,
      end,
      plus,
      plusStart: plus ? plusStart : start,
      words,
      afterCode: chain.length === 0 && lastCodeEnd === start - 1,
      beforeCode: false,
    });
    separators = '';
    plus = false;
    repeat = 1;
  };
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k] as Token;
    if (token.type === 'digits') {
      add(token.text, token.start, token.end, false);
    } else if (token.type === 'mixed') {
      const digits = mixedDigits(token.text);
      if (digits === undefined) {
        const last = chain[chain.length - 1];
        if (last && last.end === token.start - 1) last.beforeCode = true;
        close();
        lastCodeEnd = token.end;
      } else add(digits, token.start, token.end, true);
    } else if (token.type === 'word') {
      if (PLUS_WORDS.has(token.text)) {
        close();
        plus = true;
        plusStart = token.start;
      } else if (REPEATERS[token.text] !== undefined) {
        repeat = REPEATERS[token.text] ?? 1;
      } else if (isNumberWord(token.text)) {
        // Gather the words of a spelled-out stretch ("soixante-dix-huit", "vingt et un").
        const indices = [k];
        for (let j = k + 1; ; j += 2) {
          const separator = tokens[j];
          const next = tokens[j + 1];
          if (separator?.type !== 'sep' || (separator.text !== ' ' && separator.text !== '-')) break;
          if (next?.type !== 'word' || !(isNumberWord(next.text) || JOINING_WORDS.has(next.text))) break;
          indices.push(j + 1);
        }
        const words = indices.map((index) => tokens[index] as Token);
        const texts = words.map((word) => word.text);
        let w = 0;
        while (w < texts.length) {
          const read = readNumberWords(texts, w);
          if (!read) break;
          add(read.digits, (words[w] as Token).start, (words[w + read.used - 1] as Token).end, true);
          w += read.used;
          if (w < texts.length) separators = ' ';
        }
        // Continue after the last word read; a leftover "et"/"and" is read again as an ordinary word.
        if (w === 0) close();
        k = indices[Math.max(0, w - 1)] ?? k;
      } else {
        close();
      }
    } else if (token.type === 'plus') {
      close();
      plus = true;
      plusStart = token.start;
    } else if (token.type === 'sep') {
      if (chain.length > 0 || plus) separators += token.text;
    } else {
      close();
    }
  }
  close();
  return chains;
}

function cueRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  PHONE_CUE.lastIndex = 0;
  for (let match = PHONE_CUE.exec(text); match !== null; match = PHONE_CUE.exec(text)) {
    ranges.push([match.index, match.index + match[0].length]);
  }
  return ranges;
}

/** Ranges of `text` (a normalised view) that are phone numbers. */
export function findPhoneNumbers(text: string, context: PhoneContext): FoundRange[] {
  const found: FoundRange[] = [];
  const cues = cueRanges(text);
  const cued = (start: number, end: number) =>
    cues.some(([, cueEnd]) => cueEnd <= start + 1 && start - cueEnd <= CUE_BEFORE) ||
    cues.some(([cueStart]) => cueStart >= end && cueStart - end <= CUE_AFTER);
  for (const chain of chainsOf(tokenise(text))) {
    let i = 0;
    while (i < chain.length) {
      const first = chain[i] as Item;
      // All runs of whole groups starting at `first`, longest first.
      const ends: Array<[number, string]> = [];
      let digits = '';
      for (let j = i; j < chain.length; j++) {
        const item = chain[j] as Item;
        if (j > i && item.plus) break;
        digits += item.digits;
        if (digits.length > MAX_RUN_DIGITS) break;
        ends.push([j, digits]);
      }
      let matched = -1;
      if (!first.afterCode) {
        const cue = cued(first.start, (chain[ends[ends.length - 1]?.[0] ?? i] as Item).end);
        for (let e = ends.length - 1; e >= 0; e--) {
          const [j, run] = ends[e] as [number, string];
          if (run.length < MIN_NATIONAL_DIGITS) break;
          if ((chain[j] as Item).beforeCode) continue;
          if (context.isNumber(run, first.plus, cue)) {
            matched = j;
            break;
          }
        }
      }
      if (matched >= 0) {
        let start = first.plus ? first.plusStart : first.start;
        let end = (chain[matched] as Item).end;
        // "(06) 12 34 56 78", "(020) 7946 0958": the brackets belong to the number.
        if (text[start - 1] === '(' && text.indexOf(')', start) < end && text.indexOf(')', start) !== -1) start--;
        else if (text[end] === ')' && text.lastIndexOf('(', end) >= start) end++;
        found.push({ start, end });
        i = matched + 1;
      } else i++;
    }
  }
  return found;
}
