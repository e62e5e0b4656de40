import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linkify } from '../src/shared/linkify.js';

const RLO = '\u202e';

describe('linkify', () => {
  it('makes http(s) addresses links and leaves everything else text', () => {
    assert.deepEqual(linkify('see https://shop.example/p/1. or javascript:alert(1)'), [
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://shop.example/p/1', href: 'https://shop.example/p/1' },
      { kind: 'text', text: '. or javascript:alert(1)' },
    ]);
  });

  it('ends a link at a right-to-left override, so its text is never shown in another order than it goes to', () => {
    const parts = linkify(`pay at https://evil.example/${RLO}moc.elgoog.www//:sptth`);
    const links = parts.filter((part) => part.kind === 'link');
    assert.deepEqual(links, [{ kind: 'link', text: 'https://evil.example/', href: 'https://evil.example/' }]);
    for (const link of links) assert.ok(!/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(link.text));
    // Every character is still shown (as text), nothing is dropped.
    assert.equal(parts.map((part) => part.text).join(''), `pay at https://evil.example/${RLO}moc.elgoog.www//:sptth`);
  });
});
