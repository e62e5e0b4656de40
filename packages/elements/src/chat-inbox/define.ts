// It shows a <chat-thread>: register that too.
import '../chat-thread/define.js';
import { defineElement } from '../shared/palaver-element.js';
import { ChatInbox } from './chat-inbox.js';

defineElement('chat-inbox', ChatInbox);

declare global {
  interface HTMLElementTagNameMap {
    'chat-inbox': ChatInbox;
  }
  interface GlobalEventHandlersEventMap {
    'chat-conversation-selected': CustomEvent<{ conversationId: string }>;
  }
}

export { ChatInbox };
