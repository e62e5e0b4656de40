import {
  type Conversation,
  type ConversationListResult,
  canOpenProductWith,
  canOpenSupportFor,
  LIMITS,
  type OpenConversationInput,
} from '@palaver/protocol';
import type { ChatStore, ConversationKey, ListPosition } from '../db/store.js';
import { ChatError } from '../errors.js';
import type { AccessRules } from './access.js';
import type { Actor } from './actor.js';
import { type Limits, limitedCreate } from './limits.js';
import { ADMIN_VIEWER, conversationFor } from './masking.js';
import { type Notice, type Outcome, toAdmins, toUsers } from './notices.js';
import type { ProductResolver } from './products.js';
import type { SafetyService } from './safety.js';

/** Opening, reading and listing conversations. */
export class ConversationService {
  constructor(
    private readonly store: ChatStore,
    private readonly rules: AccessRules,
    private readonly products: ProductResolver,
    private readonly limits: Limits,
    private readonly safety: SafetyService,
  ) {}

  /**
   * Get-or-create. A new conversation is the opener's alone until its first
   * message: nobody else hears of it (no `conversation:updated`, no listing,
   * no sync entry) before someone writes, so merely opening a thread never
   * reaches the other side.
   */
  async open({ user }: Actor, input: OpenConversationInput): Promise<Outcome<Conversation>> {
    if (input.kind === 'product') {
      const { product, supplier } = await this.products.resolve(input);
      if (!canOpenProductWith(user, supplier.id)) {
        throw new ChatError('invalid_payload', 'You cannot open a conversation with yourself.');
      }
      await this.safety.assertMayContact(user.id, supplier.id);
      // Only an open that creates a conversation counts against the limit (limits.ts).
      const key = { kind: 'product' as const, productId: product.id, buyerId: user.id, supplierId: supplier.id };
      const { id } = await limitedCreate(this.limits, user.id, this.exists(key), () =>
        this.store.openProductConversation({
          buyer: user,
          supplierId: supplier.id,
          supplierName: supplier.name,
          product,
        }),
      );
      return {
        result: conversationFor(user, (await this.store.conversation(id, user.id)) as Conversation),
        notices: [],
      };
    }
    let clientId = user.id;
    if (input.clientUserId !== undefined && input.clientUserId !== user.id) {
      if (!canOpenSupportFor(user, input.clientUserId)) {
        throw new ChatError('forbidden', 'Only admins can open a support conversation for someone else.');
      }
      if (!input.clientName && !(await this.store.userExists(input.clientUserId))) {
        throw new ChatError('not_found', 'No such user; pass clientName to open a thread with a new user.');
      }
      clientId = input.clientUserId;
    }
    const key = { kind: 'support', clientId, subject: input.subject } as const;
    const opened = await limitedCreate(this.limits, user.id, this.exists(key), () =>
      this.store.openSupportConversation({
        clientId,
        subject: input.subject,
        ...(input.clientName ? { clientName: input.clientName.trim() } : {}),
        // An admin opening a thread with a client takes it as an agent.
        ...(user.isAdmin && clientId !== user.id ? { agentId: user.id } : {}),
      }),
    );
    const conversation = conversationFor(user, (await this.store.conversation(opened.id, user.id)) as Conversation);
    // An agent joining a thread that has messages is news to everyone in it (and takes its history unread).
    const notices =
      opened.joined && conversation.lastSeq > 0
        ? [...(await this.announce(opened.id)), ...(await unreadNotices(this.store, [user.id], [opened.id]))]
        : [];
    return { result: conversation, notices };
  }

  /** Whether the conversation of this key exists (asked only at the limit of new conversations). */
  private exists(key: ConversationKey): () => Promise<boolean> {
    return async () => (await this.store.findConversation(key)) !== undefined;
  }

  /** `conversation:updated` to each participant (with their own unread count) and to admins. */
  async announce(conversationId: string): Promise<Notice[]> {
    const { participantIds, kind } = await this.rules.find(conversationId, true);
    const notices: Notice[] = [];
    for (const userId of participantIds) {
      const conversation = (await this.store.conversation(conversationId, userId)) as Conversation;
      notices.push(
        toUsers([userId], 'conversation:updated', conversationFor({ id: userId, isAdmin: false }, conversation)),
      );
    }
    if (kind === 'support') {
      const conversation = (await this.store.conversation(conversationId, '')) as Conversation;
      notices.push(toAdmins('conversation:updated', conversationFor(ADMIN_VIEWER, conversation), participantIds));
    }
    return notices;
  }

  async get({ user }: Actor, conversationId: string): Promise<Conversation> {
    await this.rules.readable(user, conversationId);
    return conversationFor(user, (await this.store.conversation(conversationId, user.id)) as Conversation);
  }

  async list({ user }: Actor, query: { limit?: number; before?: string }): Promise<ConversationListResult> {
    const limit = query.limit ?? LIMITS.pageSizeDefault;
    const before = query.before === undefined ? undefined : decodeListCursor(query.before);
    const conversations = (await this.store.listConversations(user, limit, before)).map((c) =>
      conversationFor(user, c),
    );
    const result: ConversationListResult = { conversations };
    const last = conversations[conversations.length - 1];
    if (conversations.length === limit && last) result.next = encodeListCursor(last);
    return result;
  }
}

/** `unread` to each user: their new total and the counts of the given conversations. */
export async function unreadNotices(
  store: ChatStore,
  userIds: readonly string[],
  conversationIds: readonly string[],
): Promise<Notice[]> {
  const notices: Notice[] = [];
  for (const userId of userIds) {
    const counts = await store.unreadOf(userId);
    const changed: Record<string, number> = {};
    for (const id of conversationIds) changed[id] = counts.conversations[id] ?? 0;
    notices.push(toUsers([userId], 'unread', { total: counts.total, conversations: changed }));
  }
  return notices;
}

function encodeListCursor({ updatedAt, id }: ListPosition): string {
  return Buffer.from(JSON.stringify([updatedAt, id])).toString('base64url');
}

function decodeListCursor(token: string): ListPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string')) {
      return { updatedAt: value[0] as string, id: value[1] as string };
    }
  } catch {
    // fall through to the typed error
  }
  throw new ChatError('invalid_payload', 'Unknown paging token in "before".');
}
