import { type ChatUser, canRead, checkMessageBody, writeAccess } from '@palaver/protocol';
import type { ChatStore, ConversationAccess } from '../db/store.js';
import { ChatError } from '../errors.js';
import type { Audience } from './notices.js';

/** Who may see and write where: the checks every conversation request starts with. */
export class AccessRules {
  constructor(
    private readonly store: ChatStore,
    private readonly maxLength: number,
  ) {}

  /** The conversation's membership (`fresh`: read from the database, not from a cache). */
  async find(conversationId: string, fresh = false): Promise<ConversationAccess> {
    const access = await this.store.access(conversationId, fresh);
    if (!access) throw new ChatError('not_found', 'No such conversation.');
    return access;
  }

  /**
   * The membership, made sure to include `user` if they are a participant: a
   * store may serve membership from a cache that misses a join made a moment
   * ago on another node. Participants only ever join, so a cached "is a
   * participant" is always true, and only a "not one" needs a second look.
   */
  private async including(user: ChatUser, conversationId: string): Promise<ConversationAccess> {
    const access = await this.find(conversationId);
    return access.participants.has(user.id) ? access : this.find(conversationId, true);
  }

  /** Participants see their conversations; admins may look at any. */
  async readable(user: ChatUser, conversationId: string): Promise<ConversationAccess> {
    const access = user.isAdmin ? await this.find(conversationId) : await this.including(user, conversationId);
    if (!canRead(user, { kind: access.kind, isParticipant: access.participants.has(user.id) })) {
      throw new ChatError('forbidden', 'You are not a participant of this conversation.');
    }
    return access;
  }

  /** Participants write; admins write in support conversations (joining them as agents). */
  async writable(
    user: ChatUser,
    conversationId: string,
  ): Promise<{ access: ConversationAccess; joinAsAgent: boolean }> {
    const access = await this.including(user, conversationId);
    const allowed = writeAccess(user, { kind: access.kind, isParticipant: access.participants.has(user.id) });
    if (allowed === 'forbidden') throw new ChatError('forbidden', 'You are not a participant of this conversation.');
    return { access, joinAsAgent: allowed === 'join' };
  }

  /** A message text as stored: trimmed, not empty, not longer than the configured maximum. */
  checkedBody(raw: string): string {
    const checked = checkMessageBody(raw, this.maxLength);
    if (!checked.ok) throw new ChatError(checked.code, checked.message);
    return checked.body;
  }
}

export const audienceOf = (access: ConversationAccess): Audience => ({
  kind: access.kind,
  participantIds: access.participantIds,
});
