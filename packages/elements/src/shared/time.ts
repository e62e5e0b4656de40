/**
 * Times in the reader's language: "5 min ago" / "il y a 5 min" for recent
 * messages, the clock time otherwise, and day separators ("Today", "Monday
 * 3 March").
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Building an Intl formatter costs far more than formatting with one, and a
 * thread formats a few times per message on every update: one formatter per
 * (language, kind of date) is built once and reused. The kinds are few and
 * fixed, so the map stays small.
 */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>();

function formatter<F extends Intl.DateTimeFormat | Intl.RelativeTimeFormat>(key: string, build: () => F): F {
  let found = formatters.get(key) as F | undefined;
  if (!found) {
    found = build();
    formatters.set(key, found);
  }
  return found;
}

const DATES = {
  clock: { hour: 'numeric', minute: '2-digit' },
  full: { dateStyle: 'full', timeStyle: 'short' },
  day: { weekday: 'long', day: 'numeric', month: 'long' },
  dayOfAnotherYear: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

const dateFormat = (kind: keyof typeof DATES, language: string) =>
  formatter(`${kind}\u0000${language}`, () => new Intl.DateTimeFormat(language, DATES[kind]));

export function relativeTime(iso: string, language: string, now = Date.now()): string {
  const time = Date.parse(iso);
  const elapsed = now - time;
  const rtf = formatter(
    `relative\u0000${language}`,
    () => new Intl.RelativeTimeFormat(language, { numeric: 'auto', style: 'short' }),
  );
  if (elapsed < MINUTE) return rtf.format(0, 'second');
  if (elapsed < HOUR) return rtf.format(-Math.floor(elapsed / MINUTE), 'minute');
  if (elapsed < 6 * HOUR) return rtf.format(-Math.floor(elapsed / HOUR), 'hour');
  return clockTime(iso, language);
}

export function clockTime(iso: string, language: string): string {
  return dateFormat('clock', language).format(Date.parse(iso));
}

export function fullDateTime(iso: string, language: string): string {
  return dateFormat('full', language).format(Date.parse(iso));
}

/** The local calendar day of a time, as a sortable key. */
export function dayKey(iso: string): string {
  const date = new Date(iso);
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

export function dayLabel(
  iso: string,
  language: string,
  words: { today: string; yesterday: string },
  now = new Date(),
): string {
  const key = dayKey(iso);
  if (key === dayKey(now.toISOString())) return words.today;
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (key === dayKey(yesterday.toISOString())) return words.yesterday;
  const sameYear = new Date(iso).getFullYear() === now.getFullYear();
  return dateFormat(sameYear ? 'day' : 'dayOfAnotherYear', language).format(Date.parse(iso));
}
