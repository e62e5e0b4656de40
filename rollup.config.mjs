// Builds the browser packages with rollup:
// - @palaver/sdk and @palaver/elements as tree-shakable ESM (one file per
//   module) with .d.ts files, their dependencies left to the user's bundler;
// - self-contained, minified bundles for pages without a build step, which are
//   also what the size budgets measure: palaver.js (SDK + every element + lit +
//   socket.io-client), the badge alone, the moderation console, and the SDK alone.

import { rmSync } from 'node:fs';
import nodeResolve from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { minifyCss } from './scripts/rollup-minify-css.mjs';

const sdk = 'packages/sdk';
const elements = 'packages/elements';
const external = (id) => /^(@palaver\/(protocol|sdk)|nanostores|idb-keyval|socket\.io-client|lit)(\/|$)/.test(id);

/**
 * engine.io-client registers a WebTransport transport that Palaver never asks
 * for (the SDK connects with `transports: ['websocket', 'polling']`); leaving it
 * out of the bundles saves 0.8 KB min+gzip on every page.
 */
const withoutWebTransport = {
  name: 'without-webtransport',
  load: (id) => (/engine\.io-client\/build\/esm\/transports\/webtransport\.js$/.test(id) ? 'export class WT {}' : null),
};

/**
 * Palaver's socket events are JSON (files go over HTTP), so socket.io-parser's
 * support for binary payloads — finding buffers in a packet, taking them out and
 * putting them back — is never used: it is left out (0.5 KB min+gzip). A binary
 * frame from a server (none of Palaver's sends one) fails to decode instead.
 */
const withoutBinaryPackets = {
  name: 'without-binary-packets',
  load(id) {
    if (/socket\.io-parser\/build\/esm\/is-binary\.js$/.test(id)) {
      return 'export const isBinary = () => false; export const hasBinary = () => false;';
    }
    if (/socket\.io-parser\/build\/esm\/binary\.js$/.test(id)) {
      return 'export const deconstructPacket = (packet) => ({ packet, buffers: [] }); export const reconstructPacket = (packet) => packet;';
    }
    return null;
  },
};

/**
 * engine.io-parser's base64 codec carries binary frames over long-polling;
 * like binary socket packets, Palaver never sends any (0.2 KB).
 */
const withoutBase64Frames = {
  name: 'without-base64-frames',
  load(id) {
    if (!/engine\.io-parser\/build\/esm\/contrib\/base64-arraybuffer\.js$/.test(id)) return null;
    return 'export const encode = () => { throw new Error("binary frames are not used"); }; export const decode = encode;';
  },
};

/**
 * `LIMITS.x` of @palaver/protocol as its literal value in the self-contained
 * bundles, so the whole LIMITS object (every limit of the protocol, most of
 * them the server's) is not shipped for the few a browser reads.
 */
const limits = (await import('./packages/protocol/dist/limits.js')).LIMITS;
const inlinedLimits = replace({
  preventAssignment: true,
  delimiters: ['\\b', '\\b'],
  values: Object.fromEntries(Object.entries(limits).map(([key, value]) => [`LIMITS.${key}`, JSON.stringify(value)])),
});

const minified = (tsconfig, outDir) => [
  withoutWebTransport,
  withoutBinaryPackets,
  withoutBase64Frames,
  inlinedLimits,
  replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
  nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
  // The components' CSS without its white space and comments (bytes every page pays for).
  minifyCss(),
  typescript({ tsconfig, outDir, declaration: false, declarationMap: false, composite: false, incremental: false }),
  terser({ ecma: 2022, module: true, compress: { passes: 3, unsafe_arrows: true }, format: { comments: false } }),
];

/** A self-contained, minified ES module: what a page without a build step downloads. */
function bundle(input, file, tsconfig) {
  return {
    input,
    output: { file, format: 'es', sourcemap: true, inlineDynamicImports: true },
    plugins: minified(tsconfig, file.replace(/\/[^/]+$/, '')),
  };
}

/**
 * The drop-in, split: `palaver.js` holds what a product page needs first (the
 * client, the badge, the contact button); the thread and the inbox are chunks
 * in `palaver-chunks/` beside it, imported by relative URL when they are
 * needed, so the files work from any directory or CDN, copied together.
 */
function splitBundle(input, dir, tsconfig, name = 'palaver', chunks = 'palaver-chunks') {
  return {
    input: { [name]: input },
    // Lets the shared code (client, Lit) live in palaver.js itself rather than in a third file
    // that palaver.js would have to fetch before anything else: one request, not two, on first load.
    preserveEntrySignatures: 'allow-extension',
    output: {
      dir,
      format: 'es',
      sourcemap: true,
      entryFileNames: '[name].js',
      // Content-hashed: a CDN may cache chunks for ever, a new release has new names.
      chunkFileNames: `${chunks}/[name]-[hash].js`,
    },
    plugins: [
      // The chunks of earlier builds (other hashes) would otherwise be packed and served.
      { name: 'clean-chunks', buildStart: () => rmSync(`${dir}/${chunks}`, { recursive: true, force: true }) },
      ...minified(tsconfig, dir),
    ],
  };
}

/** ESM, one file per module, with .d.ts: for users with a bundler (tree-shaking). */
function modules(root, input) {
  return {
    input,
    external,
    output: {
      dir: `${root}/dist`,
      format: 'es',
      preserveModules: true,
      preserveModulesRoot: `${root}/src`,
      sourcemap: true,
    },
    plugins: [
      typescript({
        tsconfig: `${root}/tsconfig.json`,
        outDir: `${root}/dist`,
        declarationDir: `${root}/dist`,
        composite: false,
        declarationMap: false,
        incremental: false,
      }),
    ],
  };
}

export default [
  modules(sdk, { index: `${sdk}/src/index.ts`, 'testing/index': `${sdk}/src/testing/index.ts` }),
  bundle(`${sdk}/src/index.ts`, `${sdk}/dist/bundle/palaver-sdk.js`, `${sdk}/tsconfig.json`),
  modules(elements, {
    index: `${elements}/src/index.ts`,
    define: `${elements}/src/define.ts`,
    'chat-thread/define': `${elements}/src/chat-thread/define.ts`,
    'chat-inbox/define': `${elements}/src/chat-inbox/define.ts`,
    'contact-supplier/define': `${elements}/src/contact-supplier/define.ts`,
    'unread-badge/define': `${elements}/src/unread-badge/define.ts`,
    'chat-moderation/define': `${elements}/src/chat-moderation/define.ts`,
  }),
  splitBundle(`${elements}/src/palaver.ts`, `${elements}/dist`, `${elements}/tsconfig.json`),
  // The badge alone, with what only some pages ever need (the upload code of a message with files) in
  // chunks beside it, loaded on first use.
  splitBundle(
    `${elements}/src/badge.ts`,
    `${elements}/dist`,
    `${elements}/tsconfig.json`,
    'palaver-badge',
    'palaver-badge-chunks',
  ),
  // The moderation console, for the support desk only: self-contained like the badge. As a second
  // entry of the split drop-in it would move the code both share out of palaver.js into a chunk,
  // an extra request on every product page; as a chunk of palaver.js it would weigh on the drop-in's
  // budget for a page no customer sees. It finds the page's client through `configure()`'s registry.
  bundle(
    `${elements}/src/palaver-moderation.ts`,
    `${elements}/dist/palaver-moderation.js`,
    `${elements}/tsconfig.json`,
  ),
];
