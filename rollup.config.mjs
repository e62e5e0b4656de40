// Builds the browser packages with rollup:
// - @palaver/sdk and @palaver/elements as tree-shakable ESM (one file per
//   module) with .d.ts files, their dependencies left to the user's bundler;
// - self-contained, minified bundles for pages without a build step, which are
//   also what the size budgets measure: palaver.js (SDK + every element + lit +
//   socket.io-client), the badge alone, and the SDK alone.
import nodeResolve from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { minifyCss } from './scripts/rollup-minify-css.mjs';

const sdk = 'packages/sdk';
const elements = 'packages/elements';
const external = (id) => /^(@palaver\/(protocol|sdk)|nanostores|idb-keyval|socket\.io-client|lit)(\/|$)/.test(id);

/** A self-contained, minified ES module: what a page without a build step downloads. */
function bundle(input, file, tsconfig) {
  return {
    input,
    output: { file, format: 'es', sourcemap: true },
    plugins: [
      replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
      nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
      minifyCss(),
      typescript({
        tsconfig,
        outDir: file.replace(/\/[^/]+$/, ''),
        declaration: false,
        declarationMap: false,
        composite: false,
        incremental: false,
      }),
      terser({ ecma: 2022, module: true, compress: { passes: 3, unsafe_arrows: true }, format: { comments: false } }),
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
  }),
  bundle(`${elements}/src/palaver.ts`, `${elements}/dist/palaver.js`, `${elements}/tsconfig.json`),
  bundle(`${elements}/src/badge.ts`, `${elements}/dist/palaver-badge.js`, `${elements}/tsconfig.json`),
];
