/**
 * Product tokens for tests and benchmarks, signed the way a marketplace's
 * backend signs them (HS256 with the server's JWT_SECRET), synchronously so a
 * test can write `productOpen(...)` where it names a product.
 */
import { createHmac } from 'node:crypto';
import type { OpenConversationInput, ProductRef } from '@palaver/protocol';

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export function signProductTokenSync(
  secret: string,
  product: ProductRef,
  supplier: { id: string; name: string },
  expiresInS = 3600,
): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const now = Math.floor(Date.now() / 1000);
  const payload = base64url(
    JSON.stringify({ typ: 'palaver-product', product, supplier, iat: now, exp: now + expiresInS }),
  );
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** The `conversation:open` payload of a product conversation, vouched for by a product token. */
export function productOpenWith(
  secret: string,
  input: { product: ProductRef; supplierId: string; supplierName: string },
): OpenConversationInput {
  return {
    kind: 'product',
    productToken: signProductTokenSync(secret, input.product, { id: input.supplierId, name: input.supplierName }),
  };
}
