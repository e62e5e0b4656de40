import { canReact, isReactionEmoji, LIMITS, type Message, type ReactionInput } from '@palaver/protocol';
import type { ChatStore } from '../db/store.js';
import { ChatError } from '../errors.js';
import { type AccessRules, audienceOf } from './access.js';
import type { Actor } from './actor.js';
import { type Limits, takeSlot } from './limits.js';
import { messageFor, updatedNotices } from './masking.js';
import type { Outcome } from './notices.js';
import type { SafetyService } from './safety.js';

/**
 * Emoji reactions: a participant adds or takes back one emoji on a message;
 * everyone in the conversation gets the message with its new counts
 * (`message:updated`). Idempotent both ways, so a client may resend after a
 * lost answer, or replay what it did offline, and every copy ends the same.
 */
export class ReactionService {
  constructor(
    private readonly store: ChatStore,
    private readonly rules: AccessRules,
    private readonly limits: Limits,
    private readonly safety: SafetyService,
  ) {}

  add(actor: Actor, input: ReactionInput): Promise<Outcome<Message>> {
    return this.react(actor, input, true);
  }

  remove(actor: Actor, input: ReactionInput): Promise<Outcome<Message>> {
    return this.react(actor, input, false);
  }

  private async react({ user }: Actor, input: ReactionInput, present: boolean): Promise<Outcome<Message>> {
    if (!isReactionEmoji(input.emoji)) throw new ChatError('invalid_payload', 'A reaction is one emoji.');
    const message = await this.store.messageById(input.messageId);
    if (!message) throw new ChatError('not_found', 'No such message.');
    const access = await this.rules.readable(user, message.conversationId);
    if (!canReact(user, { kind: access.kind, isParticipant: access.participants.has(user.id) })) {
      throw new ChatError('forbidden', 'Only the participants react to messages.');
    }
    if (message.deletedAt) throw new ChatError('invalid_payload', 'A deleted message takes no reactions.');
    const mine = message.reactions?.find((r) => r.emoji === input.emoji)?.userIds.includes(user.id) ?? false;
    // Already so: answered as it is, free (a replay after a lost answer costs nothing).
    if (mine === present) return { result: messageFor(user, message), notices: [] };
    if (present) await this.safety.assertMayWrite(user.id, access);
    await takeSlot(this.limits, 'reactions', user.id);
    const outcome = await this.store.reactions.react(
      message.id,
      user.id,
      input.emoji,
      present,
      LIMITS.reactionsPerMessageMax,
    );
    if (outcome === 'too_many') {
      throw new ChatError(
        'invalid_payload',
        `A message takes at most ${LIMITS.reactionsPerMessageMax} different emojis.`,
      );
    }
    return {
      result: messageFor(user, outcome.message),
      notices: outcome.changed ? updatedNotices(audienceOf(access), outcome.message) : [],
    };
  }

  /** Takes back every reaction of a user (erasure), telling each conversation. */
  async removeAllOf(userId: string): Promise<Outcome<number>> {
    const notices = [];
    let removed = 0;
    for (const { messageId, emoji } of await this.store.reactions.reactionsBy(userId)) {
      const outcome = await this.store.reactions.react(messageId, userId, emoji, false, LIMITS.reactionsPerMessageMax);
      if (outcome === 'too_many' || !outcome.changed) continue;
      removed++;
      notices.push(
        ...updatedNotices(audienceOf(await this.rules.find(outcome.message.conversationId)), outcome.message),
      );
    }
    return { result: removed, notices };
  }
}
