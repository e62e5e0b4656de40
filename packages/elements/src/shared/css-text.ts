/**
 * Tags the CSS text of the elements written without Lit, as Lit's `css` tags
 * the others: the build squeezes both (scripts/rollup-minify-css.mjs), since
 * terser leaves template text alone. Returns the text as written.
 */
export const cssText = (strings: TemplateStringsArray): string => strings.join('');
