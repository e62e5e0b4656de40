/**
 * Contact-detail masking (#16): the labelled corpus must reach the quality targets, and each
 * kind of contact detail, the allow-list, the replacement, the region and the cost guard
 * have their own test. Run alone with
 *   node --import tsx --test demo-server/test/contact-masking.test.ts
 * (CONTACT_MASKING_REPORT=1 also prints every miss and every false positive).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { CountryCode } from 'libphonenumber-js/max';
import { createContactMasker, DEFAULT_REPLACEMENT } from '../src/moderation/contact-masking.js';

interface CorpusGroup {
  category: string;
  region?: CountryCode;
  texts: string[];
}
interface Corpus {
  settings: { region: CountryCode; allowDomains: string[] };
  mustMask: CorpusGroup[];
  mustNotMask: CorpusGroup[];
}

const corpus = JSON.parse(
  readFileSync(new URL('./fixtures/contact-masking-corpus.json', import.meta.url), 'utf8'),
) as Corpus;

const RECALL_TARGET = 0.95;
const FALSE_POSITIVE_TARGET = 0.01;
const report = process.env.CONTACT_MASKING_REPORT === '1';

const fr = createContactMasker({ region: 'FR', allowDomains: ['atelier-market.com', 'atelier-market.fr'] });
const gb = createContactMasker({ region: 'GB', allowDomains: ['atelier-market.co.uk'] });

/** A masked message still gives the contact away when an address or a long run of digits is left readable. */
function leaks(masked: string): boolean {
  if (/[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/i.test(masked)) return true;
  return /\d{9,}/.test(masked.replace(/[\s.\-()/_]/g, ''));
}

function maskerFor(group: CorpusGroup) {
  return createContactMasker({
    region: group.region ?? corpus.settings.region,
    allowDomains: corpus.settings.allowDomains,
  });
}

describe('the labelled corpus', () => {
  test('has at least 300 evasion attempts and 300 ordinary messages, no duplicates', () => {
    const evasions = corpus.mustMask.flatMap((group) => group.texts);
    const ordinary = corpus.mustNotMask.flatMap((group) => group.texts);
    assert.ok(evasions.length >= 300, `${evasions.length} evasion attempts`);
    assert.ok(ordinary.length >= 300, `${ordinary.length} ordinary messages`);
    assert.equal(new Set([...evasions, ...ordinary]).size, evasions.length + ordinary.length);
  });

  test(`recall ≥ ${RECALL_TARGET * 100} % and false positives ≤ ${FALSE_POSITIVE_TARGET * 100} %`, () => {
    let caught = 0;
    let total = 0;
    const misses: string[] = [];
    const perCategory: string[] = [];
    for (const group of corpus.mustMask) {
      const masker = maskerFor(group);
      let groupCaught = 0;
      for (const text of group.texts) {
        const result = masker.mask(text);
        if (result.masked && !leaks(result.text)) groupCaught++;
        else misses.push(`  [${group.category}] ${text}  →  ${result.text}`);
      }
      caught += groupCaught;
      total += group.texts.length;
      perCategory.push(`  ${group.category}: ${groupCaught}/${group.texts.length}`);
    }
    let falsePositives = 0;
    let ordinary = 0;
    const wrong: string[] = [];
    for (const group of corpus.mustNotMask) {
      const masker = maskerFor(group);
      for (const text of group.texts) {
        const result = masker.mask(text);
        ordinary++;
        if (result.masked) {
          falsePositives++;
          wrong.push(`  [${group.category}] ${text}  →  ${result.text}`);
        }
      }
    }
    const recall = caught / total;
    const falsePositiveRate = falsePositives / ordinary;
    console.log(
      `contact masking corpus: recall ${(recall * 100).toFixed(1)} % (${caught}/${total}), ` +
        `false positives ${(falsePositiveRate * 100).toFixed(2)} % (${falsePositives}/${ordinary})`,
    );
    if (report)
      console.log(['per category:', ...perCategory, 'missed:', ...misses, 'masked wrongly:', ...wrong].join('\n'));
    assert.ok(recall >= RECALL_TARGET, `recall ${recall} below target; missed:\n${misses.join('\n')}`);
    assert.ok(
      falsePositiveRate <= FALSE_POSITIVE_TARGET,
      `false-positive rate ${falsePositiveRate} above target; masked:\n${wrong.join('\n')}`,
    );
  });
});
