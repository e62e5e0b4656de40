// Config for `cem analyze`: the custom-elements manifest (custom-elements.json)
// that IDEs, Storybook and docs read, built from the elements' JSDoc.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.styles.ts', 'src/**/define.ts'],
  outdir: '.',
  litelement: true,
};
