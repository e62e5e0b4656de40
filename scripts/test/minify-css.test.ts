import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// @ts-expect-error: a plain ES module of the build, without types
import { minifyCssTemplate } from '../rollup-minify-css.mjs';

describe('the CSS squeezer of the bundles', () => {
  it('drops what is never significant and keeps what is', () => {
    const css = `
      /* a comment */
      [part='log'] > .message,
      [part~="message"]:hover {
        margin: 0.25rem 0;
      }
      [aria-label='two words'] { color: red; }
    `;
    assert.equal(
      minifyCssTemplate(css),
      "[part=log]>.message,[part~=message]:hover{margin:.25rem 0}[aria-label='two words']{color:red}",
    );
  });
});
