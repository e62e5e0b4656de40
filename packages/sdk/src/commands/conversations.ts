import type { Conversation, ProductRef } from '@palaver/protocol';
import type { Connection } from '../connection/connection.js';
import { readJwtClaims } from '../connection/token.js';
import type { PayloadOf } from '../connection/transport.js';
import type { Outbox } from '../persistence/outbox.js';
import type { ChatState } from '../state/chat-state.js';

/**
 * The product a conversation is about, as the marketplace vouches for it: a
 * `productToken` its backend signed, or the `productId` of a product it
 * registered through the server API. (`product` + `supplierId` +
 * `supplierName` describe it from the browser, which a server accepts only in
 * development, with `ALLOW_CLIENT_PRODUCTS=1`.)
 */
export type OpenProductConversationInput =
  | { productToken: string }
  | { productId: string }
  | { product: ProductRef; supplierId: string; supplierName: string };

export interface OpenSupportConversationInput {
  subject: string;
  /** Admins only: open the thread with this client. */
  clientUserId?: string;
  clientName?: string;
}

/** Opens (get-or-create) the conversation about a product with its supplier. */
export async function openProductConversation(
  state: ChatState,
  connection: Connection,
  outbox: Outbox | undefined,
  input: OpenProductConversationInput,
): Promise<Conversation> {
  const known = knownProductConversation(state, input);
  // Offline, a conversation opened before is enough to show the thread and queue messages.
  if (known && !connection.isConnected) return known;
  const conversation = await open(state, connection, { kind: 'product', ...input });
  // Messages written before the conversation could be opened (offline) now belong to it.
  await outbox?.rebind(draftConversationId(input), conversation.id);
  return conversation;
}

/** The conversation about this product the user already has, if the state holds it. */
export function knownProductConversation(
  state: ChatState,
  input: OpenProductConversationInput,
): Conversation | undefined {
  const me = state.$user.get()?.id;
  const { productId, supplierId } = describedProduct(input);
  return state.$conversations
    .get()
    .find(
      (c) =>
        c.kind === 'product' &&
        c.product?.id === productId &&
        (supplierId === undefined || c.participants.some((p) => p.userId === supplierId && p.role === 'supplier')) &&
        c.participants.some((p) => p.userId === me && p.role === 'buyer'),
    );
}

/** Where messages about a product wait while its conversation cannot be opened yet (offline). */
const DRAFT_PREFIX = 'draft:';

/**
 * The stand-in id of a product conversation not opened yet: the same for
 * every open of the same product and supplier, so the messages queued under
 * it (persisted in the outbox) find their conversation once it opens.
 */
export function draftConversationId(input: OpenProductConversationInput): string {
  const { productId, supplierId } = describedProduct(input);
  return `${DRAFT_PREFIX}${productId ?? ''}\u0000${supplierId ?? ''}`;
}

export const isDraftConversationId = (id: string): boolean => id.startsWith(DRAFT_PREFIX);

/**
 * Which product (and supplier, when the input says) an open names — read from
 * a product token's claims without checking them: only to find a conversation
 * opened before; the server checks the token.
 */
function describedProduct(input: OpenProductConversationInput): { productId?: string; supplierId?: string } {
  if ('productId' in input) return { productId: input.productId };
  if ('product' in input) return { productId: input.product.id, supplierId: input.supplierId };
  const claims = readJwtClaims(input.productToken) as { product?: { id?: unknown }; supplier?: { id?: unknown } };
  return {
    ...(typeof claims?.product?.id === 'string' ? { productId: claims.product.id } : {}),
    ...(typeof claims?.supplier?.id === 'string' ? { supplierId: claims.supplier.id } : {}),
  };
}

/** Opens (get-or-create) the support conversation about a subject. */
export function openSupportConversation(
  state: ChatState,
  connection: Connection,
  input: OpenSupportConversationInput,
): Promise<Conversation> {
  return open(state, connection, { kind: 'support', ...input });
}

async function open(
  state: ChatState,
  connection: Connection,
  payload: PayloadOf<'conversation:open'>,
): Promise<Conversation> {
  const { conversation } = await connection.request('conversation:open', payload);
  state.applyConversations([conversation]);
  return state.$conversationMap.get()[conversation.id] ?? conversation;
}
