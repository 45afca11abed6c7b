// Mutation testing of the money decisions (`pnpm mutation`): the decision of what a reported status does
// to an order, the notification handling, and the protocol's signing and field rules. Stryker changes
// one thing at a time in these files (a `<` to `<=`, a condition to `true`, a string to "") and runs their
// tests; a change no test notices is a "survivor" — a gap in the suite. The score is the share caught.
//
// In place, because the workspace packages import each other by name (`@haipay-kit/protocol` resolves to
// packages/protocol through a symlink a sandbox copy would bypass): Stryker restores every file when it
// ends, even on Ctrl+C. Do not edit the mutated files while it runs.
const node = ['--conditions=@haipay-kit/source', '--import', 'tsx', '--test-reporter=tap'];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'pnpm',
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner'],
  inPlace: true,
  mutate: [
    'packages/express/src/checkout/decide.ts',
    'packages/protocol/src/sign-string.ts',
    'packages/protocol/src/rules/safety.ts',
    'packages/protocol/src/rules/fields.ts',
    'packages/protocol/src/rules/card.ts',
  ],
  tap: {
    testFiles: [
      'packages/express/test/decide.test.ts',
      'packages/protocol/test/signing.test.ts',
      'packages/protocol/test/rules.test.ts',
      'packages/protocol/test/sign-safety.test.ts',
    ],
    nodeArgs: node,
    forceBail: true,
  },
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 20000,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
