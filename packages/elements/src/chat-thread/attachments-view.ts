import {
  type Attachment,
  type AttachmentLinks,
  attachmentLinksOf,
  type ChatMessage,
  type PendingFile,
} from '@palaver/sdk';
import { html, nothing, type TemplateResult } from 'lit';
import type { PalaverStrings } from '../shared/i18n.js';
import { placeholderUrl } from '../shared/placeholder.js';
import type { MessageAttachments } from './attachments.js';

export { attachmentViewStyles } from './attachments-view.styles.js';

// The views of files, loaded (a chunk of their own) with the first message
// that has some, or the first file picked: most threads never show one.

export { attachmentLinksOf };

/** What the views below need from the thread. */
export interface AttachmentsContext {
  t: PalaverStrings;
  language: string;
  /** What the thread does with files (open the viewer, cancel an upload). */
  files: MessageAttachments;
  /** The client's link cache: fresh, absolute addresses. */
  links: AttachmentLinks | undefined;
}

/** The address to use now (fresh and absolute where the client can make it so). */
export const addressOf = (links: AttachmentLinks | undefined, attachment: Attachment, variant: 'file' | 'preview') =>
  links?.url(attachment, variant) ?? ((variant === 'preview' && attachment.previewUrl) || attachment.url);

const isImage = (type: string) => type.startsWith('image/');

/** "2.4 MB", "830 kB", in the reader's language. */
export function humanSize(bytes: number, language: string): string {
  const [value, unit] =
    bytes >= 1e6 ? [bytes / 1e6, 'megabyte'] : bytes >= 1e3 ? [bytes / 1e3, 'kilobyte'] : [bytes, 'byte'];
  return new Intl.NumberFormat(language, { style: 'unit', unit, maximumFractionDigits: 1 }).format(value);
}

/** A document's kind as people name it: the file's extension ("PDF", "DOCX"), else the type's. */
export function kindOf(name: string, type: string): string {
  const extension = /\.([a-z0-9]{1,5})$/i.exec(name)?.[1];
  return (extension ?? type.split('/').pop() ?? '').toUpperCase();
}

function renderImage(message: ChatMessage, attachment: Attachment, index: number, context: AttachmentsContext) {
  const { t, files, links } = context;
  // The box has the image's shape before a byte of it arrived, the placeholder painted in it: nothing moves.
  const shape =
    attachment.width && attachment.height ? `aspect-ratio: ${attachment.width} / ${attachment.height};` : '';
  const placeholder = placeholderUrl(attachment.placeholder);
  return html`<button
    type="button"
    class="image"
    part="image"
    style=${`${shape}${placeholder ? `background-image: url(${placeholder});` : ''}`}
    aria-label=${t.openImage(attachment.name)}
    @click=${(event: Event) => files.open(message, index, event.currentTarget as HTMLElement)}
  >
    <img
      src=${addressOf(links, attachment, 'preview')}
      alt=${attachment.name}
      loading="lazy"
      decoding="async"
      @error=${() => links?.refresh(attachment)}
    />
  </button>`;
}

function renderDocument(attachment: Attachment, context: AttachmentsContext): TemplateResult {
  const { t, language, links } = context;
  // Its name is its text (what the chip shows is what a screen reader says), "Download" first.
  return html`<a
    class="file"
    part="file"
    href=${addressOf(links, attachment, 'file')}
    download=${attachment.name}
    target="_blank"
    rel="noopener noreferrer"
  >
    <span class="visually-hidden">${t.download}</span>
    <span class="kind">${kindOf(attachment.name, attachment.type)}</span>
    <span class="name" dir="auto">${attachment.name}</span>
    <small>${humanSize(attachment.size, language)}</small>
  </a>`;
}

/** A message's attachments: its images in a grid (opening the viewer), then its documents as download chips. */
export function renderAttachments(message: ChatMessage, context: AttachmentsContext): TemplateResult | typeof nothing {
  if (message.pending) return message.files?.length ? renderPendingFiles(message, context) : nothing;
  if (message.attachments.length === 0) return nothing;
  const images = message.attachments.filter((a) => isImage(a.type));
  const documents = message.attachments.filter((a) => !isImage(a.type));
  return html`<div class="attachments">
    ${
      images.length > 0
        ? html`<div class=${`images count-${Math.min(images.length, 4)}`}>
          ${images.map((a, i) => renderImage(message, a, i, context))}
        </div>`
        : nothing
    }
    ${documents.map((a) => renderDocument(a, context))}
  </div>`;
}

function renderPendingFile(message: ChatMessage, file: PendingFile, context: AttachmentsContext): TemplateResult {
  const { t, language, files } = context;
  const percent = Math.round(file.progress * 100);
  return html`<li class=${`pending-file ${file.status}`} part="pending-file">
    ${
      isImage(file.type) && file.url
        ? html`<img src=${file.url} alt=${file.name} />`
        : html`<span class="kind" aria-hidden="true">${kindOf(file.name, file.type)}</span>`
    }
    <span class="name" dir="auto">${file.name}</span>
    <small>${humanSize(file.size, language)}</small>
    ${
      file.status === 'failed'
        ? html`<span class="reason" role="alert">${t.fileRefused(file.error?.code ?? '', file.error?.message ?? '')}</span>`
        : file.status === 'uploaded'
          ? nothing
          : html`<span
              role="progressbar"
              aria-label=${t.uploading(file.name)}
              aria-valuemin="0"
              aria-valuemax="100"
              aria-valuenow=${percent}
              aria-valuetext=${file.status === 'waiting' ? t.fileWaiting : `${percent} %`}
              ><span style=${`width: ${percent}%`}></span
            ></span>`
    }
    ${
      file.status === 'uploaded'
        ? nothing
        : html`<button type="button" class="remove" aria-label=${t.removeFile(file.name)} @click=${() => files.cancel(message, file)}>
          ×
        </button>`
    }
  </li>`;
}

/** The files of a message still in the outbox: local previews, progress, what was refused, and cancel. */
function renderPendingFiles(message: ChatMessage, context: AttachmentsContext): TemplateResult {
  return html`<ul class="pending-files">
    ${(message.files ?? []).map((file) => renderPendingFile(message, file, context))}
  </ul>`;
}

/** The files picked in the composer, before sending: a preview of each, with remove. */
export function renderPicked(
  picked: ReadonlyArray<{ file: File; url: string }>,
  t: PalaverStrings,
  remove: (index: number) => void,
): TemplateResult | typeof nothing {
  if (picked.length === 0) return nothing;
  return html`<ul class="picked" part="picked-files">
    ${picked.map(
      ({ file, url }, index) => html`<li>
        ${
          isImage(file.type)
            ? html`<img src=${url} alt=${file.name} />`
            : html`<span class="kind" aria-hidden="true">${kindOf(file.name, file.type)}</span>`
        }
        <span class="name" dir="auto">${file.name}</span>
        <button type="button" class="remove" aria-label=${t.removeFile(file.name)} @click=${() => remove(index)}>×</button>
      </li>`,
    )}
  </ul>`;
}
