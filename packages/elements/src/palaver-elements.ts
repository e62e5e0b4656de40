/**
 * The part of the `palaver.js` drop-in that a product page does not need at
 * first: `<chat-thread>` and `<chat-inbox>`, with all their words. `palaver.js`
 * loads it (a chunk next to it) at once when the page has one of these tags,
 * otherwise when the page is idle; `loadElements()` gives its exports.
 */
import './chat-inbox/define.js';
import './chat-thread/define.js';
import { languageOf } from './shared/i18n.js';
import { loadLanguage } from './shared/strings.js';

export { ChatInbox } from './chat-inbox/chat-inbox.js';
export { type ChatMessageSendDetail, ChatThread, MAX_RENDERED_MESSAGES } from './chat-thread/chat-thread.js';
export { en, loadLanguage } from './shared/strings.js';
/** The French words, once loaded (`loadLanguage('fr')`; an element that speaks French loads them itself). */
export const french = () => import('./shared/strings-fr.js').then((pack) => pack.fr);

// The page's language, if its words are a chunk of their own, comes at once, beside the
// elements' code: the first thread or inbox then shows in it without waiting for another file.
// Safe to drop: an element that needs the words loads them again (and speaks English if it cannot).
if (typeof document !== 'undefined') void loadLanguage(languageOf(document.documentElement))?.catch(() => undefined);
