import { css } from 'lit';

/** The attach button and the drop hint of `<chat-thread>`'s composer (the views of files have theirs: attachments-view.styles.ts). */
export const attachmentStyles = css`
  .attach {
    min-width: 2.5rem;
    min-height: 2.5rem;
    display: grid;
    place-items: center;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_surface);
    color: var(--_text);
    cursor: pointer;
  }
  .attach:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  .picked,
  .drop-hint {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    background: color-mix(in srgb, var(--_accent) 18%, transparent);
    border: 2px dashed var(--_accent);
    border-radius: var(--_radius);
    color: var(--_text);
    font-weight: 600;
    pointer-events: none;
  }
`;
