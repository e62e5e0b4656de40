/**
 * The rules of the contract that are not a payload shape: which conversation
 * an open request names, who may write or change what, what a message body
 * must be, and what counts as unread. The reference server applies them in its
 * service (`demo-server/src/service/access.ts`, `conversations.ts`,
 * `messages.ts`) and, for unread counts, in SQL (`demo-server/src/db/`); the in-memory backend of
 * `@palaver/sdk/testing` and the SDK call these functions, and the contract
 * suite (`test-support/contract-suite.ts`) checks both back-ends agree.
 *
 * Pure functions only: no state, no I/O, so any back-end can adopt them.
 */
import type { ConversationKind, Reaction, Role } from './entities.js';
import { characterCount } from './limits.js';

/** The "not blank" rule of names, subjects and message bodies: something besides white space. */
export function isNotBlank(text: string): boolean {
  return text.trim().length > 0;
}

// --- conversation keys ---------------------------------------------------------

/**
 * The one support conversation a client has about a subject: the subject
 * trimmed, lower-cased, with every run of white space folded into one space,
 * so "Order  42" and "order 42 " open the same thread.
 */
export function supportSubjectKey(subject: string): string {
  return subject.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** The one product conversation of a buyer and a supplier about a product. */
export function productConversationKey(productId: string, buyerId: string, supplierId: string): string {
  return `${productId}\u0000${buyerId}\u0000${supplierId}`;
}

/** The conversation key of a support thread (per client and subject key). */
export function supportConversationKey(clientId: string, subject: string): string {
  return `${clientId}\u0000${supportSubjectKey(subject)}`;
}

// --- who may do what -------------------------------------------------------------

/** Who is asking: only what the rules need. */
export interface Actor {
  id: string;
  isAdmin: boolean;
}

/** What the rules need of a conversation. */
export interface ConversationAccess {
  kind: ConversationKind;
  /** Whether the actor is one of its participants. */
  isParticipant: boolean;
}

/** Participants read their conversations; admins may look at any. */
export function canRead(actor: Actor, conversation: ConversationAccess): boolean {
  return conversation.isParticipant || actor.isAdmin;
}

/**
 * Participants write (and send typing); an admin who is not one may write in a
 * support conversation only, joining it as its agent. `'join'` means: allowed,
 * and the actor becomes an `agent` participant.
 */
export function writeAccess(actor: Actor, conversation: ConversationAccess): 'participant' | 'join' | 'forbidden' {
  if (conversation.isParticipant) return 'participant';
  if (actor.isAdmin && conversation.kind === 'support') return 'join';
  return 'forbidden';
}

/** The role an admin takes when joining a support conversation. */
export const JOINING_ROLE: Role = 'agent';

/**
 * Senders edit their own messages; admins may also delete others' messages
 * (moderation). Reading the conversation is required as well (see `canRead`).
 */
export function canChangeMessage(actor: Actor, senderId: string, change: 'edit' | 'delete'): boolean {
  return senderId === actor.id || (change === 'delete' && actor.isAdmin);
}

/** Only admins open a support conversation for someone else. */
export function canOpenSupportFor(actor: Actor, clientUserId: string | undefined): boolean {
  return clientUserId === undefined || clientUserId === actor.id || actor.isAdmin;
}

/** A product conversation needs two different people. */
export function canOpenProductWith(actor: Actor, supplierId: string): boolean {
  return supplierId !== actor.id;
}

// --- message bodies --------------------------------------------------------------

export type BodyCheck =
  | { ok: true; body: string }
  | { ok: false; code: 'too_long' | 'invalid_payload'; message: string; length: number };

/** A message body as stored: trimmed, not blank, at most `maxLength` characters (code points). */
export function checkMessageBody(raw: string, maxLength: number): BodyCheck {
  const body = raw.trim();
  const length = characterCount(body);
  if (length > maxLength) {
    return {
      ok: false,
      code: 'too_long',
      length,
      message: `The message has ${length} characters; at most ${maxLength} are allowed.`,
    };
  }
  if (length === 0) return { ok: false, code: 'invalid_payload', length, message: 'The message is empty.' };
  return { ok: true, body };
}

// --- read pointers and unread counts ---------------------------------------------

/** A read pointer moves forward only, and never past the conversation's last message. */
export function readTarget(current: number, requested: number, lastSeq: number): number {
  return Math.max(current, Math.min(requested, lastSeq));
}

/** Whether a message counts as unread for a participant whose pointer is at `lastReadSeq`. */
export function isUnreadFor(
  message: { seq: number; senderId: string; deletedAt?: string | null | undefined },
  userId: string,
  lastReadSeq: number,
): boolean {
  return message.seq > lastReadSeq && message.senderId !== userId && !message.deletedAt;
}

/** A participant's unread count: messages of others after their pointer, deleted ones not counted. */
export function unreadCount(
  messages: Iterable<{ seq: number; senderId: string; deletedAt?: string | null | undefined }>,
  userId: string,
  lastReadSeq: number,
): number {
  let count = 0;
  for (const message of messages) if (isUnreadFor(message, userId, lastReadSeq)) count++;
  return count;
}

// --- the marketplace's own voice ---------------------------------------------------

/**
 * The sender of messages the marketplace's backend posts through the server
 * API (order updates). No token or server-API user may take this id, so a
 * client can show these messages as the marketplace's without doubt.
 */
export const MARKETPLACE_SENDER = { id: 'palaver:marketplace', name: 'Marketplace', isAdmin: false } as const;

/** Ids no user may have: they name Palaver's own senders. */
export function isReservedUserId(id: string): boolean {
  return id.startsWith('palaver:');
}

// --- reactions ------------------------------------------------------------------------

/**
 * One emoji as people pick it: a single RGI emoji (a flag, a family, a skin
 * tone included), nothing else — not text, not two emojis. Built at first use:
 * the `v` flag that knows RGI emoji is recent (a runtime without it falls back
 * to "one pictographic grapheme").
 */
let singleEmoji: RegExp | undefined;
export function isReactionEmoji(text: string): boolean {
  if (!singleEmoji) {
    try {
      // biome-ignore lint/complexity/useRegexLiterals: a literal with the v flag would fail to parse where it is unknown.
      singleEmoji = new RegExp('^\\p{RGI_Emoji}$', 'v');
    } catch {
      singleEmoji =
        /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}{2})(?:\p{M}|\u200d|\p{Extended_Pictographic}|\ufe0f|\p{Emoji_Modifier})*$/u;
    }
  }
  return singleEmoji.test(text);
}

/** Who may react to a message: whoever may read the conversation and write in it. */
export function canReact(actor: Actor, conversation: ConversationAccess): boolean {
  return writeAccess(actor, conversation) === 'participant';
}

/**
 * A message's reactions with `userId`'s `emoji` there (`present`) or not: the
 * emoji keeps its place, a new one goes last, an emoji nobody uses any more
 * goes. Used wherever reactions are applied in memory (the SDK's unsent ones,
 * the in-memory backend); the same list the server stores.
 */
export function withReaction(
  reactions: readonly Reaction[],
  emoji: string,
  userId: string,
  present: boolean,
): Reaction[] {
  const found = reactions.find((r) => r.emoji === emoji);
  if ((found?.userIds.includes(userId) ?? false) === present) return [...reactions];
  if (!found) return [...reactions, { emoji, count: 1, userIds: [userId] }];
  const userIds = present ? [...found.userIds, userId] : found.userIds.filter((id) => id !== userId);
  if (userIds.length === 0) return reactions.filter((r) => r !== found);
  return reactions.map((r) => (r === found ? { emoji, count: userIds.length, userIds } : r));
}

/**
 * When a change of reactions happens: `now`, or a millisecond after the
 * previous change if the clock says otherwise (another node's clock, a clock
 * set back), so that `reactionsAt` always grows and clients can tell the newer
 * copy of a message.
 */
export function nextReactionTime(previous: string | null | undefined, now: string): string {
  if (!previous || now > previous) return now;
  return new Date(Date.parse(previous) + 1).toISOString();
}
