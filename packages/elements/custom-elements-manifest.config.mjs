// Generates custom-elements.json from the classes' JSDoc (`pnpm --dir packages/elements analyze`).
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.styles.ts'],
  outdir: '.',
  litelement: true,
};
