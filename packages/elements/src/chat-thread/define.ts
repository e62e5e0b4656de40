import { defineElement } from '../shared/define-element.js';
import { ChatThread } from './chat-thread.js';

defineElement('chat-thread', ChatThread);

declare global {
  interface HTMLElementTagNameMap {
    'chat-thread': ChatThread;
  }
  interface GlobalEventHandlersEventMap {
    'chat-conversation-opened': CustomEvent<{ conversation: import('@palaver/sdk').Conversation }>;
    'chat-message-send': CustomEvent<import('./chat-thread.js').ChatMessageSendDetail>;
    'chat-message-sent': CustomEvent<{ message: import('@palaver/sdk').ChatMessage }>;
  }
}

export { ChatThread };
