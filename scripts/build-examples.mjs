#!/usr/bin/env node
// Bundles the React and Vue examples (docs/examples/*/dist/app.js) with esbuild,
// as a marketplace's own build would.
import { build } from 'esbuild';

for (const [name, entry] of [
  ['react', 'docs/examples/react/app.jsx'],
  ['vue', 'docs/examples/vue/app.js'],
]) {
  await build({
    entryPoints: [entry],
    outfile: `docs/examples/${name}/dist/app.js`,
    bundle: true,
    format: 'esm',
    minify: true,
    jsx: 'automatic',
    logLevel: 'warning',
    define: {
      'process.env.NODE_ENV': '"production"',
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
  });
}
