import {
  type Conversation,
  type ConversationListResult,
  isReservedUserId,
  LIMITS,
  MARKETPLACE_SENDER,
  type Message,
  type ServerProduct,
  type ServerUser,
  type SystemMessageInput,
  type UpsertProductInput,
  type UpsertUserInput,
  type UserExport,
} from '@palaver/protocol';
import type { ChatStore } from '../db/store.js';
import { ChatError } from '../errors.js';
import type { ConversationService } from './conversations.js';
import { messageFor } from './masking.js';
import type { MessageService } from './messages.js';
import type { Notice, Outcome } from './notices.js';
import type { ReactionService } from './reactions.js';
import type { SessionService } from './sessions.js';

/** Who the marketplace's backend acts as when it reads: it may see everything, like an admin. */
const BACKEND = { id: MARKETPLACE_SENDER.id, name: MARKETPLACE_SENDER.name, isAdmin: true };

/**
 * What the marketplace's backend does through the server API: registers its
 * users and products, speaks in conversations as the marketplace, reads any
 * conversation, and exports or erases a user (GDPR).
 */
export class DirectoryService {
  constructor(
    private readonly store: ChatStore,
    private readonly conversations: ConversationService,
    private readonly messages: MessageService,
    private readonly sessions: SessionService,
    private readonly reactions: ReactionService,
  ) {}

  async upsertUser(id: string, input: UpsertUserInput): Promise<ServerUser> {
    if (isReservedUserId(id)) throw new ChatError('invalid_payload', 'User ids starting with "palaver:" are reserved.');
    const user = await this.store.directory.upsertUser(id, input);
    if (!user) throw new ChatError('not_found', 'No such user.');
    return user;
  }

  async user(id: string): Promise<ServerUser> {
    const user = await this.store.directory.user(id);
    if (!user || isReservedUserId(id)) throw new ChatError('not_found', 'No such user.');
    return user;
  }

  async upsertProduct(id: string, input: UpsertProductInput): Promise<ServerProduct> {
    const product = await this.store.directory.upsertProduct(id, input);
    if (!product) {
      throw new ChatError('not_found', 'No such supplier: register them first with PUT /api/server/users/:id.');
    }
    return product;
  }

  async product(id: string): Promise<ServerProduct> {
    const product = await this.store.directory.product(id);
    if (!product) throw new ChatError('not_found', 'No such product.');
    return product;
  }

  async postMessage(conversationId: string, input: SystemMessageInput): Promise<Outcome<Message>> {
    await this.store.rememberUser({ ...MARKETPLACE_SENDER });
    return this.messages.sendAsMarketplace(conversationId, input);
  }

  /** One user's conversations, or (no `userId`) what an admin sees: every support conversation. */
  async list(query: { userId?: string; limit?: number; before?: string }): Promise<ConversationListResult> {
    const { userId, ...page } = query;
    if (userId === undefined) return this.conversations.list({ user: BACKEND }, page);
    const user = await this.user(userId);
    return this.conversations.list({ user: { id: user.id, name: user.name, isAdmin: false } }, page);
  }

  async conversation(id: string): Promise<Conversation> {
    return this.conversations.get({ user: BACKEND }, id);
  }

  async history(conversationId: string, query: { beforeSeq?: number; limit?: number }) {
    return this.messages.history({ user: BACKEND }, { conversationId, ...query });
  }

  async export(id: string): Promise<UserExport> {
    const user = await this.user(id);
    const conversations: Conversation[] = [];
    const actor = { user: { id, name: user.name, isAdmin: false } };
    let before: string | undefined;
    do {
      const page = await this.conversations.list(actor, {
        limit: LIMITS.pageSizeMax,
        ...(before !== undefined ? { before } : {}),
      });
      conversations.push(...page.conversations);
      before = page.next;
    } while (before !== undefined);
    return {
      user,
      conversations,
      // Their own words, as they wrote them.
      messages: (await this.store.directory.messagesSentBy(id)).map((message) => messageFor(actor.user, message)),
      reads: await this.store.directory.readsOf(id),
      exportedAt: new Date().toISOString(),
    };
  }

  /**
   * Erases a user: their profile loses name, avatar, email and locale, their
   * sessions are revoked (sockets closed, tokens refused), and every message
   * they sent becomes a tombstone for everyone (the usual `message:updated`). Safe to repeat: a second call finishes what a crash
   * interrupted and changes nothing more.
   */
  async erase(id: string): Promise<Outcome<{ erasedMessages: number }>> {
    await this.user(id);
    await this.store.directory.eraseProfile(id);
    // Their tokens stop working and their sockets close, on every node.
    const notices: Notice[] = [...(await this.sessions.revoke(id)).notices];
    let erasedMessages = 0;
    for (const message of await this.store.directory.messagesSentBy(id)) {
      if (message.deletedAt) continue;
      const outcome = await this.messages.tombstone(message.id);
      notices.push(...outcome.notices);
      erasedMessages++;
    }
    notices.push(...(await this.reactions.removeAllOf(id)).notices);
    // Their files go too: unsent uploads, and those of messages moderators had removed.
    await this.messages.discardUploadsOf(id);
    return { result: { erasedMessages }, notices };
  }
}
