import type { Connection } from '../connection/connection.js';
import type { ChatState } from '../state/chat-state.js';

const TYPING_RENEW_MS = 3000;
const TYPING_IDLE_MS = 5000;

/** Presence queries for the users someone watches (best effort: `presence` events keep it current). */
export function queryPresence(state: ChatState, connection: Connection): void {
  state.presenceMounted.listen((userId) => {
    if (!connection.isConnected) return;
    connection.request('presence:query', { userIds: [userId] }).then(
      ({ presence }) => {
        for (const event of presence) state.applyPresence(event);
      },
      // Safe to drop: presence is best effort, and `presence` events keep it current.
      () => undefined,
    );
  });
}

export interface Typing {
  /** Tells the others you are typing; throttled, and stops by itself after a few seconds. */
  set(conversationId: string, typing: boolean): void;
  dispose(): void;
}

/** Typing notices: renewed at most every few seconds, and a "stopped" after a pause. */
export function createTyping(connection: Connection): Typing {
  const sent = new Map<string, { at: number; idle: ReturnType<typeof setTimeout> }>();
  const set = (conversationId: string, typing: boolean): void => {
    const last = sent.get(conversationId);
    const now = Date.now();
    if (!typing) {
      if (!last) return;
      clearTimeout(last.idle);
      sent.delete(conversationId);
      connection.notify('typing', { conversationId, typing: false });
      return;
    }
    if (last) clearTimeout(last.idle);
    const idle = setTimeout(() => set(conversationId, false), TYPING_IDLE_MS);
    if (!last || now - last.at >= TYPING_RENEW_MS) {
      connection.notify('typing', { conversationId, typing: true });
      sent.set(conversationId, { at: now, idle });
    } else {
      sent.set(conversationId, { at: last.at, idle });
    }
  };
  return {
    set,
    dispose() {
      for (const { idle } of sent.values()) clearTimeout(idle);
    },
  };
}
