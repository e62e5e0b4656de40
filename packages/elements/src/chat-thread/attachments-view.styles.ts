import { css } from 'lit';

/**
 * The views of files: picked ones in the composer, uploads in progress, images
 * and documents of messages. They come with the views' chunk, on first use, and
 * are added to the thread's styles then (see AttachmentsController).
 */
export const attachmentViewStyles = css`
  .pending-files {
    list-style: none;
    margin: 0;
    padding: 0 var(--_space);
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
  }
  .pending-files {
    padding: 0;
    margin-top: 0.25rem;
    flex-direction: column;
  }
  .picked li,
  .pending-file {
    display: flex;
    align-items: center;
    gap: 0.4em;
    max-width: 16rem;
    padding: 0.25rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_surface-alt);
    font-size: 0.85em;
  }
  .pending-file {
    flex-wrap: wrap;
  }
  .pending-file.failed {
    border-color: var(--_danger);
  }
  .picked img,
  .pending-file img {
    width: 2.5rem;
    height: 2.5rem;
    object-fit: cover;
    border-radius: 4px;
  }
  .kind {
    min-width: 2.5rem;
    padding: 0.3em 0.2em;
    border-radius: 4px;
    background: var(--_accent);
    color: var(--_on-accent);
    font-size: 0.7em;
    font-weight: 700;
    text-align: center;
  }
  .name {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .remove {
    min-width: 1.75rem;
    min-height: 1.75rem;
    border: none;
    border-radius: 50%;
    background: transparent;
    color: inherit;
    font: inherit;
    font-size: 1.1em;
    cursor: pointer;
  }
  .reason {
    flex-basis: 100%;
    color: var(--_danger);
  }
  [role='progressbar'] {
    flex-basis: 100%;
    height: 4px;
    border-radius: 2px;
    background: var(--_border);
    overflow: hidden;
  }
  [role='progressbar'] span {
    display: block;
    height: 100%;
    background: var(--_accent);
    transition: width 0.2s;
  }
  .attachments {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
    margin-top: 0.25rem;
    width: min(20rem, 70vw);
  }
  .images {
    display: grid;
    gap: 2px;
    border-radius: var(--_radius);
    overflow: hidden;
  }
  .images.count-2,
  .images.count-4 {
    grid-template-columns: 1fr 1fr;
  }
  .images.count-3 {
    grid-template-columns: 1fr 1fr 1fr;
  }
  .image {
    display: block;
    padding: 0;
    border: none;
    /* The image's own shape (aspect-ratio, set inline) when alone; squares in a grid. */
    aspect-ratio: 4 / 3;
    background: var(--_surface-alt) center / cover no-repeat;
    cursor: zoom-in;
    overflow: hidden;
  }
  .images:not(.count-1) .image {
    aspect-ratio: 1 !important;
  }
  .image img {
    display: block;
    width: 100%;
    height: 100%;
    object-fit: cover;
  }
  .file {
    display: flex;
    align-items: center;
    gap: 0.5em;
    padding: 0.4em 0.6em;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_surface);
    color: var(--_text);
    text-decoration: none;
  }
  .file small {
    color: var(--_muted);
  }
`;
