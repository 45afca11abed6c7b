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
// Each module is scored with the test files written for it (a group), not the whole list: a mutant costs
// one start of every listed file that reaches it, and most express files start a sandbox, so the whole
// list over every module takes hours on a small machine. `pnpm mutation` (scripts/mutation.mjs) runs the
// groups one after another and adds their scores up; `pnpm mutation --group hooks` runs one. A mutant
// that only a file outside its group would catch counts as a survivor: a group's score is a floor.
const P = 'packages/protocol/test/';
const E = 'packages/express/test/';
const files = (dir, names) => names.map((n) => `${dir}${n}.test.ts`);
export const groups = [
  {
    name: 'signing',
    mutate: ['packages/protocol/src/node/index.ts', 'packages/protocol/src/sign-string.ts'],
    testFiles: files(P, ['signing-edges', 'signing', 'keys', 'sign-safety', 'rules']),
  },
  {
    name: 'rules',
    // The field and card rules, sign safety, the method tables and their limits, the subscription plan
    // rules, exact decimal comparison, the currency list, issue building and the browser contract's
    // lists. rules/index.ts only re-exports.
    mutate: [
      'packages/protocol/src/rules/safety.ts',
      'packages/protocol/src/rules/fields.ts',
      'packages/protocol/src/rules/card.ts',
      'packages/protocol/src/rules/methods.ts',
      'packages/protocol/src/rules/subscription.ts',
      'packages/protocol/src/rules/decimal.ts',
      'packages/protocol/src/rules/currency.ts',
      'packages/protocol/src/rules/issues.ts',
      'packages/protocol/src/rules/checkout.ts',
    ],
    testFiles: files(P, ['method-tables', 'rules', 'rule-issues', 'seed-rules', 'sign-safety', 'endpoints']),
  },
  {
    name: 'decide',
    mutate: [
      'packages/express/src/checkout/decide.ts',
      // STATUS_RANK, isFinalStatus, statusesBefore: the order the stores' forward-only guard enforces.
      'packages/express/src/types.ts:24-45',
    ],
    testFiles: files(E, ['decide', 'store', 'client']),
  },
  {
    name: 'client',
    // HaiPayClient.merchantForNotification and verifyNotification: whose notification it is, and its signature.
    mutate: ['packages/express/src/client.ts:153-203'],
    testFiles: files(E, ['client']),
  },
  {
    name: 'hooks',
    mutate: ['packages/express/src/checkout/hooks.ts'],
    testFiles: files(E, ['hooks-edges', 'hooks']),
  },
  {
    name: 'notifications',
    mutate: ['packages/express/src/checkout/notifications.ts'],
    testFiles: files(E, ['notify-unknown', 'notify-edges', 'notify', 'payout-notify']),
  },
  {
    name: 'settlement',
    mutate: ['packages/express/src/checkout/settlement.ts'],
    testFiles: files(E, ['settlement-edges']),
  },
];
// HAIPAY_MUTATION_GROUP=<name> (scripts/mutation.mjs sets it) scores one group, its report in
// reports/mutation/<name>/. Without it, every group's files are mutated (or those `--mutate` names) and
// every group's test files may run (each mutant runs those that reach it).
const groupName = process.env.HAIPAY_MUTATION_GROUP;
const group = groups.find((g) => g.name === groupName);
if (groupName && !group) {
  throw new Error(
    `HAIPAY_MUTATION_GROUP=${groupName} is not one of: ${groups.map((g) => g.name).join(', ')}`,
  );
}
// HAIPAY_MUTATION_TESTS=<file>,<file> runs only those test files, e.g. one module with the test file
// being written for it.
const only = (process.env.HAIPAY_MUTATION_TESTS ?? '').split(',').filter(Boolean);
const testFiles =
  only.length > 0 ? only : (group?.testFiles ?? [...new Set(groups.flatMap((g) => g.testFiles))]);
const reports = group ? `reports/mutation/${group.name}` : 'reports/mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'pnpm',
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner'],
  inPlace: true,
  mutate: group?.mutate ?? groups.flatMap((g) => g.mutate),
  tap: {
    // Each mutant runs only the files that reach it (coverage per file), in this order, and stops at
    // the first failure.
    testFiles,
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
  htmlReporter: { fileName: `${reports}/index.html` },
  jsonReporter: { fileName: `${reports}/mutation.json` },
  // `break` fails the run below 90 %; scripts/mutation.mjs applies it to every file too.
  thresholds: { high: 90, low: 80, break: 90 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
