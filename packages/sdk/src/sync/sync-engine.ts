import { type Conversation, LIMITS, type Message, type SyncResult } from '@palaver/protocol';
import { atom, type ReadableAtom } from 'nanostores';
import type { Connection, ServerMessage } from '../connection/connection.js';
import type { ChatState } from '../state/chat-state.js';
import { type Signal, signal } from '../state/signal.js';

const SYNC_PAGE = LIMITS.syncPageDefault;
const SYNC_TIMEOUT_MS = 30_000;
/** Holes up to this many messages are fetched; larger ones are dropped and load on demand. */
const MAX_HOLE_FILL = 300;

export interface SyncEngine {
  /** Where the next sync starts: the server's cursor after the last page applied (persisted by the cache). */
  readonly $cursor: ReadableAtom<string | null>;
  readonly $syncing: ReadableAtom<boolean>;
  /** A sync after a connection finished: threads on screen may load their newest page. */
  readonly caughtUp: Signal<void>;
  /** Continues from a saved cursor (the cache's), or from the server's recent state with null. */
  resume(cursor: string | null): void;
  /** The sync in progress, if any: threads wait for it before loading their newest page. */
  idle(): Promise<void>;
  /** Pulls every change since the cursor, page after page; one run at a time. */
  run(): Promise<void>;
  /** Forgets the cursor (another user, or logout). */
  reset(): void;
  stop(): void;
}

/**
 * The sync engine: the one owner of the sync cursor. On every connection it
 * pulls every change after the cursor, page by page, then fills the holes the
 * threads were left with; live events go into the state as they come. Both
 * write the state with idempotent upserts, so they converge in any order.
 */
export function createSyncEngine(state: ChatState, connection: Connection): SyncEngine {
  const $cursor = atom<string | null>(null);
  const $syncing = atom(false);
  const caughtUp = signal<void>();
  let syncing: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const run = (): Promise<void> => {
    if (syncing) {
      again = true;
      return syncing;
    }
    $syncing.set(true);
    syncing = pullAllPages()
      .then(() => (connection.isConnected ? fillHoles() : undefined))
      .finally(() => {
        syncing = undefined;
        $syncing.set(false);
      });
    return syncing;
  };

  const pullAllPages = async (): Promise<void> => {
    do {
      again = false;
      try {
        let page: SyncResult;
        do {
          page = await connection.request('sync', { cursor: $cursor.get(), limit: SYNC_PAGE }, SYNC_TIMEOUT_MS);
          applyPage(page);
        } while (page.hasMore && !stopped);
      } catch {
        // Connection lost mid-way: the next connection (which sets `again`) resumes from the cursor.
      }
    } while (again && !stopped && connection.isConnected);
  };

  const applyPage = (page: SyncResult): void => {
    if (page.reset && $cursor.get() !== null) {
      // The server does not know our cursor (another database): start from its state.
      for (const id of state.loadedThreads()) state.applyHistory(id, [], true);
    }
    state.applyConversations(page.conversations, page.reset === true);
    state.applyMessages(page.messages);
    for (const receipt of page.reads) state.applyRead(receipt);
    // Last: the cache writes the cursor together with the state it covers.
    $cursor.set(page.cursor);
  };

  /**
   * After a sync, a thread may still miss messages (it was never synced that far
   * back, or live messages came after a stretch it never saw). Small holes are
   * fetched from history; a thread missing more keeps only its newest part, and
   * the rest loads again when scrolled to.
   */
  const fillHoles = async (): Promise<void> => {
    for (const { conversationId, holes } of state.threadsWithHoles()) {
      const missing = holes.reduce((sum, hole) => sum + hole.to - hole.from + 1, 0);
      if (missing > MAX_HOLE_FILL) {
        state.dropBelowHoles(conversationId);
        continue;
      }
      try {
        for (const hole of holes) {
          for (let to = hole.to; to >= hole.from; to -= LIMITS.pageSizeMax) {
            const { messages } = await connection.request('messages:history', {
              conversationId,
              beforeSeq: to + 1,
              limit: Math.min(LIMITS.pageSizeMax, to - hole.from + 1),
            });
            state.applyHistory(conversationId, messages, true);
          }
        }
      } catch {
        // Connection lost: the hole stays (what is shown is still true) and the
        // sync after the next connection fills it.
        return;
      }
    }
  };

  connection.connected.listen(() => {
    connection.request('unread:get', {}).then(
      (counts) => state.applyUnread(counts, true),
      // Safe to drop: the next connection asks again, and pushed counts keep coming meanwhile.
      () => undefined,
    );
    void run().then(() => caughtUp.emit());
  });

  connection.events.listen(({ event, payload }: ServerMessage) => {
    switch (event) {
      case 'message:new': {
        const newest = state.windowOf(payload.conversationId).messages.at(-1)?.seq;
        state.applyMessages([payload]);
        // A message that does not follow the last one we have: something was missed.
        if (newest !== undefined && payload.seq > newest + 1 && !syncing) void run();
        state.clearTypingOf(payload.conversationId, payload.senderId);
        // A conversation we have not heard of yet: the change feed has its summary.
        if (!state.$conversationMap.get()[payload.conversationId]) void run();
        break;
      }
      case 'message:updated':
        state.applyMessages([payload as Message]);
        break;
      case 'conversation:updated':
        state.applyConversations([payload as Conversation]);
        break;
      case 'read':
        state.applyRead(payload);
        break;
      case 'unread':
        state.applyUnread(payload);
        break;
      case 'typing':
        state.applyTyping(payload);
        break;
      case 'presence':
        state.applyPresence(payload);
        break;
    }
  });

  return {
    $cursor,
    $syncing,
    caughtUp,
    resume: (cursor) => $cursor.set(cursor),
    idle: () => syncing ?? Promise.resolve(),
    run,
    reset: () => $cursor.set(null),
    stop: () => {
      stopped = true;
    },
  };
}
