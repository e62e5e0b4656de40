import type { ReadInput, ReadResult, UnreadCounts } from '@palaver/protocol';
import type { ChatStore } from '../db/store.js';
import { type AccessRules, audienceOf } from './access.js';
import type { Actor } from './actor.js';
import { type Limits, takeSlot } from './limits.js';
import { type Outcome, toConversation, toUsers } from './notices.js';

/** Read pointers and unread counts. */
export class ReadService {
  constructor(
    private readonly store: ChatStore,
    private readonly rules: AccessRules,
    private readonly limits: Limits,
  ) {}

  async markRead({ user }: Actor, input: ReadInput): Promise<Outcome<ReadResult>> {
    const access = await this.rules.readable(user, input.conversationId);
    if (!access.participants.has(user.id)) {
      // An admin looking at someone else's thread: reading it changes nothing for them.
      return { result: { unreadCount: 0, unreadTotal: await this.store.unreadTotal(user.id) }, notices: [] };
    }
    await takeSlot(this.limits, 'reads', user.id);
    const update = await this.store.markRead(access.id, user.id, input.seq);
    const unreadTotal = await this.store.unreadTotal(user.id);
    const { unreadCount } = update;
    const result = { unreadCount, unreadTotal };
    if (!update.moved) return { result, notices: [] };
    return {
      result,
      notices: [
        toConversation(audienceOf(access), 'read', update.receipt),
        toUsers([user.id], 'unread', { total: unreadTotal, conversations: { [access.id]: unreadCount } }),
      ],
    };
  }

  unread({ user }: Actor): Promise<UnreadCounts> {
    return this.store.unreadOf(user.id);
  }
}
