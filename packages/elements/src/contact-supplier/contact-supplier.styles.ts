import { cssText } from '../shared/css-text.js';
import { tokensCss } from '../shared/tokens.css.js';

/** CSS text (the element is written without Lit, see light-element.ts). */
export const contactSupplierStyles =
  tokensCss +
  cssText`
    :host {
      display: inline-block;
    }
    [part='button'] {
      display: inline-flex;
      align-items: center;
      gap: 0.4em;
      min-height: 2.5rem;
      padding: 0 1.1rem;
      border: none;
      border-radius: calc(var(--_radius) * 0.75);
      background: var(--_accent);
      color: var(--_on-accent);
      font: inherit;
      font-weight: 600;
      cursor: pointer;
    }
    [part='button']:focus-visible,
    button:focus-visible {
      outline: var(--_focus);
      outline-offset: 2px;
    }
    [part='dialog'] {
      box-sizing: border-box;
      width: min(34rem, 100vw - 1rem);
      max-height: calc(100vh - 1rem);
      padding: 0;
      border: none;
      border-radius: var(--_radius);
      background: var(--_surface);
      color: var(--_text);
      box-shadow: 0 10px 40px rgb(0 0 0 / 0.3);
    }
    [part='dialog']::backdrop {
      background: rgb(0 0 0 / 0.4);
    }
    .header {
      display: flex;
      align-items: center;
      justify-content: space-between;
      padding: var(--_space) calc(var(--_space) * 1.5);
      font-weight: 600;
    }
    .close {
      font: inherit;
      font-size: 1.4em;
      line-height: 1;
      background: none;
      border: none;
      color: var(--_muted);
      cursor: pointer;
      padding: 0.2em 0.4em;
    }
    .failed {
      margin: 0;
      padding: calc(var(--_space) * 2) calc(var(--_space) * 1.5);
      color: var(--_danger);
    }
    chat-thread {
      --chat-thread-height: min(32rem, calc(100vh - 6rem));
    }
    chat-thread::part(base) {
      border-radius: 0;
      border-inline: none;
      border-bottom: none;
    }
  `;
