import { cssText } from './css-text.js';

/**
 * Public design tokens, read by every element. Set them anywhere above the
 * elements (`:root`, a container) to restyle Palaver; dark themes and RTL need
 * nothing else. Each element maps them to its own `--_*` variables.
 *
 * Plain text, not Lit's `css`: the product page's elements (badge, contact
 * button) are written without Lit so that a page pays for Lit only once the
 * thread is used (see light-element.ts).
 */
export const tokensCss = cssText`
  :host {
    --_font: var(--chat-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_font-size: var(--chat-font-size, 0.9375rem);
    --_text: var(--chat-color-text, #1f2328);
    --_surface: var(--chat-color-surface, #ffffff);
    /* Derived from text and surface unless set: a dark theme needs only those two. */
    --_muted: var(--chat-color-text-muted, color-mix(in srgb, var(--_text) 72%, var(--_surface)));
    --_surface-alt: var(--chat-color-surface-alt, color-mix(in srgb, var(--_text) 6%, var(--_surface)));
    --_border: var(--chat-color-border, color-mix(in srgb, var(--_text) 22%, var(--_surface)));
    --_accent: var(--chat-color-accent, #0b57d0);
    --_on-accent: var(--chat-color-on-accent, #ffffff);
    --_danger: var(--chat-color-danger, #b3261e);
    --_success: var(--chat-color-success, #1a7f37);
    --_radius: var(--chat-radius, 12px);
    --_space: var(--chat-space, 0.5rem);
    --_focus: var(--chat-focus-ring, 2px solid var(--_accent));
    font-family: var(--_font);
    font-size: var(--_font-size);
    color: var(--_text);
  }
  :host([hidden]) {
    display: none !important;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
