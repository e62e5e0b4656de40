import { css } from 'lit';
import { thumbnailStyles } from '../shared/thumbnail.js';
import { tokens } from '../shared/tokens.styles.js';
import { attachmentStyles } from './attachments.styles.js';

export const chatThreadStyles = [
  tokens,
  thumbnailStyles,
  attachmentStyles,
  css`
    :host {
      --_own-bg: var(--chat-thread-own-bubble, var(--_accent));
      --_own-fg: var(--chat-thread-own-text, var(--_on-accent));
      --_other-bg: var(--chat-thread-other-bubble, var(--_surface-alt));
      --_other-fg: var(--chat-thread-other-text, var(--_text));
      --_height: var(--chat-thread-height, 32rem);
      display: block;
      height: var(--_height);
    }
    [part='base'] {
      box-sizing: border-box;
      display: flex;
      flex-direction: column;
      height: 100%;
      background: var(--_surface);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      overflow: hidden;
      position: relative;
    }
    [part='product'] {
      display: flex;
      gap: var(--_space);
      align-items: center;
      padding: var(--_space) calc(var(--_space) * 1.5);
      border-bottom: 1px solid var(--_border);
      background: var(--_surface-alt);
    }
    [part='product'] {
      --_thumb-size: 2.75rem;
    }
    .subject {
      display: flex;
      flex-direction: column;
      min-width: 0;
    }
    .subject small {
      color: var(--_muted);
    }
    [part='product'] a,
    [part='product'] strong {
      color: inherit;
      font-weight: 600;
    }
    .price {
      color: var(--_muted);
      margin-inline-start: auto;
    }
    [part='banner'] {
      padding: calc(var(--_space) / 2) calc(var(--_space) * 1.5);
      background: var(--_surface-alt);
      color: var(--_muted);
      font-size: 0.85em;
      border-bottom: 1px solid var(--_border);
    }
    [part='banner'].error {
      color: var(--_danger);
    }
    [part='banner'].blocked {
      display: flex;
      align-items: center;
      gap: var(--_space);
      color: var(--_text);
    }
    [part='banner'].blocked span {
      flex: 1;
    }
    .thread-menu {
      margin-inline-start: auto;
    }
    .price + .thread-menu {
      margin-inline-start: 0;
    }
    .thread-menu button {
      font: inherit;
      background: none;
      border: none;
      cursor: pointer;
    }
    .thread-menu .more-button {
      display: inline-flex;
      padding: 0.35em;
      border-radius: 0.4em;
      color: var(--_muted);
    }
    .thread-menu .more-button:hover {
      background: var(--_surface);
      color: var(--_text);
    }
    .thread-menu .menu {
      min-width: 12rem;
    }
    [part='notice'] {
      display: flex;
      align-items: center;
      gap: calc(var(--_space) / 2);
      padding: calc(var(--_space) / 2) calc(var(--_space) * 1.5);
      color: var(--_danger);
      font-size: 0.85em;
      border-bottom: 1px solid var(--_border);
    }
    [part='notice'] span {
      flex: 1;
    }
    [part='log'] {
      flex: 1;
      overflow-y: auto;
      overscroll-behavior: contain;
      padding: var(--_space) calc(var(--_space) * 1.5);
      display: flex;
      flex-direction: column;
      gap: calc(var(--_space) / 2);
    }
    [part='log']:focus-visible {
      outline: var(--_focus);
      outline-offset: -2px;
    }
    .placeholder {
      margin: auto;
      color: var(--_muted);
      text-align: center;
    }
    [part='separator'] {
      align-self: center;
      color: var(--_muted);
      font-size: 0.8em;
      margin: var(--_space) 0 calc(var(--_space) / 2);
    }
    [part~='message'] {
      display: flex;
      flex-direction: column;
      align-items: flex-start;
      max-width: min(80%, 36rem);
    }
    [part~='message'].own {
      align-self: flex-end;
      align-items: flex-end;
    }
    [part='author'] {
      font-size: 0.8em;
      color: var(--_muted);
      margin: calc(var(--_space) / 2) calc(var(--_space) / 2) 0.125rem;
    }
    .staff {
      margin-inline-start: 0.35em;
      padding: 0 0.4em;
      border-radius: 0.6em;
      background: var(--chat-color-staff, #7a3fbf);
      color: #fff;
      font-size: 0.9em;
      font-weight: 600;
    }
    [part='bubble'] {
      padding: calc(var(--_space) * 0.75) var(--_space);
      border-radius: var(--_radius);
      background: var(--_other-bg);
      color: var(--_other-fg);
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .own [part='bubble'] {
      background: var(--_own-bg);
      color: var(--_own-fg);
    }
    /* Links keep the bubble's text color (readable on any theme), underlined. */
    [part='bubble'] a {
      color: inherit;
      text-decoration: underline;
    }
    .deleted [part='bubble'],
    .removed:not(:has(.removed-note)) [part='bubble'] {
      background: transparent;
      border: 1px dashed var(--_border);
      color: var(--_muted);
      font-style: italic;
    }
    /* Marked, not faded: a failed message must stay readable. */
    .failed [part='bubble'] {
      outline: 2px dashed var(--_danger);
      outline-offset: 2px;
    }
    .meta {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4em;
      align-items: center;
      font-size: 0.75em;
      color: var(--_muted);
      margin: 0.125rem calc(var(--_space) / 2) 0;
    }
    .masked-note,
    .removed-note {
      margin: 0.125rem calc(var(--_space) / 2) 0;
      font-size: 0.75em;
      color: var(--_muted);
    }
    [part='status'].failed {
      color: var(--_danger);
      font-weight: 600;
    }
    [part='status'].read {
      color: var(--_accent);
    }
    [part='status'] {
      display: inline-flex;
      align-items: center;
      gap: 0.25em;
    }
    /* Not yet on the server: outlined, so it does not pass for sent (not faded: the text keeps its contrast). */
    .waiting [part='bubble'] {
      outline: 2px dashed var(--_muted);
      outline-offset: 2px;
    }
    .actions button,
    .meta button,
    [part='banner'] button,
    [part='report'] > button {
      font: inherit;
      color: var(--_accent);
      background: none;
      border: none;
      padding: 0.1em 0.2em;
      cursor: pointer;
      text-decoration: underline;
    }
    [part~='message'] {
      position: relative;
    }
    [part~='message']:focus {
      outline: none;
    }
    /* In a run, a message's time shows on hover or focus only, beside its bubble (nothing moves). */
    .continued [part='timestamp'] {
      position: absolute;
      bottom: 0.2rem;
      inset-inline-start: calc(100% + 0.4rem);
      white-space: nowrap;
      visibility: hidden;
    }
    .own.continued [part='timestamp'] {
      inset-inline-start: auto;
      inset-inline-end: calc(100% + 0.4rem);
    }
    [part~='message']:hover [part='timestamp'],
    [part~='message']:focus-within [part='timestamp'],
    .menu-open [part='timestamp'] {
      visibility: visible;
    }
    /* The actions button: there on hover or focus with a mouse, always there on touch. */
    .more {
      position: relative;
      display: inline-flex;
    }
    .meta .more-button {
      display: inline-flex;
      align-items: center;
      justify-content: center;
      padding: 0.1em 0.3em;
      border-radius: 0.4em;
      color: var(--_muted);
      opacity: 0;
    }
    .meta .more-button:hover {
      background: var(--_surface-alt);
      color: var(--_text);
    }
    [part~='message']:hover .more-button,
    [part~='message']:focus-within .more-button,
    .menu-open .more-button {
      opacity: 1;
    }
    .menu {
      position: absolute;
      z-index: 2;
      /* Below the button: the log scrolls down to it (it could not scroll up to a menu above the first message). */
      top: calc(100% + 0.25rem);
      inset-inline-end: 0;
      display: flex;
      flex-direction: column;
      min-width: 9rem;
      padding: 0.25rem;
      background: var(--_surface);
      color: var(--_text);
      border: 1px solid var(--_border);
      border-radius: calc(var(--_radius) * 0.75);
      box-shadow: 0 4px 16px rgb(0 0 0 / 0.18);
      font-size: var(--_font-size);
    }
    .menu.confirm {
      min-width: 12rem;
      gap: 0.25rem;
    }
    .menu.confirm span {
      padding: 0.4rem 0.6rem;
    }
    .menu button {
      text-align: start;
      text-decoration: none;
      color: var(--_text);
      padding: 0.45rem 0.6rem;
      border-radius: calc(var(--_radius) / 2);
    }
    .menu button:hover,
    .menu button:focus-visible {
      background: var(--_surface-alt);
    }
    .menu button.danger {
      color: var(--_danger);
    }
    .quick-reactions {
      display: flex;
      border-bottom: 1px solid var(--_border);
      margin-bottom: 0.25rem;
    }
    .menu .quick-reactions button {
      padding: 0.3rem 0.4rem;
      font-size: 1.15em;
      line-height: 1;
    }
    .menu .quick-reactions [aria-checked='true'] {
      background: color-mix(in srgb, var(--_accent) 16%, transparent);
    }
    [part='reactions'] {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem;
      margin-top: 0.2rem;
    }
    .own [part='reactions'] {
      justify-content: flex-end;
    }
    [part='reaction'] {
      display: inline-flex;
      align-items: center;
      gap: 0.25rem;
      padding: 0.1rem 0.5rem;
      border: 1px solid var(--_border);
      border-radius: 999px;
      background: var(--_surface);
      color: var(--_text);
      font: inherit;
      font-size: 0.85em;
      cursor: pointer;
    }
    [part='reaction'][aria-pressed='true'] {
      border-color: var(--_accent);
      background: color-mix(in srgb, var(--_accent) 12%, var(--_surface));
    }
    [part='reaction']:disabled {
      cursor: default;
    }
    /* Fingers need room: 44 px targets where the pointer is coarse. */
    @media (pointer: coarse) {
      .meta button {
        min-width: 44px;
        min-height: 44px;
      }
      .meta .more-button {
        opacity: 1;
      }
    }
    button:focus-visible,
    textarea:focus-visible,
    a:focus-visible {
      outline: var(--_focus);
      outline-offset: 2px;
    }
    .edit {
      display: flex;
      flex-direction: column;
      gap: 0.25rem;
      width: min(28rem, 70vw);
    }
    [part='typing'] {
      min-height: 1.25em;
      padding: 0 calc(var(--_space) * 1.5);
      font-size: 0.8em;
      color: var(--_muted);
    }
    .jump {
      position: absolute;
      inset-inline-end: var(--_space);
      bottom: 5.5rem;
      border: none;
      border-radius: 1em;
      padding: 0.3em 0.8em;
      background: var(--_accent);
      color: var(--_on-accent);
      font: inherit;
      font-size: 0.85em;
      cursor: pointer;
      box-shadow: 0 1px 4px rgb(0 0 0 / 0.2);
    }
    [part='composer'] {
      display: flex;
      gap: var(--_space);
      align-items: flex-end;
      padding: var(--_space);
      border-top: 1px solid var(--_border);
    }
    textarea {
      flex: 1;
      box-sizing: border-box;
      resize: none;
      max-height: 9rem;
      min-height: 2.5rem;
      padding: 0.55rem 0.7rem;
      font: inherit;
      color: var(--_text);
      background: var(--_surface);
      border: 1px solid var(--_border);
      border-radius: calc(var(--_radius) * 0.75);
    }
    [part='send-button'] {
      min-height: 2.5rem;
      padding: 0 1rem;
      border: none;
      border-radius: calc(var(--_radius) * 0.75);
      background: var(--_accent);
      color: var(--_on-accent);
      font: inherit;
      font-weight: 600;
      cursor: pointer;
    }
    [part='send-button']:disabled {
      opacity: 0.5;
      cursor: not-allowed;
    }
    .counter {
      font-size: 0.75em;
      color: var(--_muted);
      padding: 0 var(--_space) 0.25rem;
      text-align: end;
    }
    .counter.over {
      color: var(--_danger);
      font-weight: 600;
    }
  `,
];
