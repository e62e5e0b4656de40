#!/usr/bin/env node
// Size budgets of ../shared/SPEC.md, measured on the built bundles (min+gzip).
// Exits non-zero when a bundle is over its budget, so `npm test` fails.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const budgets = [
  {
    file: 'packages/elements/dist/palaver.js',
    what: 'drop-in (SDK + all elements + lit + socket.io-client)',
    budget: 50 * 1024,
  },
  { file: 'packages/elements/dist/palaver-badge.js', what: '<unread-badge> with the SDK', budget: 30 * 1024 },
  { file: 'packages/sdk/dist/bundle/palaver-sdk.js', what: 'SDK alone (with socket.io-client)', budget: undefined },
];

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
let failed = false;
console.log('bundle sizes, min+gzip:');
for (const { file, what, budget } of budgets) {
  const size = gzipSync(readFileSync(file), { level: 9 }).length;
  const over = budget !== undefined && size > budget;
  failed ||= over;
  const verdict = budget === undefined ? '' : over ? `  OVER budget ${kb(budget)}` : `  within ${kb(budget)}`;
  console.log(`  ${kb(size).padStart(8)}  ${what} (${file})${verdict}`);
}
if (failed) {
  console.error('size budget exceeded');
  process.exit(1);
}
