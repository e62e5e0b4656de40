import { LIMITS, type SyncInput, type SyncResult } from '@palaver/protocol';
import type { Change, ChatStore } from '../db/store.js';
import { ChatError } from '../errors.js';
import type { Actor } from './actor.js';
import { conversationFor, messageFor } from './masking.js';

const SYNC_CURSOR_VERSION = '1';

/**
 * Catching up: every change after a cursor in the user's conversations. A
 * cursor names the database (so one from another database starts over) and a
 * change number that the store guarantees is committed.
 */
export class SyncService {
  constructor(private readonly store: ChatStore) {}

  /**
   * Pages never split one change, and a row changed again while a client pages
   * through shows up in a later page at its new position: nothing is skipped.
   */
  async sync({ user }: Actor, input: SyncInput): Promise<SyncResult> {
    const limit = input.limit ?? LIMITS.syncPageDefault;
    const after = input.cursor === null ? undefined : this.decode(input.cursor);
    const page = after === undefined ? undefined : await this.store.changesSince(user, after, limit);
    if (after === undefined || page === undefined || after > page.head) {
      // No cursor, or one from another database (restored backup, wiped file): start over.
      const head = await this.store.head();
      return {
        conversations: (await this.store.listConversations(user, Math.min(limit, 1000))).map((c) =>
          conversationFor(user, c),
        ),
        messages: [],
        reads: [],
        cursor: this.encode(head),
        hasMore: false,
        reset: true,
      };
    }
    const lists = [page.conversations, page.messages, page.reads];
    const full = lists.filter((list) => list.length === limit);
    // A full list may have more rows just past its last one: stop there so no change is skipped.
    const lastOf = (list: Array<Change<unknown>>) => list[list.length - 1]?.changeSeq ?? after;
    const boundary = full.length > 0 ? Math.min(...full.map(lastOf)) : Math.max(after, ...lists.map(lastOf));
    const upTo = <T>(list: Array<Change<T>>) =>
      list.filter((change) => change.changeSeq <= boundary).map((c) => c.item);
    return {
      conversations: upTo(page.conversations).map((c) => conversationFor(user, c)),
      messages: upTo(page.messages).map((m) => messageFor(user, m)),
      reads: upTo(page.reads),
      cursor: this.encode(full.length > 0 ? boundary : Math.max(boundary, page.head)),
      hasMore: full.length > 0,
    };
  }

  private encode(changeSeq: number): string {
    return Buffer.from(`${SYNC_CURSOR_VERSION}.${this.store.instanceId}.${changeSeq}`).toString('base64url');
  }

  /** The change number in the cursor, or undefined when the cursor belongs to another database. */
  private decode(cursor: string): number | undefined {
    const match = /^1\.([0-9a-f]{1,32})\.(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!match) throw new ChatError('invalid_payload', 'Unknown sync cursor.');
    if (match[1] !== this.store.instanceId) return undefined;
    return Number(match[2]);
  }
}
