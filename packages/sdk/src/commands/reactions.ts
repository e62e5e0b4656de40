import type { Connection } from '../connection/connection.js';
import { ChatError, isChatError } from '../errors.js';
import { classifyFailure } from '../persistence/outbox-policy.js';
import type { KeyValueStore } from '../persistence/storage/key-value-store.js';
import type { ChatState } from '../state/chat-state.js';
import type { ReactionIntent } from '../state/types.js';

const PREFIX = 'reaction:';
const keyOf = (intent: ReactionIntent) => `${PREFIX}${intent.messageId}\u0000${intent.emoji}`;
const sameTarget = (a: ReactionIntent, b: ReactionIntent) => a.messageId === b.messageId && a.emoji === b.emoji;

export interface Reactions {
  /** Adds (`present`) or takes back the user's emoji on a message: shown at once, sent when possible. */
  set(messageId: string, emoji: string, present: boolean): Promise<void>;
  /** The intents this user left unsent (a reload, a crash), from the user's store (none without one). */
  restore(store: KeyValueStore | undefined): Promise<void>;
  /** Stops writing to the store (logout, another user). */
  close(): void;
}

/**
 * The user's reactions, offline-first. Each is an intent — this emoji on this
 * message, or not — that shows at once (`$reactionIntents`, which the thread
 * overlays), is kept in the user's store until the server confirms it, and is
 * sent whenever the connection is up; a later intent for the same emoji
 * replaces an earlier one. The server's reaction events are idempotent both
 * ways, so a replay after a reload, or by two tabs, ends the same everywhere.
 */
export function createReactions(state: ChatState, connection: Connection): Reactions {
  let store: KeyValueStore | undefined;
  let sending: Promise<void> | undefined;
  let more = false;
  const intents = () => state.$reactionIntents.get();

  /** Confirmed or refused for good: gone, unless a newer intent for it came meanwhile. */
  const settle = (intent: ReactionIntent): void => {
    if (!intents().includes(intent)) return;
    state.$reactionIntents.set(intents().filter((other) => other !== intent));
    // Safe to drop: an intent left in the store is sent again, and the server answers it as it is.
    void store?.delMany([keyOf(intent)]).catch(() => undefined);
  };

  const sendOne = async (intent: ReactionIntent): Promise<void> => {
    try {
      const { message } = await connection.request(intent.present ? 'reaction:add' : 'reaction:remove', {
        messageId: intent.messageId,
        emoji: intent.emoji,
      });
      state.applyMessages([message]);
      settle(intent);
    } catch (error) {
      const { code, message } = isChatError(error) ? error : new ChatError('internal', String(error));
      if (classifyFailure(code) !== 'fail') return; // offline, busy, throttled: kept for the next connection
      settle(intent);
      state.addNotice({
        action: 'react',
        messageId: intent.messageId,
        conversationId: state.conversationOfMessage(intent.messageId),
        error: { code, message },
        retryable: false,
      });
    }
  };

  /** Sends every intent, one after the other; one run at a time (a run asked for meanwhile follows). */
  const flush = (): Promise<void> => {
    if (sending) {
      more = true;
      return sending;
    }
    sending = (async () => {
      do {
        more = false;
        for (const intent of intents()) {
          if (connection.$status.get() !== 'online') return;
          await sendOne(intent);
        }
      } while (more);
    })().finally(() => {
      sending = undefined;
    });
    return sending;
  };

  connection.connected.listen(() => void flush());

  return {
    async set(messageId, emoji, present) {
      const intent: ReactionIntent = { messageId, emoji, present };
      state.$reactionIntents.set([...intents().filter((other) => !sameTarget(other, intent)), intent]);
      await store?.setMany([[keyOf(intent), intent]]);
      // Safe to drop: a failure is a notice, and a transient one waits for the next connection.
      void flush();
    },
    async restore(opened) {
      store = opened;
      if (!opened) return;
      const saved = (await opened.entries<ReactionIntent>(PREFIX)).map(([, intent]) => intent);
      const fresh = intents().filter((intent) => !saved.some((old) => sameTarget(old, intent)));
      state.$reactionIntents.set([...saved, ...fresh]);
      void flush();
    },
    close() {
      store = undefined;
    },
  };
}
