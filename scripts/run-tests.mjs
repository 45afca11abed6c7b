#!/usr/bin/env node
// Runs every suite of the workspace and ends with one plain line: `N passed, N failed`.
//
// A suite is a command. Its counts are read from its own output: node's TAP summary (`# pass N`,
// `# fail N`) or a plain `N passed, N failed` line (web-test-runner's reporter in packages/elements
// prints one). A suite that exits non-zero without reporting a failure counts one failure, so a crash
// can never pass as green; a run where zero tests ran fails.
//
// Usage: node scripts/run-tests.mjs [suite-name-substring ...]
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, mkdtempSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);

/** Lists `*.test.ts` files under `dir` (recursively), skipping browser tests (`*.browser.test.ts`). */
function testFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(full).isDirectory()) out.push(...testFiles(full));
    else if (name.endsWith('.test.ts') && !name.endsWith('.browser.test.ts')) out.push(full);
  }
  return out;
}

const tsxNode = ['--conditions=@haipay-kit/source', '--import', 'tsx'];
const tapDir = mkdtempSync(join(tmpdir(), 'haipay-tests-'));

/** A node:test suite over the given files; TAP goes to a file for counting, spec to the console. */
function nodeSuite(name, files, { concurrency = 1 } = {}) {
  const tap = join(tapDir, `${name.replace(/\W+/g, '_')}.tap`);
  return {
    name,
    files,
    cmd: 'node',
    args: [
      ...tsxNode,
      '--test',
      `--test-concurrency=${concurrency}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files.map((f) => relative(root, f)),
    ],
    tap,
  };
}

const suites = [
  {
    name: 'format (prettier --check)',
    cmd: 'pnpm',
    args: ['exec', 'prettier', '--check', '.'],
    single: true,
  },
  {
    name: 'API reports (scripts/api-report.mjs)',
    cmd: 'node',
    args: ['scripts/api-report.mjs'],
    single: true,
  },
  {
    name: 'typecheck (tsc --noEmit)',
    cmd: 'pnpm',
    args: ['exec', 'tsc', '-p', 'tsconfig.json'],
    single: true,
  },
  {
    name: 'lint (eslint)',
    cmd: 'pnpm',
    args: ['exec', 'eslint', '--max-warnings', '0', '.'],
    single: true,
  },
  {
    name: 'dead code (knip)',
    cmd: 'pnpm',
    args: ['exec', 'knip', '--no-progress'],
    single: true,
  },
];
for (const pkg of ['protocol', 'sandbox', 'express', 'postgres']) {
  const files = testFiles(join(root, 'packages', pkg, 'test'));
  if (files.length) suites.push(nodeSuite(`@haipay-kit/${pkg}`, files));
}
if (existsSync(join(root, 'packages/elements/web-test-runner.config.mjs'))) {
  suites.push({
    name: '@haipay-kit/elements (web-test-runner, Chromium)',
    cmd: 'pnpm',
    args: ['--dir', 'packages/elements', 'exec', 'web-test-runner', '--config', 'web-test-runner.config.mjs'],
    needsChrome: true,
  });
}
const crossFiles = testFiles(join(root, 'test'));
if (crossFiles.length) suites.push(nodeSuite('end-to-end and conformance (test/)', crossFiles));

function run(suite) {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(suite.cmd, suite.args, {
      cwd: root,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (chunk) => {
      out += chunk;
      process.stdout.write(chunk);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

function count(suite, { code, out }) {
  let passed = 0;
  let failed = 0;
  if (suite.single) return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
  if (suite.tap && existsSync(suite.tap)) {
    const tap = readFileSync(suite.tap, 'utf8');
    passed = Number(/^# pass (\d+)$/m.exec(tap)?.[1] ?? 0);
    failed = Number(/^# fail (\d+)$/m.exec(tap)?.[1] ?? 0);
    failed += Number(/^# cancelled (\d+)$/m.exec(tap)?.[1] ?? 0);
  } else {
    const lines = [...out.matchAll(/(\d+) passed, (\d+) failed/g)];
    const last = lines.at(-1);
    if (last) {
      passed = Number(last[1]);
      failed = Number(last[2]);
    }
  }
  if (code !== 0 && failed === 0) failed = 1; // crashed or failed outside any test
  return { passed, failed };
}

const results = [];
for (const suite of suites) {
  if (only.length && !only.some((o) => suite.name.includes(o))) continue;
  console.log(`\n━━━ ${suite.name} ━━━`);
  if (suite.needsChrome && !process.env.HAIPAY_CHROME) {
    console.log('No Chromium: set CHROME_PATH or install Debian\'s "chromium" package. Counted as failed.');
    results.push({ name: suite.name, passed: 0, failed: 1 });
    continue;
  }
  const started = Date.now();
  const r = await run(suite);
  results.push({ name: suite.name, ...count(suite, r), seconds: (Date.now() - started) / 1000 });
}

console.log('\n━━━ summary ━━━');
for (const r of results) {
  const time = r.seconds === undefined ? '' : ` (${r.seconds.toFixed(1)} s)`;
  console.log(`${r.failed ? '✗' : '✓'} ${r.name}: ${r.passed} passed, ${r.failed} failed${time}`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
let failed = results.reduce((n, r) => n + r.failed, 0);
const testsRan = results
  .filter((r) => !suites.find((s) => s.name === r.name)?.single)
  .reduce((n, r) => n + r.passed + r.failed, 0);
if (testsRan === 0) {
  console.log('No tests ran: that is a failure, not a pass.');
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
