import { css } from 'lit';
import { thumbnailStyles } from '../shared/thumbnail.js';
import { tokens } from '../shared/tokens.styles.js';

export const chatInboxStyles = [
  tokens,
  thumbnailStyles,
  css`
    :host {
      --_height: var(--chat-inbox-height, 36rem);
      --_list-width: var(--chat-inbox-list-width, 20rem);
      display: block;
      height: var(--_height);
      container-type: inline-size;
    }
    [part='base'] {
      box-sizing: border-box;
      display: flex;
      height: 100%;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
      overflow: hidden;
    }
    .list-pane {
      display: flex;
      flex-direction: column;
      width: 100%;
      min-width: 0;
    }
    :host([with-thread]) .list-pane {
      width: var(--_list-width);
      flex: none;
      border-inline-end: 1px solid var(--_border);
    }
    .detail-pane {
      flex: 1;
      min-width: 0;
      display: flex;
      flex-direction: column;
    }
    .detail-pane chat-thread {
      --chat-thread-height: 100%;
      flex: 1;
    }
    .detail-pane chat-thread::part(base) {
      border: none;
      border-radius: 0;
    }
    [part='toolbar'] {
      display: flex;
      align-items: center;
      gap: var(--_space);
      padding: var(--_space) calc(var(--_space) * 1.5);
      border-bottom: 1px solid var(--_border);
      font-size: 0.85em;
      color: var(--_muted);
    }
    [part='list'] {
      list-style: none;
      margin: 0;
      padding: 0;
      overflow-y: auto;
      flex: 1;
    }
    [part='list']:focus-visible {
      outline: var(--_focus);
      outline-offset: -2px;
    }
    [part~='item'] {
      display: grid;
      grid-template-columns: auto 1fr auto;
      gap: 0.1rem var(--_space);
      align-items: center;
      padding: var(--_space) calc(var(--_space) * 1.5);
      border-bottom: 1px solid var(--_border);
      cursor: pointer;
    }
    [part~='item'][aria-selected='true'] {
      background: var(--_surface-alt);
      box-shadow: inset 3px 0 0 var(--_accent);
    }
    [part~='item'].active {
      outline: var(--_focus);
      outline-offset: -2px;
    }
    .thumb {
      grid-row: span 3;
      align-self: start;
    }
    .title,
    .about,
    .preview {
      min-width: 0;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .title {
      font-weight: 600;
    }
    .about {
      grid-column: 2 / span 2;
      font-size: 0.85em;
    }
    .tag {
      padding: 0 0.4em;
      border-radius: 0.6em;
      background: var(--_surface-alt);
      color: var(--_accent);
      font-size: 0.9em;
      font-weight: 600;
    }
    .unread .title,
    .unread .preview {
      font-weight: 700;
      color: var(--_text);
    }
    time {
      font-size: 0.75em;
      color: var(--_muted);
      justify-self: end;
    }
    .preview {
      grid-column: 2;
      font-size: 0.85em;
      color: var(--_muted);
    }
    [part='count'] {
      justify-self: end;
      min-width: 1.4em;
      padding: 0 0.4em;
      border-radius: 0.7em;
      background: var(--chat-color-badge, #c5221f);
      color: #fff;
      font-size: 0.75em;
      font-weight: 700;
      line-height: 1.4em;
      text-align: center;
    }
    .placeholder {
      margin: auto;
      padding: calc(var(--_space) * 2);
      color: var(--_muted);
      text-align: center;
    }
    .back {
      align-self: flex-start;
      margin: var(--_space);
      font: inherit;
      color: var(--_accent);
      background: none;
      border: none;
      cursor: pointer;
      text-decoration: underline;
    }
    /* Narrow: list or thread, one at a time. */
    @container (max-width: 40rem) {
      :host([with-thread]) .list-pane {
        width: 100%;
        border: none;
      }
      :host([with-thread]) [part='base'].showing-detail .list-pane,
      :host([with-thread]) [part='base']:not(.showing-detail) .detail-pane {
        display: none;
      }
    }
    @container (min-width: 40.01rem) {
      .back {
        display: none;
      }
    }
  `,
];
