/**
 * A small drop-in for pages that only show the unread count (a site header):
 * `<unread-badge>` and `configure()`, with the SDK, without the thread.
 */
import './unread-badge/define.js';

export { configure } from './shared/config.js';
export { UnreadBadge } from './unread-badge/unread-badge.js';
