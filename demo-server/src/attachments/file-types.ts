import { createReadStream } from 'node:fs';
import { fileTypeFromFile } from 'file-type';
import { ChatError } from '../errors.js';

/** The image formats sharp re-encodes; HEIC comes out as JPEG. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'heif';

export interface AllowedType {
  /** The Content-Type it is stored and served with. */
  type: string;
  /** File name extensions of the type, the usual one first. */
  extensions: readonly string[];
  /** Images are re-encoded (and get a preview); everything else is kept byte for byte. */
  image?: ImageFormat;
}

const image = (type: string, image: ImageFormat, ...extensions: string[]): AllowedType => ({ type, image, extensions });
const document = (type: string, ...extensions: string[]): AllowedType => ({ type, extensions });

/** What file-type recognises and Palaver accepts, by the MIME type file-type names. */
const ALLOWED: Record<string, AllowedType> = {
  'image/jpeg': image('image/jpeg', 'jpeg', 'jpg', 'jpeg'),
  'image/png': image('image/png', 'png', 'png'),
  // An animated PNG: stored as a still PNG (its first frame), as browsers would show a broken one otherwise.
  'image/apng': image('image/png', 'png', 'png'),
  'image/webp': image('image/webp', 'webp', 'webp'),
  'image/gif': image('image/gif', 'gif', 'gif'),
  'image/heic': image('image/jpeg', 'heif', 'jpg', 'jpeg'),
  'image/heif': image('image/jpeg', 'heif', 'jpg', 'jpeg'),
  'application/pdf': document('application/pdf', 'pdf'),
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': document(
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'docx',
  ),
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': document(
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'xlsx',
  ),
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': document(
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    'pptx',
  ),
  'application/vnd.oasis.opendocument.text': document('application/vnd.oasis.opendocument.text', 'odt'),
  'application/vnd.oasis.opendocument.spreadsheet': document('application/vnd.oasis.opendocument.spreadsheet', 'ods'),
};

/**
 * The older Office formats share one container (Compound File Binary), which
 * also holds Outlook messages and installers: only a name that says Word,
 * Excel or PowerPoint is taken, and served as that.
 */
const LEGACY_OFFICE: Record<string, AllowedType> = {
  doc: document('application/msword', 'doc'),
  xls: document('application/vnd.ms-excel', 'xls'),
  ppt: document('application/vnd.ms-powerpoint', 'ppt'),
};

const PLAIN_TEXT = document('text/plain; charset=utf-8', 'txt', 'text', 'csv', 'log', 'md');

const IMAGE_EXTENSIONS = /\.(jpe?g|png|gif|webp|heic|heif|avif|bmp|tiff?|svg)$/i;

/** How much of a text file decides whether it is markup. */
const MARKUP_PROBE = /^\uFEFF?\s*<[!?a-zA-Z]/;

/**
 * What the uploaded file at `path` really is, from its bytes: the declared
 * type and the name only ever narrow what is accepted (a file declared as an
 * image must be one). Refuses with `unsupported_media_type`.
 */
export async function sniffType(path: string, declared: { name: string; mimeType: string }): Promise<AllowedType> {
  const detected = await fileTypeFromFile(path);
  const claimsImage = declared.mimeType.toLowerCase().startsWith('image/') || IMAGE_EXTENSIONS.test(declared.name);
  let allowed: AllowedType | undefined;
  if (detected) {
    allowed =
      detected.mime === 'application/x-cfb'
        ? LEGACY_OFFICE[declared.name.split('.').pop()?.toLowerCase() ?? '']
        : ALLOWED[detected.mime];
  } else if (await isPlainText(path)) {
    allowed = PLAIN_TEXT;
  }
  if (!allowed) {
    throw new ChatError(
      'unsupported_media_type',
      'This type of file is not accepted: send images (JPEG, PNG, WebP, GIF), PDF, text or office documents.',
    );
  }
  if (claimsImage && !allowed.image) {
    throw new ChatError('unsupported_media_type', 'The file claims to be an image but its content is not one.');
  }
  return allowed;
}

/**
 * UTF-8 without NUL bytes, and not markup (HTML, SVG, XML): file-type does
 * not recognise text, so it is checked here, the whole file, streamed.
 */
async function isPlainText(path: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = '';
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
      const bytes = chunk as Buffer;
      if (bytes.includes(0)) return false;
      const text = decoder.decode(bytes, { stream: true });
      if (start.length < 256) start += text.slice(0, 256);
    }
    decoder.decode();
  } catch {
    return false;
  }
  return !MARKUP_PROBE.test(start);
}
