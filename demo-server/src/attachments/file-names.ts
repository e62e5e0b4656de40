/** Longest file name kept, in characters (extension included). */
const MAX_NAME_LENGTH = 180;

/**
 * Control characters, format characters (zero-width joiners, the bidirectional
 * overrides that make `invoice‮fdp.exe` read as `invoiceexe.pdf`) and
 * separators other than the plain space.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * A file name safe to show and to put in a Content-Disposition header: the
 * last path segment only, no invisible or control characters, no leading dots,
 * at most `MAX_NAME_LENGTH` characters (the extension kept), and an extension
 * that matches the type the bytes turned out to be (`photo.pdf` holding a PNG
 * becomes `photo.png`). `file` when nothing is left.
 */
export function sanitisedName(raw: string | undefined, extensions: readonly string[]): string {
  const lastSegment = (raw ?? '').split(/[/\\]/).pop() ?? '';
  let name = lastSegment.normalize('NFC').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim().replace(/^\.+/, '');
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1) : '';
  let stem = dot > 0 ? name.slice(0, dot) : name;
  const wanted = extensions[0];
  let kept = extension;
  if (wanted !== undefined && !extensions.includes(extension.toLowerCase())) {
    // Not the type it says: the real one is added (a name without an extension gets one too).
    kept = wanted;
    if (dot <= 0) stem = name;
  }
  stem = stem.trim() || 'file';
  const suffix = kept ? `.${kept}` : '';
  const room = MAX_NAME_LENGTH - suffix.length;
  name = [...stem].slice(0, room).join('').trim() + suffix;
  return name;
}
