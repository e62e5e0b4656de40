import type { ProductRef } from '@palaver/protocol';
import { property } from 'lit/decorators.js';
import { PalaverElement } from './palaver-element.js';

/**
 * The elements that open a conversation by product (`<chat-thread>`,
 * `<contact-supplier>`): the product and supplier attributes, declared once.
 */
export class ProductElement extends PalaverElement {
  /** Open (get-or-create) the conversation about this product with `supplier-id`. */
  @property({ attribute: 'product-id' }) productId: string | undefined;
  @property({ attribute: 'product-title' }) productTitle: string | undefined;
  @property({ attribute: 'product-image' }) productImage: string | undefined;
  @property({ attribute: 'product-url' }) productUrl: string | undefined;
  @property({ attribute: 'product-price' }) productPrice: string | undefined;
  @property({ attribute: 'supplier-id' }) supplierId: string | undefined;
  @property({ attribute: 'supplier-name' }) supplierName: string | undefined;

  /** The product as the attributes describe it (empty ones left out). */
  protected get product(): ProductRef | undefined {
    if (!this.productId) return undefined;
    const product: ProductRef = { id: this.productId, title: this.productTitle || this.productId };
    if (this.productImage) product.imageUrl = this.productImage;
    if (this.productUrl) product.url = this.productUrl;
    if (this.productPrice) product.price = this.productPrice;
    return product;
  }
}
