import type { ChatClient, Notice } from '@palaver/sdk';
import { html, nothing, type TemplateResult } from 'lit';
import type { PalaverStrings } from '../shared/i18n.js';

/** The failed edits and deletes of one conversation: what happened, Retry (when it may help), Dismiss. */
export function renderNotices(
  t: PalaverStrings,
  notices: Notice[],
  conversationId: string | undefined,
  client: ChatClient | undefined,
): TemplateResult[] {
  return notices
    .filter((notice) => notice.conversationId === conversationId)
    .map(
      (notice) => html`<div part="notice" role="alert">
        <span>${notice.action === 'edit' ? t.editFailed : t.deleteFailed} <small>${notice.error.message}</small></span>
        ${
          notice.retryable
            ? html`<button
              type="button"
              @click=${() => {
                // Safe to drop: failing again brings a new notice.
                client?.retryNotice(notice.id).catch(() => undefined);
              }}
            >
              ${t.retry}
            </button>`
            : nothing
        }
        <button type="button" @click=${() => client?.dismissNotice(notice.id)}>${t.dismiss}</button>
      </div>`,
    );
}
