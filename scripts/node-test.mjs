#!/usr/bin/env node
// One node:test suite: every `*.test.ts` under `test/` of the current directory (a package's `test`
// script: `pnpm --filter @haipay-kit/express test`; scripts/run-tests.mjs runs the same scripts for
// `npm test`, and this file directly for the root's test/). TypeScript runs through tsx with the
// workspace's source condition. Ends with one plain line `N passed, N failed`.
//
// Node 20's `node --test` neither expands a quoted glob nor fails when it finds no file, so this lists
// the files itself, and a run that finds no file, or a file that declares no test, fails.
//
// Usage: node scripts/node-test.mjs [--concurrency=N] [--exclude=file] [--test-* node flags] [file or dir ...]
//   file or dir   run only these (default: test/); `pnpm --filter @haipay-kit/express test test/sse.test.ts`
//   --exclude     leave this file out (repeatable)
//   --concurrency test files run side by side (default 4; each file is its own process). Test files of
//                 this workspace do not share ports (they listen on port 0), temporary files (mkdtemp),
//                 PostgreSQL schemas (a fresh schema per store) or environment (a process per file), so
//                 they are independent; the few that time themselves run alone (ALONE below).
//   --test-*      passed to node, e.g. --test-name-pattern="refund"
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const cwd = process.cwd();
let concurrency = 4;
const nodeFlags = [];
const targets = [];
const excluded = [];
for (const arg of process.argv.slice(2)) {
  if (arg.startsWith('--concurrency=')) concurrency = Number(arg.slice('--concurrency='.length));
  else if (arg.startsWith('--exclude=')) excluded.push(join(cwd, arg.slice('--exclude='.length)));
  else if (arg.startsWith('--test-')) nodeFlags.push(arg);
  else if (arg.startsWith('-')) fail(`unknown option ${arg}`);
  else targets.push(arg);
}
if (!Number.isInteger(concurrency) || concurrency < 1) fail('--concurrency takes a whole number ≥ 1');

/** Lists `*.test.ts` files under `path` (recursively; a file is itself), skipping browser tests. */
function testFiles(path) {
  if (!existsSync(path)) fail(`${relative(cwd, path) || '.'} does not exist`);
  if (!statSync(path).isDirectory()) return [path];
  const out = [];
  for (const name of readdirSync(path).sort()) {
    const full = join(path, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(full).isDirectory()) out.push(...testFiles(full));
    else if (name.endsWith('.test.ts') && !name.endsWith('.browser.test.ts')) out.push(full);
  }
  return out;
}

function fail(message) {
  console.error(`node-test: ${message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const files = (targets.length ? targets : ['test'])
  .flatMap((t) => testFiles(join(cwd, t)))
  .filter((f) => !excluded.includes(f));
if (files.length === 0) fail(`no *.test.ts file under ${targets.join(', ') || 'test/'}: nothing ran`);

// Files that run alone, after the others: they assert on wall-clock time, which a busy CPU stretches,
// and beside three other test files on a small (2-core) machine they failed now and then. Paths from
// the repository root; each with what it times.
const ALONE = new Map([
  [
    'packages/express/test/attacks.test.ts',
    'hook leases of 120 ms renewed on a timer, streams that live 300 ms, 3,000 streams opened at once',
  ],
  ['packages/express/test/streams.test.ts', 'counts the gateway queries made in 1.5 s of wall time'],
  ['packages/sandbox/test/faults.test.ts', 'an answer without injected latency must come within 250 ms'],
  [
    'test/faults/fault-suite.test.ts',
    "gateway latencies of 60, 700 and 900 ms against its companion's 400 ms client timeout",
  ],
  // These start the sandbox CLI through tsx, some generating its RSA keys, and give it a minute to print
  // its banner: beside three other files on a loaded 2-core machine it did not always make it.
  ['packages/sandbox/test/cli.test.ts', 'each sandbox CLI it starts has a minute to print its banner'],
  ['packages/sandbox/test/exposure.test.ts', 'each sandbox CLI it starts has a minute to print its banner'],
]);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const alone = files.filter((f) => ALONE.has(relative(repoRoot, f)));
const together = files.filter((f) => !alone.includes(f));

const tapDir = mkdtempSync(join(tmpdir(), 'haipay-node-test-'));
// Ctrl+C reaches the whole process group; wait for node --test to stop its files, then report.
process.on('SIGINT', () => {});

/** Runs `node --test` over `group`: spec to the console, TAP to a file; resolves to TAP and exit code. */
async function runGroup(group, n, name) {
  const tap = join(tapDir, `${name}.tap`);
  const child = spawn(
    process.execPath,
    [
      '--conditions=@haipay-kit/source',
      '--import',
      'tsx',
      '--test',
      `--test-concurrency=${n}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...nodeFlags,
      ...group.map((f) => relative(cwd, f)),
    ],
    { stdio: 'inherit' },
  );
  const code = await new Promise((resolve) =>
    child.on('close', (c, signal) => resolve(c ?? (signal ? 1 : 0))),
  );
  return { code, tap: existsSync(tap) ? readFileSync(tap, 'utf8') : '' };
}

const runs = [];
if (together.length) runs.push(await runGroup(together, concurrency, 'together'));
for (const file of alone) {
  console.log(`\n${relative(cwd, file)} runs alone (${ALONE.get(relative(repoRoot, file))}):`);
  runs.push(await runGroup([file], 1, 'alone'));
}
rmSync(tapDir, { recursive: true, force: true });

const total = (name) =>
  runs.reduce((n, r) => n + Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(r.tap)?.[1] ?? 0), 0);
// Node 20 reports a file that declares no test as one passing test named by the file's path.
const empty = runs
  .flatMap((r) => [...r.tap.matchAll(/^ok \d+ - (.+)$/gm)].map((m) => m[1]))
  .filter((n) => files.includes(n));
for (const file of empty)
  console.log(`✖ ${relative(cwd, file)} declares no test: that is a failure, not a pass.`);
const passed = total('pass') - empty.length;
let failed = total('fail') + total('cancelled') + empty.length;
const skipped = total('skipped') + total('todo');
if (total('tests') === 0) {
  console.log(`No tests ran in ${files.length} file(s): that is a failure, not a pass.`);
  failed += 1;
}
if (runs.some((r) => r.code !== 0) && failed === 0) failed = 1; // crashed or failed outside any test
if (skipped) console.log(`(${skipped} skipped)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
