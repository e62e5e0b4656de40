import { defineElement } from '../shared/define-element.js';
import { ChatModeration } from './chat-moderation.js';

defineElement('chat-moderation', ChatModeration);

declare global {
  interface HTMLElementTagNameMap {
    'chat-moderation': ChatModeration;
  }
  interface GlobalEventHandlersEventMap {
    'chat-moderated': CustomEvent<{ action: string; targetId: string }>;
  }
}

export { ChatModeration };
