import type { Message, Reaction } from '@palaver/protocol';

/**
 * Emoji reactions. One row per (message, emoji, user) is the truth; each
 * message also keeps what it shows of them as JSON (`reactions_json`),
 * rewritten in the same transaction as every change, so that pages of history
 * and sync cost nothing more. A change moves the message's `change_seq`, so
 * `sync` carries the new counts to clients that were away.
 */
export interface ReactionStore {
  /**
   * Adds (`present`) or removes the user's `emoji` on a message. `changed` is
   * false when it was already so (nothing written). `too_many`: adding a new
   * emoji would pass `maxEmojis` different ones on the message.
   */
  react(
    messageId: string,
    userId: string,
    emoji: string,
    present: boolean,
    maxEmojis: number,
  ): Promise<{ message: Message; changed: boolean } | 'too_many'>;
  /** The (message, emoji) pairs a user reacted with (to take them back when the user is erased). */
  reactionsBy(userId: string): Promise<Array<{ messageId: string; emoji: string }>>;
}

/** The stored form of a message's reactions: each emoji with who used it, oldest first. */
export type StoredReactions = Array<{ emoji: string; userIds: string[] }>;

/** Rows ordered by when each was added → the JSON a message keeps (null when none are left). */
export function reactionsJson(rows: ReadonlyArray<{ emoji: string; user_id: string }>): string | null {
  const byEmoji = new Map<string, string[]>();
  for (const row of rows) {
    const users = byEmoji.get(row.emoji) ?? [];
    users.push(row.user_id);
    byEmoji.set(row.emoji, users);
  }
  if (byEmoji.size === 0) return null;
  const stored: StoredReactions = [...byEmoji].map(([emoji, userIds]) => ({ emoji, userIds }));
  return JSON.stringify(stored);
}

/** What a message shows of its stored reactions. */
export function toReactions(json: string | null | undefined): Reaction[] | undefined {
  if (!json) return undefined;
  const stored = JSON.parse(json) as StoredReactions;
  return stored.map(({ emoji, userIds }) => ({ emoji, count: userIds.length, userIds }));
}
