/**
 * The part of the `palaver.js` drop-in that a product page does not need at
 * first: `<chat-thread>` and `<chat-inbox>`, with all their words. `palaver.js`
 * loads it (a chunk next to it) at once when the page has one of these tags,
 * otherwise when the page is idle; `loadElements()` gives its exports.
 */
import './chat-inbox/define.js';
import './chat-thread/define.js';

export { ChatInbox } from './chat-inbox/chat-inbox.js';
export { type ChatMessageSendDetail, ChatThread, MAX_RENDERED_MESSAGES } from './chat-thread/chat-thread.js';
export { en, fr } from './shared/strings.js';
