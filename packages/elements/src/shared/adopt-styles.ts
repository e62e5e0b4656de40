import { type CSSResult, supportsAdoptingStyleSheets } from 'lit';

/**
 * Adds styles that came with a chunk loaded on first use (the views of files,
 * the report form) to an element's shadow root, after its own.
 */
export function addStyles(root: ShadowRoot | null, styles: CSSResult): void {
  if (!root) return;
  const sheet = styles.styleSheet;
  if (supportsAdoptingStyleSheets && sheet) {
    if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    return;
  }
  const style = document.createElement('style');
  style.textContent = styles.cssText;
  root.append(style);
}
