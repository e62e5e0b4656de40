import { type OpenProductConversationInput, type ProductRef, productTokenClaimsSchema } from '@palaver/protocol';
import { readJwtClaims } from '../connection/token.js';
import { refuse } from './fake-data.js';

/** A product the fake's "marketplace" registered (the server API's `PUT /api/server/products/:id`). */
export interface FakeProduct extends ProductRef {
  supplierId: string;
}

/**
 * How the fake backend learns what a product conversation is about, as the
 * real server does: a registered product, or a product token. The fake reads
 * a token's claims without checking its signature (it has no secret); the
 * browser's own description is refused unless `allowClientProducts` is on.
 */
export function resolveFakeProduct(
  input: OpenProductConversationInput,
  catalogue: ReadonlyMap<string, FakeProduct>,
  supplierName: (id: string) => string | undefined,
  allowClientProducts: boolean,
): { product: ProductRef; supplier: { id: string; name: string } } {
  if ('productToken' in input) {
    const claims = productTokenClaimsSchema.safeParse(readJwtClaims(input.productToken));
    if (!claims.success) throw refuse('forbidden', 'The product token is not valid.');
    if (claims.data.exp * 1000 < Date.now()) {
      throw refuse('forbidden', 'The product token has expired: the page needs a fresh one from the marketplace.');
    }
    return { product: claims.data.product, supplier: claims.data.supplier };
  }
  if ('productId' in input) {
    const found = catalogue.get(input.productId);
    if (!found) throw refuse('not_found', 'No such product: register it first (FakeChatBackend.addProduct).');
    const { supplierId, ...product } = found;
    return { product, supplier: { id: supplierId, name: supplierName(supplierId) ?? supplierId } };
  }
  if (!allowClientProducts) {
    throw refuse(
      'forbidden',
      'This server does not accept product cards described by the browser: open the conversation with a ' +
        'productToken signed by the marketplace, or with the productId of a registered product.',
    );
  }
  return { product: input.product, supplier: { id: input.supplierId, name: input.supplierName.trim() } };
}

/**
 * An unsigned product token the fake backend accepts — for stories and your
 * own tests (the real server needs one signed by the marketplace's backend).
 */
export function fakeProductToken(
  product: ProductRef,
  supplier: { id: string; name: string },
  expiresInS = 3600,
): string {
  const encode = (value: unknown) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  const exp = Math.floor(Date.now() / 1000) + expiresInS;
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ typ: 'palaver-product', product, supplier, exp })}.`;
}
