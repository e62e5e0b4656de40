import { css } from 'lit';
import { tokens } from '../shared/tokens.styles.js';

export const chatModerationStyles = [
  tokens,
  css`
    :host {
      display: block;
    }
    [part='base'] {
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
      padding: var(--_space);
    }
    button,
    select,
    input,
    textarea {
      font: inherit;
      color: inherit;
    }
    button {
      padding: 0.35em 0.8em;
      border: 1px solid var(--_border);
      border-radius: calc(var(--_radius) / 2);
      background: var(--_surface-alt);
      cursor: pointer;
    }
    button.primary {
      background: var(--_accent);
      border-color: var(--_accent);
      color: var(--_on-accent);
    }
    button.small {
      font-size: 0.85em;
      padding: 0.15em 0.6em;
    }
    :focus-visible {
      outline: var(--_focus);
      outline-offset: 2px;
    }
    [part='tabs'] {
      display: flex;
      gap: calc(var(--_space) / 2);
      border-bottom: 1px solid var(--_border);
      margin-bottom: var(--_space);
    }
    [role='tab'] {
      border: none;
      border-bottom: 3px solid transparent;
      border-radius: 0;
      background: transparent;
    }
    [role='tab'][aria-selected='true'] {
      border-bottom-color: var(--_accent);
      font-weight: 600;
    }
    .toolbar,
    .search,
    .buttons {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_space);
      align-items: end;
      margin-bottom: var(--_space);
    }
    label {
      display: flex;
      flex-direction: column;
      gap: 0.2em;
      font-size: 0.9em;
    }
    textarea {
      min-width: min(28rem, 100%);
    }
    .report,
    .results > li {
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: var(--_space);
      margin-bottom: var(--_space);
    }
    .results {
      list-style: none;
      padding: 0;
    }
    h2,
    h3 {
      font-size: 1em;
      margin: 0 0 0.25em;
    }
    .muted,
    .placeholder,
    .role,
    time {
      color: var(--_muted);
    }
    .error {
      color: var(--_danger);
    }
    .announce:empty {
      display: none;
    }
    .participants {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_space);
      list-style: none;
      padding: 0;
    }
    .badge {
      border: 1px solid currentColor;
      border-radius: 999px;
      padding: 0 0.5em;
      font-size: 0.8em;
    }
    .danger {
      color: var(--_danger);
    }
    .context {
      list-style: none;
      padding: 0;
      margin: var(--_space) 0;
      display: grid;
      gap: calc(var(--_space) / 2);
    }
    .message {
      padding: calc(var(--_space) / 2) var(--_space);
      border-radius: calc(var(--_radius) / 2);
      background: var(--_surface-alt);
    }
    .message.reported {
      outline: 2px solid var(--_danger);
    }
    .message .meta {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_space);
      font-size: 0.85em;
    }
    .message [part='bubble'] {
      margin: 0.2em 0;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .message.removed [part='bubble'] {
      text-decoration: line-through;
    }
    .removed-mark {
      margin: 0;
      font-size: 0.85em;
      color: var(--_danger);
    }
    table {
      width: 100%;
      border-collapse: collapse;
    }
    th,
    td {
      text-align: start;
      padding: 0.3em 0.5em;
      border-bottom: 1px solid var(--_border);
      vertical-align: top;
    }
    dialog {
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
      color: var(--_text);
      max-width: min(36rem, 92vw);
    }
    blockquote {
      margin: 0 0 var(--_space);
      padding-inline-start: var(--_space);
      border-inline-start: 3px solid var(--_border);
      white-space: pre-wrap;
    }
  `,
];
