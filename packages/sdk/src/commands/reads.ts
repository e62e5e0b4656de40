import type { Connection } from '../connection/connection.js';
import type { ChatState } from '../state/chat-state.js';

export interface Reads {
  /** Marks messages up to `seq` as read (never moves backwards). */
  markRead(conversationId: string, seq: number): Promise<void>;
  /** Forgets reads not sent yet (logout). */
  clear(): void;
}

/**
 * Read pointers: shown at once, sent now or on the next connection (the
 * highest one per conversation), and corrected by the server's counts.
 */
export function createReads(state: ChatState, connection: Connection): Reads {
  const pending = new Map<string, number>();

  const send = async (conversationId: string, seq: number): Promise<void> => {
    if (!connection.isConnected) return; // sent on the next connection
    try {
      const { unreadCount, unreadTotal } = await connection.request('conversation:read', { conversationId, seq });
      if ((pending.get(conversationId) ?? 0) <= seq) pending.delete(conversationId);
      state.applyUnread({ total: unreadTotal, conversations: { [conversationId]: unreadCount } });
    } catch {
      // Safe to drop: the read stays pending and goes again on the next connection.
    }
  };

  connection.connected.listen(() => {
    for (const [conversationId, seq] of pending) void send(conversationId, seq);
  });

  return {
    async markRead(conversationId, seq) {
      const me = state.$user.get();
      const conversation = state.$conversationMap.get()[conversationId];
      const mine = conversation?.participants.find((p) => p.userId === me?.id);
      if (!me || !conversation || !mine || seq <= mine.lastReadSeq) return;
      // Show it at once; the server's answer brings the exact counts.
      state.applyRead({ conversationId, userId: me.id, seq, readAt: new Date().toISOString() });
      if (seq >= conversation.lastSeq && conversation.unreadCount > 0) {
        state.applyUnread({
          total: Math.max(0, state.$unreadTotal.get() - conversation.unreadCount),
          conversations: { [conversationId]: 0 },
        });
      }
      pending.set(conversationId, Math.max(seq, pending.get(conversationId) ?? 0));
      await send(conversationId, seq);
    },
    clear: () => pending.clear(),
  };
}
