import * as z from 'zod/mini';
import type { Attachment, Conversation, Message } from './entities.js';
import { productRefSchema } from './entities.js';
import type { ChatErrorBody } from './errors.js';
import { LIMITS } from './limits.js';
import { idSchema, nameSchema, pageLimitSchema, seqSchema } from './primitives.js';
import type {
  ConversationResult,
  HistoryResult,
  MessageResult,
  ReadReceipt,
  ReadResult,
  SyncResult,
  UnreadCounts,
} from './results.js';
import { isNotBlank } from './rules.js';
import {
  type BlocksResult,
  type BlockUserInput,
  blocksQuerySchema,
  blockUserSchema,
  type CreateReportInput,
  createReportSchema,
  type Report,
} from './safety.js';
import { type SearchInput, type SearchResult, searchSchema } from './search.js';

// ---------------------------------------------------------------------------
// Client → server payloads (each validated by the server before anything else)
// ---------------------------------------------------------------------------

/**
 * A product conversation names a product the marketplace vouches for: one it
 * registered through the server API (`productId`), or one described by a
 * `productToken` its backend signed. The supplier and the card always come
 * from the server's copy, never from the browser.
 */
export const openProductByTokenSchema = z.object({
  kind: z.literal('product'),
  productToken: z.string().check(z.minLength(1), z.maxLength(LIMITS.tokenMaxLength)),
});

export const openProductByIdSchema = z.object({
  kind: z.literal('product'),
  productId: idSchema,
});

/**
 * The card and supplier as the browser describes them: refused unless the
 * server runs with `ALLOW_CLIENT_PRODUCTS=1` (development only).
 */
export const openClientProductSchema = z.object({
  kind: z.literal('product'),
  product: productRefSchema,
  supplierId: idSchema,
  supplierName: nameSchema,
});

export const openProductConversationSchema = z.union([
  openProductByTokenSchema,
  openProductByIdSchema,
  openClientProductSchema,
]);
export type OpenProductConversationInput = z.infer<typeof openProductConversationSchema>;

export const openSupportConversationSchema = z.object({
  kind: z.literal('support'),
  subject: z.string().check(z.maxLength(LIMITS.subjectMaxLength), z.refine(isNotBlank, 'must not be blank')),
  /** Admins only: open the thread with this client instead of themselves. */
  clientUserId: z.optional(idSchema),
  /** Admins only: the client's display name, when the server has never seen this client. */
  clientName: z.optional(nameSchema),
});

export const openConversationSchema = z.union([openProductConversationSchema, openSupportConversationSchema]);
export type OpenConversationInput = z.infer<typeof openConversationSchema>;

/**
 * The message text is checked against the configured maximum by the server
 * (`too_long`), not here, so an operator can change the limit without a new client.
 */
export const sendMessageBodySchema = z.object({
  clientId: idSchema,
  body: z.string(),
  attachmentIds: z.optional(z.array(idSchema).check(z.maxLength(LIMITS.attachmentsPerMessageMax))),
  replyToId: z.optional(idSchema),
});
export type SendMessageBody = z.infer<typeof sendMessageBodySchema>;

export const sendMessageSchema = z.extend(sendMessageBodySchema, { conversationId: idSchema });
export type SendMessageInput = z.infer<typeof sendMessageSchema>;

export const editMessageBodySchema = z.object({ body: z.string() });
export const editMessageSchema = z.object({ messageId: idSchema, body: z.string() });
export type EditMessageInput = z.infer<typeof editMessageSchema>;

export const deleteMessageSchema = z.object({ messageId: idSchema });

/**
 * Extension: adds or removes the user's reaction `emoji` (one emoji, as the
 * server checks) on a message. Idempotent: adding twice or removing what is
 * not there answers the message as it is.
 */
export const reactionBodySchema = z.object({
  emoji: z.string().check(z.minLength(1), z.maxLength(LIMITS.reactionEmojiMaxLength)),
});
export const reactionInputSchema = z.extend(reactionBodySchema, { messageId: idSchema });
export type ReactionInput = z.infer<typeof reactionInputSchema>;
export type DeleteMessageInput = z.infer<typeof deleteMessageSchema>;

export const historySchema = z.object({
  conversationId: idSchema,
  /** Messages with a `seq` strictly below this one; absent for the newest page. */
  beforeSeq: z.optional(z.int().check(z.positive())),
  limit: z.optional(pageLimitSchema),
});
export type HistoryInput = z.infer<typeof historySchema>;

export const readBodySchema = z.object({ seq: seqSchema });
export const readSchema = z.object({ conversationId: idSchema, seq: seqSchema });
export type ReadInput = z.infer<typeof readSchema>;

export const typingSchema = z.object({ conversationId: idSchema, typing: z.boolean() });
export type TypingInput = z.infer<typeof typingSchema>;

export const syncSchema = z.object({
  /** Opaque: the `cursor` of the previous sync answer, or null for the recent state. */
  cursor: z.nullable(z.string().check(z.maxLength(LIMITS.cursorMaxLength))),
  limit: z.optional(z.int().check(z.minimum(1), z.maximum(LIMITS.syncPageMax))),
});
export type SyncInput = z.infer<typeof syncSchema>;

/** Extension: ask who among the given users is online (at most 100 at a time). */
export const presenceQuerySchema = z.object({
  userIds: z.array(idSchema).check(z.minLength(1), z.maxLength(LIMITS.presenceQueryMax)),
});
export type PresenceQueryInput = z.infer<typeof presenceQuerySchema>;

/** Extension: the asking user's unread counts, as `GET /api/unread` (payload `{}`). */
export const unreadQuerySchema = z.object({});

/**
 * Extension: a fresh token for the socket's session, sent before the current
 * one expires so the socket carries on instead of being cut off. It must be
 * for the same user (`sub`) and role; its `exp` becomes the session's end.
 */
export const authRefreshSchema = z.object({
  token: z.string().check(z.minLength(1), z.maxLength(LIMITS.tokenMaxLength)),
});
export type AuthRefreshInput = z.infer<typeof authRefreshSchema>;

/**
 * Extension: fresh signed addresses for attachments the user may see (a
 * participant of their conversation, an admin, or their uploader while not yet
 * sent). Ids the user may not see, or that are gone, are left out of the answer.
 */
export const attachmentLinksSchema = z.object({
  attachmentIds: z.array(idSchema).check(z.minLength(1), z.maxLength(LIMITS.attachmentLinksMax)),
});
export type AttachmentLinksInput = z.infer<typeof attachmentLinksSchema>;

// ---------------------------------------------------------------------------
// Results and server → client payloads
// ---------------------------------------------------------------------------

/**
 * What a client puts in the Socket.IO handshake (`io(url, { auth })`).
 * `unreadWithMessages` (**extension**): the unread counts a new message gives
 * this user ride on its `message:new` as a second argument, instead of coming
 * in a separate `unread` event — one frame instead of two, and the badge moves
 * together with the message. Every other count change still comes as `unread`.
 */
export interface HandshakeAuth {
  token: string;
  unreadWithMessages?: boolean;
}

export interface TypingEvent {
  conversationId: string;
  userId: string;
  name: string;
  typing: boolean;
}

export interface PresenceEvent {
  userId: string;
  online: boolean;
  lastSeenAt?: string;
}

export interface PresenceQueryResult {
  presence: PresenceEvent[];
}

/** Extension: the answer to `auth:refresh`: when the session now ends (the new token's `exp`). */
export interface AuthRefreshResult {
  expiresAt: string;
}

/**
 * Extension: why the server is about to close this socket (sent just before it
 * does). `token_expired`: the token's `exp` passed without an `auth:refresh`;
 * `unauthorized`: the user's sessions were revoked. Either way: fetch a fresh
 * token and connect again.
 */
export interface SessionEndedEvent {
  code: 'token_expired' | 'unauthorized' | 'suspended';
  message: string;
}

/** What every acknowledgement carries. */
export type AckResponse<T extends object = Record<never, never>> =
  | ({ ok: true } & T)
  | { ok: false; error: ChatErrorBody };

export type Ack<T extends object = Record<never, never>> = (response: AckResponse<T>) => void;

/** Socket.IO event map of what a client emits; use as `Socket<ServerToClientEvents, ClientToServerEvents>`. */
export interface ClientToServerEvents {
  'conversation:open': (payload: OpenConversationInput, ack: Ack<ConversationResult>) => void;
  'message:send': (payload: SendMessageInput, ack: Ack<MessageResult>) => void;
  'message:edit': (payload: EditMessageInput, ack: Ack<MessageResult>) => void;
  'message:delete': (payload: DeleteMessageInput, ack: Ack<MessageResult>) => void;
  'reaction:add': (payload: ReactionInput, ack: Ack<MessageResult>) => void;
  'reaction:remove': (payload: ReactionInput, ack: Ack<MessageResult>) => void;
  'messages:history': (payload: HistoryInput, ack: Ack<HistoryResult>) => void;
  'conversation:read': (payload: ReadInput, ack: Ack<ReadResult>) => void;
  typing: (payload: TypingInput, ack?: Ack) => void;
  sync: (payload: SyncInput, ack: Ack<SyncResult>) => void;
  'presence:query': (payload: PresenceQueryInput, ack: Ack<PresenceQueryResult>) => void;
  'unread:get': (payload: Record<string, never>, ack: Ack<UnreadCounts>) => void;
  'auth:refresh': (payload: AuthRefreshInput, ack: Ack<AuthRefreshResult>) => void;
  'user:block': (payload: BlockUserInput, ack: Ack) => void;
  'user:unblock': (payload: BlockUserInput, ack: Ack) => void;
  'user:blocks': (payload: Record<string, never>, ack: Ack<BlocksResult>) => void;
  'report:create': (payload: CreateReportInput, ack: Ack<{ report: Report }>) => void;
  'attachment:links': (payload: AttachmentLinksInput, ack: Ack<{ attachments: Attachment[] }>) => void;
  search: (payload: SearchInput, ack: Ack<SearchResult>) => void;
}

/** Socket.IO event map of what the server emits to every socket of every concerned user. */
export interface ServerToClientEvents {
  /**
   * The second argument (**extension**) is the recipient's new unread counts,
   * for sockets that asked for them this way in their handshake (see `HandshakeAuth`).
   */
  'message:new': (message: Message, unread?: UnreadCounts) => void;
  'message:updated': (message: Message) => void;
  'conversation:updated': (conversation: Conversation) => void;
  read: (receipt: ReadReceipt) => void;
  unread: (counts: UnreadCounts) => void;
  typing: (event: TypingEvent) => void;
  presence: (event: PresenceEvent) => void;
  'session:ended': (event: SessionEndedEvent) => void;
}

export type ClientEventName = keyof ClientToServerEvents;
export type ServerEventName = keyof ServerToClientEvents;

/** The client events, each with the schema that validates its payload. */
export const clientEventSchemas = {
  'conversation:open': openConversationSchema,
  'message:send': sendMessageSchema,
  'message:edit': editMessageSchema,
  'message:delete': deleteMessageSchema,
  'reaction:add': reactionInputSchema,
  'reaction:remove': reactionInputSchema,
  'messages:history': historySchema,
  'conversation:read': readSchema,
  typing: typingSchema,
  sync: syncSchema,
  'presence:query': presenceQuerySchema,
  'unread:get': unreadQuerySchema,
  'auth:refresh': authRefreshSchema,
  'user:block': blockUserSchema,
  'user:unblock': blockUserSchema,
  'user:blocks': blocksQuerySchema,
  'report:create': createReportSchema,
  'attachment:links': attachmentLinksSchema,
  search: searchSchema,
} as const satisfies Record<ClientEventName, z.core.$ZodType>;
