/** Registers every Palaver element. */
import './chat-thread/define.js';
import './unread-badge/define.js';

export * from './index.js';
