import {
  conversationListResultSchema,
  idSchema,
  messageResultSchema,
  messageSchema,
  moderationLogResultSchema,
  moderationSearchQuerySchema,
  REPORT_NOTE_MAX_LENGTH,
  reportListResultSchema,
  reportResultSchema,
  reportsQuerySchema,
} from '@palaver/protocol';
import * as z from 'zod/mini';
import { ChatError } from '../../errors.js';
import type { Realtime } from '../../realtime/realtime.js';
import type { Actor, ChatService } from '../../service/chat-service.js';
import { takeSlot } from '../../service/limits.js';
import type { Outcome } from '../../service/notices.js';
import { type Route, routeFor } from './route.js';

const route = routeFor<Actor>();
const byId = z.object({ id: idSchema });
const because = z.object({ reason: z.string().check(z.minLength(1), z.maxLength(REPORT_NOTE_MAX_LENGTH)) });
const limitOf = (value: string | undefined, fallback: number, max: number) => Math.min(Number(value ?? fallback), max);

/** Only the marketplace's staff (tokens with `role: admin`) moderate; they act under their own id. */
function moderator(actor: Actor): string {
  if (!actor.user.isAdmin) throw new ChatError('forbidden', 'Only moderators (admins) may do this.');
  return actor.user.id;
}

/**
 * The moderation console's side of the REST API: what the server API offers
 * the marketplace's backend, for signed-in admins (the `<chat-moderation>`
 * element). The audit log records the admin's own id.
 */
export function moderationRoutes(service: ChatService, realtime: Realtime): Array<Route<Actor>> {
  const delivered = <T>({ result, notices }: Outcome<T>): T => {
    realtime.deliver(notices);
    return result;
  };
  const { moderation } = service;
  /** A moderator's write, counted against RATE_LIMIT_MODERATION: a stolen admin token cannot wipe a marketplace in a minute. */
  const acting = async (actor: Actor): Promise<string> => {
    const id = moderator(actor);
    await takeSlot(service.limits, 'moderation', id);
    return id;
  };
  return [
    route({
      method: 'get',
      path: '/moderation/reports',
      summary: 'Admins: the reports queue, newest first',
      query: reportsQuerySchema,
      response: reportListResultSchema,
      handle: async (actor, { query }) => {
        moderator(actor);
        return { reports: await service.safety.reports(query.status, limitOf(query.limit, 100, 500)) };
      },
    }),
    route({
      method: 'post',
      path: '/moderation/reports/:id/resolve',
      summary: 'Admins: close a report, resolved or dismissed',
      params: byId,
      body: z.object({
        status: z.enum(['resolved', 'dismissed']),
        note: z.optional(z.string().check(z.maxLength(REPORT_NOTE_MAX_LENGTH))),
      }),
      response: reportResultSchema,
      handle: async (actor, { params, body }) => ({
        report: await moderation.resolveReport(params.id, { ...body, moderatorId: await acting(actor) }),
      }),
    }),
    route({
      method: 'post',
      path: '/moderation/messages/:id/remove',
      summary: 'Admins: remove a message for everyone',
      params: byId,
      body: because,
      response: messageResultSchema,
      handle: async (actor, { params, body }) => ({
        message: delivered(await moderation.removeMessage(params.id, { moderatorId: await acting(actor), ...body })),
      }),
    }),
    route({
      method: 'post',
      path: '/moderation/users/:id/suspend',
      summary: 'Admins: suspend an account',
      params: byId,
      body: because,
      response: z.object({ userId: z.string() }),
      handle: async (actor, { params, body }) => {
        if (params.id === actor.user.id) throw new ChatError('invalid_payload', 'You cannot suspend yourself.');
        return delivered(await moderation.suspend(params.id, { moderatorId: await acting(actor), ...body }));
      },
    }),
    route({
      method: 'post',
      path: '/moderation/users/:id/reinstate',
      summary: 'Admins: lift a suspension',
      params: byId,
      body: because,
      response: z.object({ userId: z.string() }),
      handle: async (actor, { params, body }) =>
        delivered(await moderation.reinstate(params.id, { moderatorId: await acting(actor), ...body })),
    }),
    route({
      method: 'get',
      path: '/moderation/log',
      summary: 'Admins: the audit log of moderator actions',
      query: z.object({ limit: z.optional(z.string().check(z.regex(/^\d{1,3}$/))) }),
      response: moderationLogResultSchema,
      handle: async (actor, { query }) => {
        moderator(actor);
        return { entries: await moderation.log(limitOf(query.limit, 100, 500)) };
      },
    }),
    route({
      method: 'get',
      path: '/moderation/masked',
      summary: 'Admins: messages whose contact details were hidden, as written',
      query: z.object({ limit: z.optional(z.string().check(z.regex(/^\d{1,3}$/))) }),
      response: z.object({ messages: z.array(messageSchema) }),
      handle: async (actor, { query }) => {
        moderator(actor);
        return { messages: await moderation.maskedMessages(limitOf(query.limit, 100, 500)) };
      },
    }),
    route({
      method: 'get',
      path: '/moderation/search',
      summary: 'Admins: every conversation by participant, product or words',
      query: moderationSearchQuerySchema,
      response: conversationListResultSchema,
      handle: async (actor, { query }) => {
        moderator(actor);
        return { conversations: await moderation.search(query, limitOf(query.limit, 50, 200)) };
      },
    }),
  ];
}
