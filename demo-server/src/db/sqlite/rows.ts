import type { Message, Participant, ReadReceipt, Role } from '@palaver/protocol';

/** The SQLite rows of Palaver's tables, and their protocol shapes. Nothing here leaves `db/`. */

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
}

export const now = () => new Date().toISOString();

/** The conversations a user may see: theirs, and for admins every support conversation. */
export const VISIBLE_IDS = `
  SELECT conversation_id FROM participants WHERE user_id = @user
  UNION SELECT id FROM conversations WHERE @admin = 1 AND kind = 'support'`;

export function toMessage(row: MessageRow): Message {
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
  return message;
}

export function toParticipant(row: ParticipantRow): Participant {
  const participant: Participant = {
    userId: row.user_id,
    name: row.name,
    role: row.role,
    lastReadSeq: row.last_read_seq,
  };
  if (row.avatar_url) participant.avatarUrl = row.avatar_url;
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
