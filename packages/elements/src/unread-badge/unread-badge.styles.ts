import { cssText } from '../shared/css-text.js';
import { tokensCss } from '../shared/tokens.css.js';

/** CSS text (the element is written without Lit, see light-element.ts). */
export const unreadBadgeStyles =
  tokensCss +
  cssText`
    :host {
      --_badge-bg: var(--unread-badge-background, var(--chat-color-badge, #c5221f));
      --_badge-fg: var(--unread-badge-color, #ffffff);
      display: inline-flex;
      vertical-align: middle;
    }
    [part='base'] {
      box-sizing: border-box;
      min-width: 1.4em;
      height: 1.4em;
      padding: 0 0.4em;
      border-radius: 0.7em;
      background: var(--_badge-bg);
      color: var(--_badge-fg);
      font-size: 0.75em;
      font-weight: 700;
      line-height: 1.4em;
      text-align: center;
      font-variant-numeric: tabular-nums;
    }
  `;
