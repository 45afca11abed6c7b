#!/usr/bin/env node
// `pnpm mutation`: runs Stryker (stryker.config.mjs) and prints the mutation score plainly at the end —
// overall and per mutated file — from its JSON reports. Exits non-zero when a Stryker run fails, or when
// the overall score or any one file's score is below the config's `thresholds.break`.
//
//   pnpm mutation                          every group of stryker.config.mjs, one after another, each
//                                          module with the test files written for it
//   pnpm mutation --group hooks,settlement  those groups
//   pnpm mutation --mutate packages/express/src/checkout/hooks.ts   one Stryker run over those files
//                                          (other arguments go to `stryker run` as they are)
// Each group's HTML report (every survivor, in its source) is reports/mutation/<group>/index.html; the
// scores added up are reports/mutation/mutation.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { default: config, groups } = await import(pathToFileURL(join(root, 'stryker.config.mjs')).href);
const breakAt = config.thresholds?.break ?? 0;
const bin = join(
  dirname(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json')),
  'bin/stryker.js',
);

const args = process.argv.slice(2);
const at = args.indexOf('--group');
let picked = null;
if (at !== -1) {
  picked = (args[at + 1] ?? '').split(',').filter(Boolean);
  args.splice(at, 2);
  const unknown = picked.filter((n) => !groups.some((g) => g.name === n));
  if (picked.length === 0 || unknown.length > 0) {
    console.error(`mutation: --group takes one or more of: ${groups.map((g) => g.name).join(', ')}`);
    process.exit(2);
  }
}
// `--mutate` (or a single group) is one Stryker run; otherwise one run per group.
const runs = args.includes('--mutate')
  ? [{ name: picked?.length === 1 ? picked[0] : undefined, label: 'stryker run' }]
  : groups.filter((g) => !picked || picked.includes(g.name)).map((g) => ({ name: g.name, label: g.name }));

const merged = { files: {} };
let failed = false;
for (const run of runs) {
  const reportDir = join(root, run.name ? `reports/mutation/${run.name}` : 'reports/mutation');
  const reportPath = join(reportDir, 'mutation.json');
  rmSync(reportPath, { force: true });
  const started = Date.now();
  if (runs.length > 1) console.log(`\nmutation: group ${run.name}`);
  const result = spawnSync(process.execPath, [bin, 'run', ...args], {
    cwd: root,
    stdio: 'inherit',
    env: run.name ? { ...process.env, HAIPAY_MUTATION_GROUP: run.name } : process.env,
  });
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  if (!existsSync(reportPath)) {
    console.error(
      `\nmutation: ${run.label}: Stryker wrote no report (${relative(root, reportPath)}); see above.`,
    );
    failed = true;
    continue;
  }
  console.log(`mutation: ${run.label} took ${minutes} min`);
  // A Stryker run that ended with a report but non-zero is below its break threshold, judged below.
  Object.assign(merged.files, JSON.parse(readFileSync(reportPath, 'utf8')).files);
  if (result.status === null) failed = true;
}
if (runs.length > 1) {
  mkdirSync(join(root, 'reports/mutation'), { recursive: true });
  writeFileSync(join(root, 'reports/mutation/mutation.json'), JSON.stringify(merged));
}
const report = merged;

// Stryker's mutation score: killed (a timeout counts as killed) over every valid mutant, survivors and
// mutants no test reaches included. Ignored (disabled) mutants and ones that do not compile are not counted.
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const rows = [];
const total = { detected: 0, valid: 0, survived: 0, noCoverage: 0, ignored: 0 };
for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const row = { file, detected: 0, valid: 0, survived: 0, noCoverage: 0, ignored: 0 };
  for (const { status } of mutants) {
    if (DETECTED.has(status)) row.detected++;
    if (status === 'Survived') row.survived++;
    if (status === 'NoCoverage') row.noCoverage++;
    if (status === 'Ignored') row.ignored++;
    if (DETECTED.has(status) || UNDETECTED.has(status)) row.valid++;
  }
  rows.push(row);
  for (const k of Object.keys(total)) total[k] += row[k];
}

const score = (r) => (r.valid === 0 ? 100 : (100 * r.detected) / r.valid);
const pct = (r) => `${score(r).toFixed(1)} %`;
const width = Math.max(4, ...rows.map((r) => r.file.length));
const line = (cells) =>
  `${cells[0].padEnd(width)}  ${cells
    .slice(1)
    .map((c) => String(c).padStart(8))
    .join('  ')}`;
console.log(`\n${line(['file', 'score', 'killed', 'of', 'survived', 'no cover', 'disabled'])}`);
console.log('-'.repeat(width + 2 + 6 * 10 - 2));
for (const r of rows) {
  console.log(line([r.file, pct(r), r.detected, r.valid, r.survived, r.noCoverage, r.ignored]));
}
const low = rows.filter((r) => score(r) < breakAt);
console.log(`\nmutation score: ${pct(total)} (killed ${total.detected} of ${total.valid})`);
const htmls = runs.map((r) => `reports/mutation/${r.name ? `${r.name}/` : ''}index.html`);
console.log(`report${htmls.length > 1 ? 's' : ''}: ${htmls.join(', ')}`);
if (score(total) < breakAt || low.length > 0) {
  const names = low.map((r) => `${r.file} ${pct(r)}`).join(', ');
  console.error(`mutation: below the break threshold of ${breakAt} %${names ? `: ${names}` : ''}`);
  process.exit(1);
}
process.exit(failed ? 1 : 0);
