import { html, nothing, type TemplateResult } from 'lit';
import type { PalaverStrings } from '../shared/i18n.js';
import { moreIcon } from './message-menu.js';
import type { SafetyController } from './safety.js';

/** The failure as the user should read it: a rate limit asks to wait; anything else says what the server said. */
export const reason = (t: PalaverStrings, error: { code: string; message: string }) =>
  error.code === 'rate_limited' ? t.safetyRateLimited : error.message;

/** The "⋯" button of the thread's header and its menu: Block / Unblock the other side, Report the conversation. */
export function renderThreadMenu(t: PalaverStrings, safety: SafetyController): TemplateResult | typeof nothing {
  if (!safety.canReport) return nothing;
  const other = safety.counterpart;
  const open = safety.headerMenuOpen;
  return html`<span class="more thread-menu" @keydown=${safety.headerKeydown}>
    <button
      type="button"
      class="more-button"
      aria-label=${t.conversationActions}
      aria-haspopup="menu"
      aria-expanded=${open ? 'true' : 'false'}
      aria-controls=${open ? 'thread-menu' : nothing}
      @click=${safety.toggleHeaderMenu}
    >
      ${moreIcon}
    </button>
    ${
      open
        ? html`<div class="menu" id="thread-menu" role="menu" aria-label=${t.conversationActions}>
          ${
            other
              ? safety.isBlocked(other.userId)
                ? html`<button type="button" role="menuitem" @click=${() => safety.setBlocked(false)}>
                  ${t.unblock(other.name)}
                </button>`
                : html`<button type="button" role="menuitem" class="danger" @click=${() => safety.setBlocked(true)}>
                  ${t.block(other.name)}
                </button>`
              : nothing
          }
          <button type="button" role="menuitem" @click=${() => safety.openReport()}>${t.reportConversation}…</button>
        </div>`
        : nothing
    }
  </span>`;
}

/**
 * What the user did about the other side: they blocked them (with Unblock), or
 * a block or unblock that failed. The composer stays: see chat-thread.ts.
 */
export function renderBlockBanner(t: PalaverStrings, safety: SafetyController): TemplateResult | typeof nothing {
  const other = safety.counterpart;
  const error = safety.blockError;
  if (error) {
    return html`<div part="banner" class="error" role="alert">${t.blockFailed} <small>${reason(t, error)}</small></div>`;
  }
  // The marketplace suspended the other side: say so, they will not answer.
  const suspended = safety.suspendedOther;
  if (suspended) {
    return html`<div part="banner" class="suspended" role="status">${t.suspendedBanner(suspended.name)}</div>`;
  }
  if (!other || !safety.isBlocked(other.userId)) return nothing;
  return html`<div part="banner" class="blocked" role="status">
    <span>${t.blockedBanner(other.name)}</span>
    <button type="button" @click=${() => safety.setBlocked(false)}>${t.unblockShort}</button>
  </div>`;
}
