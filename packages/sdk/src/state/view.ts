import { type ChatUser, type Conversation, type Message, withReaction } from '@palaver/protocol';
import type { ChatMessage, PendingMessage, ReactionIntent } from './types.js';

/** A pending message as the UI shows it (the one place it is built). */
export function pendingMessage(entry: PendingMessage, fromAdmin: boolean): ChatMessage {
  const shown: ChatMessage = {
    id: `pending:${entry.clientId}`,
    clientId: entry.clientId,
    conversationId: entry.conversationId,
    seq: 0,
    senderId: entry.senderId,
    fromAdmin,
    body: entry.body,
    attachments: [],
    createdAt: entry.createdAt,
    status: entry.status,
    pending: true,
  };
  if (entry.replyToId) shown.replyToId = entry.replyToId;
  if (entry.error) shown.error = entry.error;
  if (entry.files) shown.files = entry.files;
  return shown;
}

/**
 * The shown copy of each server message, per delivery status, kept while the
 * message object lives: a thread recomputed after a page, a read or a new
 * message reuses the copies of the messages that did not change instead of
 * making N new ones (garbage, and new objects for the renderer to compare).
 */
const shownCopies = new WeakMap<Message, Partial<Record<'sent' | 'read', ChatMessage>>>();

function shownAs(message: Message, status: 'sent' | 'read'): ChatMessage {
  let copies = shownCopies.get(message);
  if (!copies) {
    copies = {};
    shownCopies.set(message, copies);
  }
  let copy = copies[status];
  if (!copy) {
    copy = { ...message, status };
    copies[status] = copy;
  }
  return copy;
}

/** A thread as shown: the server's messages with their delivery status, then the pending ones. */
export function threadView(
  confirmed: Message[],
  pending: PendingMessage[],
  conversationId: string,
  conversation: Conversation | undefined,
  user: ChatUser | null,
): ChatMessage[] {
  const readByOthers = Math.max(
    0,
    ...(conversation?.participants ?? []).filter((p) => p.userId !== user?.id).map((p) => p.lastReadSeq),
  );
  const sentClientIds = new Set<string>();
  const out: ChatMessage[] = confirmed.map((message) => {
    const own = message.senderId === user?.id;
    if (own) sentClientIds.add(message.clientId);
    return shownAs(message, own && message.seq <= readByOthers ? 'read' : 'sent');
  });
  for (const entry of pending) {
    // The server's copy replaces the pending one the moment it exists: never both.
    if (entry.conversationId !== conversationId || sentClientIds.has(entry.clientId)) continue;
    out.push(pendingMessage(entry, user?.isAdmin ?? false));
  }
  return out;
}

/**
 * A thread with the user's unconfirmed reactions shown as if done: their
 * emoji counted (or not) for them on its message. Messages without one keep
 * their copy.
 */
export function withReactionIntents(
  messages: ChatMessage[],
  intents: readonly ReactionIntent[],
  user: ChatUser | null,
): ChatMessage[] {
  if (intents.length === 0 || !user) return messages;
  const byMessage = new Map<string, ReactionIntent[]>();
  for (const intent of intents) byMessage.set(intent.messageId, [...(byMessage.get(intent.messageId) ?? []), intent]);
  return messages.map((message) => {
    const mine = byMessage.get(message.id);
    if (!mine || message.pending || message.deletedAt) return message;
    let reactions = message.reactions ?? [];
    for (const { emoji, present } of mine) reactions = withReaction(reactions, emoji, user.id, present);
    const { reactions: _old, ...rest } = message;
    return reactions.length > 0 ? { ...rest, reactions } : rest;
  });
}

/** The server's summary, with pointers and the last message never moving backwards. */
export function mergeConversation(current: Conversation | undefined, incoming: Conversation): Conversation {
  if (!current) return incoming;
  const lastReadOf = new Map(current.participants.map((p) => [p.userId, p.lastReadSeq]));
  const merged: Conversation = {
    ...incoming,
    participants: incoming.participants.map((p) => ({
      ...p,
      lastReadSeq: Math.max(p.lastReadSeq, lastReadOf.get(p.userId) ?? 0),
    })),
  };
  if (current.lastSeq > incoming.lastSeq) {
    merged.lastSeq = current.lastSeq;
    if (current.lastMessage) merged.lastMessage = current.lastMessage;
    merged.updatedAt = current.updatedAt > incoming.updatedAt ? current.updatedAt : incoming.updatedAt;
  }
  return merged;
}

/** Keeps a conversation summary (last message, activity) in step with its messages. */
export function withLastMessage(conversation: Conversation, messages: Message[]): Conversation {
  let next = conversation;
  for (const message of messages) {
    if (message.seq > next.lastSeq || (message.seq === next.lastSeq && next.lastMessage?.id === message.id)) {
      const newer = message.seq > next.lastSeq;
      next = {
        ...next,
        lastSeq: message.seq,
        lastMessage: message,
        updatedAt: newer && message.createdAt > next.updatedAt ? message.createdAt : next.updatedAt,
      };
    }
  }
  return next;
}
