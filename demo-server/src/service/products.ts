import { type OpenProductConversationInput, type ProductRef, productTokenClaimsSchema } from '@palaver/protocol';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { DirectoryStore } from '../db/directory.js';
import { ChatError } from '../errors.js';

/** The only algorithm accepted, as for user tokens. */
const ALGORITHM = 'HS256';
const TOKEN_TYPE = 'palaver-product';

/** What a product conversation is about and with whom, as the marketplace vouches for it. */
export interface VouchedProduct {
  product: ProductRef;
  supplier: { id: string; name: string };
}

/**
 * Turns what a client names (a catalogue product id, a signed product token,
 * or — in development only — a card it describes itself) into the card and
 * supplier the server trusts. Nothing of the client's own description is used
 * unless `allowClientProducts` is on.
 */
export class ProductResolver {
  private readonly key: Uint8Array;

  constructor(
    private readonly directory: DirectoryStore,
    secret: string,
    private readonly allowClientProducts: boolean,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async resolve(input: OpenProductConversationInput): Promise<VouchedProduct> {
    if ('productToken' in input) return this.fromToken(input.productToken);
    if ('productId' in input) return this.fromCatalogue(input.productId);
    if (!this.allowClientProducts) {
      throw new ChatError(
        'forbidden',
        'This server does not accept product cards described by the browser: open the conversation with a ' +
          'productToken signed by the marketplace, or with the productId of a product registered through the server API.',
      );
    }
    return { product: input.product, supplier: { id: input.supplierId, name: input.supplierName.trim() } };
  }

  private async fromCatalogue(productId: string): Promise<VouchedProduct> {
    const stored = await this.directory.product(productId);
    if (!stored) {
      throw new ChatError(
        'not_found',
        'No such product: the marketplace registers it with PUT /api/server/products/:id.',
      );
    }
    const supplier = await this.directory.user(stored.supplierId);
    const { supplierId: _supplierId, updatedAt: _updatedAt, ...product } = stored;
    return { product, supplier: { id: stored.supplierId, name: supplier?.name ?? stored.supplierId } };
  }

  private async fromToken(token: string): Promise<VouchedProduct> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new ChatError(
          'forbidden',
          'The product token has expired: the page needs a fresh one from the marketplace.',
        );
      }
      throw new ChatError('forbidden', 'The product token is not valid.');
    }
    const claims = productTokenClaimsSchema.safeParse(payload);
    if (!claims.success) {
      throw new ChatError(
        'forbidden',
        `The product token is not a ${TOKEN_TYPE} token with a valid product and supplier.`,
      );
    }
    const { product, supplier } = claims.data;
    return { product, supplier: { id: supplier.id, name: supplier.name.trim() } };
  }
}

/** Signs a product token the way a marketplace backend would; used by the demo and by tests. */
export async function signProductToken(
  secret: string,
  claims: { product: ProductRef; supplier: { id: string; name: string } },
  expiresIn: string | number = '1h',
): Promise<string> {
  return new SignJWT({ typ: TOKEN_TYPE, product: claims.product, supplier: claims.supplier })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
