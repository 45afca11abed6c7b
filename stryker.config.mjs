// Mutation testing of the money decisions (`pnpm mutation`, which runs scripts/mutation.mjs: Stryker,
// then the score per file): the decision of what a reported status does to an order and how it is
// carried out, the notification handling, exactly-once hooks, and the protocol's signing and field rules.
// Stryker changes one thing at a time in these files (a `<` to `<=`, a condition to `true`, a string to
// "") and runs the tests that reach it; a change no test notices is a "survivor" — a gap in the suite.
// The score is the share caught. CONTRIBUTING.md "Mutation testing" says how to read and fix survivors.
//
// In place, because the workspace packages import each other by name (`@haipay-kit/protocol` resolves to
// packages/protocol through a symlink a sandbox copy would bypass): Stryker restores every file when it
// ends, even on Ctrl+C. Run it in a worktree of its own, and do not edit the mutated files while it runs.
const node = ['--conditions=@haipay-kit/source', '--import', 'tsx', '--test-reporter=tap'];
// HAIPAY_MUTATION_TESTS=<file>,<file> runs only those test files: one module at a time with the tests
// written for it, when the whole list would take too long on a small or busy machine.
const only = (process.env.HAIPAY_MUTATION_TESTS ?? '').split(',').filter(Boolean);
// The fast, focused files first, the ones over a real sandbox after them.
const testFiles = [
  'packages/protocol/test/signing-edges.test.ts',
  'packages/protocol/test/signing.test.ts',
  'packages/protocol/test/sign-safety.test.ts',
  'packages/protocol/test/method-tables.test.ts',
  'packages/protocol/test/rules.test.ts',
  'packages/protocol/test/rule-issues.test.ts',
  'packages/protocol/test/seed-rules.test.ts',
  'packages/protocol/test/keys.test.ts',
  'packages/express/test/decide.test.ts',
  'packages/express/test/store.test.ts',
  'packages/express/test/hooks-edges.test.ts',
  'packages/express/test/hooks.test.ts',
  'packages/express/test/client.test.ts',
  'packages/express/test/notify-edges.test.ts',
  'packages/express/test/notify.test.ts',
  'packages/express/test/durability.test.ts',
  'packages/express/test/payout-notify.test.ts',
  'packages/express/test/reconcile.test.ts',
  'packages/express/test/late-money-recheck.test.ts',
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'pnpm',
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner'],
  inPlace: true,
  mutate: [
    'packages/express/src/checkout/decide.ts',
    'packages/express/src/checkout/settlement.ts',
    'packages/express/src/checkout/notifications.ts',
    'packages/express/src/checkout/hooks.ts',
    // HaiPayClient.merchantForNotification and verifyNotification: whose notification it is, and its signature.
    'packages/express/src/client.ts:139-189',
    // STATUS_RANK, isFinalStatus, statusesBefore: the order the stores' forward-only guard enforces.
    'packages/express/src/types.ts:24-45',
    'packages/protocol/src/node/index.ts',
    'packages/protocol/src/sign-string.ts',
    'packages/protocol/src/rules/safety.ts',
    'packages/protocol/src/rules/fields.ts',
    'packages/protocol/src/rules/card.ts',
    // The method tables and their limits, the subscription plan rules, exact decimal comparison, the
    // currency list, issue building and the browser contract's lists. rules/index.ts only re-exports.
    'packages/protocol/src/rules/methods.ts',
    'packages/protocol/src/rules/subscription.ts',
    'packages/protocol/src/rules/decimal.ts',
    'packages/protocol/src/rules/currency.ts',
    'packages/protocol/src/rules/issues.ts',
    'packages/protocol/src/rules/checkout.ts',
  ],
  tap: {
    // Each mutant runs only the files that reach it (coverage per file), in this order, and stops at
    // the first failure.
    testFiles: only.length > 0 ? only : testFiles,
    nodeArgs: node,
    forceBail: true,
  },
  coverageAnalysis: 'perTest',
  // tsx does not type-check, so no file needs `// @ts-nocheck` (the default adds it to every source file in place).
  disableTypeChecks: false,
  concurrency: 2,
  timeoutMS: 20000,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  clearTextReporter: { reportMutants: true, reportTests: false, reportScoreTable: true },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // `break` fails the run below 90 %; scripts/mutation.mjs applies it to every file too.
  thresholds: { high: 90, low: 80, break: 90 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
