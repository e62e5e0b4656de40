import { contactStrings } from '../shared/contact-strings.js';
import { LightElement } from '../shared/light-element.js';
import { knownSupplierNameOf, PRODUCT_ATTRIBUTES, type ProductFields } from '../shared/product-attributes.js';
import { contactSupplierStyles } from './contact-supplier.styles.js';
import { loadThread, prefetchThread } from './load-thread.js';

type ProductProperty = keyof typeof PRODUCT_ATTRIBUTES;
const propertyOf = new Map(Object.entries(PRODUCT_ATTRIBUTES).map(([p, a]) => [a, p as ProductProperty]));

/**
 * @tagname contact-supplier
 * @summary The "Contact supplier" button of a product page: opens the thread about
 * this product in a modal dialog (focus stays inside, Escape closes it, focus
 * returns to the button). The thread's code is not part of the button's: it
 * loads when the page is idle, when the pointer comes over the button, or at
 * the latest on the first click.
 *
 * @attr {string} product-token - A product token signed by the marketplace's backend: the card and the supplier come from it.
 * @attr {string} product-id - A product registered through the server API (or, with `supplier-id`, described by the attributes below: development servers only).
 * @attr {string} product-title - The card's title (with `supplier-id`, development servers only).
 * @attr {string} product-image - The card's image address (idem).
 * @attr {string} product-url - The product page's address (idem).
 * @attr {string} product-price - The price as shown (idem).
 * @attr {string} supplier-id - The supplier's user id (idem).
 * @attr {string} supplier-name - The supplier's name (idem).
 *
 * @slot - The button's label (default: "Contact supplier").
 *
 * @fires chat-dialog-opened - The dialog opened. `detail: {}`.
 * @fires chat-dialog-closed - The dialog closed. `detail: {}`.
 *
 * @csspart button - The button.
 * @csspart dialog - The dialog.
 */
export class ContactSupplier extends LightElement implements ProductFields {
  protected static override styles = contactSupplierStyles;
  protected static override builtInStrings = contactStrings;
  static readonly observedAttributes = Object.values(PRODUCT_ATTRIBUTES);

  declare productToken: string | undefined;
  declare productId: string | undefined;
  declare productTitle: string | undefined;
  declare productImage: string | undefined;
  declare productUrl: string | undefined;
  declare productPrice: string | undefined;
  declare supplierId: string | undefined;
  declare supplierName: string | undefined;

  /** The thread is created on first open, then kept (its draft and scroll stay). */
  private thread: HTMLElementTagNameMap['chat-thread'] | undefined;
  /** The thread's code could not be loaded (offline): the dialog says so; the next click tries again. */
  private loadFailed = false;
  private button!: HTMLButtonElement;
  private fallbackLabel!: HTMLSlotElement;
  private dialog!: HTMLDialogElement;
  private supplierLabel!: HTMLSpanElement;
  private closeButton!: HTMLButtonElement;
  private failure!: HTMLParagraphElement;

  /** Whether the dialog is open. */
  get open(): boolean {
    return this.dialog?.open ?? false;
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    const property = propertyOf.get(name as (typeof PRODUCT_ATTRIBUTES)[ProductProperty]);
    if (property) this[property] = value ?? undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    prefetchThread();
  }

  /** Opens the dialog with the thread about this product. */
  async show(): Promise<void> {
    if (!customElements.get('chat-thread')) {
      try {
        await loadThread();
        this.loadFailed = false;
      } catch {
        this.loadFailed = true;
      }
    }
    if (!this.loadFailed) this.thread ??= document.createElement('chat-thread');
    this.update();
    if (this.dialog.open) return;
    this.dialog.showModal();
    await this.thread?.focusComposer();
    this.emit('chat-dialog-opened', {});
  }

  /** Closes the dialog; focus returns to the button. */
  hide(): void {
    if (this.dialog?.open) this.dialog.close();
  }

  protected build(root: ShadowRoot): void {
    const make = <K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}) => {
      const element = document.createElement(tag);
      for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
      return element;
    };
    this.button = make('button', { part: 'button', type: 'button', 'aria-haspopup': 'dialog' });
    this.fallbackLabel = make('slot');
    this.button.append(this.fallbackLabel);
    this.button.addEventListener('click', () => void this.show());
    // A click is likely to follow: start loading now rather than on click. Safe
    // to drop: show() awaits the same load and reports a failure.
    this.button.addEventListener('pointerenter', () => void loadThread().catch(() => undefined));

    this.dialog = make('dialog', { part: 'dialog' });
    this.dialog.addEventListener('close', () => {
      this.button.focus();
      this.emit('chat-dialog-closed', {});
    });
    const header = make('div', { class: 'header' });
    this.supplierLabel = make('span');
    this.closeButton = make('button', { type: 'button', class: 'close' });
    this.closeButton.textContent = '×';
    this.closeButton.addEventListener('click', () => this.hide());
    header.append(this.supplierLabel, this.closeButton);
    this.failure = make('p', { class: 'failed', role: 'alert' });
    this.dialog.append(header);
    root.append(this.button, this.dialog);
  }

  protected update(): void {
    const t = this.t;
    const supplier = knownSupplierNameOf(this) ?? '';
    this.fallbackLabel.textContent = t.contactSupplier;
    this.dialog.setAttribute('aria-label', t.dialogLabel(supplier));
    this.supplierLabel.textContent = supplier;
    this.closeButton.setAttribute('aria-label', t.close);
    this.failure.textContent = t.error;
    const body = this.loadFailed ? this.failure : this.thread;
    if (this.loadFailed) this.thread?.remove();
    else this.failure.remove();
    if (!body) return;
    if (body === this.thread) {
      this.thread.client = this.activeClient;
      this.thread.strings = this.strings;
      for (const [property, attribute] of Object.entries(PRODUCT_ATTRIBUTES)) {
        this.thread.setAttribute(attribute, this[property as ProductProperty] ?? '');
      }
    }
    if (!body.isConnected) this.dialog.append(body);
  }
}

// The product properties: each set (as a property or through its attribute) updates the element.
for (const property of Object.keys(PRODUCT_ATTRIBUTES)) {
  const values = new WeakMap<ContactSupplier, string | undefined>();
  Object.defineProperty(ContactSupplier.prototype, property, {
    get(this: ContactSupplier) {
      return values.get(this);
    },
    set(this: ContactSupplier, value: string | undefined) {
      values.set(this, value);
      this.requestUpdate();
    },
  });
}
