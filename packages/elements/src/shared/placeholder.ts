import { thumbHashToDataURL } from 'thumbhash';

const decoded = new Map<string, string>();

/**
 * An image's placeholder (a ThumbHash, base64) as a tiny PNG data URL, made
 * once per hash: a blurred sketch of the image painted before it arrives.
 */
export function placeholderUrl(hash: string | undefined): string | undefined {
  if (!hash) return undefined;
  let url = decoded.get(hash);
  if (url === undefined) {
    try {
      url = thumbHashToDataURL(Uint8Array.from(atob(hash), (c) => c.charCodeAt(0)));
    } catch {
      url = ''; // not a ThumbHash: no placeholder, the box keeps its shape
    }
    decoded.set(hash, url);
  }
  return url || undefined;
}
