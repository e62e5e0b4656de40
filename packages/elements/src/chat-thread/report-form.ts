import { REPORT_NOTE_MAX_LENGTH, REPORT_REASONS, type ReportReason } from '@palaver/protocol';
import { css, html, nothing, type TemplateResult } from 'lit';
import type { PalaverStrings } from '../shared/i18n.js';
import type { SafetyController } from './safety.js';
import { reason } from './safety-view.js';

// The report form: a chunk of its own, loaded the first time someone reports
// (SafetyController.openReport), with its styles — most threads never show it.

export const reportFormStyles = css`
    [part='report'] {
      display: flex;
      flex-direction: column;
      gap: calc(var(--_space) / 2);
      padding: var(--_space) calc(var(--_space) * 1.5);
      border-top: 1px solid var(--_border);
      background: var(--_surface-alt);
      font-size: 0.9em;
    }
    [part='report'] h2 {
      margin: 0;
      font-size: 1em;
    }
    [part='report'] fieldset {
      display: flex;
      flex-direction: column;
      gap: 0.15rem;
      margin: 0;
      padding: 0;
      border: 0;
    }
    [part='report'] legend {
      padding: 0 0 0.25rem;
    }
    [part='report'] p {
      margin: 0;
    }
    [part='report'] .note {
      display: flex;
      flex-direction: column;
      gap: 0.15rem;
    }
    [part='report'] textarea {
      font: inherit;
      color: inherit;
      background: var(--_surface);
      border: 1px solid var(--_border);
      border-radius: calc(var(--_radius) / 2);
      padding: 0.3rem 0.5rem;
      resize: vertical;
    }
    [part='report'] .error {
      color: var(--_danger);
    }
    [part='report'] .actions {
      display: flex;
      gap: var(--_space);
    }
`;

/** The report form (reason, optional note, Send / Cancel), then its "thanks". */
export function renderReportForm(t: PalaverStrings, safety: SafetyController): TemplateResult | typeof nothing {
  const draft = safety.report;
  if (!draft) return nothing;
  if (draft.state === 'sent') {
    return html`<div part="report" class="report" @keydown=${safety.reportKeydown}>
      <p role="status">${t.reportSent}</p>
      <button type="button" @click=${safety.closeReport}>${t.close}</button>
    </div>`;
  }
  const title = draft.messageId ? t.reportMessageTitle : t.reportConversationTitle;
  const sending = draft.state === 'sending';
  return html`<form
    part="report"
    class="report"
    aria-labelledby="report-title"
    @keydown=${safety.reportKeydown}
    @submit=${(event: Event) => {
      event.preventDefault();
      void safety.sendReport();
    }}
  >
    <h2 id="report-title">${title}</h2>
    <fieldset>
      <legend>${t.reportReason}</legend>
      ${REPORT_REASONS.map(
        (value: ReportReason) => html`<label>
          <input
            type="radio"
            name="reason"
            .value=${value}
            .checked=${draft.reason === value}
            required
            @change=${() => safety.editReport({ reason: value })}
          />
          ${t.reportReasons[value]}
        </label>`,
      )}
    </fieldset>
    <label class="note">
      ${t.reportNote}
      <textarea
        rows="2"
        dir="auto"
        maxlength=${REPORT_NOTE_MAX_LENGTH}
        .value=${draft.note}
        @input=${(event: Event) => safety.editReport({ note: (event.target as HTMLTextAreaElement).value })}
      ></textarea>
    </label>
    ${draft.error ? html`<p class="error" role="alert">${t.reportFailed} ${reason(t, draft.error)}</p>` : nothing}
    <div class="actions">
      <button type="submit" ?disabled=${!draft.reason || sending}>${t.send}</button>
      <button type="button" @click=${safety.closeReport}>${t.cancel}</button>
    </div>
  </form>`;
}
