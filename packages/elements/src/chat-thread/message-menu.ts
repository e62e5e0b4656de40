import type { ChatMessage } from '@palaver/sdk';
import { html, nothing, type TemplateResult } from 'lit';
import type { PalaverStrings } from '../shared/i18n.js';
import type { MessageActions } from './message-actions.js';
import { renderReactionItems } from './reactions-view.js';

/** Three dots, drawn (a "⋯" character depends on the font). */
export const moreIcon = html`<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false"
  fill="currentColor"><circle cx="3" cy="8" r="1.5"/><circle cx="8" cy="8" r="1.5"/><circle cx="13" cy="8" r="1.5"/></svg>`;

/**
 * The "⋯" button of a message and, when open, its menu: Edit and Delete (or
 * the question that Delete asks first) on one's own, Report on others'.
 * Behaviour: `MessageActionsController`.
 */
export function renderMessageMenu(
  message: ChatMessage,
  t: PalaverStrings,
  actions: MessageActions,
  own: boolean,
  ownId: string | undefined,
): TemplateResult {
  const menu = actions.menu?.clientId === message.clientId ? actions.menu : undefined;
  const id = `menu-${message.clientId}`;
  return html`<span class="more" @keydown=${actions.menuKeydown}>
    <button
      type="button"
      class="more-button"
      aria-label=${t.messageActions}
      aria-haspopup="menu"
      aria-expanded=${menu ? 'true' : 'false'}
      aria-controls=${menu ? id : nothing}
      @click=${() => actions.toggleMenu(message)}
      @keydown=${(event: KeyboardEvent) => {
        if (event.key === 'ArrowDown' && !menu) {
          event.preventDefault();
          actions.toggleMenu(message);
        }
      }}
    >
      ${moreIcon}
    </button>
    ${
      !menu
        ? nothing
        : menu.confirming
          ? html`<div class="menu confirm" id=${id} role="group" aria-label=${t.confirmDelete}>
            <span>${t.confirmDelete}</span>
            <button type="button" class="danger" @click=${() => actions.confirmDelete(message)}>${t.delete}</button>
            <button type="button" class="cancel" @click=${actions.cancelDelete}>${t.cancel}</button>
          </div>`
          : own
            ? html`<div class="menu" id=${id} role="menu" aria-label=${t.messageActions}>
              ${renderReactionItems(message, t, actions, ownId)}
              <button type="button" role="menuitem" @click=${() => actions.edit(message)}>${t.edit}</button>
              <button type="button" role="menuitem" class="danger" @click=${() => actions.askDelete(message)}>
                ${t.delete}…
              </button>
            </div>`
            : html`<div class="menu" id=${id} role="menu" aria-label=${t.messageActions}>
              ${renderReactionItems(message, t, actions, ownId)}
              <button type="button" role="menuitem" @click=${() => actions.report(message)}>${t.report}…</button>
            </div>`
    }
  </span>`;
}
