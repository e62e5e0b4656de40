import { css, html, nothing, type TemplateResult } from 'lit';

/** A headset, drawn: what a support conversation shows where a product shows its picture. */
const supportIcon = html`<svg viewBox="0 0 24 24" width="60%" height="60%" aria-hidden="true" focusable="false"
  fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
  <path d="M4 14v-2a8 8 0 0 1 16 0v2"/><rect x="3" y="13" width="4" height="6" rx="1.5"/>
  <rect x="17" y="13" width="4" height="6" rx="1.5"/><path d="M19 19c0 1.5-2 2.5-5 2.5"/></svg>`;

/** A neutral picture, drawn: shown under a product's image, and instead of it when it cannot load. */
const pictureIcon = html`<svg viewBox="0 0 24 24" width="50%" height="50%" aria-hidden="true" focusable="false"
  fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
  <rect x="3" y="4" width="18" height="16" rx="2"/><circle cx="9" cy="10" r="1.8"/><path d="M21 17l-5-5-9 8"/></svg>`;

/** Up to two letters of a name ("Nordlys Ceramics" → "NC"), for a conversation without a picture. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((word) => Array.from(word as string)[0]?.toUpperCase() ?? '').join('');
}

/**
 * A picture that cannot load is hidden, so the neutral placeholder under it
 * shows instead of the browser's broken-image icon; a picture that loads (a new
 * URL) shows again.
 */
const onImageError = (event: Event) => {
  (event.target as HTMLImageElement).hidden = true;
};
const onImageLoad = (event: Event) => {
  (event.target as HTMLImageElement).hidden = false;
};

export interface ThumbnailOf {
  /** The product's picture, if it has one. */
  imageUrl?: string | undefined;
  /** A support conversation: the headset. */
  support?: boolean;
  /** Otherwise these letters (the counterpart's initials). */
  initials?: string;
}

/** The square at the start of an inbox line or of a thread's header (decorative: the text beside it says it all). */
export function renderThumbnail({ imageUrl, support, initials }: ThumbnailOf): TemplateResult {
  return html`<span class=${support ? 'thumb support' : 'thumb'} aria-hidden="true"
    >${support ? supportIcon : imageUrl ? pictureIcon : (initials ?? '')}${
      imageUrl ? html`<img src=${imageUrl} alt="" @error=${onImageError} @load=${onImageLoad} />` : nothing
    }</span
  >`;
}

/** The thumbnail's look; `--_thumb-size` sets its size. */
export const thumbnailStyles = css`
  .thumb {
    position: relative;
    flex: none;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: var(--_thumb-size, 2.5rem);
    height: var(--_thumb-size, 2.5rem);
    overflow: hidden;
    border-radius: calc(var(--_radius) / 2);
    background: var(--_surface-alt);
    color: var(--_muted);
    font-weight: 600;
    font-size: 0.85em;
    line-height: 1;
  }
  .thumb.support {
    color: var(--_accent);
  }
  .thumb img {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: cover;
  }
  .thumb img[hidden] {
    display: none;
  }
`;
