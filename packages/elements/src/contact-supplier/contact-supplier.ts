import { html, nothing, type TemplateResult } from 'lit';
import { query, state } from 'lit/decorators.js';
import { ProductElement } from '../shared/product-element.js';
import { builtInStrings } from '../shared/strings.js';
import { contactSupplierStyles } from './contact-supplier.styles.js';

/**
 * @tagname contact-supplier
 * @summary The "Contact supplier" button of a product page: opens the thread about
 * this product in a modal dialog (focus stays inside, Escape closes it, focus
 * returns to the button).
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
  protected static override builtInStrings = builtInStrings;

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('[part="button"]') private button!: HTMLButtonElement;

  /** The thread is created on first open, then kept (its draft and scroll stay). */
  @state() private opened = false;

  /** Whether the dialog is open. */
  get open(): boolean {
    return this.dialog?.open ?? false;
  }

  /** Opens the dialog with the thread about this product. */
  async show(): Promise<void> {
    this.opened = true;
    await this.updateComplete;
    if (this.dialog.open) return;
    this.dialog.showModal();
    await this.renderRoot.querySelector('chat-thread')?.focusComposer();
    this.emit('chat-dialog-opened', {});
  }

  /** Closes the dialog; focus returns to the button. */
  hide(): void {
    if (this.dialog?.open) this.dialog.close();
  }

  private onClose(): void {
    this.button?.focus();
    this.emit('chat-dialog-closed', {});
  }

  override render(): TemplateResult {
    const t = this.t;
    const supplier = this.knownSupplierName ?? '';
    return html`<button part="button" type="button" aria-haspopup="dialog" @click=${this.show}>
        <slot>${t.contactSupplier}</slot>
      </button>
      <dialog part="dialog" aria-label=${t.dialogLabel(supplier)} @close=${this.onClose}>
        <div class="header">
          <span>${supplier}</span>
          <button type="button" class="close" aria-label=${t.close} @click=${this.hide}>×</button>
        </div>
        ${
          this.opened
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
