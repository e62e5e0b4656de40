/**
 * Finds e-mail addresses, web addresses and messaging handles, written plainly or dressed
 * up to slip past a filter: "name at gmail dot com", "name (at) gmail (dot) com",
 * "marie arobase orange point fr", "site[.]com", "insta: @handle", "snap: marie.d75".
 *
 * Detectors read a view of the message (text-view.ts) in which the spelled-out forms of
 * "@" and "." have been replaced by marks: a strong "@" for "@", "(at)", "[at]", "arobase";
 * a weak one (WEAK_AT) for the bare words "at" and "chez", which are also ordinary words;
 * a weak dot (WEAK_DOT) for "dot", "point" and a dot with spaces around it. What a weak
 * mark produced must look more like an address to count (a known top-level domain, not a
 * common word before it), so that "look at the photo" or "un point de vente" stay readable.
 *
 * Scans are single passes over tokens or regular expressions with bounded repetition.
 */
import { rewrite, type TextView } from './text-view.js';

export type AddressKind = 'email' | 'url' | 'handle';

export interface FoundAddress {
  /** Range in the view passed to the detector. */
  start: number;
  end: number;
  kind: AddressKind;
}

export const WEAK_AT = '\ue000';
export const WEAK_DOT = '\ue001';

/** Top-level domains recognised after a plain dot. File extensions that are also TLDs (zip, mov, md, sh, py, rs, ai) are left out. */
const TLDS = new Set(
  (
    'com net org info biz io co app dev shop store online site xyz me tv cc ly gg fm to eu uk fr de be ch es it nl pt pl at se no dk fi ie lu ' +
    'cz sk ro hu gr bg hr si lt lv ee ru ua by tr il ae sa ma dz tn sn ci cm in cn jp kr hk tw sg my th vn id ph au nz ca us mx ' +
    'br ar cl pe za ng ke eg re gp mq nc pf yt pm bzh paris alsace corsica email blog art design studio page link live life world ' +
    'tech space club fun top vip pro mobi name asia cat eus gal berlin london la fashion boutique market'
  ).split(' '),
);

/** After a spelled-out dot ("point", "dot") only these count: they are not ordinary words in English or French. */
const SPELLED_TLDS = new Set(
  'com fr net org io info biz uk ch shop store online site xyz app dev ly gg eu co'.split(' '),
);

/** Mail providers whose name alone, after "@" or "at", makes an address ("karim.b at gmail"). */
const MAIL_PROVIDERS = new Set(
  'gmail googlemail hotmail yahoo outlook icloud protonmail gmx aol wanadoo yandex'.split(' '),
);

/** Words that end up before "at"/"@"/"dot" in ordinary sentences ("look at", "the dot com era"). */
const STOPWORDS = new Set(
  (
    'a an the at is it be to me you him her us them we i my your our this that home work least last all once first here there ' +
    'look arrive arrived available sold bought seen found meet see shop store price only noon night ' +
    'le la les un une des du de au aux ce cet cette mon ma mes ton ta son sa moi toi lui nous vous eux je tu il elle on ' +
    'mail email e-mail'
  ).split(' '),
);

/** Handle-looking words that are ordinary after a platform name ("snap button", "insta story"). */
const HANDLE_STOPWORDS = new Set(
  (
    'me moi please svp stp and et or ou the le la les un une it is ok too aussi only just pour for with avec then puis message ' +
    'messages dm mp story stories post posts page account compte profile profil button bouton group groupe call appel ' +
    'video chat channel link lien same meme'
  ).split(' '),
);

const PLATFORM =
  /\b(whats ?app|telegram|tg|signal|viber|we ?chat|weixin|skype|discord|insta(?:gram)?|ig|snap(?:chat)?|tik ?tok|facebook|fb|messenger|kik|twitter|threads|linkedin|gmail|hotmail|outlook|yahoo|icloud)\b(?: (?:id|username|user|pseudo|name|nom|handle|account|compte|profile|profil))?( ?[:=>]+ ?| ?(?:->|→) ?| (?:is|c'est|cest|est) | (?:me )?(?:on |sur )| )(@?)([a-z0-9_.#:-]{2,40})/g;
const EMAIL_PLATFORMS = new Set(['gmail', 'hotmail', 'outlook', 'yahoo', 'icloud']);

/** Builds the view in which spelled-out "@" and "." are marks (see the module comment). */
export function spellOutView(view: TextView): TextView {
  let out = rewrite(view, /\s*[([{<]\s*(?:at|arobase|arobas|arrobase|a|@)\s*[)\]}>]\s*|\s*@\s*|_at_/g, () => '@');
  out = rewrite(out, /\s+(?:arobase|arobas|arrobase)\s+/g, () => '@');
  out = rewrite(out, /\s+(?:at|chez)\s+/g, () => WEAK_AT);
  out = rewrite(out, /\s*[([{<]\s*(?:dot|point|\.)\s*[)\]}>]\s*/g, () => '.');
  out = rewrite(out, /\s+(?:dot|point)\s+|_dot_|\s+\.\s*/g, () => WEAK_DOT);
  return out;
}

function isAllowed(host: string, allowDomains: readonly string[]): boolean {
  const bare = host.startsWith('www.') ? host.slice(4) : host;
  return allowDomains.some((domain) => bare === domain || bare.endsWith(`.${domain}`));
}

const PATH = /[^\s]*/y;
const LOCAL_CHAR = /[a-z0-9._%+'-]/;
const HOST_CHAR = /[a-z0-9.-]/;

/** E-mail addresses in the spelled-out view. */
export function findEmails(view: TextView, allowDomains: readonly string[]): FoundAddress[] {
  const text = view.text.replaceAll(WEAK_DOT, '.');
  const weakDots = view.text;
  const found: FoundAddress[] = [];
  for (let at = 0; at < text.length; at++) {
    const mark = text[at];
    if (mark !== '@' && mark !== WEAK_AT) continue;
    let start = at;
    while (start > 0 && LOCAL_CHAR.test(text[start - 1] ?? '')) start--;
    while (start < at && /[.'-]/.test(text[start] ?? '')) start++;
    let end = at + 1;
    while (end < text.length && HOST_CHAR.test(text[end] ?? '')) end++;
    while (end > at + 1 && /[.-]/.test(text[end - 1] ?? '')) end--;
    const local = text.slice(start, at);
    const host = text.slice(at + 1, end);
    if (!/[a-z0-9]/.test(local) || !/^[a-z0-9]/.test(host)) continue;
    if (isAllowed(host, allowDomains)) continue;
    const labels = host.split('.');
    const tld = labels[labels.length - 1] ?? '';
    const weak = mark === WEAK_AT;
    let ok = false;
    if (labels.length >= 2 && labels.every((label) => label.length > 0)) {
      // Any top-level domain after an "@"-like mark; spelled-out marks must not have
      // ordinary words around them ("look at the point de vente").
      const spelled = weak || weakDots.slice(start, end).includes(WEAK_DOT);
      const words = [local, ...labels.slice(0, -1)];
      ok = TLDS.has(tld) && !(spelled && words.some((word) => STOPWORDS.has(word)));
    } else if (MAIL_PROVIDERS.has(host)) {
      ok = !STOPWORDS.has(local);
      // "name @ gmail com": the top-level domain typed after a space.
      const after = /^ (com|fr|net|org|co uk)\b/.exec(text.slice(end, end + 8));
      if (ok && after) end += after[0].length;
    }
    if (ok) found.push({ start, end, kind: 'email' });
  }
  return found;
}

/**
 * Web addresses: with a scheme ("https://…"), or bare domains ("atelier-bois.fr",
 * "etsy.com/shop/…"), other than the allowed domains and their subdomains.
 */
export function findWebAddresses(view: TextView, original: string, allowDomains: readonly string[]): FoundAddress[] {
  const found: FoundAddress[] = [];
  const text = view.text;
  const token = /[a-z0-9\ue001.-]+/g;
  for (let match = token.exec(text); match !== null; match = token.exec(text)) {
    if (!match[0].includes('.') && !match[0].includes(WEAK_DOT)) continue;
    let start = match.index;
    let end = start + match[0].length;
    const raw = match[0].replace(/[.\ue001-]+$/, '');
    end = start + raw.length;
    const before = text[start - 1] ?? '';
    if (before === '@' || before === WEAK_AT) continue;
    const labels = raw.split(/[.\ue001]/);
    if (labels.length < 2 || labels.some((label) => label.length === 0)) continue;
    const tld = labels[labels.length - 1] ?? '';
    const host = labels.join('.');
    const spelled = raw.includes(WEAK_DOT);
    const scheme = /(?:https?|ftp):\/\/$/.exec(text.slice(Math.max(0, start - 8), start));
    if (!scheme) {
      if (!(spelled ? SPELLED_TLDS : TLDS).has(tld)) continue;
      if (!labels.slice(0, -1).some((label) => /[a-z]/.test(label))) continue;
      if (spelled && STOPWORDS.has(labels[labels.length - 2] ?? '')) continue;
      // "Merci.De rien": a capital after a dot starts a sentence, it does not end a domain.
      const tldStart = view.from[end - tld.length] ?? 0;
      const tldText = original.slice(tldStart, tldStart + tld.length);
      if (/^[A-Z][a-z]/.test(tldText)) continue;
    }
    // The path, query or port that follows, up to the next space.
    if (/[/?#:]/.test(text[end] ?? '')) {
      PATH.lastIndex = end;
      const rest = PATH.exec(text)?.[0] ?? '';
      end += rest.replace(/[.,;:!?)\]'"]+$/, '').length;
      token.lastIndex = end;
    }
    if (isAllowed(host, allowDomains)) continue;
    if (scheme) start -= scheme[0].length;
    found.push({ start, end, kind: 'url' });
  }
  // A scheme with nothing recognisable after it ("h t t p s : / /" followed by a space).
  const bareScheme = /(?:https?|ftp):\/\/(?=\s|$)/g;
  for (let match = bareScheme.exec(text); match !== null; match = bareScheme.exec(text)) {
    found.push({ start: match.index, end: match.index + match[0].length, kind: 'url' });
  }
  return found;
}

/** "@handle", and a handle written after a platform's name ("snap: marie.d75", "my skype is jean.dupont"). */
export function findHandles(view: TextView): FoundAddress[] {
  const found: FoundAddress[] = [];
  const text = view.text;
  const mention = /@([a-z_][a-z0-9_.]{1,29})/g;
  for (let match = mention.exec(text); match !== null; match = mention.exec(text)) {
    if (LOCAL_CHAR.test(text[match.index - 1] ?? '')) continue;
    const handle = (match[1] ?? '').replace(/\.+$/, '');
    found.push({ start: match.index, end: match.index + 1 + handle.length, kind: 'handle' });
  }
  PLATFORM.lastIndex = 0;
  for (let match = PLATFORM.exec(text); match !== null; match = PLATFORM.exec(text)) {
    const [whole, platform = '', connector = '', at = '', rawHandle = ''] = match;
    const handle = rawHandle.replace(/[.:-]+$/, '');
    const handleStart = match.index + whole.length - rawHandle.length;
    if (!/[a-z]/.test(handle) || HANDLE_STOPWORDS.has(handle)) {
      PLATFORM.lastIndex = handleStart;
      continue;
    }
    const strong = at === '@' || /[:=>→]/.test(connector);
    const looksLikeHandle = /[0-9_.#]/.test(handle.slice(0, -1)) || /\d/.test(handle);
    if ((strong && handle.length >= 3) || looksLikeHandle) {
      const kind = EMAIL_PLATFORMS.has(platform) ? 'email' : 'handle';
      found.push({ start: handleStart - at.length, end: handleStart + handle.length, kind });
    } else {
      PLATFORM.lastIndex = handleStart;
    }
  }
  return found;
}
