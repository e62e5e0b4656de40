/**
 * @palaver/elements — Palaver's web components. This entry has no side effects:
 * import `@palaver/elements/define` (all elements) or one element's `define`
 * entry to register the tags, or use the `palaver.js` drop-in. (`define` leaves out
 * the staff's `<chat-moderation>`: register it with `@palaver/elements/chat-moderation`.)
 */
export { ChatInbox } from './chat-inbox/chat-inbox.js';
export { ChatModeration } from './chat-moderation/chat-moderation.js';
export { type ModerationStrings, moderationStrings } from './chat-moderation/moderation-strings.js';
export { type ChatMessageSendDetail, ChatThread, MAX_RENDERED_MESSAGES } from './chat-thread/chat-thread.js';
export { ContactSupplier } from './contact-supplier/contact-supplier.js';
export { configure, configuredClient } from './shared/config.js';
export { type PalaverStrings, setStrings } from './shared/i18n.js';
export { en, loadLanguage } from './shared/strings.js';
export { fr } from './shared/strings-fr.js';
export { UnreadBadge } from './unread-badge/unread-badge.js';
