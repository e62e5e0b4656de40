// Builds the browser packages with rollup:
// - @palaver/sdk as tree-shakable ESM (one file per module) with .d.ts files,
//   its dependencies left to the user's bundler;
// - a self-contained, minified ESM bundle of the SDK (dist/bundle/palaver-sdk.js)
//   for pages without a build step and for measuring what users download.
import nodeResolve from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const sdk = 'packages/sdk';
const external = (id) => /^(@palaver\/protocol|nanostores|idb-keyval|socket\.io-client)(\/|$)/.test(id);

export default [
  {
    input: { index: `${sdk}/src/index.ts`, 'testing/index': `${sdk}/src/testing/index.ts` },
    external,
    output: {
      dir: `${sdk}/dist`,
      format: 'es',
      preserveModules: true,
      preserveModulesRoot: `${sdk}/src`,
      sourcemap: true,
    },
    plugins: [
      typescript({
        tsconfig: `${sdk}/tsconfig.json`,
        outDir: `${sdk}/dist`,
        declarationDir: `${sdk}/dist`,
        composite: false,
        declarationMap: false,
        incremental: false,
      }),
    ],
  },
  {
    input: `${sdk}/src/index.ts`,
    output: { file: `${sdk}/dist/bundle/palaver-sdk.js`, format: 'es', sourcemap: true },
    plugins: [
      replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
      nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
      typescript({
        tsconfig: `${sdk}/tsconfig.json`,
        outDir: `${sdk}/dist/bundle`,
        declaration: false,
        declarationMap: false,
        composite: false,
        incremental: false,
      }),
      terser({ ecma: 2022, module: true, format: { comments: false } }),
    ],
  },
];
