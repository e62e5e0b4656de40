import type { ChatUser, Conversation, Message } from '@palaver/protocol';
import { ORIGINAL_ATTACHMENTS, ORIGINAL_BODY, REMOVED_ATTACHMENTS, REMOVED_BODY, type StoredBody } from '../db/rows.js';
import type { Audience, Notice } from './notices.js';
import { toAdmins, toUsers } from './notices.js';

/**
 * Contact-detail masking, as each reader sees it. The store hands out every
 * message as the *other side* may read it (`body` masked when something was
 * hidden, the original kept under a symbol key that is never sent): the safe
 * default. Only here does a message's sender, or an admin, get the original
 * back — with `masked: true` still set, so the sender can be told that the
 * other side reads it with details hidden.
 */
export type Viewer = Pick<ChatUser, 'id' | 'isAdmin'>;

/** The masker (moderation/contact-masking.ts) with what the service does when it hides something. */
export interface ContactMaskingPolicy {
  mask(text: string): { text: string; masked: boolean; kinds: readonly string[] };
  /** Counted in metrics. */
  onMasked(kinds: readonly string[]): void;
}

export function messageFor<M extends Message | undefined>(viewer: Viewer, message: M): M {
  const stored = message as StoredBody | undefined;
  if (!message || !stored) return message;
  // A message moderators removed: its text and files are theirs alone (not even its sender's).
  const removed = stored[REMOVED_BODY];
  if (removed !== undefined) {
    return viewer.isAdmin ? { ...message, body: removed, attachments: stored[REMOVED_ATTACHMENTS] ?? [] } : message;
  }
  const original = stored[ORIGINAL_BODY];
  const originalAttachments = stored[ORIGINAL_ATTACHMENTS];
  if (original === undefined && originalAttachments === undefined) return message;
  if (!viewer.isAdmin && viewer.id !== message.senderId) return message;
  return { ...message, body: original ?? message.body, attachments: originalAttachments ?? message.attachments };
}

export function conversationFor(viewer: Viewer, conversation: Conversation): Conversation {
  if (!conversation.lastMessage) return conversation;
  const lastMessage = messageFor(viewer, conversation.lastMessage);
  return lastMessage === conversation.lastMessage ? conversation : { ...conversation, lastMessage };
}

/** Admins (moderators) read originals. */
export const ADMIN_VIEWER: Viewer = { id: '', isAdmin: true };

/**
 * `message:updated` to a conversation's audience: one payload for all, unless
 * something in it is hidden — then its sender and the admins get the original,
 * everyone else the masked text.
 */
export function updatedNotices(audience: Audience, message: Message): Notice[] {
  const original = messageFor(ADMIN_VIEWER, message);
  if (original === message) {
    return [{ to: 'conversation', audience, event: 'message:updated', payload: message } as Notice];
  }
  const others = audience.participantIds.filter((id) => id !== message.senderId);
  const notices = [
    toUsers(others, 'message:updated', message),
    toUsers([message.senderId], 'message:updated', original),
  ];
  if (audience.kind === 'support') notices.push(toAdmins('message:updated', original, audience.participantIds));
  return notices;
}
