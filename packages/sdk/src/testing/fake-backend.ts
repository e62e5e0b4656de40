import type {
  AckResponse,
  Attachment,
  ChatErrorBody,
  ChatUser,
  Conversation,
  Message,
  ProductRef,
} from '@palaver/protocol';
import { errorBody, LIMITS } from '@palaver/protocol';
import { expiryOf, userFromToken } from '../connection/token.js';
import type { ClientEvent, PayloadOf, Transport, TransportHandlers, UploadOptions } from '../connection/transport.js';
import type { FakeConnection } from './fake-data.js';
import { Refusal, refuse } from './fake-data.js';
import { FakeChatReactions } from './fake-reactions.js';
import { FakeTransport } from './fake-transport.js';

export type { FakeBackendOptions } from './fake-data.js';

/** An unsigned token the fake backend (and the SDK, which only reads it) accepts. */
export function fakeToken(user: { id: string; name: string; admin?: boolean }): string {
  const encode = (value: object) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  const claims = { sub: user.id, name: user.name, exp: 4_102_444_800, ...(user.admin ? { role: 'admin' } : {}) };
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.fake`;
}

/**
 * An in-memory Palaver backend: the rules of the reference server (get-or-create
 * conversations, idempotent sends, seq, read pointers, unread counts, edits,
 * tombstones, typing, presence, cursor sync) without a network. The rules
 * themselves come from `@palaver/protocol` (`rules.ts`), and the contract suite
 * (`test-support/contract-suite.ts`) runs the same checks against this backend
 * and the real server. For Storybook,
 * demos and your own unit tests — Palaver's own tests use the real server.
 *
 * ```ts
 * const backend = new FakeChatBackend();
 * const client = createChatClient({ transport: backend.transport(), token: fakeToken({ id: 'u1', name: 'Ada' }) });
 * ```
 */
export class FakeChatBackend extends FakeChatReactions {
  private reachable = true;

  // --- for stories and tests ------------------------------------------------

  /** A transport for one client (pass it to `createChatClient({ transport })`). */
  transport(): Transport {
    return new FakeTransport(this);
  }

  /** Registers a product and its supplier, as the marketplace does through the server API. */
  addProduct(product: ProductRef, supplier: ChatUser): void {
    this.addUser(supplier);
    this.catalogue.set(product.id, { ...product, supplierId: supplier.id });
  }

  /**
   * Creates (or returns) a product conversation between a buyer and a
   * supplier (registering the product). Until a message is seeded in it, only
   * the buyer knows of it — as on the real server.
   */
  seedProductConversation(buyer: ChatUser, supplier: ChatUser, product: ProductRef): Conversation {
    this.addUser(buyer);
    this.addProduct(product, supplier);
    return this.openConversation(buyer, { kind: 'product', productId: product.id });
  }

  /** Creates (or returns) the support conversation of `client` about `subject`. */
  seedSupportConversation(client: ChatUser, subject: string): Conversation {
    this.addUser(client);
    return this.openConversation(client, { kind: 'support', subject });
  }

  /**
   * Stores a message as if `sender` had sent it (live to everyone connected).
   * `masked`: as the server marks a message whose contact details it hid
   * (`CONTACT_MASKING`); the fake does not mask, so give the text as the
   * viewer of the story should see it.
   */
  seedMessage(
    sender: ChatUser,
    conversationId: string,
    body: string,
    createdAt?: string,
    options: { masked?: boolean; attachments?: Attachment[] } = {},
  ): Message {
    this.addUser(sender);
    const attachments = options.attachments?.map((a) => this.files.seed(a, sender.id, conversationId));
    return this.send(
      sender,
      { clientId: `seed-${++this.counter}`, conversationId, body, attachmentIds: attachments?.map((a) => a.id) ?? [] },
      createdAt,
      { ...options, ...(attachments ? { attachments } : {}) },
    );
  }

  /**
   * Suspends (or reinstates) an account, as the marketplace's moderators do:
   * the others see it suspended in their conversations. (The fake keeps letting
   * it connect: it is for stories and tests of what the other side sees.)
   */
  setSuspended(userId: string, suspended = true): void {
    if (suspended) this.suspended.add(userId);
    else this.suspended.delete(userId);
    for (const conversation of this.conversations.values()) {
      if (conversation.participants.has(userId) && conversation.messages.length > 0) this.announce(conversation);
    }
  }

  /** Removes a message as the moderators do: everyone in the conversation sees it removed. */
  /** A reaction of `user` on a message, as if they had added it (the conversation's users must be seeded). */
  seedReaction(user: ChatUser, messageId: string, emoji: string): Message {
    this.addUser(user);
    return this.react(user, { messageId, emoji }, true);
  }

  seedRemoval(messageId: string): void {
    for (const conversation of this.conversations.values()) {
      const index = conversation.messages.findIndex((m) => m.id === messageId);
      const current = conversation.messages[index];
      if (!current) continue;
      const removed: Message = {
        ...current,
        body: '',
        attachments: [],
        deletedAt: new Date().toISOString(),
        removedByModeration: true,
      };
      conversation.messages[index] = removed;
      this.nextChange('message', messageId);
      conversation.change = this.nextChange('conversation', conversation.id);
      this.emitTo(conversation, 'message:updated', removed);
    }
  }

  /** Shows `user` typing (or not) to the others in the conversation. */
  seedTyping(user: ChatUser, conversationId: string, typing: boolean): void {
    const conversation = this.find(conversationId);
    this.emitTo(conversation, 'typing', { conversationId, userId: user.id, name: user.name, typing }, user.id);
  }

  /** Simulates the network: while unreachable, every client is offline and sends queue up. */
  setReachable(reachable: boolean): void {
    this.reachable = reachable;
    for (const connection of [...this.connections]) {
      if (!reachable) {
        this.connections.delete(connection);
        connection.handlers.disconnected(true);
      }
    }
    if (reachable) for (const transport of FakeTransport.waiting.get(this) ?? []) transport.reconnect();
  }

  get isReachable(): boolean {
    return this.reachable;
  }

  // --- the protocol ---------------------------------------------------------

  /** @internal */
  connect(token: string, handlers: TransportHandlers): FakeConnection | undefined {
    const user = userFromToken(token);
    if (!user) {
      handlers.refused({ code: 'unauthorized', message: 'The token is not valid.' });
      return undefined;
    }
    this.addUser(user);
    const connection = { user, handlers };
    this.connections.add(connection);
    return connection;
  }

  /** @internal An upload by a connected user (see `FakeTransport.upload`). */
  upload(user: ChatUser, file: Blob, name: string, options: UploadOptions) {
    return this.files.upload(user.id, file, name, options);
  }

  /** @internal */
  disconnect(connection: FakeConnection): void {
    this.connections.delete(connection);
  }

  /** @internal */
  handle(user: ChatUser, event: ClientEvent, payload: unknown): AckResponse<object> {
    try {
      return { ok: true, ...this.dispatch(user, event, payload as never) };
    } catch (error) {
      const body: ChatErrorBody =
        error instanceof Refusal ? errorBody(error) : { code: 'internal', message: String(error) };
      return { ok: false, error: body };
    }
  }

  private dispatch(user: ChatUser, event: ClientEvent, payload: Record<string, never>): object {
    const input = payload as Record<string, unknown>;
    switch (event) {
      case 'conversation:open':
        return { conversation: this.openConversation(user, input as PayloadOf<'conversation:open'>) };
      case 'message:send':
        return { message: this.send(user, input as PayloadOf<'message:send'>) };
      case 'message:edit':
        return { message: this.changeMessage(user, input.messageId as string, input.body as string) };
      case 'message:delete':
        return { message: this.changeMessage(user, input.messageId as string, undefined) };
      case 'reaction:add':
      case 'reaction:remove':
        return { message: this.react(user, input as PayloadOf<'reaction:add'>, event === 'reaction:add') };
      case 'messages:history':
        return this.history(user, input as PayloadOf<'messages:history'>);
      case 'conversation:read':
        return this.read(user, input.conversationId as string, input.seq as number);
      case 'typing':
        this.writable(user, this.find(input.conversationId as string));
        this.assertNotBlocked(user.id, this.find(input.conversationId as string).participants.keys());
        // Nobody else knows of a conversation before its first message: typing in it stays private.
        if (this.find(input.conversationId as string).messages.length > 0) {
          this.seedTyping(user, input.conversationId as string, input.typing as boolean);
        }
        return {};
      case 'sync':
        return this.sync(
          user,
          input.cursor as string | null,
          (input.limit as number | undefined) ?? LIMITS.syncPageDefault,
        );
      case 'presence:query':
        return {
          // Whom the asker blocked is none of their business any more.
          presence: (input.userIds as string[])
            .filter((userId) => !this.blocks.get(user.id)?.has(userId))
            .map((userId) => ({
              userId,
              online: [...this.connections].some((c) => c.user.id === userId),
            })),
        };
      case 'unread:get':
        return this.unread(user.id);
      case 'user:block':
        return this.block(user, input.userId as string);
      case 'user:unblock':
        return this.unblock(user, input.userId as string);
      case 'user:blocks':
        return { userIds: this.blockedBy(user.id) };
      case 'report:create':
        return this.report(user, input as PayloadOf<'report:create'>);
      case 'attachment:links':
        return {
          attachments: this.files.links(user.id, input.attachmentIds as string[], (id) => {
            try {
              return Boolean(this.readable(user, id));
            } catch {
              return false;
            }
          }),
        };
      case 'auth:refresh': {
        const next = userFromToken(input.token as string);
        if (!next) throw refuse('unauthorized', 'The token is not valid.');
        if (next.id !== user.id) throw refuse('forbidden', 'The new token is for another user.');
        return { expiresAt: new Date(expiryOf(input.token as string) ?? Date.now()).toISOString() };
      }
      default:
        throw refuse('invalid_payload', `Unknown event "${event}".`);
    }
  }
}
