// It shows a <chat-thread>: register that too.
import '../chat-thread/define.js';
import { defineElement } from '../shared/define-element.js';
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
