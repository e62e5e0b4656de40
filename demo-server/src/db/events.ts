import type { Message, Report } from '@palaver/protocol';
import { newMessageId } from './ids.js';
import type { RecordedEvent } from './webhooks.js';

/**
 * The events a webhook receiver gets, built inside the write that causes them
 * (see `WebhookStore`). The body is fixed at that moment: what was true when
 * the change committed, whenever it is delivered.
 */
function event(type: RecordedEvent['type'], data: unknown, at: string): RecordedEvent {
  const id = newMessageId();
  return { id, type, createdAt: at, payload: JSON.stringify({ id, type, createdAt: at, data }) };
}

/** A message was stored; `recipientIds`: the participants it is for (everyone but its sender). */
export const messageCreated = (message: Message, recipientIds: readonly string[]): RecordedEvent =>
  event('message.created', { message, recipientIds }, message.createdAt);

/** A message was edited or deleted (a deleted one has `deletedAt` and an empty body). */
export const messageUpdated = (message: Message, at: string): RecordedEvent =>
  event('message.updated', { message }, at);

/**
 * A conversation got its first message: from now on it exists for everyone in
 * it (an opened conversation nobody wrote in is nobody's business).
 */
export const conversationCreated = (
  conversationId: string,
  participantIds: readonly string[],
  firstMessageId: string,
  at: string,
): RecordedEvent => event('conversation.created', { conversationId, participantIds, firstMessageId }, at);

/** What storing a message tells webhooks: the message, and the conversation's start at its first one. */
export function messageEvents(message: Message, participantIds: readonly string[]): RecordedEvent[] {
  const events = [
    messageCreated(
      message,
      participantIds.filter((id) => id !== message.senderId),
    ),
  ];
  if (message.seq === 1) {
    events.push(conversationCreated(message.conversationId, participantIds, message.id, message.createdAt));
  }
  return events;
}

/** Someone reported a conversation or a message: the moderation queue has a new entry. */
export const reportCreated = (report: Report): RecordedEvent => event('report.created', { report }, report.createdAt);
