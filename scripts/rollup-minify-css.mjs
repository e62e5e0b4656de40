// A rollup plugin for the self-contained bundles: squeezes the CSS of Lit's
// css`…` templates (terser leaves template text alone), which the size budgets
// measure. Only what is never significant in CSS goes: comments, runs of
// whitespace (to one space), whitespace next to { } ; , > and after : (a
// pseudo-class never has a space after its colon), a last ; before }, the
// 0 of 0.5, and the quotes of attribute values that are identifiers.
// Templates with ${…} interpolations or escapes are left as they are.
// (TypeScript emits `css `…``, with a space.) `cssText` tags the CSS of the
// elements written without Lit (shared/css-text.ts).
const CSS_TEMPLATE = /\b(css|cssText) ?`([^`$\\]*)`/g;

export function minifyCssTemplate(text) {
  return (
    text
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\s+/g, ' ')
      .replace(/\s*([{};,>])\s*/g, '$1')
      .replace(/:\s+/g, ':')
      .replace(/(?<![\w.-])0\.(\d)/g, '.$1')
      .replace(/;}/g, '}')
      // [part='log'] → [part=log]: an attribute value that is an identifier needs no quotes.
      .replace(/\[([\w-]+)([~|^$*]?)=(['"])([a-zA-Z_][\w-]*)\3\]/g, '[$1$2=$4]')
      .trim()
  );
}

export function minifyCss() {
  return {
    name: 'palaver-minify-css',
    transform(code, id) {
      if (!id.endsWith('.ts') || !CSS_TEMPLATE.test(code)) return null;
      CSS_TEMPLATE.lastIndex = 0;
      return { code: code.replace(CSS_TEMPLATE, (_, tag, text) => `${tag}\`${minifyCssTemplate(text)}\``), map: null };
    },
  };
}
