import type { BuiltInStrings, PalaverStrings } from './i18n.js';

type UnreadWords = Pick<PalaverStrings, 'unreadLabel'>;

/**
 * The words of an unread count (the badge's and the inbox's), on their own: a
 * page with only `<unread-badge>` loads these and none of the others.
 */
export const unreadStrings = {
  en: {
    unreadLabel: (n) => (n === 1 ? '1 unread message' : `${n} unread messages`),
  } satisfies UnreadWords,
  fr: {
    unreadLabel: (n) => (n === 1 ? '1 message non lu' : `${n} messages non lus`),
  } satisfies UnreadWords,
} satisfies BuiltInStrings;
