import { LIMITS } from '@palaver/protocol';
import { isDraftConversationId } from '../commands/conversations.js';
import type { Connection } from '../connection/connection.js';
import { ChatError } from '../errors.js';
import type { ChatState } from '../state/chat-state.js';
import type { SyncEngine } from './sync-engine.js';

const HISTORY_PAGE = LIMITS.pageSizeDefault;

/**
 * Thread paging: a thread someone watches loads its newest page (on first view
 * and after each reconnection, once the sync caught up), and older pages on
 * demand. Its status store follows each request. Returns `loadOlder`.
 */
export function pageThreads(
  state: ChatState,
  connection: Connection,
  sync: SyncEngine,
): (conversationId: string) => Promise<boolean> {
  /** A page of a thread's history: the newest, or the one before `beforeSeq`. */
  const loadPage = async (conversationId: string, beforeSeq?: number): Promise<number> => {
    state.setThreadStatus(conversationId, { loading: true });
    try {
      const { messages, hasMore } = await connection.request('messages:history', {
        conversationId,
        limit: HISTORY_PAGE,
        ...(beforeSeq !== undefined ? { beforeSeq } : {}),
      });
      state.applyHistory(conversationId, messages, hasMore);
      state.setThreadStatus(conversationId, { loading: false, error: undefined });
      return messages.length;
    } catch (error) {
      const { code, message } = error instanceof ChatError ? error : new ChatError('internal', String(error));
      state.setThreadStatus(conversationId, { loading: false, error: { code, message } });
      throw error;
    }
  };

  /** Loads the previous page of a thread; resolves false when there is nothing older. */
  const loadOlder = async (conversationId: string): Promise<boolean> => {
    await state.threadReady(conversationId);
    const { fromSeq } = state.windowOf(conversationId);
    return fromSeq !== 1 && (await loadPage(conversationId, fromSeq)) > 0;
  };

  /** Loads the newest page of a thread. */
  const refresh = async (conversationId: string): Promise<void> => {
    // A draft (a conversation not opened yet) has no history on the server, only what waits in the outbox.
    if (isDraftConversationId(conversationId)) return;
    await state.threadReady(conversationId);
    await sync.idle();
    if (!connection.isConnected) return;
    try {
      await loadPage(conversationId);
      // A thread opens with at least a page of messages when the conversation has them.
      const window = state.windowOf(conversationId);
      if (window.messages.length < HISTORY_PAGE && (window.fromSeq ?? 1) > 1) await loadOlder(conversationId);
    } catch {
      // Safe to drop: loadPage put the error in the thread's status, which the thread shows.
    }
  };

  state.threadMounted.listen((id) => void refresh(id));
  // Threads on screen reload their newest page once the change feed has filled
  // them up to now; before that, the page would not join what the cache holds.
  sync.caughtUp.listen(() => {
    for (const id of state.loadedThreads()) if (state.isWatched(id)) void refresh(id);
  });
  return loadOlder;
}
