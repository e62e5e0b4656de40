import type { ModerationStrings } from '../chat-moderation/moderation-strings.js';
import { contactStrings } from './contact-strings.js';
import { forgetResolvedStrings, type PalaverStrings } from './i18n.js';
import { list } from './list.js';
import { unreadStrings } from './unread-strings.js';

// Every element's words in English (French: strings-fr.ts). `<unread-badge>` needs only
// `unreadStrings` and `<contact-supplier>` `contactStrings`: they do not import
// this module, so a product page's first load stays small.

/** The thread's, the inbox's and the contact button's words: the console brings its own (moderation-strings.ts). */
export type ElementStrings = Omit<PalaverStrings, keyof ModerationStrings>;

export const en: ElementStrings = {
  ...unreadStrings.en,
  ...contactStrings.en,
  messages: 'Messages',
  composerLabel: 'Message',
  composerPlaceholder: 'Write a message…',
  send: 'Send',
  queued: 'Waiting to send',
  sending: 'Sending',
  sent: 'Sent',
  read: 'Read',
  failed: 'Not sent',
  retry: 'Retry',
  discard: 'Discard',
  editFailed: 'Your edit was not saved.',
  deleteFailed: 'The message was not deleted.',
  dismiss: 'Dismiss',
  edit: 'Edit',
  delete: 'Delete',
  save: 'Save',
  cancel: 'Cancel',
  deleted: 'Message deleted',
  removedByModeration: 'Removed by moderation',
  edited: 'edited',
  staff: 'Staff',
  you: 'You',
  typing: (names) => (names.length === 1 ? `${names[0]} is typing…` : `${list(names, 'and')} are typing…`),
  newMessages: 'New messages',
  loadingOlder: 'Loading older messages…',
  empty: 'No messages yet. Say hello!',
  loading: 'Loading the conversation…',
  offline: 'You are offline. Your messages will be sent when you are back online.',
  sendsWhenOpened: 'Your message will be sent as soon as the conversation opens.',
  rateLimited: 'Too many messages in a short time: this one waits a moment and then goes by itself.',
  maskedForOthers: 'Contact details are hidden from the other side: keep the conversation here.',
  maskedForMe: 'Contact details were hidden by the marketplace.',
  suspendedBanner: (name) => `${name}’s account is suspended by the marketplace: they cannot answer for now.`,
  noConversationsLoading: 'Loading conversations…',
  charactersLeft: (n) => (n === 1 ? '1 character left' : `${n} characters left`),
  charactersOver: (n) => (n === 1 ? '1 character too many' : `${n} characters too many`),
  today: 'Today',
  yesterday: 'Yesterday',
  productLabel: (title) => `About: ${title}`,
  support: 'Support',
  supportLabel: (subject) => `Support: ${subject}`,
  lastMessageByYou: (text) => `You: ${text}`,
  messageActions: 'Message actions',
  confirmDelete: 'Delete this message?',
  conversations: 'Conversations',
  unreadOnly: 'Unread only',
  noUnread: 'No unread conversations.',
  noConversations: 'No conversations yet.',
  back: 'All conversations',
  pickConversation: 'Choose a conversation.',
  contactSupplier: 'Contact supplier',
  close: 'Close',
  dialogLabel: (supplier) => `Conversation with ${supplier}`,
  conversationActions: 'Conversation actions',
  report: 'Report',
  react: 'React',
  reactions: 'Reactions',
  reactWith: (emoji) => `React with ${emoji}`,
  reactionLabel: (emoji, count, mine) =>
    `${emoji}: ${count} ${count === 1 ? 'reaction' : 'reactions'}${mine ? (count === 1 ? ', yours' : ', yours included') : ''}`,
  reportConversation: 'Report conversation',
  block: (name) => `Block ${name}`,
  unblock: (name) => `Unblock ${name}`,
  blockedBanner: (name) => `You blocked ${name}. They cannot write to you.`,
  unblockShort: 'Unblock',
  blockFailed: 'That did not work.',
  reportMessageTitle: 'Report this message',
  reportConversationTitle: 'Report this conversation',
  reportReason: 'What is wrong?',
  reportReasons: {
    spam: 'Spam',
    scam: 'Scam or fraud',
    abuse: 'Abuse or harassment',
    off_platform: 'Asks to deal outside the marketplace',
    other: 'Something else',
  },
  reportNote: 'Anything to add? (optional)',
  reportSent: 'Thanks, the marketplace will look at it.',
  reportFailed: 'The report was not sent.',
  safetyRateLimited: 'Too many reports or blocks in a short time: please wait a while, then try again.',
  cannotWrite: 'You cannot write to this person.',
  attach: 'Attach files',
  dropFiles: 'Drop files to attach them',
  removeFile: (name) => `Remove ${name}`,
  uploading: (name) => `Uploading ${name}`,
  fileWaiting: 'Waiting to upload',
  fileRefused: (code, message) =>
    code === 'unsupported_media_type'
      ? 'This type of file is not accepted.'
      : code === 'payload_too_large'
        ? 'This file is too large.'
        : message,
  tooManyFiles: (max) => `At most ${max} files per message.`,
  openImage: (name) => `Open ${name}`,
  imageViewer: 'Image viewer',
  previousImage: 'Previous image',
  nextImage: 'Next image',
  imageCounter: (index, count) => `${index} of ${count}`,
  download: 'Download',
};

/** The built-in words of the elements that show more than an unread count. */
/**
 * The built-in words of the thread and the inbox: English here; other
 * languages join when first needed (`loadLanguage`), so the drop-in does not
 * carry every language to every page.
 */
export const builtInStrings: Record<string, ElementStrings> = { en };

/** Languages whose words are a chunk of their own. */
const LANGUAGE_PACKS: Record<string, () => Promise<ElementStrings>> = {
  fr: () => import('./strings-fr.js').then((pack) => pack.fr),
};
const loading = new Map<string, Promise<void>>();

/**
 * Loads the built-in words of a language tag's primary language ('fr-CA' →
 * French) if they come in a chunk of their own and are not here yet; undefined
 * when there is nothing to wait for. A failed load (offline) is forgotten, so
 * the next render tries again; meanwhile the elements speak English.
 */
export function loadLanguage(language: string): Promise<void> | undefined {
  const primary = language.split('-')[0] ?? language;
  const load = LANGUAGE_PACKS[primary];
  if (builtInStrings[primary] || !load) return undefined;
  let pending = loading.get(primary);
  if (!pending) {
    pending = load().then(
      (strings) => {
        builtInStrings[primary] = strings;
        forgetResolvedStrings();
      },
      (error: unknown) => {
        loading.delete(primary);
        throw error;
      },
    );
    loading.set(primary, pending);
  }
  return pending;
}
