#!/usr/bin/env node
// Prints the gzipped size (level 9) of each element entry and of all three together, Lit included,
// bundled the way a merchant's bundler would (esbuild, minified ESM, browser). Budgets (issue #5):
// all ≤ 20 KB, <haipay-qr> alone ≤ 12 KB. Exits 1 when a budget is exceeded.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const entries = {
  all: ['src/index.ts', 20 * 1024],
  'card-form': ['src/card-form/card-form.register.ts', null],
  qr: ['src/qr/qr.register.ts', 12 * 1024],
  'bank-transfer': ['src/bank-transfer/bank-transfer.register.ts', null],
};

let over = false;
for (const [name, [entry, budget]] of Object.entries(entries)) {
  const result = await build({
    entryPoints: [`${pkg}/${entry}`],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    conditions: ['@haipay-kit/source'],
    write: false,
    legalComments: 'none',
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  const gz = gzipSync(code, { level: 9 }).length;
  const flag = budget && gz > budget ? `  OVER BUDGET (${budget} B)` : budget ? `  (budget ${budget} B)` : '';
  if (budget && gz > budget) over = true;
  console.log(
    `${name.padEnd(14)} ${String(gz).padStart(6)} B gzip  ${String(code.length).padStart(7)} B min${flag}`,
  );
}
process.exit(over ? 1 : 0);
