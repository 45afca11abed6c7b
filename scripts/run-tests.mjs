#!/usr/bin/env node
// Runs every suite of the workspace and ends with one plain line: `N passed, N failed`.
//
// A suite is a command: the static checks (format, API reports, typecheck, lint, dead code), each
// package's own `test` script (`pnpm --filter @haipay-kit/<name> test` runs the same one), and the
// root's test/ (end-to-end, faults, fuzz, leaks; packaging on its own). Suites run side by side, a few
// at a time, longest first; each suite's output is printed whole when it ends, so outputs never
// interleave.
//
// Counts are read from a suite's last `N passed, N failed` line (scripts/node-test.mjs prints one for
// node:test suites, web-test-runner's count reporter in packages/elements another). A suite that exits
// non-zero without reporting a failure counts one failure, so a crash can never pass as green; a run
// where zero tests ran fails.
//
// Usage: node scripts/run-tests.mjs [--jobs=N] [suite-name-substring ...]
//   --jobs   suites at a time (default 3, or HAIPAY_TEST_JOBS): most suites wait on sockets, child
//            processes, PostgreSQL or Chromium more than they compute, so a 2-core machine keeps up
//            with three; more only makes the CPU-bound ones (typecheck, lint) slower.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let jobs = Number(process.env.HAIPAY_TEST_JOBS || 3);
const only = [];
for (const arg of process.argv.slice(2)) {
  if (arg.startsWith('--jobs=')) jobs = Number(arg.slice('--jobs='.length));
  else only.push(arg);
}
if (!Number.isInteger(jobs) || jobs < 1) {
  console.error('run-tests: --jobs takes a whole number ≥ 1');
  process.exit(1);
}

/** A check that passes or fails as a whole (one count). */
const check = (name, cmd, args) => ({ name, cmd, args, single: true });

const suites = [
  check('format (prettier --check)', 'pnpm', ['exec', 'prettier', '--check', '.']),
  check('API reports (scripts/api-report.mjs)', 'node', ['scripts/api-report.mjs']),
  check('typecheck (tsc --noEmit)', 'pnpm', ['exec', 'tsc', '-p', 'tsconfig.json']),
  check('lint (eslint)', 'pnpm', ['exec', 'eslint', '--max-warnings', '0', '.']),
  check('dead code (knip)', 'pnpm', ['exec', 'knip', '--no-progress']),
];

// Each package's suite is its own `test` script: one definition, whether run here or with
// `pnpm --filter @haipay-kit/<name> test`. A package with a test/ folder and no script is a failure.
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const manifestFile = join(root, 'packages', dir, 'package.json');
  if (!existsSync(manifestFile)) continue;
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const hasTests = existsSync(join(root, 'packages', dir, 'test'));
  if (!manifest.scripts?.test && !hasTests) continue;
  const browser = dir === 'elements';
  suites.push({
    name: `${manifest.name}${browser ? ' (web-test-runner, Chromium)' : ''}`,
    cmd: 'pnpm',
    args: ['--dir', `packages/${dir}`, 'run', '--silent', 'test'],
    needsChrome: browser,
    missingScript: manifest.scripts?.test
      ? undefined
      : `packages/${dir} has a test/ folder but no "test" script`,
  });
}

// The root's own suites. test/ runs two files at a time, not more: most of them drive a real browser,
// spawn servers or SIGKILL and restart a child companion, and on a small machine more of those at once
// starve each other. The packaging suite (it builds and packs every package, then type-checks and
// bundles a consumer: minutes of CPU) is a suite of its own so that it starts early, beside the rest.
suites.push(
  {
    name: 'end-to-end and conformance (test/)',
    cmd: 'node',
    args: [
      'scripts/node-test.mjs',
      '--concurrency=2',
      '--exclude=test/packaging.test.ts',
      '--exclude=test/frameworks/frameworks.test.ts',
      '--exclude=test/design/design.test.ts',
      'test',
    ],
    firstRunSeconds: 400,
  },
  // The design-review page's pictures and axe checks: one browser, one file, its own suite so that
  // `node scripts/run-tests.mjs design` runs it alone (`npm run design:accept` takes new references).
  {
    name: 'design review (test/design, Chromium)',
    cmd: 'node',
    args: ['scripts/node-test.mjs', 'test/design'],
    needsChrome: true,
    firstRunSeconds: 200,
  },
  {
    name: 'packaging (test/packaging.test.ts)',
    cmd: 'node',
    args: ['scripts/node-test.mjs', 'test/packaging.test.ts'],
    firstRunSeconds: 250,
  },
  // The elements' React, Preact and Vue declarations, generated from custom-elements.json, proven by
  // type-checking a consumer project per framework (tsc and vue-tsc: CPU-bound, so a suite of its own;
  // test/frameworks/runtime.test.ts, the same frameworks in Chromium, runs with test/).
  {
    name: 'framework types (test/frameworks)',
    cmd: 'node',
    args: ['scripts/node-test.mjs', 'test/frameworks/frameworks.test.ts'],
    firstRunSeconds: 200,
  },
);

/** A Chromium for the browser suites: HAIPAY_CHROME or CHROME_PATH, else the usual install paths. */
function findChrome() {
  const candidates = [
    process.env.HAIPAY_CHROME,
    process.env.CHROME_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
  ];
  return candidates.find((c) => c && existsSync(c));
}
const chrome = findChrome();
const NO_CHROME =
  'No Chromium found, so the browser suites cannot run: counted as failed. Install it with ' +
  '`npm run test:setup` (or `HAIPAY_INSTALL=1 npm test`; Debian/Ubuntu, as root), `apt-get install chromium`, ' +
  'or set HAIPAY_CHROME to a Chrome/Chromium binary.';

/** The suites running now: each is its own process group, stopped whole if this runner is stopped. */
const running = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of running) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    }
    process.exit(1);
  });
}

/** Runs a suite's command, collecting stdout and stderr together (printed when it ends). */
function run(suite) {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(suite.cmd, suite.args, {
      cwd: root,
      env: { ...process.env, ...(chrome ? { HAIPAY_CHROME: chrome } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(child);
    child.on('close', () => {
      running.delete(child);
      // Whatever the suite left running (a server or browser a failed test did not stop) goes with it.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // nothing left
      }
    });
    const onData = (chunk) => (out += chunk);
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => (out += `\n${String(err)}\n`));
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

function count(suite, { code, out }) {
  if (suite.single) return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
  let passed = 0;
  let failed = 0;
  const last = [...out.matchAll(/^(\d+) passed, (\d+) failed$/gm)].at(-1);
  if (last) {
    passed = Number(last[1]);
    failed = Number(last[2]);
  }
  if (code !== 0 && failed === 0) failed = 1; // crashed or failed outside any test
  return { passed, failed };
}

const selected = suites.filter((s) => !only.length || only.some((o) => s.name.includes(o)));
const results = new Map();
const started = Date.now();

async function runSuite(suite) {
  if (suite.missingScript) {
    console.log(`\n━━━ ${suite.name} ━━━\n${suite.missingScript}: counted as failed.`);
    results.set(suite, { passed: 0, failed: 1 });
    return;
  }
  if (suite.needsChrome && !chrome) {
    console.log(`\n━━━ ${suite.name} ━━━\n${NO_CHROME}`);
    results.set(suite, { passed: 0, failed: 1 });
    return;
  }
  console.log(`… ${suite.name}: started`);
  const t0 = Date.now();
  const r = await run(suite);
  const seconds = (Date.now() - t0) / 1000;
  process.stdout.write(
    `\n━━━ ${suite.name} (${seconds.toFixed(1)} s) ━━━\n${r.out}${r.out.endsWith('\n') ? '' : '\n'}`,
  );
  results.set(suite, { ...count(suite, r), seconds });
}

// Longest first (by the last run's times, kept in node_modules/.cache), so that no long suite starts
// last and runs alone; before any timing exists, the root's suites, then the packages', then checks.
const timesFile = join(root, 'node_modules/.cache/haipay-run-tests.json');
let lastTimes = {};
try {
  lastTimes = JSON.parse(readFileSync(timesFile, 'utf8'));
} catch {
  // no earlier run
}
const expected = (s) => lastTimes[s.name] ?? s.firstRunSeconds ?? (s.single ? 0 : 100);
const queue = [...selected].sort((a, b) => expected(b) - expected(a));
await Promise.all(
  Array.from({ length: Math.min(jobs, queue.length) }, async () => {
    for (let suite = queue.shift(); suite; suite = queue.shift()) await runSuite(suite);
  }),
);

try {
  mkdirSync(dirname(timesFile), { recursive: true });
  const times = { ...lastTimes };
  for (const [suite, r] of results) if (r.seconds !== undefined) times[suite.name] = r.seconds;
  writeFileSync(timesFile, JSON.stringify(times, null, 2));
} catch {
  // only an ordering hint
}

console.log('\n━━━ summary ━━━');
for (const suite of selected) {
  const r = results.get(suite);
  const time = r.seconds === undefined ? '' : ` (${r.seconds.toFixed(1)} s)`;
  console.log(`${r.failed ? '✗' : '✓'} ${suite.name}: ${r.passed} passed, ${r.failed} failed${time}`);
}
if (!chrome && selected.some((s) => s.needsChrome)) console.log(NO_CHROME);
const all = selected.map((s) => results.get(s));
const passed = all.reduce((n, r) => n + r.passed, 0);
let failed = all.reduce((n, r) => n + r.failed, 0);
const testsRan = selected
  .filter((s) => !s.single)
  .reduce((n, s) => n + results.get(s).passed + results.get(s).failed, 0);
if (testsRan === 0 && selected.some((s) => !s.single)) {
  console.log('No tests ran: that is a failure, not a pass.');
  failed += 1;
}
console.log(`wall time ${((Date.now() - started) / 1000).toFixed(1)} s, ${jobs} suites at a time`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
