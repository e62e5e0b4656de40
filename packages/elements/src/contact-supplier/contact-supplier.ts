import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { contactStrings } from '../shared/contact-strings.js';
import { ProductElement } from '../shared/product-element.js';
import { contactSupplierStyles } from './contact-supplier.styles.js';
import { loadThread, prefetchThread } from './load-thread.js';

/**
 * @tagname contact-supplier
 * @summary The "Contact supplier" button of a product page: opens the thread about
 * this product in a modal dialog (focus stays inside, Escape closes it, focus
 * returns to the button). The thread's code is not part of the button's: it
 * loads when the page is idle, when the pointer comes over the button, or at
 * the latest on the first click.
 *
 * @slot - The button's label (default: "Contact supplier").
 *
 * @fires chat-dialog-opened - The dialog opened. `detail: {}`.
 * @fires chat-dialog-closed - The dialog closed. `detail: {}`.
 *
 * @csspart button - The button.
 * @csspart dialog - The dialog.
 */
export class ContactSupplier extends ProductElement {
  static override styles = contactSupplierStyles;
  protected static override builtInStrings = contactStrings;
  // Declared without decorators: see PalaverElement.
  static override properties: PropertyDeclarations = { opened: { state: true }, loadFailed: { state: true } };

  /** The thread is created on first open, then kept (its draft and scroll stay). */
  private opened = false;
  /** The thread's code could not be loaded (offline): the dialog says so; the next click tries again. */
  private loadFailed = false;

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  /** Whether the dialog is open. */
  get open(): boolean {
    return this.dialog?.open ?? false;
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
    this.opened = true;
    await this.updateComplete;
    const dialog = this.dialog;
    if (!dialog || dialog.open) return;
    dialog.showModal();
    await this.renderRoot.querySelector('chat-thread')?.focusComposer();
    this.emit('chat-dialog-opened', {});
  }

  /** Closes the dialog; focus returns to the button. */
  hide(): void {
    if (this.dialog?.open) this.dialog.close();
  }

  private onPointerEnter(): void {
    // A click is likely to follow: start loading now rather than on click. Safe
    // to drop: show() awaits the same load and reports a failure.
    void loadThread().catch(() => undefined);
  }

  private onClose(): void {
    this.renderRoot.querySelector<HTMLElement>('[part="button"]')?.focus();
    this.emit('chat-dialog-closed', {});
  }

  override render(): TemplateResult {
    const t = this.t;
    const supplier = this.knownSupplierName ?? '';
    return html`<button part="button" type="button" aria-haspopup="dialog" @click=${this.show}
        @pointerenter=${this.onPointerEnter}>
        <slot>${t.contactSupplier}</slot>
      </button>
      <dialog part="dialog" aria-label=${t.dialogLabel(supplier)} @close=${this.onClose}>
        <div class="header">
          <span>${supplier}</span>
          <button type="button" class="close" aria-label=${t.close} @click=${this.hide}>×</button>
        </div>
        ${
          this.loadFailed
            ? html`<p class="failed" role="alert">${t.error}</p>`
            : this.opened
              ? html`<chat-thread
              .client=${this.activeClient}
              .strings=${this.strings}
              product-token=${this.productToken ?? ''}
              product-id=${this.productId ?? ''}
              product-title=${this.productTitle ?? ''}
              product-image=${this.productImage ?? ''}
              product-url=${this.productUrl ?? ''}
              product-price=${this.productPrice ?? ''}
              supplier-id=${this.supplierId ?? ''}
              supplier-name=${this.supplierName ?? ''}
            ></chat-thread>`
              : nothing
        }
      </dialog>`;
  }
}
