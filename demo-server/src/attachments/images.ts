import sharp, { type Sharp } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { ChatError } from '../errors.js';
import type { ImageFormat } from './file-types.js';

/** The longest side of a preview, in pixels (the contract promises at most 480). */
export const PREVIEW_MAX_PX = 480;
/** ThumbHash works on at most 100 × 100 pixels. */
const PLACEHOLDER_MAX_PX = 100;
/** Decoding bombs: a 30 kB PNG can claim 50,000 × 50,000 pixels. About a 100-megapixel photo at most. */
const MAX_INPUT_PIXELS = 100_000_000;

export interface ProcessedImage {
  /** The re-encoded image (metadata gone, orientation applied). */
  size: number;
  width: number;
  height: number;
  /** The re-encoded image's type: HEIC becomes JPEG. */
  type: string;
  previewSize: number;
  /** ThumbHash, base64. */
  placeholder: string;
}

/**
 * Re-encodes an uploaded image from file to file: what browsers will show,
 * without what they should not (EXIF with GPS positions, camera serials,
 * embedded thumbnails that keep the uncropped picture), with the EXIF
 * orientation applied to the pixels. Animated GIFs keep their frames. Adds a
 * WebP preview (≤ 480 px) and a ThumbHash.
 *
 * libvips works with one thread per image (`sharp.concurrency(1)`) and
 * images go through `ImageQueue` a few at a time, so twenty photos arriving
 * together cost the memory of a few, not of twenty.
 */
export async function reencodeImage(
  input: string,
  format: ImageFormat,
  output: { file: string; preview: string },
): Promise<ProcessedImage> {
  const options = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' as const };
  try {
    const animated = format === 'gif';
    // GIFs carry no orientation; everything else is turned upright by its EXIF orientation.
    let pipeline = sharp(input, { ...options, animated });
    if (!animated) pipeline = pipeline.autoOrient();
    const encoded = encode(pipeline, format);
    const main = await encoded.toFile(output.file);
    const preview = await sharp(input, options)
      .autoOrient()
      .resize(PREVIEW_MAX_PX, PREVIEW_MAX_PX, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75, effort: 2 })
      .toFile(output.preview);
    const small = await sharp(output.preview)
      .resize(PLACEHOLDER_MAX_PX, PLACEHOLDER_MAX_PX, { fit: 'inside' })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const hash = rgbaToThumbHash(small.info.width, small.info.height, small.data);
    return {
      size: main.size,
      width: main.width,
      // An animated image's height is that of one frame.
      height: animated ? (main.pageHeight ?? main.height) : main.height,
      type: format === 'heif' ? 'image/jpeg' : `image/${format}`,
      previewSize: preview.size,
      placeholder: Buffer.from(hash).toString('base64'),
    };
  } catch (error) {
    if (error instanceof ChatError) throw error;
    // Bytes that looked like an image but do not decode (truncated, corrupt, HEIC without a decoder).
    throw new ChatError('unsupported_media_type', 'The image could not be read; send a JPEG, PNG, WebP or GIF.');
  }
}

function encode(pipeline: Sharp, format: ImageFormat): Sharp {
  switch (format) {
    case 'jpeg':
    case 'heif':
      return pipeline.jpeg({ quality: 85 });
    case 'png':
      return pipeline.png({ compressionLevel: 6 });
    case 'webp':
      return pipeline.webp({ quality: 85, effort: 2 });
    case 'gif':
      return pipeline.gif();
  }
}

/** Settles sharp for a server: no cache of decoded images, one libvips thread per image. */
export function configureSharp(): void {
  sharp.cache(false);
  sharp.concurrency(1);
}

/** Runs at most `width` image jobs at once; the others wait their turn, in order. */
export class ImageQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly width: number) {}

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.width) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await job();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
