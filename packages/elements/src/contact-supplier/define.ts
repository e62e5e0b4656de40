// It shows a <chat-thread>: register that too.
import '../chat-thread/define.js';
import { defineElement } from '../shared/palaver-element.js';
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
