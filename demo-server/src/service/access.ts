import { type ChatUser, characterCount } from '@palaver/protocol';
import type { ChatStore, ConversationAccess } from '../db/store.js';
import { ChatError } from '../errors.js';
import type { Audience } from './notices.js';

/** Who may see and write where: the checks every conversation request starts with. */
export class AccessRules {
  constructor(
    private readonly store: ChatStore,
    private readonly maxLength: number,
  ) {}

  async find(conversationId: string): Promise<ConversationAccess> {
    const access = await this.store.access(conversationId);
    if (!access) throw new ChatError('not_found', 'No such conversation.');
    return access;
  }

  /** Participants see their conversations; admins may look at any. */
  async readable(user: ChatUser, conversationId: string): Promise<ConversationAccess> {
    const access = await this.find(conversationId);
    if (!access.participants.has(user.id) && !user.isAdmin) {
      throw new ChatError('forbidden', 'You are not a participant of this conversation.');
    }
    return access;
  }

  /** Participants write; admins write in support conversations (joining them as agents). */
  writable(user: ChatUser, access: ConversationAccess): { joinAsAgent: boolean } {
    if (access.participants.has(user.id)) return { joinAsAgent: false };
    if (user.isAdmin && access.kind === 'support') return { joinAsAgent: true };
    throw new ChatError('forbidden', 'You are not a participant of this conversation.');
  }

  /** A message text as stored: trimmed, not empty, not longer than the configured maximum. */
  checkedBody(raw: string): string {
    const body = raw.trim();
    const length = characterCount(body);
    if (length > this.maxLength) {
      throw new ChatError('too_long', `The message has ${length} characters; at most ${this.maxLength} are allowed.`);
    }
    if (length === 0) throw new ChatError('invalid_payload', 'The message is empty.');
    return body;
  }
}

export const audienceOf = (access: ConversationAccess): Audience => ({
  kind: access.kind,
  participantIds: access.participantIds,
});
