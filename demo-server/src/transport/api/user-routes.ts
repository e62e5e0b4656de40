import {
  attachmentSchema,
  blocksResultSchema,
  conversationListResultSchema,
  conversationResultSchema,
  createReportSchema,
  editMessageBodySchema,
  historyQuerySchema,
  historyResultSchema,
  idSchema,
  listConversationsQuerySchema,
  messageResultSchema,
  openConversationSchema,
  reactionBodySchema,
  readBodySchema,
  readResultSchema,
  reportResultSchema,
  searchQuerySchema,
  searchResultSchema,
  sendMessageBodySchema,
  syncQuerySchema,
  syncResultSchema,
  unreadCountsSchema,
} from '@palaver/protocol';
import * as z from 'zod/mini';
import type { Realtime } from '../../realtime/realtime.js';
import type { Actor, ChatService } from '../../service/chat-service.js';
import type { Outcome } from '../../service/notices.js';
import { moderationRoutes } from './moderation-routes.js';
import { type RouteGroup, routeFor } from './route.js';

const route = routeFor<Actor>();
const conversationPath = z.object({ id: idSchema });
const messagePath = z.object({ id: idSchema });
/** The emoji is a path segment: URL-encoded by the client, decoded by the router. */
const reactionPath = z.extend(messagePath, reactionBodySchema.shape);
const attachmentPath = z.object({ id: idSchema });

/** The REST API of `docs/protocol.md`: what a signed-in user's client may ask, as the socket events. */
export function userRoutes(service: ChatService, realtime: Realtime): RouteGroup<Actor> {
  /** The result of a write, once its notices went out to the sockets. */
  const delivered = <T>({ result, notices }: Outcome<T>): T => {
    realtime.deliver(notices);
    return result;
  };
  return {
    prefix: '/api',
    security: 'userToken',
    tag: 'Users',
    routes: [
      route({
        method: 'post',
        path: '/conversations',
        summary: 'Open (get or create) a product or support conversation',
        body: openConversationSchema,
        response: conversationResultSchema,
        handle: async (actor, { body }) => ({
          conversation: delivered(await service.conversations.open(actor, body)),
        }),
      }),
      route({
        method: 'get',
        path: '/conversations',
        summary: "The user's conversations, newest activity first",
        query: listConversationsQuerySchema,
        response: conversationListResultSchema,
        handle: (actor, { query }) => service.conversations.list(actor, query),
      }),
      route({
        method: 'get',
        path: '/conversations/:id',
        summary: 'One conversation as the user sees it',
        params: conversationPath,
        response: conversationResultSchema,
        handle: async (actor, { params }) => ({ conversation: await service.conversations.get(actor, params.id) }),
      }),
      route({
        method: 'get',
        path: '/conversations/:id/messages',
        summary: 'A page of history, newest first by `beforeSeq`',
        params: conversationPath,
        query: historyQuerySchema,
        response: historyResultSchema,
        handle: (actor, { params, query }) => service.messages.history(actor, { conversationId: params.id, ...query }),
      }),
      route({
        method: 'post',
        path: '/conversations/:id/messages',
        summary: 'Send a message (idempotent on clientId)',
        params: conversationPath,
        body: sendMessageBodySchema,
        response: messageResultSchema,
        handle: async (actor, { params, body }) => ({
          message: delivered(await service.messages.send(actor, { ...body, conversationId: params.id })),
        }),
      }),
      route({
        method: 'get',
        path: '/attachments/:id',
        summary: 'An attachment you may see, with fresh signed addresses',
        params: attachmentPath,
        response: z.object({ attachment: attachmentSchema }),
        handle: async (actor, { params }) => ({ attachment: await service.attachments.one(actor.user, params.id) }),
      }),
      route({
        method: 'patch',
        path: '/messages/:id',
        summary: 'Edit one of your messages',
        params: messagePath,
        body: editMessageBodySchema,
        response: messageResultSchema,
        handle: async (actor, { params, body }) => ({
          message: delivered(await service.messages.edit(actor, { messageId: params.id, body: body.body })),
        }),
      }),
      route({
        method: 'delete',
        path: '/messages/:id',
        summary: 'Delete a message (yours; admins: any)',
        params: messagePath,
        response: messageResultSchema,
        handle: async (actor, { params }) => ({
          message: delivered(await service.messages.delete(actor, { messageId: params.id })),
        }),
      }),
      route({
        method: 'put',
        path: '/messages/:id/reactions/:emoji',
        summary: 'Add your reaction (one emoji, URL-encoded); adding it twice changes nothing',
        params: reactionPath,
        response: messageResultSchema,
        handle: async (actor, { params }) => ({
          message: delivered(await service.reactions.add(actor, { messageId: params.id, emoji: params.emoji })),
        }),
      }),
      route({
        method: 'delete',
        path: '/messages/:id/reactions/:emoji',
        summary: 'Take back your reaction; taking back one you did not make changes nothing',
        params: reactionPath,
        response: messageResultSchema,
        handle: async (actor, { params }) => ({
          message: delivered(await service.reactions.remove(actor, { messageId: params.id, emoji: params.emoji })),
        }),
      }),
      route({
        method: 'post',
        path: '/conversations/:id/read',
        summary: 'Move your read pointer forward',
        params: conversationPath,
        body: readBodySchema,
        response: readResultSchema,
        handle: async (actor, { params, body }) =>
          delivered(await service.reads.markRead(actor, { conversationId: params.id, seq: body.seq })),
      }),
      route({
        method: 'get',
        path: '/unread',
        summary: 'Your unread counts',
        response: unreadCountsSchema,
        handle: (actor) => service.reads.unread(actor),
      }),
      route({
        method: 'get',
        path: '/sync',
        summary: 'Everything that changed after a cursor',
        query: syncQuerySchema,
        response: syncResultSchema,
        handle: (actor, { query }) =>
          service.sync.sync(actor, {
            cursor: query.cursor ?? null,
            ...(query.limit !== undefined ? { limit: query.limit } : {}),
          }),
      }),
      route({
        method: 'post',
        path: '/users/:id/block',
        summary: 'Block a user you have talked with: they can no longer write to you',
        params: z.object({ id: idSchema }),
        response: z.object({}),
        handle: (actor, { params }) => service.safety.block(actor, params.id),
      }),
      route({
        method: 'delete',
        path: '/users/:id/block',
        summary: 'Unblock a user',
        params: z.object({ id: idSchema }),
        response: z.object({}),
        handle: (actor, { params }) => service.safety.unblock(actor, params.id),
      }),
      route({
        method: 'get',
        path: '/blocks',
        summary: 'Whom you blocked',
        response: blocksResultSchema,
        handle: (actor) => service.safety.blocks(actor),
      }),
      route({
        method: 'post',
        path: '/reports',
        summary: 'Report a conversation or one of its messages to the moderators',
        body: createReportSchema,
        response: reportResultSchema,
        handle: async (actor, { body }) => ({ report: await service.safety.report(actor, body) }),
      }),
      route({
        method: 'get',
        path: '/search',
        summary: 'Full-text search of your conversations, grouped by conversation, best first',
        query: searchQuerySchema,
        response: searchResultSchema,
        handle: (actor, { query }) => service.search.search(actor, query),
      }),
      ...moderationRoutes(service, realtime),
    ],
  };
}
