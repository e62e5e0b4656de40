#!/usr/bin/env node
// Size budgets of ../shared/SPEC.md, measured on the built bundles (min+gzip).
// Exits non-zero when a bundle is over its budget, so `npm test` fails.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const DIST = 'packages/elements/dist';
/** palaver.js imports these lazily (the thread, the inbox): see rollup.config.mjs. */
const allChunks = readdirSync(`${DIST}/palaver-chunks`)
  .filter((name) => name.endsWith('.js'))
  .map((name) => `${DIST}/palaver-chunks/${name}`);
/**
 * Code loaded only when someone uses it, not when a page shows the elements:
 * the upload code (a message with files), the views of files (the first
 * message that has some), the image viewer (the first image opened) and the
 * report form (the first report). The
 * issue's budget lets the viewer load on first use; the others follow the
 * same rule and have a budget of their own.
 */
const ON_USE = /\/(uploads|http-upload|attachments-view|lightbox|report-form)-[\w-]+\.js$/;
/** The words of a language other than English: loaded by the first element that speaks it (strings-fr.ts …). */
const LANGUAGE = /\/strings-[a-z]{2}-[\w-]+\.js$/;
const chunks = allChunks.filter((file) => !ON_USE.test(file) && !LANGUAGE.test(file));
const onUse = allChunks.filter((file) => ON_USE.test(file));
const languages = allChunks.filter((file) => LANGUAGE.test(file));

const KB = 1024;
const budgets = [
  {
    files: [`${DIST}/palaver.js`, ...chunks],
    what: 'drop-in, all files a page with the elements loads (SDK + all elements + lit + socket.io-client)',
    budget: 50 * KB,
  },
  {
    // What a product page (badge + contact button) loads before anyone uses them:
    // those two are written without Lit, which comes with the thread's chunk.
    files: [`${DIST}/palaver.js`],
    what: 'drop-in first load: palaver.js alone (client, badge, contact button)',
    budget: 30 * KB,
  },
  {
    files: onUse,
    what: 'drop-in, loaded on first use (uploads, views of files, image viewer, report form)',
    budget: 8 * KB,
  },
  ...languages.map((file) => ({
    files: [file],
    what: `drop-in, one language's words, loaded when an element speaks it`,
    budget: 2 * KB,
  })),
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
