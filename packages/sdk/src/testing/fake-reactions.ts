import {
  type ChatUser,
  isReactionEmoji,
  LIMITS,
  type Message,
  nextReactionTime,
  withReaction,
} from '@palaver/protocol';
import type { PayloadOf } from '../connection/transport.js';
import { refuse } from './fake-data.js';
import { FakeChatSafety } from './fake-safety.js';

/** Emoji reactions on the fake backend, with the reference server's rules (no rate limit here). */
export abstract class FakeChatReactions extends FakeChatSafety {
  /** `reaction:add` / `reaction:remove`. */
  protected react(user: ChatUser, input: PayloadOf<'reaction:add'>, present: boolean): Message {
    if (!isReactionEmoji(input.emoji)) throw refuse('invalid_payload', 'A reaction is one emoji.');
    const conversation = [...this.conversations.values()].find((c) => c.messages.some((m) => m.id === input.messageId));
    if (!conversation) throw refuse('not_found', 'No such message.');
    this.readable(user, conversation.id);
    if (!conversation.participants.has(user.id)) throw refuse('forbidden', 'Only the participants react to messages.');
    const index = conversation.messages.findIndex((m) => m.id === input.messageId);
    const current = conversation.messages[index] as Message;
    if (current.deletedAt) throw refuse('invalid_payload', 'A deleted message takes no reactions.');
    const reactions = current.reactions ?? [];
    const found = reactions.find((r) => r.emoji === input.emoji);
    if ((found?.userIds.includes(user.id) ?? false) === present) return current;
    if (present && !found && reactions.length >= LIMITS.reactionsPerMessageMax) {
      throw refuse('invalid_payload', `A message takes at most ${LIMITS.reactionsPerMessageMax} different emojis.`);
    }
    const next = withReaction(reactions, input.emoji, user.id, present);
    const { reactions: _old, ...rest } = current;
    const at = nextReactionTime(current.reactionsAt, new Date().toISOString());
    const updated: Message = { ...rest, ...(next.length ? { reactions: next } : {}), reactionsAt: at };
    conversation.messages[index] = updated;
    this.nextChange('message', updated.id);
    conversation.change = this.nextChange('conversation', conversation.id);
    this.emitTo(conversation, 'message:updated', updated);
    return updated;
  }
}
