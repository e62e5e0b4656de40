import {
  conversationListResultSchema,
  conversationResultSchema,
  historyQuerySchema,
  historyResultSchema,
  idSchema,
  messageResultSchema,
  messageSchema,
  moderationLogResultSchema,
  moderationSearchQuerySchema,
  moderatorActionSchema,
  reportListResultSchema,
  reportResultSchema,
  reportsQuerySchema,
  resolveReportSchema,
  revocationResultSchema,
  serverListQuerySchema,
  serverProductResultSchema,
  serverUserResultSchema,
  systemMessageSchema,
  upsertProductSchema,
  upsertUserSchema,
  userExportSchema,
  webhookDeliveriesQuerySchema,
  webhookDeliveriesResultSchema,
} from '@palaver/protocol';
import * as z from 'zod/mini';
import type { SafetyStore } from '../../db/safety.js';
import type { WebhookStore } from '../../db/webhooks.js';
import type { Realtime } from '../../realtime/realtime.js';
import type { DirectoryService } from '../../service/directory.js';
import type { ModerationService } from '../../service/moderation.js';
import type { Outcome } from '../../service/notices.js';
import type { SessionService } from '../../service/sessions.js';
import { type RouteGroup, routeFor } from './route.js';

/** What a server-API handler knows of its caller: only that it holds the key. */
export type BackendContext = Record<never, never>;

const route = routeFor<BackendContext>();
const byId = z.object({ id: idSchema });

/** The server API: the marketplace's backend, authenticated with `PALAVER_API_KEY`. */
export function serverRoutes(
  directory: DirectoryService,
  webhooks: WebhookStore,
  sessions: SessionService,
  safety: SafetyStore,
  moderation: ModerationService,
  realtime: Realtime,
): RouteGroup<BackendContext> {
  const delivered = <T>({ result, notices }: Outcome<T>): T => {
    realtime.deliver(notices);
    return result;
  };
  return {
    prefix: '/api/server',
    security: 'apiKey',
    tag: 'Server API',
    routes: [
      route({
        method: 'put',
        path: '/users/:id',
        summary: 'Create or replace a user (name, avatar, role, email, locale)',
        params: byId,
        body: upsertUserSchema,
        response: serverUserResultSchema,
        handle: async (_, { params, body }) => ({ user: await directory.upsertUser(params.id, body) }),
      }),
      route({
        method: 'get',
        path: '/users/:id',
        summary: 'A user as Palaver knows them',
        params: byId,
        response: serverUserResultSchema,
        handle: async (_, { params }) => ({ user: await directory.user(params.id) }),
      }),
      route({
        method: 'get',
        path: '/users/:id/export',
        summary: 'Everything Palaver keeps about a user (GDPR access)',
        params: byId,
        response: userExportSchema,
        handle: (_, { params }) => directory.export(params.id),
      }),
      route({
        method: 'post',
        path: '/users/:id/erase',
        summary: 'Erase a user: profile removed, every message they sent becomes a tombstone (GDPR erasure)',
        description: 'Safe to repeat: a second call finishes what an interrupted one started.',
        params: byId,
        response: z.object({ erasedMessages: z.int() }),
        handle: async (_, { params }) => delivered(await directory.erase(params.id)),
      }),
      route({
        method: 'post',
        path: '/users/:id/revoke',
        summary: "Revoke a user's sessions: their sockets close on every node; tokens issued before now are refused",
        description:
          'Tokens are compared by iat, in whole seconds: sign new ones at least a second later. Safe to repeat.',
        params: byId,
        response: revocationResultSchema,
        handle: async (_, { params }) => delivered(await sessions.revoke(params.id)),
      }),
      route({
        method: 'put',
        path: '/products/:id',
        summary: 'Create or replace a product card and its supplier',
        params: byId,
        body: upsertProductSchema,
        response: serverProductResultSchema,
        handle: async (_, { params, body }) => ({ product: await directory.upsertProduct(params.id, body) }),
      }),
      route({
        method: 'get',
        path: '/products/:id',
        summary: 'A product as registered',
        params: byId,
        response: serverProductResultSchema,
        handle: async (_, { params }) => ({ product: await directory.product(params.id) }),
      }),
      route({
        method: 'get',
        path: '/conversations',
        summary: "One user's conversations (userId), or every support conversation",
        query: serverListQuerySchema,
        response: conversationListResultSchema,
        handle: (_, { query }) => directory.list(query),
      }),
      route({
        method: 'get',
        path: '/conversations/:id',
        summary: 'Any conversation',
        params: byId,
        response: conversationResultSchema,
        handle: async (_, { params }) => ({ conversation: await directory.conversation(params.id) }),
      }),
      route({
        method: 'get',
        path: '/conversations/:id/messages',
        summary: "A page of any conversation's history",
        params: byId,
        query: historyQuerySchema,
        response: historyResultSchema,
        handle: (_, { params, query }) => directory.history(params.id, query),
      }),
      route({
        method: 'post',
        path: '/conversations/:id/messages',
        summary: 'Post a message as the marketplace (order updates); idempotent on clientId',
        params: byId,
        body: systemMessageSchema,
        response: messageResultSchema,
        handle: async (_, { params, body }) => ({ message: delivered(await directory.postMessage(params.id, body)) }),
      }),
      route({
        method: 'get',
        path: '/webhooks/deliveries',
        summary: 'Webhook deliveries by state (pending, delivered, failed), newest first',
        query: webhookDeliveriesQuerySchema,
        response: webhookDeliveriesResultSchema,
        handle: async (_, { query }) => ({
          deliveries: await webhooks.list(query.state ?? 'pending', Math.min(Number(query.limit ?? 100), 500)),
        }),
      }),
      route({
        method: 'get',
        path: '/reports',
        summary: 'The moderation queue: reports by status, newest first',
        query: reportsQuerySchema,
        response: reportListResultSchema,
        handle: async (_, { query }) => ({
          reports: await safety.reports(query.status, Math.min(Number(query.limit ?? 100), 500)),
        }),
      }),
      route({
        method: 'post',
        path: '/reports/:id/resolve',
        summary: 'Close a report (resolved or dismissed) with who decided and why',
        params: byId,
        body: resolveReportSchema,
        response: reportResultSchema,
        handle: async (_, { params, body }) => ({ report: await moderation.resolveReport(params.id, body) }),
      }),
      route({
        method: 'post',
        path: '/messages/:id/remove',
        summary: 'Remove a message for everyone ("removed by moderation"); moderators keep reading it',
        params: byId,
        body: moderatorActionSchema,
        response: messageResultSchema,
        handle: async (_, { params, body }) => ({
          message: delivered(await moderation.removeMessage(params.id, body)),
        }),
      }),
      route({
        method: 'post',
        path: '/users/:id/suspend',
        summary: 'Suspend an account: its sockets close on every node, its tokens are refused with `suspended`',
        params: byId,
        body: moderatorActionSchema,
        response: z.object({ userId: z.string() }),
        handle: async (_, { params, body }) => delivered(await moderation.suspend(params.id, body)),
      }),
      route({
        method: 'post',
        path: '/users/:id/reinstate',
        summary: 'Lift a suspension',
        params: byId,
        body: moderatorActionSchema,
        response: z.object({ userId: z.string() }),
        handle: async (_, { params, body }) => delivered(await moderation.reinstate(params.id, body)),
      }),
      route({
        method: 'get',
        path: '/moderation/log',
        summary: 'Every moderator action, newest first: who, what, when, why',
        query: z.object({ limit: z.optional(z.string().check(z.regex(/^\d{1,3}$/))) }),
        response: moderationLogResultSchema,
        handle: async (_, { query }) => ({ entries: await moderation.log(Math.min(Number(query.limit ?? 100), 500)) }),
      }),
      route({
        method: 'get',
        path: '/moderation/masked',
        summary: 'Messages whose contact details were hidden from the other side (as written), newest first',
        query: z.object({ limit: z.optional(z.string().check(z.regex(/^\d{1,3}$/))) }),
        response: z.object({ messages: z.array(messageSchema) }),
        handle: async (_, { query }) => ({
          messages: await moderation.maskedMessages(Math.min(Number(query.limit ?? 100), 500)),
        }),
      }),
      route({
        method: 'get',
        path: '/moderation/search',
        summary: 'Every conversation with a participant, about a product, or with words in its messages',
        query: moderationSearchQuerySchema,
        response: conversationListResultSchema,
        handle: async (_, { query }) => ({
          conversations: await moderation.search(query, Math.min(Number(query.limit ?? 50), 200)),
        }),
      }),
    ],
  };
}
