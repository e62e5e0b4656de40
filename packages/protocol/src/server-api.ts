import * as z from 'zod/mini';
import { conversationSchema, messageSchema, productRefSchema } from './entities.js';
import { LIMITS } from './limits.js';
import { idSchema, nameSchema, safeUrlSchema, timestampSchema } from './primitives.js';
import { listConversationsQuerySchema } from './rest.js';
import { readReceiptSchema } from './results.js';
import { isNotBlank } from './rules.js';

/**
 * The server API: what the marketplace's backend (never a browser) sends to
 * `/api/server/*` with `Authorization: Bearer <PALAVER_API_KEY>`. The
 * marketplace is the owner of who its users are and what it sells; Palaver
 * keeps a copy and builds product cards and suppliers from it alone.
 */

/** `PUT /api/server/users/:id`: creates or replaces what Palaver knows of a user. */
export const upsertUserSchema = z.object({
  name: nameSchema,
  avatarUrl: z.optional(safeUrlSchema),
  /** `admin` may look into every conversation and write in support ones. */
  role: z.optional(z.enum(['user', 'admin'])),
  /** Where notifications go (when email notifications are on). */
  email: z.optional(z.email().check(z.maxLength(LIMITS.urlMaxLength))),
  /** BCP 47, e.g. `fr` or `en-GB`: the language of what the server writes to this user. */
  locale: z.optional(
    z.string().check(z.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 tag like fr or en-GB')),
  ),
  /**
   * Email digests of unread messages (when the server sends email): on for a
   * new user. Left out, the current choice is kept, so a profile update never
   * undoes an unsubscribe.
   */
  emailNotifications: z.optional(z.boolean()),
});
export type UpsertUserInput = z.infer<typeof upsertUserSchema>;

export const serverUserSchema = z.object({
  id: idSchema,
  name: z.string(),
  avatarUrl: z.optional(z.string()),
  role: z.enum(['user', 'admin']),
  email: z.optional(z.string()),
  locale: z.optional(z.string()),
  /** Whether the user gets email digests (off once they unsubscribed). */
  emailNotifications: z.boolean(),
  createdAt: timestampSchema,
  /** Set once the user was erased: their name, avatar and messages are gone. */
  erasedAt: z.optional(timestampSchema),
});
export type ServerUser = z.infer<typeof serverUserSchema>;
export const serverUserResultSchema = z.object({ user: serverUserSchema });

/** `PUT /api/server/products/:id`: the card buyers and suppliers see, and who sells it. */
export const upsertProductSchema = z.object({
  title: productRefSchema.shape.title,
  price: productRefSchema.shape.price,
  imageUrl: productRefSchema.shape.imageUrl,
  url: productRefSchema.shape.url,
  /** A user Palaver knows (upsert them first). */
  supplierId: idSchema,
});
export type UpsertProductInput = z.infer<typeof upsertProductSchema>;

export const serverProductSchema = z.extend(productRefSchema, {
  supplierId: idSchema,
  updatedAt: timestampSchema,
});
export type ServerProduct = z.infer<typeof serverProductSchema>;
export const serverProductResultSchema = z.object({ product: serverProductSchema });

/**
 * `POST /api/server/conversations/:id/messages`: a message from the
 * marketplace itself (an order update). `clientId` makes a retry safe.
 */
export const systemMessageSchema = z.object({
  clientId: idSchema,
  body: z.string().check(z.refine(isNotBlank, 'must not be blank')),
});
export type SystemMessageInput = z.infer<typeof systemMessageSchema>;

/** `GET /api/server/conversations`: every conversation, or one user's. */
export const serverListQuerySchema = z.extend(listConversationsQuerySchema, { userId: z.optional(idSchema) });

/**
 * The answer to `POST /api/server/users/:id/revoke`: the user's tokens issued
 * before `revokedBefore` are refused from then on, and their sockets were closed.
 */
export const revocationResultSchema = z.object({ userId: idSchema, revokedBefore: timestampSchema });
export type RevocationResult = z.infer<typeof revocationResultSchema>;

/** `GET /api/server/users/:id/export`: everything Palaver keeps about a user. */
export const userExportSchema = z.object({
  user: serverUserSchema,
  conversations: z.array(conversationSchema),
  /** Every message the user sent, oldest first. */
  messages: z.array(messageSchema),
  reads: z.array(readReceiptSchema),
  exportedAt: timestampSchema,
});
export type UserExport = z.infer<typeof userExportSchema>;

/** The claims of a product token: what the marketplace vouches for, signed with `JWT_SECRET`. */
export const productTokenClaimsSchema = z.object({
  typ: z.literal('palaver-product'),
  product: productRefSchema,
  supplier: z.object({ id: idSchema, name: nameSchema }),
  exp: z.number(),
});
export type ProductTokenClaims = z.infer<typeof productTokenClaimsSchema>;

/** `GET /api/server/webhooks/deliveries`: the webhook queue, by state. */
export const webhookDeliveriesQuerySchema = z.object({
  state: z.optional(z.enum(['pending', 'delivered', 'failed'])),
  limit: z.optional(z.string().check(z.regex(/^\d{1,3}$/, 'must be a whole number up to 999'))),
});

export const webhookDeliverySchema = z.object({
  id: z.string(),
  eventId: z.string(),
  endpoint: z.string(),
  type: z.string(),
  /** The JSON body, exactly as signed and sent. */
  payload: z.string(),
  createdAt: timestampSchema,
  attempts: z.int(),
  /** When the next attempt is due (ms since the epoch), while pending. */
  nextAttemptAt: z.number(),
  deliveredAt: z.optional(timestampSchema),
  failedAt: z.optional(timestampSchema),
  lastStatus: z.optional(z.int()),
  lastError: z.optional(z.string()),
});
export const webhookDeliveriesResultSchema = z.object({ deliveries: z.array(webhookDeliverySchema) });
