/**
 * `pnpm bench` — the benchmark report. Prints one table and writes bench/latest.json as
 * `{ machine, figures: [{ name, value, unit, reference?, ratio? }] }`.
 *
 * Every figure is measured in this run, on this machine, next to its reference (RSA signs per second
 * on one core; a bare Express JSON route's requests per second), so the figures read as ratios rather
 * than as absolute numbers from somebody else's hardware. This is a benchmark, not a test: it asserts
 * nothing and never fails on a slow machine.
 */
import { writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { machine, table, type Figure } from './lib.js';
import { rsaSignPerSecond, expressJsonPerSecond } from './references.js';
import { elementSizes, qrRenderMs } from './elements.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const chrome = [process.env.CHROME_PATH, process.env.HAIPAY_CHROME, '/usr/bin/chromium'].find(
  (p): p is string => !!p && existsSync(p),
);

const figures: Figure[] = [];
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

log('elements: bundling and gzipping each entry');
figures.push(...(await elementSizes()));
if (chrome) {
  log('elements: QR render time in Chromium');
  const qr = await qrRenderMs(chrome).catch(
    (e: unknown) => (log(`qr.renderMs skipped: ${String(e)}`), undefined),
  );
  if (qr) figures.push(qr);
} else log('qr.renderMs skipped: no Chromium (set CHROME_PATH)');

log('references: RSA-2048 signs per second (one core)');
const rsa = rsaSignPerSecond();
log('references: bare Express JSON route');
const expressRef = await expressJsonPerSecond();

log('server: checkouts, notifications and router latency through router → sandbox');
const { serverFigures } = await import('./server.js');
figures.push(...(await serverFigures({ rsa, expressRef })));
figures.push(rsa, expressRef);

const report = { machine: machine(), figures };
writeFileSync(`${root}/bench/latest.json`, JSON.stringify(report, null, 2) + '\n');
console.log(table(figures));
console.log(`\n${report.machine.cpuModel} · ${report.machine.cores} cores · Node ${report.machine.node}`);
console.log('written to bench/latest.json');
