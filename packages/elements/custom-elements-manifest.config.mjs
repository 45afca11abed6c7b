// Generates custom-elements.json from the classes' JSDoc (`pnpm --dir packages/elements analyze`).
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.styles.ts'],
  // test/elements-manifest.test.ts writes a fresh copy elsewhere and compares it with the committed one.
  outdir: process.env.CEM_OUTDIR ?? '.',
  // …and must not point package.json's `customElements` at that copy.
  packagejson: !process.env.CEM_OUTDIR,
  litelement: true,
};
