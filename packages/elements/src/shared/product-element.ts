import type { ProductRef } from '@palaver/protocol';
import { type OpenProductConversationInput, readJwtClaims } from '@palaver/sdk';
import type { PropertyDeclarations } from 'lit';
import { PalaverElement } from './palaver-element.js';

/**
 * The elements that open a conversation by product (`<chat-thread>`,
 * `<contact-supplier>`): the product attributes, declared once.
 *
 * The marketplace vouches for the product one of two ways: `product-token`
 * (signed by its backend; carries the card and the supplier) or `product-id`
 * alone (a product it registered through the server API). Describing the card
 * and supplier in attributes (`product-title`, `supplier-id`, …) only works
 * against a server in development mode (`ALLOW_CLIENT_PRODUCTS=1`).
 */
export class ProductElement extends PalaverElement {
  // Declared without decorators: see PalaverElement.
  static override properties: PropertyDeclarations = {
    productToken: { attribute: 'product-token' },
    productId: { attribute: 'product-id' },
    productTitle: { attribute: 'product-title' },
    productImage: { attribute: 'product-image' },
    productUrl: { attribute: 'product-url' },
    productPrice: { attribute: 'product-price' },
    supplierId: { attribute: 'supplier-id' },
    supplierName: { attribute: 'supplier-name' },
  };

  /** A product token signed by the marketplace's backend: the card and the supplier come from it. */
  declare productToken: string | undefined;
  /** A product registered through the server API (or, with `supplier-id`, described by the attributes). */
  declare productId: string | undefined;
  declare productTitle: string | undefined;
  declare productImage: string | undefined;
  declare productUrl: string | undefined;
  declare productPrice: string | undefined;
  declare supplierId: string | undefined;
  declare supplierName: string | undefined;

  /** What `conversation:open` is asked with, or undefined when the attributes name no product. */
  protected get productOpen(): OpenProductConversationInput | undefined {
    if (this.productToken) return { productToken: this.productToken };
    if (!this.productId) return undefined;
    if (!this.supplierId) return { productId: this.productId };
    const product: ProductRef = { id: this.productId, title: this.productTitle || this.productId };
    if (this.productImage) product.imageUrl = this.productImage;
    if (this.productUrl) product.url = this.productUrl;
    if (this.productPrice) product.price = this.productPrice;
    return { product, supplierId: this.supplierId, supplierName: this.supplierName || this.supplierId };
  }

  /** The supplier's name as the page knows it before the conversation is open (a token names them). */
  protected get knownSupplierName(): string | undefined {
    if (this.supplierName) return this.supplierName;
    const claims = this.productToken ? readJwtClaims(this.productToken) : undefined;
    const name = (claims?.supplier as { name?: unknown } | undefined)?.name;
    return typeof name === 'string' ? name : this.supplierId;
  }
}
