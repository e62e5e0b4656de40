import type { Conversation, ProductRef } from '@palaver/protocol';
import type { Connection } from '../connection/connection.js';
import type { PayloadOf } from '../connection/transport.js';
import type { ChatState } from '../state/chat-state.js';

export interface OpenProductConversationInput {
  product: ProductRef;
  supplierId: string;
  supplierName: string;
}

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
  input: OpenProductConversationInput,
): Promise<Conversation> {
  const me = state.$user.get()?.id;
  const known = state.$conversations
    .get()
    .find(
      (c) =>
        c.kind === 'product' &&
        c.product?.id === input.product.id &&
        c.participants.some((p) => p.userId === input.supplierId && p.role === 'supplier') &&
        c.participants.some((p) => p.userId === me && p.role === 'buyer'),
    );
  // Offline, a conversation opened before is enough to show the thread and queue messages.
  if (known && !connection.isConnected) return known;
  return open(state, connection, { kind: 'product', ...input });
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
