import { css, html, LitElement, type PropertyDeclarations, type PropertyValues } from 'lit';
import { defineElement } from '../shared/define-element.js';
import type { PalaverStrings } from '../shared/i18n.js';
import { tokens } from '../shared/tokens.styles.js';

export interface ViewerImage {
  /** The full image's address. */
  src: string;
  name: string;
}

/**
 * The image viewer of `<chat-thread>`: one of a message's images at full
 * size, in a modal dialog (the page behind is inert), with the previous and
 * next ones a key or a button away, a counter and a download link. Focus goes
 * into it when it opens; Escape or the close button closes it and the thread
 * puts focus back on the image that opened it. Its code is a chunk of its
 * own, loaded the first time someone opens an image.
 *
 * @internal Rendered by `<chat-thread>` only.
 */
export class ChatLightbox extends LitElement {
  static override styles = [
    tokens,
    css`
      dialog {
        border: none;
        padding: var(--_space);
        background: color-mix(in srgb, var(--_surface) 92%, transparent);
        color: var(--_text);
        max-width: 100vw;
        max-height: 100vh;
        width: 100vw;
        height: 100vh;
        box-sizing: border-box;
        display: grid;
        grid-template-rows: 1fr auto;
        gap: var(--_space);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.6);
      }
      figure {
        margin: 0;
        min-height: 0;
        display: grid;
        place-items: center;
      }
      img {
        max-width: 100%;
        max-height: calc(100vh - 6rem);
        object-fit: contain;
      }
      .bar {
        display: flex;
        align-items: center;
        justify-content: center;
        gap: var(--_space);
        flex-wrap: wrap;
      }
      button,
      a {
        font: inherit;
        color: inherit;
        background: var(--_surface-alt);
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        padding: 0.4rem 0.8rem;
        min-width: 2.75rem;
        min-height: 2.75rem;
        box-sizing: border-box;
        cursor: pointer;
        text-decoration: none;
        display: inline-grid;
        place-items: center;
      }
      button:disabled {
        opacity: 0.4;
        cursor: default;
      }
      :focus-visible {
        outline: var(--_focus);
        outline-offset: 2px;
      }
      .name {
        overflow-wrap: anywhere;
      }
    `,
  ];

  static override properties: PropertyDeclarations = {
    images: { attribute: false },
    index: { type: Number },
    t: { attribute: false },
    onClose: { attribute: false },
  };

  declare images: ViewerImage[];
  declare index: number;
  declare t: PalaverStrings;
  /** Called when the viewer asks to close (Escape, the close button). */
  declare onClose: () => void;

  constructor() {
    super();
    this.images = [];
    this.index = 0;
  }

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  protected override firstUpdated(changed: PropertyValues<this>): void {
    super.firstUpdated(changed);
    this.dialog?.showModal();
    (this.renderRoot.querySelector('.close') as HTMLElement | null)?.focus();
  }

  private move(by: number): void {
    const count = this.images.length;
    if (count > 1) this.index = (this.index + by + count) % count;
  }

  private readonly onKeydown = (event: KeyboardEvent): void => {
    // In a right-to-left page, the next image is on the left.
    const forward = getComputedStyle(this).direction === 'rtl' ? 'ArrowLeft' : 'ArrowRight';
    const back = forward === 'ArrowLeft' ? 'ArrowRight' : 'ArrowLeft';
    if (event.key === forward) this.move(1);
    else if (event.key === back) this.move(-1);
    else return;
    event.preventDefault();
  };

  /** Escape: the dialog would close itself; the thread closes it instead (and restores focus). */
  private readonly onCancel = (event: Event): void => {
    event.preventDefault();
    // Inside <contact-supplier>'s dialog, Escape closes the viewer, not both.
    event.stopPropagation();
    this.close();
  };

  private close(): void {
    // The dialog's `close` event tells the thread, however it closed.
    if (this.dialog?.open) this.dialog.close();
    else this.onClose?.();
  }

  override render() {
    const { t } = this;
    const image = this.images[this.index];
    if (!image) return html``;
    const single = this.images.length < 2;
    return html`<dialog aria-label=${t.imageViewer} @cancel=${this.onCancel} @close=${() => this.onClose?.()} @keydown=${this.onKeydown}>
      <figure>
        <img src=${image.src} alt=${image.name} />
      </figure>
      <div class="bar">
        <button type="button" aria-label=${t.previousImage} ?disabled=${single} @click=${() => this.move(-1)}>‹</button>
        <span class="counter" aria-live="polite">${t.imageCounter(this.index + 1, this.images.length)}</span>
        <button type="button" aria-label=${t.nextImage} ?disabled=${single} @click=${() => this.move(1)}>›</button>
        <span class="name" dir="auto">${image.name}</span>
        <a href=${image.src} download=${image.name} target="_blank" rel="noopener noreferrer">${t.download}</a>
        <button type="button" class="close" aria-label=${t.close} @click=${() => this.close()}>×</button>
      </div>
    </dialog>`;
  }
}

defineElement('chat-lightbox', ChatLightbox);

declare global {
  interface HTMLElementTagNameMap {
    'chat-lightbox': ChatLightbox;
  }
}
