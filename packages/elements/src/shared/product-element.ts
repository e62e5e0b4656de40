import type { OpenProductConversationInput } from '@palaver/sdk';
import type { PropertyDeclarations } from 'lit';
import { PalaverElement } from './palaver-element.js';
import { knownSupplierNameOf, PRODUCT_ATTRIBUTES, productOpenOf } from './product-attributes.js';

/**
 * The Lit elements that open a conversation by product (`<chat-thread>`): the
 * product attributes of product-attributes.ts as reactive properties.
 *
 * @attr {string} product-token - A product token signed by the marketplace's backend: the card and the supplier come from it.
 * @attr {string} product-id - A product registered through the server API (or, with `supplier-id`, described by the attributes below: development servers only).
 * @attr {string} product-title - The card's title (with `supplier-id`, development servers only).
 * @attr {string} product-image - The card's image address (idem).
 * @attr {string} product-url - The product page's address (idem).
 * @attr {string} product-price - The price as shown (idem).
 * @attr {string} supplier-id - The supplier's user id (idem).
 * @attr {string} supplier-name - The supplier's name (idem).
 */
export class ProductElement extends PalaverElement {
  // Declared without decorators: see PalaverElement.
  static override properties: PropertyDeclarations = Object.fromEntries(
    Object.entries(PRODUCT_ATTRIBUTES).map(([property, attribute]) => [property, { attribute }]),
  );

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
    return productOpenOf(this);
  }

  /** The supplier's name as the page knows it before the conversation is open (a token names them). */
  protected get knownSupplierName(): string | undefined {
    return knownSupplierNameOf(this);
  }
}
