#!/usr/bin/env node
// `pnpm mutation`: runs Stryker (stryker.config.mjs) and prints the mutation score plainly at the end —
// overall and per mutated file — from its JSON report. Exits non-zero when Stryker fails, or when the
// overall score or any one file's score is below the config's `thresholds.break`.
//
// Extra arguments go to `stryker run`, e.g. one module while working on its tests:
//   pnpm mutation --mutate packages/express/src/checkout/hooks.ts
// The HTML report (every survivor, in its source) is reports/mutation/index.html.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { default: config } = await import(pathToFileURL(join(root, 'stryker.config.mjs')).href);
const reportPath = join(root, config.jsonReporter?.fileName ?? 'reports/mutation/mutation.json');
const breakAt = config.thresholds?.break ?? 0;

const bin = join(
  dirname(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json')),
  'bin/stryker.js',
);
rmSync(reportPath, { force: true });
const run = spawnSync(process.execPath, [bin, 'run', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
if (!existsSync(reportPath)) {
  console.error(`\nmutation: Stryker wrote no report (${relative(root, reportPath)}); see its output above.`);
  process.exit(run.status || 1);
}

// Stryker's mutation score: killed (a timeout counts as killed) over every valid mutant, survivors and
// mutants no test reaches included. Ignored (disabled) mutants and ones that do not compile are not counted.
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
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
console.log(`report: ${relative(root, join(dirname(reportPath), 'index.html'))}`);
if (score(total) < breakAt || low.length > 0) {
  const names = low.map((r) => `${r.file} ${pct(r)}`).join(', ');
  console.error(`mutation: below the break threshold of ${breakAt} %${names ? `: ${names}` : ''}`);
  process.exit(1);
}
process.exit(run.status ?? 1);
