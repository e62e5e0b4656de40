import { html, type SVGTemplateResult, svg, type TemplateResult } from 'lit';

/**
 * Delivery status icons, drawn inline: the 🕓 and ✓ characters they replace
 * showed as empty boxes on systems without an emoji font, and could not be
 * themed. They take the text color (`currentColor`); the text alternative is
 * on the element that holds them (`role="img"` with `aria-label`).
 */
const icon = (paths: SVGTemplateResult): TemplateResult =>
  // The outer <svg> belongs in an html template; only what is inside it is an svg fragment.
  html`<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false" fill="none"
    stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round">${paths}</svg>`;

export const statusIcons = {
  waiting: icon(svg`<circle cx="8" cy="8" r="6.2"/><path d="M8 4.6V8l2.3 1.5"/>`),
  sent: icon(svg`<path d="M3 8.6l3.1 3 6.9-7"/>`),
  read: icon(svg`<path d="M1 8.6l3.1 3 6.9-7M7.4 11.6l6.9-7"/>`),
  failed: icon(svg`<circle cx="8" cy="8" r="6.2"/><path d="M8 4.6v4.1M8 11.3v.1"/>`),
};
