#!/usr/bin/env node
// Size budgets of ../shared/SPEC.md, measured on the built bundles (min+gzip).
// Exits non-zero when a bundle is over its budget, so `npm test` fails.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const DIST = 'packages/elements/dist';
/** palaver.js imports these lazily (the thread, the inbox): see rollup.config.mjs. */
const chunks = readdirSync(`${DIST}/palaver-chunks`)
  .filter((name) => name.endsWith('.js'))
  .map((name) => `${DIST}/palaver-chunks/${name}`);

const KB = 1024;
const budgets = [
  {
    files: [`${DIST}/palaver.js`, ...chunks],
    what: 'drop-in, all files (SDK + all elements + lit + socket.io-client)',
    budget: 50 * KB,
  },
  {
    // What a product page (badge + contact button) loads before anyone uses them:
    // those two are written without Lit, which comes with the thread's chunk.
    files: [`${DIST}/palaver.js`],
    what: 'drop-in first load: palaver.js alone (client, badge, contact button)',
    budget: 30 * KB,
  },
  { files: [`${DIST}/palaver-badge.js`], what: '<unread-badge> with the SDK', budget: 30 * KB },
  // The support desk's console, self-contained (its Lit; the client is the page's, from palaver.js):
  // no customer's page loads it.
  { files: [`${DIST}/palaver-moderation.js`], what: '<chat-moderation> with Lit (staff pages only)', budget: 20 * KB },
  { files: ['packages/sdk/dist/bundle/palaver-sdk.js'], what: 'SDK alone (with socket.io-client)', budget: undefined },
];

const kb = (bytes) => `${(bytes / KB).toFixed(1)} KB`;
// Files are gzipped one by one, as a server sends them.
const gzipped = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
let failed = false;
console.log('bundle sizes, min+gzip:');
for (const { files, what, budget } of budgets) {
  const size = files.reduce((sum, file) => sum + gzipped(file), 0);
  const over = budget !== undefined && size > budget;
  failed ||= over;
  const verdict = budget === undefined ? '' : over ? `  OVER budget ${kb(budget)}` : `  within ${kb(budget)}`;
  const where = files.length === 1 ? files[0] : `${files[0]} + ${files.length - 1} chunks`;
  console.log(`  ${kb(size).padStart(8)}  ${what} (${where})${verdict}`);
}
if (failed) {
  console.error('size budget exceeded');
  process.exit(1);
}
