import type { Attachment, Conversation, Message, Participant, ProductRef, ReadReceipt, Role } from '@palaver/protocol';
import type { AttachmentLinks, AttachmentRecord } from './attachments.js';
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
  /** When the reactions last changed (kept growing, see reactions.ts). */
  reacted_at?: string | null;
  /** The message's attachments as `AttachmentRecord`s (JSON), in order; null without any or once deleted. */
  attachments_json?: string | null;
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
/** The attachments as uploaded (file names unmasked), beside those the other side sees. */
export const ORIGINAL_ATTACHMENTS: unique symbol = Symbol('original attachments');
/** The attachments of a message moderators removed: theirs alone, like its text. */
export const REMOVED_ATTACHMENTS: unique symbol = Symbol('removed attachments');
export type StoredBody = Message & {
  [ORIGINAL_BODY]?: string;
  [REMOVED_BODY]?: string;
  [ORIGINAL_ATTACHMENTS]?: Attachment[];
  [REMOVED_ATTACHMENTS]?: Attachment[];
};

/**
 * The message as the other side may read it: masked text and file names when
 * the masker hid something, the originals kept aside; each attachment with
 * freshly signed addresses.
 */
export function withMasking(
  message: Message,
  maskedBody: string | null | undefined,
  records: readonly AttachmentRecord[],
  links: AttachmentLinks,
): StoredBody {
  if (message.deletedAt) return message;
  const attachments = records.map((record) => links(record, record.maskedName ?? record.name));
  const namesMasked = records.some((record) => record.maskedName !== undefined);
  const bodyMasked = maskedBody !== null && maskedBody !== undefined;
  if (!bodyMasked && !namesMasked) return { ...message, attachments };
  const stored: StoredBody = { ...message, attachments, masked: true };
  if (bodyMasked) {
    stored.body = maskedBody;
    stored[ORIGINAL_BODY] = message.body;
  }
  if (namesMasked) stored[ORIGINAL_ATTACHMENTS] = records.map((record) => links(record, record.name));
  return stored;
}

export function attachmentRecords(json: string | null | undefined): AttachmentRecord[] {
  return json ? (JSON.parse(json) as AttachmentRecord[]) : [];
}

export function toMessage(row: MessageRow, links: AttachmentLinks): StoredBody {
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
  if (row.reacted_at && !row.deleted_at) message.reactionsAt = row.reacted_at;
  const records = attachmentRecords(row.attachments_json);
  if (row.removed_at) {
    message.removedByModeration = true;
    return {
      ...message,
      [REMOVED_BODY]: row.removed_body ?? '',
      [REMOVED_ATTACHMENTS]: records.map((record) => links(record, record.name)),
    };
  }
  return withMasking(message, row.masked_body, records, links);
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
  links: AttachmentLinks,
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
  if (last) conversation.lastMessage = toMessage(last, links);
  return conversation;
}

/** A message as a send stores it: a new time-ordered id, the conversation's next `seq`, never edited. */
export function newMessage(input: InsertMessageInput, seq: number, at: string, links: AttachmentLinks): StoredBody {
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
  return withMasking(message, input.maskedBody, input.attachments ?? [], links);
}

/** What a message stores of its attachments (null: none), as `toMessage` reads it back. */
export function attachmentsJson(input: InsertMessageInput): string | null {
  return input.attachments && input.attachments.length > 0 ? JSON.stringify(input.attachments) : null;
}
