import { defineElement } from '../shared/define-element.js';
import { UnreadBadge } from './unread-badge.js';

defineElement('unread-badge', UnreadBadge);

declare global {
  interface HTMLElementTagNameMap {
    'unread-badge': UnreadBadge;
  }
}

export { UnreadBadge };
