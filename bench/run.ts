/**
 * `pnpm bench` — the benchmark report. Prints one table (figure, value, unit, reference, ratio, aim,
 * met?) and, after a full run, writes bench/latest.json (`{ machine, plan, figures }`) and the table
 * in the root README's Benchmark section.
 *
 *   pnpm bench                  the full run (a few minutes; run it on a quiet machine)
 *   pnpm bench --quick          a short smoke run of every part; written to bench/.data/quick.json only
 *   pnpm bench --only router    one part (elements, sandbox, router); written to bench/.data/partial.json
 *   pnpm bench --profile        also a V8 CPU profile of the timed router process, in bench/.data/profiles
 *
 * The router is measured alone: the sandbox and the load generator run in processes of their own, the
 * router reports its own CPU time, and every reference is measured in the same run, interleaved with
 * its figure at the same concurrency (bench/router-figures.ts). This is a benchmark, not a test: it
 * asserts nothing and never fails on a slow machine; an aim not met is a `NO` in the table.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { elementSizes, qrRenderMs } from './elements.js';
import { DATA_DIR, ROOT, dataDir, judged, machine, table, type Figure } from './lib.js';
import { readmeSection } from './readme.js';
import { PLANS, routerFigures } from './router-figures.js';
import { sandboxApplyFigures } from './sandbox-apply.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    profile: { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const parts = new Set(values.only ?? ['elements', 'sandbox', 'router']);
const plan = PLANS[quick ? 'quick' : 'full'];
const chrome = [process.env.HAIPAY_CHROME, process.env.CHROME_PATH, '/usr/bin/chromium'].find(
  (p): p is string => !!p && existsSync(p),
);
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const started = performance.now();
const figures: Figure[] = [];

/** The elements' size budgets (packages/elements/README.md, "Sizes"). */
const ELEMENT_AIMS: Record<string, number> = {
  'elements.all.gzipBytes': 20 * 1024,
  'elements.qr.gzipBytes': 14 * 1024,
};

if (parts.has('elements')) {
  log('elements: bundling and gzipping each entry');
  for (const f of await elementSizes()) {
    const bound = ELEMENT_AIMS[f.name];
    figures.push(bound ? { ...f, aim: { op: '<=', bound } } : f);
  }
  if (chrome) {
    log('elements: QR render time in Chromium');
    const qr = await qrRenderMs(chrome).catch(
      (e: unknown) => (log(`qr.renderMs skipped: ${String(e)}`), undefined),
    );
    figures.push(
      qr ?? { name: 'qr.renderMs', value: null, unit: 'ms', note: 'not measured: Chromium failed to start' },
    );
  } else {
    figures.push({
      name: 'qr.renderMs',
      value: null,
      unit: 'ms',
      note: 'not measured: no Chromium (set HAIPAY_CHROME or CHROME_PATH)',
    });
  }
}

if (parts.has('sandbox')) {
  const orders = quick ? 1000 : 10_000;
  log(`sandbox: CPU per API call while empty and at ${orders} orders`);
  const s = await sandboxApplyFigures({ orders, log });
  figures.push(
    {
      name: 'sandbox.applyCpuMs',
      value: s.applyCpuMs.after10k,
      unit: 'ms CPU',
      reference: 'sandbox.applyCpuMs.first100',
      ratio: s.applyCpuMs.ratio,
      aim: { op: '<=', bound: 1.2, on: 'ratio' },
      note:
        `sandbox process CPU per API call once it holds ${s.orders} orders, against the first hundred ` +
        `calls; the sandbox in a process of its own, measured by bench/sandbox-apply.ts`,
    },
    {
      name: 'sandbox.applyCpuMs.first100',
      value: s.applyCpuMs.first100,
      unit: 'ms CPU',
      note: 'the same, over the first hundred calls (bench/sandbox-apply.ts)',
    },
    {
      name: 'sandbox.heapKbPerOrder',
      value: s.heapPerOrderKb,
      unit: 'KB',
      note: `sandbox heap growth per stored order (after forced GCs); ${s.heapMb.toFixed(1)} MB at ${s.orders} orders`,
    },
  );
}

if (parts.has('router')) {
  const profileDir = values.profile ? dataDir('profiles') : undefined;
  figures.push(...(await routerFigures(plan, log, profileDir)));
  if (profileDir) log(`router CPU profile written to bench/.data/profiles`);
}

const judgedFigures = figures.map(judged);
const complete = !quick && !values.profile && parts.size === 3;
const report = {
  machine: machine(),
  plan: { ...plan, quick, parts: [...parts], seconds: Math.round((performance.now() - started) / 1000) },
  figures: judgedFigures,
};
const out = complete ? `${ROOT}bench/latest.json` : `${dataDir()}/${quick ? 'quick' : 'partial'}.json`;
writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
console.log(table(judgedFigures));
const m = report.machine;
console.log(
  `\n${m.cpuModel} · ${m.cores} cores · ${m.memoryGiB} GiB · Node ${m.node} · bench/.data on ` +
    `${m.disk ? `${m.disk.fs} (${m.disk.device})` : 'an unknown filesystem'} · load ${m.loadAverage1m} · ` +
    `${report.plan.seconds} s`,
);
if (complete) {
  const readme = `${ROOT}README.md`;
  // Through prettier, as every Markdown file of the repository (it aligns the table).
  const text = readmeSection(readFileSync(readme, 'utf8'), report);
  writeFileSync(readme, await format(text, { ...(await resolveConfig(readme)), filepath: readme }));
  console.log('written to bench/latest.json and the README');
} else {
  console.log(
    `written to ${out.replace(`${DATA_DIR}/`, 'bench/.data/')} (bench/latest.json is written by full runs only)`,
  );
}
process.exit(0);
