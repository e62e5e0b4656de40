import { MARKETPLACE_SENDER } from '@palaver/protocol';
import type { EmailToQueue } from '../db/emails.js';
import { newMessageId } from '../db/ids.js';
import type { ChatStore } from '../db/store.js';
import type { AwayDigest } from './away.js';

/**
 * What one digest email tells, frozen when its burst is marked notified and
 * stored with it in the outbox: the email says what was unread *then*, even
 * if it is sent after a retry hours later. Names and titles are resolved here
 * so the email needs no lookups but the recipient's address and language
 * (read again at send time, with their preference).
 */
export interface DigestSnapshot {
  userId: string;
  totalUnread: number;
  conversations: DigestConversation[];
}

export interface DigestConversation {
  conversationId: string;
  kind: 'product' | 'support';
  /** The product's title or the support subject. */
  title: string | undefined;
  unreadCount: number;
  /** The newest unread messages, oldest first. */
  messages: Array<{
    /** Undefined for the marketplace's own messages. */
    senderName: string | undefined;
    /** As the recipient reads it: contact details hidden when masking is on. */
    body: string;
    attachments: number;
    createdAt: string;
  }>;
}

/**
 * The email of a digest, or undefined when the recipient gets none: no
 * address, digests turned off, or erased. The quoted messages are those the
 * store hands out, which carry the masked text (the original stays in a
 * symbol-keyed field that JSON leaves out), so nothing hidden from the
 * recipient in the chat reaches their mailbox.
 */
export async function composeDigestEmail(
  store: ChatStore,
  digest: AwayDigest,
  at: string,
): Promise<EmailToQueue | undefined> {
  const user = await store.directory.user(digest.userId);
  if (!user?.email || !user.emailNotifications || user.erasedAt) return undefined;
  const snapshot: DigestSnapshot = { userId: digest.userId, totalUnread: digest.totalUnread, conversations: [] };
  for (const entry of digest.conversations) {
    const conversation = await store.conversation(entry.conversationId, digest.userId);
    const names = new Map(conversation?.participants.map((p) => [p.userId, p.name]) ?? []);
    snapshot.conversations.push({
      conversationId: entry.conversationId,
      kind: conversation?.kind ?? 'product',
      title: conversation?.product?.title ?? conversation?.subject,
      unreadCount: entry.unreadCount,
      messages: entry.latest.map((message) => ({
        senderName: message.senderId === MARKETPLACE_SENDER.id ? undefined : names.get(message.senderId),
        body: message.body,
        attachments: message.attachments.length,
        createdAt: message.createdAt,
      })),
    });
  }
  return { id: newMessageId(), userId: digest.userId, payload: JSON.stringify(snapshot), createdAt: at };
}
