/**
 * Times in the reader's language: "5 min ago" / "il y a 5 min" for recent
 * messages, the clock time otherwise, and day separators ("Today", "Monday
 * 3 March").
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function relativeTime(iso: string, language: string, now = Date.now()): string {
  const time = Date.parse(iso);
  const elapsed = now - time;
  const rtf = new Intl.RelativeTimeFormat(language, { numeric: 'auto', style: 'short' });
  if (elapsed < MINUTE) return rtf.format(0, 'second');
  if (elapsed < HOUR) return rtf.format(-Math.floor(elapsed / MINUTE), 'minute');
  if (elapsed < 6 * HOUR) return rtf.format(-Math.floor(elapsed / HOUR), 'hour');
  return clockTime(iso, language);
}

export function clockTime(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { hour: 'numeric', minute: '2-digit' }).format(Date.parse(iso));
}

export function fullDateTime(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'full', timeStyle: 'short' }).format(Date.parse(iso));
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
  return new Intl.DateTimeFormat(language, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(sameYear ? {} : { year: 'numeric' }),
  }).format(Date.parse(iso));
}
