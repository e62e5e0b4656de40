import type { ProductRef } from '@palaver/protocol';
import { type OpenProductConversationInput, readJwtClaims } from '@palaver/sdk';

/**
 * The product attributes of the elements that open a conversation by product
 * (`<chat-thread>`, `<contact-supplier>`), declared once: property → attribute.
 *
 * The marketplace vouches for the product one of two ways: `product-token`
 * (signed by its backend; carries the card and the supplier) or `product-id`
 * alone (a product it registered through the server API). Describing the card
 * and supplier in attributes (`product-title`, `supplier-id`, …) only works
 * against a server in development mode (`ALLOW_CLIENT_PRODUCTS=1`).
 */
export const PRODUCT_ATTRIBUTES = {
  productToken: 'product-token',
  productId: 'product-id',
  productTitle: 'product-title',
  productImage: 'product-image',
  productUrl: 'product-url',
  productPrice: 'product-price',
  supplierId: 'supplier-id',
  supplierName: 'supplier-name',
} as const;

export type ProductFields = { -readonly [K in keyof typeof PRODUCT_ATTRIBUTES]: string | undefined };

/** What `conversation:open` is asked with, or undefined when the attributes name no product. */
export function productOpenOf(fields: ProductFields): OpenProductConversationInput | undefined {
  if (fields.productToken) return { productToken: fields.productToken };
  if (!fields.productId) return undefined;
  if (!fields.supplierId) return { productId: fields.productId };
  const product: ProductRef = { id: fields.productId, title: fields.productTitle || fields.productId };
  if (fields.productImage) product.imageUrl = fields.productImage;
  if (fields.productUrl) product.url = fields.productUrl;
  if (fields.productPrice) product.price = fields.productPrice;
  return { product, supplierId: fields.supplierId, supplierName: fields.supplierName || fields.supplierId };
}

/** The supplier's name as the page knows it before the conversation is open (a token names them). */
export function knownSupplierNameOf(fields: ProductFields): string | undefined {
  if (fields.supplierName) return fields.supplierName;
  const claims = fields.productToken ? readJwtClaims(fields.productToken) : undefined;
  const name = (claims?.supplier as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : fields.supplierId;
}
