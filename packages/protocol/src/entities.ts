import * as z from 'zod/mini';
import { LIMITS } from './limits.js';
import { idSchema, nameSchema, safeUrlSchema, seqSchema, timestampSchema } from './primitives.js';

/** A participant's role in one conversation. */
export const roleSchema = z.enum(['buyer', 'supplier', 'client', 'agent']);
export type Role = z.infer<typeof roleSchema>;

export const participantSchema = z.object({
  userId: idSchema,
  name: z.string(),
  avatarUrl: z.optional(z.string()),
  role: roleSchema,
  /** Highest `seq` this participant has read; 0 when nothing. Never moves backwards. */
  lastReadSeq: seqSchema,
  /** Extension: the marketplace suspended this account; they cannot write or connect. */
  suspended: z.optional(z.boolean()),
});
export type Participant = z.infer<typeof participantSchema>;

/** The product a conversation is about: a snapshot taken when the conversation was opened. */
export const productRefSchema = z.object({
  id: idSchema,
  title: z.string().check(
    z.maxLength(LIMITS.productTitleMaxLength),
    z.refine((s) => s.trim().length > 0, 'must not be blank'),
  ),
  imageUrl: z.optional(safeUrlSchema),
  url: z.optional(safeUrlSchema),
  price: z.optional(z.string().check(z.maxLength(LIMITS.priceMaxLength))),
});
export type ProductRef = z.infer<typeof productRefSchema>;

export const attachmentSchema = z.object({
  id: idSchema,
  /** The file's name as uploaded, sanitised by the server (no paths, no control characters). */
  name: z.string(),
  /** The MIME type the server sniffed from the bytes (never the one the client declared). */
  type: z.string(),
  /** Bytes of the file as served (images: after re-encoding). */
  size: z.int().check(z.nonnegative()),
  /** Images only: pixels after the orientation is applied. */
  width: z.optional(z.int()),
  height: z.optional(z.int()),
  /**
   * A signed download address, valid until `expiresAt`; absolute, or a path on
   * the Palaver server to resolve against its base URL. Works without headers
   * (an `<img src>`, a link opened in a new tab). Images display inline,
   * documents download.
   */
  url: z.string(),
  /** Extension: images only, a small re-encoded copy (at most 480 px on its longest side), signed like `url`. */
  previewUrl: z.optional(z.string()),
  /** Extension: images only, a ThumbHash (base64) to paint before the preview arrives, so the layout never jumps. */
  placeholder: z.optional(z.string()),
  /** Extension: when `url` and `previewUrl` stop working; `attachment:links` gives fresh ones. */
  expiresAt: z.optional(timestampSchema),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** Extension: one emoji on a message, and who put it there (oldest first). */
export const reactionSchema = z.object({
  emoji: z.string(),
  count: z.int().check(z.positive()),
  userIds: z.array(idSchema),
});
export type Reaction = z.infer<typeof reactionSchema>;

export const messageSchema = z.object({
  id: idSchema,
  /** The sender's idempotency key: resending it never creates a second message. */
  clientId: idSchema,
  conversationId: idSchema,
  /** 1, 2, 3 … per conversation, assigned by the server: the conversation's order. */
  seq: z.int().check(z.positive()),
  senderId: idSchema,
  fromAdmin: z.boolean(),
  /** Plain text; "" once deleted. */
  body: z.string(),
  /**
   * Extension: contact details in the text are hidden from the other side
   * (server's `CONTACT_MASKING`). A recipient's `body` has them replaced; the
   * sender (and admins) read the original and may tell the sender so.
   */
  masked: z.optional(z.boolean()),
  /** Extension: removed by the marketplace's moderators (`body` is ""; moderators still read the original). */
  removedByModeration: z.optional(z.boolean()),
  attachments: z.array(attachmentSchema),
  /** Extension: emoji reactions, in the order each emoji was first used; absent when there are none. */
  reactions: z.optional(z.array(reactionSchema)),
  /**
   * Extension: when the reactions last changed (grows with every change of
   * them): of two copies of a message, the one with the later `reactionsAt` has
   * the newer reactions.
   */
  reactionsAt: z.optional(timestampSchema),
  replyToId: z.optional(idSchema),
  createdAt: timestampSchema,
  editedAt: z.optional(timestampSchema),
  deletedAt: z.optional(timestampSchema),
});
export type Message = z.infer<typeof messageSchema>;

export const conversationKindSchema = z.enum(['product', 'support']);
export type ConversationKind = z.infer<typeof conversationKindSchema>;

export const conversationSchema = z.object({
  id: idSchema,
  kind: conversationKindSchema,
  product: z.optional(productRefSchema),
  subject: z.optional(z.string()),
  participants: z.array(participantSchema),
  lastMessage: z.optional(messageSchema),
  lastSeq: seqSchema,
  /** Messages from others after the asking user's read pointer (deleted ones excluded). */
  unreadCount: z.int().check(z.nonnegative()),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Conversation = z.infer<typeof conversationSchema>;

/** The claims Palaver reads from the marketplace's JWT. */
export const tokenClaimsSchema = z.object({
  sub: idSchema,
  name: nameSchema,
  avatar: z.optional(safeUrlSchema),
  role: z.optional(z.enum(['admin', 'user'])),
  exp: z.number(),
});
export type TokenClaims = z.infer<typeof tokenClaimsSchema>;

/** The signed-in user as the server knows them. */
export interface ChatUser {
  id: string;
  name: string;
  avatarUrl?: string;
  isAdmin: boolean;
}
