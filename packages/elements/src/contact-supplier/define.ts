// No import of '../chat-thread/define.js' here: <contact-supplier> loads the
// thread's code itself, when idle or at the first click (see load-thread.ts).
import { defineElement } from '../shared/define-element.js';
import { ContactSupplier } from './contact-supplier.js';

defineElement('contact-supplier', ContactSupplier);

declare global {
  interface HTMLElementTagNameMap {
    'contact-supplier': ContactSupplier;
  }
  interface GlobalEventHandlersEventMap {
    'chat-dialog-opened': CustomEvent<Record<string, never>>;
    'chat-dialog-closed': CustomEvent<Record<string, never>>;
  }
}

export { ContactSupplier };
