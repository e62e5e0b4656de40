import { LIMITS } from '@palaver/protocol';
import type { AttachmentLinks, ChatClient, ChatMessage, PendingFile } from '@palaver/sdk';
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { addStyles } from '../shared/adopt-styles.js';
import type { PalaverStrings } from '../shared/i18n.js';
import type { ViewerImage } from './lightbox.js';

type View = typeof import('./attachments-view.js');

/** What a message's attachments view calls (see attachments-view.ts). */
export interface MessageAttachments {
  /** Opens the viewer on a message's image; focus returns to `trigger` when it closes. */
  open(message: ChatMessage, index: number, trigger: HTMLElement): void;
  /** Removes a file of a message not sent yet. */
  cancel(message: ChatMessage, file: PendingFile): void;
}

/** What a message's view calls. */
export interface ThreadFiles extends MessageAttachments {
  /** A message's files (images, documents, uploads in progress); nothing until their view has loaded. */
  render(message: ChatMessage, t: PalaverStrings, language: string): TemplateResult | typeof nothing;
}

/** Types the server accepts; the picker offers them (the server decides, from the bytes). */
const ACCEPT = 'image/*,application/pdf,text/plain,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods';

/**
 * The thread's files: those picked in the composer (attach button, paste,
 * drag and drop) until they are sent, the addresses of sent ones (kept fresh
 * by the SDK's link cache), and the image viewer, whose code loads the first
 * time someone opens an image.
 */
export class AttachmentsController implements ReactiveController, ThreadFiles {
  /** Picked and not sent yet, each with a local address for its preview. */
  picked: Array<{ file: File; url: string }> = [];
  /** Files are being dragged over the thread. */
  dragging = false;
  /** Why the last pick was cut short (too many files). */
  notice: string | undefined;
  private viewer: { images: ViewerImage[]; index: number; trigger: HTMLElement } | undefined;
  private links: AttachmentLinks | undefined;
  private stopLinks: (() => void) | undefined;
  /** The views of files: a chunk of their own, loaded when the thread first needs them. */
  private view: View | undefined;
  private loadingView: Promise<View> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly client: () => ChatClient | undefined,
    private readonly strings: () => PalaverStrings,
  ) {
    host.addController(this);
  }

  private loadView(): Promise<View> {
    this.loadingView ??= import('./attachments-view.js').then(
      (view) => {
        this.view = view;
        // The views' styles came with their chunk: they join the thread's.
        addStyles(this.host.shadowRoot, view.attachmentViewStyles);
        this.host.requestUpdate();
        return view;
      },
      (error: unknown) => {
        this.loadingView = undefined; // offline: the next render tries again
        throw error;
      },
    );
    return this.loadingView;
  }

  hostUpdate(): void {
    const client = this.client();
    const links = client && this.view ? this.view.attachmentLinksOf(client) : undefined;
    if (links === this.links) return;
    this.stopLinks?.();
    this.links = links;
    // Fresh addresses re-render the images that use them.
    this.stopLinks = links?.$version.listen(() => this.host.requestUpdate());
  }

  hostDisconnected(): void {
    this.stopLinks?.();
    this.stopLinks = undefined;
    this.links = undefined;
  }

  // --- picking ------------------------------------------------------------------

  add(files: Iterable<File>): void {
    const all = [...this.picked.map((p) => p.file), ...files];
    const max = LIMITS.attachmentsPerMessageMax;
    this.notice = all.length > max ? this.strings().tooManyFiles(max) : undefined;
    for (const file of all.slice(this.picked.length, max)) this.picked.push({ file, url: URL.createObjectURL(file) });
    void this.loadView().catch(() => undefined);
    this.host.requestUpdate();
  }

  remove(index: number): void {
    const [gone] = this.picked.splice(index, 1);
    if (gone) URL.revokeObjectURL(gone.url);
    this.notice = undefined;
    this.host.requestUpdate();
    // Focus stays in the composer rather than falling to <body> with the removed button.
    (this.host.shadowRoot?.querySelector('.attach') as HTMLElement | null)?.focus();
  }

  /** The picked files, handed over to a message (the outbox keeps their bytes and makes its own previews). */
  take(): File[] {
    const files = this.picked.map((p) => p.file);
    for (const p of this.picked) URL.revokeObjectURL(p.url);
    this.picked = [];
    this.notice = undefined;
    this.host.requestUpdate();
    return files;
  }

  readonly onPick = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    this.add(input.files ?? []);
    input.value = ''; // picking the same file again is a new pick
  };

  /** A pasted image (a screenshot, a copied photo) is attached; pasted text stays text. */
  readonly onPaste = (event: ClipboardEvent): void => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    this.add(files);
  };

  readonly onDragOver = (event: DragEvent): void => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    if (!this.dragging) {
      this.dragging = true;
      this.host.requestUpdate();
    }
  };

  readonly onDragLeave = (event: DragEvent): void => {
    // Leaving a child for another child is not leaving the thread.
    if (event.relatedTarget && event.composedPath().includes(event.relatedTarget as Node)) return;
    this.dragging = false;
    this.host.requestUpdate();
  };

  readonly onDrop = (event: DragEvent): void => {
    if (!event.dataTransfer?.files.length) return;
    event.preventDefault();
    this.dragging = false;
    this.add(event.dataTransfer.files);
  };

  // --- sent files ---------------------------------------------------------------

  render(message: ChatMessage, t: PalaverStrings, language: string): TemplateResult | typeof nothing {
    if (message.attachments.length === 0 && !message.files?.length) return nothing;
    if (!this.view) {
      // Safe to drop: a failed load (offline) is tried again at the next render.
      void this.loadView().catch(() => undefined);
      return nothing;
    }
    return this.view.renderAttachments(message, { t, language, files: this, links: this.links });
  }

  cancel(message: ChatMessage, file: PendingFile): void {
    void this.client()?.cancelFile(message.clientId, file.id);
  }

  // --- the viewer -----------------------------------------------------------------

  async open(message: ChatMessage, index: number, trigger: HTMLElement): Promise<void> {
    const [view] = await Promise.all([this.loadView(), import('./lightbox.js')]);
    const images = message.attachments
      .filter((a) => a.type.startsWith('image/'))
      .map((a) => ({ src: view.addressOf(this.links, a, 'file'), name: a.name }));
    this.viewer = { images, index, trigger };
    this.host.requestUpdate();
  }

  private readonly close = (): void => {
    const trigger = this.viewer?.trigger;
    if (!trigger) return;
    this.viewer = undefined;
    this.host.requestUpdate();
    trigger?.focus();
  };

  // --- rendering ------------------------------------------------------------------

  /** The attach button and its (hidden) file input: part of the composer. */
  renderAttach(t: PalaverStrings, disabled: boolean): TemplateResult {
    return html`<button
        type="button"
        class="attach"
        part="attach-button"
        aria-label=${t.attach}
        title=${t.attach}
        ?disabled=${disabled}
        @click=${(event: Event) => ((event.currentTarget as HTMLElement).nextElementSibling as HTMLElement).click()}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path
            d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5"
            fill="none"
            stroke="currentColor"
            stroke-width="1.6"
            stroke-linecap="round"
          />
        </svg></button
      ><input type="file" multiple hidden accept=${ACCEPT} tabindex="-1" @change=${this.onPick} />`;
  }

  /** Above the composer: the picked files, and why some were left out. */
  renderPicked(t: PalaverStrings): TemplateResult {
    return html`${this.view?.renderPicked(this.picked, t, (i) => this.remove(i)) ?? nothing}
    ${this.notice ? html`<div class="hint" role="status">${this.notice}</div>` : nothing}
    ${this.dragging ? html`<div class="drop-hint" aria-hidden="true">${t.dropFiles}</div>` : nothing}`;
  }

  renderViewer(t: PalaverStrings): TemplateResult | typeof nothing {
    const viewer = this.viewer;
    if (!viewer) return nothing;
    return html`<chat-lightbox
      .images=${viewer.images}
      .index=${viewer.index}
      .t=${t}
      .onClose=${this.close}
    ></chat-lightbox>`;
  }
}
