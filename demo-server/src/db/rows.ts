import type { Conversation, Message, Participant, ProductRef, ReadReceipt, Role } from '@palaver/protocol';
import { newMessageId } from './ids.js';
import { toReactions } from './reactions.js';
import type { InsertMessageInput } from './store.js';

/**
 * The rows of Palaver's tables — the same shapes in SQLite and PostgreSQL
 * (flags are integers 0/1 in both) — and their protocol shapes. Nothing here
 * leaves `db/`.
 */

export interface ConversationRow {
  id: string;
  kind: 'product' | 'support';
  product_json: string | null;
  subject: string | null;
  last_seq: number;
  created_at: string;
  updated_at: string;
  change_seq: number;
}

export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  client_id: string;
  sender_id: string;
  from_admin: number;
  body: string;
  /** The text with contact details hidden, when there were any to hide (`CONTACT_MASKING`). */
  masked_body?: string | null;
  /** Removed by moderation: when, and the text moderators may still read. */
  removed_at?: string | null;
  removed_body?: string | null;
  /** What the message shows of its reactions (see reactions.ts). */
  reactions_json?: string | null;
  reply_to_id: string | null;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  change_seq: number;
}

export interface ParticipantRow {
  conversation_id: string;
  user_id: string;
  role: Role;
  last_read_seq: number;
  last_read_at: string | null;
  unread_count: number;
  change_seq: number;
  name: string;
  avatar_url: string | null;
  suspended_at?: string | null;
}

export const now = () => new Date().toISOString();

/**
 * The original text of a message whose contact details are hidden. A symbol
 * key: never sent (JSON drops it), and lost rather than leaked when a copy
 * is made carelessly — a message's `body` is what the other side may read.
 */
export const ORIGINAL_BODY: unique symbol = Symbol('original body');
/** The text of a message moderators removed: for moderators' eyes only (not even its sender's). */
export const REMOVED_BODY: unique symbol = Symbol('removed body');
export type StoredBody = Message & { [ORIGINAL_BODY]?: string; [REMOVED_BODY]?: string };

/** The message as the other side may read it: masked text when there is one, the original kept aside. */
export function withMasking(message: Message, maskedBody: string | null | undefined): StoredBody {
  if (maskedBody === null || maskedBody === undefined || message.deletedAt) return message;
  return { ...message, body: maskedBody, masked: true, [ORIGINAL_BODY]: message.body };
}

export function toMessage(row: MessageRow): StoredBody {
  const message: Message = {
    id: row.id,
    clientId: row.client_id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderId: row.sender_id,
    fromAdmin: row.from_admin === 1,
    body: row.deleted_at ? '' : row.body,
    attachments: [],
    createdAt: row.created_at,
  };
  if (row.reply_to_id) message.replyToId = row.reply_to_id;
  if (row.edited_at) message.editedAt = row.edited_at;
  if (row.deleted_at) message.deletedAt = row.deleted_at;
  // A deleted message shows nothing of what it was, reactions included.
  const reactions = row.deleted_at ? undefined : toReactions(row.reactions_json);
  if (reactions) message.reactions = reactions;
  if (row.removed_at) {
    message.removedByModeration = true;
    return { ...message, [REMOVED_BODY]: row.removed_body ?? '' };
  }
  return withMasking(message, row.masked_body);
}

export function toParticipant(row: ParticipantRow): Participant {
  const participant: Participant = {
    userId: row.user_id,
    name: row.name,
    role: row.role,
    lastReadSeq: row.last_read_seq,
  };
  if (row.avatar_url) participant.avatarUrl = row.avatar_url;
  if (row.suspended_at) participant.suspended = true;
  return participant;
}

export function toReceipt(
  row: Pick<ParticipantRow, 'conversation_id' | 'user_id' | 'last_read_seq' | 'last_read_at'>,
): ReadReceipt {
  return {
    conversationId: row.conversation_id,
    userId: row.user_id,
    seq: row.last_read_seq,
    readAt: row.last_read_at ?? '',
  };
}

/** A stored conversation as `viewerId` sees it: its participants, their unread count, its last message. */
export function toConversation(
  row: ConversationRow,
  participants: ParticipantRow[],
  last: MessageRow | undefined,
  viewerId: string,
): Conversation {
  const conversation: Conversation = {
    id: row.id,
    kind: row.kind,
    participants: participants.map(toParticipant),
    lastSeq: row.last_seq,
    unreadCount: participants.find((p) => p.user_id === viewerId)?.unread_count ?? 0,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.product_json) conversation.product = JSON.parse(row.product_json) as ProductRef;
  if (row.subject) conversation.subject = row.subject;
  if (last) conversation.lastMessage = toMessage(last);
  return conversation;
}

/** A message as a send stores it: a new time-ordered id, the conversation's next `seq`, never edited. */
export function newMessage(input: InsertMessageInput, seq: number, at: string): StoredBody {
  const message: Message = {
    id: newMessageId(),
    clientId: input.clientId,
    conversationId: input.conversationId,
    seq,
    senderId: input.sender.id,
    fromAdmin: input.sender.isAdmin,
    body: input.body,
    attachments: [],
    createdAt: at,
  };
  if (input.replyToId !== undefined) message.replyToId = input.replyToId;
  return withMasking(message, input.maskedBody);
}
