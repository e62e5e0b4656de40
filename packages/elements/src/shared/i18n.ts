import type { ReportReason } from '@palaver/protocol';
import type { ModerationStrings } from '../chat-moderation/moderation-strings.js';

/**
 * The words of Palaver's elements. English and French are built in (each
 * element class brings the words it shows: `shared/strings.ts`); every
 * string can be replaced for one language with `setStrings()` (page-wide) or
 * through an element's `strings` property (that element only). An element's
 * language is its own `lang`, else its closest ancestor's, else the page's.
 */
export interface PalaverStrings extends ModerationStrings {
  unreadLabel(count: number): string;
  messages: string;
  composerLabel: string;
  composerPlaceholder: string;
  send: string;
  queued: string;
  sending: string;
  sent: string;
  read: string;
  failed: string;
  retry: string;
  discard: string;
  /** A notice: an edit the server did not save. */
  editFailed: string;
  /** A notice: a delete the server did not make. */
  deleteFailed: string;
  /** Closes a notice. */
  dismiss: string;
  edit: string;
  delete: string;
  save: string;
  cancel: string;
  deleted: string;
  /** A message the marketplace's moderators removed, as its participants see it. */
  removedByModeration: string;
  edited: string;
  staff: string;
  you: string;
  typing(names: string[]): string;
  newMessages: string;
  loadingOlder: string;
  empty: string;
  loading: string;
  offline: string;
  error: string;
  /** Under the composer: Enter was pressed before the conversation opened. */
  sendsWhenOpened: string;
  /** Under a message the server asked to hold back (rate limit). */
  rateLimited: string;
  /** Under one's own message whose contact details the other side does not see (`CONTACT_MASKING`). */
  maskedForOthers: string;
  /** Under a received message whose contact details were hidden. */
  maskedForMe: string;
  /** Above a conversation whose other side the marketplace suspended. */
  suspendedBanner(name: string): string;
  noConversationsLoading: string;
  charactersLeft(count: number): string;
  charactersOver(count: number): string;
  today: string;
  yesterday: string;
  productLabel(title: string): string;
  /** A support conversation's label (and who it is with before an agent joins). */
  support: string;
  /** The thread header of a support conversation. */
  supportLabel(subject: string): string;
  /** The inbox's preview of the user's own last message. */
  lastMessageByYou(text: string): string;
  messageActions: string;
  /** Asked before a message is deleted. */
  confirmDelete: string;
  conversations: string;
  unreadOnly: string;
  noUnread: string;
  noConversations: string;
  back: string;
  pickConversation: string;
  contactSupplier: string;
  close: string;
  /** The thread header's menu. */
  conversationActions: string;
  /** In the menu of someone else's message (followed by "…"). */
  report: string;
  /** The quick reactions of a message's menu, and the reactions under it. */
  react: string;
  reactions: string;
  /** "React with 👍". */
  reactWith(emoji: string): string;
  /** "👍: 2 reactions, yours included". */
  reactionLabel(emoji: string, count: number, mine: boolean): string;
  /** In the thread header's menu (followed by "…"). */
  reportConversation: string;
  block(name: string): string;
  unblock(name: string): string;
  /** Above the messages once the user blocked the other side. */
  blockedBanner(name: string): string;
  /** The banner's button. */
  unblockShort: string;
  blockFailed: string;
  reportMessageTitle: string;
  reportConversationTitle: string;
  /** The legend of the reasons. */
  reportReason: string;
  reportReasons: Record<ReportReason, string>;
  reportNote: string;
  reportSent: string;
  reportFailed: string;
  /** Too many blocks or reports in a short time (`RATE_LIMIT_SAFETY`). */
  safetyRateLimited: string;
  /** Under a message the other side does not accept (they blocked the user); it does not say why. */
  cannotWrite: string;
  dialogLabel(supplier: string): string;
  /** The composer's button that picks files. */
  attach: string;
  /** Shown while files are dragged over the thread. */
  dropFiles: string;
  /** Removes a picked file, or a file of a message not sent yet. */
  removeFile(name: string): string;
  /** A file's progress bar. */
  uploading(name: string): string;
  /** A file of a pending message not uploaded yet. */
  fileWaiting: string;
  /** Why the server refused a file (`unsupported_media_type`, `payload_too_large`; else its own words). */
  fileRefused(code: string, serverMessage: string): string;
  /** More files than a message may carry. */
  tooManyFiles(max: number): string;
  /** An image of a message, as a button that opens the viewer. */
  openImage(name: string): string;
  imageViewer: string;
  previousImage: string;
  nextImage: string;
  /** "2 of 5" in the viewer. */
  imageCounter(index: number, count: number): string;
  download: string;
}

/** Built-in words by language tag ('en', 'fr'): what an element class brings with it. */
export type BuiltInStrings = Readonly<Record<string, Partial<PalaverStrings>>>;

/** The page's replacements (`setStrings`), by language tag. */
const replaced = new Map<string, Partial<PalaverStrings>>();
/** Resolved strings per built-in set and language; dropped whenever the page replaces some. */
let resolved = new WeakMap<BuiltInStrings, Map<string, PalaverStrings>>();

/** Built-in words changed (a language arrived): strings are resolved again. */
export function forgetResolvedStrings(): void {
  resolved = new WeakMap();
}

/** Adds or overrides strings for a language ('de', 'fr', …), page-wide. */
export function setStrings(language: string, strings: Partial<PalaverStrings>): void {
  const tag = language.toLowerCase();
  replaced.set(tag, { ...replaced.get(tag), ...strings });
  resolved = new WeakMap();
}

/** The element's language: its `lang`, its closest ancestor's, the page's, or the browser's. */
export function languageOf(element: Element): string {
  const tagged = element.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang;
  return (tagged || navigator.language || 'en').toLowerCase();
}

/**
 * The strings for a language tag ('fr-CA' → French): English under everything
 * (a language given only some words still has all of them), then the primary
 * language, then the exact tag — each built-in word with the page's
 * replacements on top — and the element's own overrides last.
 */
export function stringsFor(
  language: string,
  builtIn: BuiltInStrings,
  overrides?: Partial<PalaverStrings>,
): PalaverStrings {
  let byLanguage = resolved.get(builtIn);
  if (!byLanguage) {
    byLanguage = new Map();
    resolved.set(builtIn, byLanguage);
  }
  let base = byLanguage.get(language);
  if (!base) {
    const tags = ['en', language.split('-')[0] ?? language, language];
    base = Object.assign({}, ...tags.flatMap((tag) => [builtIn[tag], replaced.get(tag)])) as PalaverStrings;
    byLanguage.set(language, base);
  }
  return overrides ? { ...base, ...overrides } : base;
}
