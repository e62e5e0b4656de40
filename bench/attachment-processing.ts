/**
 * What a 10 MB photo costs the server once received: the type sniffed from
 * its bytes, the re-encode (orientation applied, metadata gone), the WebP
 * preview and the ThumbHash — on one core (`sharp.concurrency(1)`, as the
 * server runs it). Storage and the network are not part of it.
 *
 * `npx tsx bench/attachment-processing.ts [runs]` runs only this (after `npm
 * run build`); `npm run bench` includes it. The photo is made here: a 14
 * megapixel camera-like JPEG (noise at quality 95, which compresses badly,
 * like a real photo's detail) carrying EXIF orientation 6 and GPS.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { sniffType } from '../demo-server/src/attachments/file-types.js';
import { configureSharp, reencodeImage } from '../demo-server/src/attachments/images.js';

export interface AttachmentProcessingResult {
  photoBytes: number;
  width: number;
  height: number;
  /** Median and slowest of the runs, in ms. */
  medianMs: number;
  maxMs: number;
}

/** A JPEG of at most `targetBytes`, 4320 × 3240 pixels (14 megapixels), as a phone would make it. */
async function cameraPhoto(path: string, targetBytes: number): Promise<void> {
  let quality = 95;
  for (;;) {
    const photo = await sharp({
      create: {
        width: 4320,
        height: 3240,
        channels: 3,
        background: '#777',
        noise: { type: 'gaussian', mean: 120, sigma: 28 },
      },
    })
      .jpeg({ quality })
      .withExif({
        IFD0: { Make: 'PalaverPhone', Model: 'Bench' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100' },
      })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    if (photo.length <= targetBytes || quality <= 60) {
      writeFileSync(path, photo);
      return;
    }
    quality -= 2;
  }
}

export async function attachmentProcessingBench(runs = 5): Promise<AttachmentProcessingResult> {
  configureSharp();
  const dir = mkdtempSync(join(tmpdir(), 'palaver-bench-photo-'));
  try {
    const photo = join(dir, 'photo.jpg');
    await cameraPhoto(photo, 10 * 1024 * 1024);
    const photoBytes = statSync(photo).size;
    const times: number[] = [];
    let size = { width: 0, height: 0 };
    for (let run = 0; run < runs + 1; run++) {
      const started = performance.now();
      const type = await sniffType(photo, { name: 'IMG_0001.JPG', mimeType: 'image/jpeg' });
      const image = await reencodeImage(photo, type.image ?? 'jpeg', {
        file: join(dir, `out-${run}.jpg`),
        preview: join(dir, `out-${run}.webp`),
      });
      const elapsed = performance.now() - started;
      // The first run loads libvips' code and warms the disk cache: not counted.
      if (run > 0) times.push(elapsed);
      size = { width: image.width, height: image.height };
    }
    times.sort((a, b) => a - b);
    return {
      photoBytes,
      ...size,
      medianMs: times[Math.floor(times.length / 2)] ?? 0,
      maxMs: times[times.length - 1] ?? 0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await attachmentProcessingBench(Number(process.argv[2] ?? 5));
  console.log(
    `${(result.photoBytes / 1024 / 1024).toFixed(1)} MB photo (${result.width} × ${result.height} once upright): ` +
      `median ${result.medianMs.toFixed(0)} ms, slowest ${result.maxMs.toFixed(0)} ms (budget 1000 ms)`,
  );
}
