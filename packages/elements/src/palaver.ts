/**
 * The drop-in: one script for the SDK and every element, with their dependencies.
 *
 * ```html
 * <script type="module">
 *   import { configure } from 'https://cdn.example/palaver.js';
 *   configure({ url: 'https://chat.shop.example', token: () => fetch('/palaver-token').then((r) => r.text()) });
 * </script>
 * <unread-badge></unread-badge>
 * <chat-thread product-token="…"></chat-thread>
 * ```
 *
 * What a product page shows first — `<unread-badge>`, `<contact-supplier>` and
 * the client — is in this file; `<chat-thread>` and `<chat-inbox>` are in chunk
 * files next to it (`palaver-*.js`, imported relatively, so a copy on a CDN
 * works as is). They load at once on a page that has one of those tags, and
 * otherwise when the page is idle or the contact button is first used: a product
 * page costs only what its badge and button need until someone uses them.
 */
import './contact-supplier/define.js';
import './unread-badge/define.js';
import { whenIdle } from './shared/when-idle.js';

export { ChatError, createChatClient, isChatError } from '@palaver/sdk';
export { ContactSupplier } from './contact-supplier/contact-supplier.js';
export { configure, configuredClient } from './shared/config.js';
export { type PalaverStrings, setStrings } from './shared/i18n.js';
export { UnreadBadge } from './unread-badge/unread-badge.js';

type Elements = typeof import('./palaver-elements.js');
let elements: Promise<Elements> | undefined;

/**
 * Loads (once) and registers `<chat-thread>` and `<chat-inbox>`; resolves with
 * their classes and the built-in strings (`ChatThread`, `ChatInbox`, `en`, `fr`).
 * Call it to wait for the tags, or use `customElements.whenDefined('chat-thread')`.
 */
export function loadElements(): Promise<Elements> {
  elements ??= import('./palaver-elements.js').catch((error: unknown) => {
    elements = undefined; // forgotten, so a later call retries (a network error)
    throw error;
  });
  return elements;
}

// Safe to drop: a failed load is retried by the next use (loadElements(), a click).
const load = () => void loadElements().catch(() => undefined);
const start = () => (document.querySelector('chat-thread, chat-inbox') ? load() : whenIdle(load));
// An `async` module script may run while the page is still being parsed: look for the tags once it is.
if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
}
