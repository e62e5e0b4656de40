/** Registers every Palaver element. */
import './chat-inbox/define.js';
import './chat-thread/define.js';
import './contact-supplier/define.js';
import './unread-badge/define.js';

export * from './index.js';
