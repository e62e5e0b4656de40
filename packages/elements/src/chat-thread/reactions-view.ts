import type { ChatMessage } from '@palaver/sdk';
import { html, nothing, type TemplateResult } from 'lit';
import type { PalaverStrings } from '../shared/i18n.js';
import type { MessageActions } from './message-actions.js';

/** The emojis a message's menu offers (any other comes from another client). */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

const mineIn = (message: ChatMessage, emoji: string, ownId: string | undefined) =>
  ownId !== undefined && (message.reactions?.find((r) => r.emoji === emoji)?.userIds.includes(ownId) ?? false);

/**
 * Under a message: one chip per emoji, with its count, pressed when the user's
 * is among them; pressing it adds or takes back theirs. Read-only for someone
 * who may not react (an admin looking on).
 */
export function renderReactions(
  message: ChatMessage,
  t: PalaverStrings,
  actions: MessageActions,
  ownId: string | undefined,
  canReact: boolean,
): TemplateResult | typeof nothing {
  const reactions = message.reactions ?? [];
  if (reactions.length === 0) return nothing;
  return html`<div part="reactions" class="reactions" role="group" aria-label=${t.reactions}>
    ${reactions.map((reaction) => {
      const mine = ownId !== undefined && reaction.userIds.includes(ownId);
      return html`<button
        type="button"
        part="reaction"
        aria-pressed=${mine ? 'true' : 'false'}
        aria-label=${t.reactionLabel(reaction.emoji, reaction.count, mine)}
        ?disabled=${!canReact}
        @click=${() => actions.react(message, reaction.emoji, !mine)}
      >
        <span aria-hidden="true">${reaction.emoji}</span> <span aria-hidden="true">${reaction.count}</span>
      </button>`;
    })}
  </div>`;
}

/** The first row of a message's menu: the quick reactions, checked when the user's is there. */
export function renderReactionItems(
  message: ChatMessage,
  t: PalaverStrings,
  actions: MessageActions,
  ownId: string | undefined,
): TemplateResult {
  return html`<div class="quick-reactions" role="group" aria-label=${t.react}>
    ${QUICK_REACTIONS.map((emoji) => {
      const mine = mineIn(message, emoji, ownId);
      return html`<button
        type="button"
        role="menuitemcheckbox"
        aria-checked=${mine ? 'true' : 'false'}
        aria-label=${t.reactWith(emoji)}
        @click=${() => actions.react(message, emoji, !mine)}
      >
        ${emoji}
      </button>`;
    })}
  </div>`;
}
