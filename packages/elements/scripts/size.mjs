#!/usr/bin/env node
// Prints the gzipped size (level 9) of each element entry and of all three together, Lit included,
// bundled the way a merchant's bundler would: esbuild, minified ESM for the browser, UTF-8 output
// (`charset: 'utf8'`; esbuild's default ASCII charset escapes every Thai/Chinese character as \uXXXX,
// which no one serves), and code splitting, because non-English strings are dynamic imports.
// The figure per entry is its *initial* code: the entry file plus the chunks it imports statically —
// everything an English-speaking shopper downloads. Thai and Chinese strings are separate chunks,
// fetched only when that locale is used; their sizes are listed underneath.
// Budgets: all three ≤ 20 KiB (issue #5). <haipay-qr> alone ≤ 14 KiB: issue #5 aimed at 12 KiB, but
// Lit is 5.8 KiB of it and removing the status and countdown controllers outright still left 12.1 KiB,
// so 12 KiB cannot be met without dropping tested behaviour (README "Sizes"). It was 13.5 KiB until
// focus moved to what appears (QR, bank details, result heading) and money took the narrow symbol,
// +210 B to the QR alone; 14 KiB keeps ~400 B of headroom so that growth stays a decision, not a drift.
// The three tags together are also measured in a Vite build by `pnpm bench` (bench/elements.ts), which
// adds Vite's preload helper: that figure is the larger one and has the same 20 KiB budget.
// Exits 1 when one is exceeded.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const entries = {
  all: ['src/index.ts', 20 * 1024],
  'card-form': ['src/card-form/card-form.register.ts', null],
  qr: ['src/qr/qr.register.ts', 14 * 1024],
  'bank-transfer': ['src/bank-transfer/bank-transfer.register.ts', null],
};

/** Bundles one entry with splitting; returns the initial size and each lazy chunk's size. */
export async function measure(entry) {
  const result = await build({
    absWorkingDir: pkg,
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    charset: 'utf8',
    splitting: true,
    outdir: 'out',
    metafile: true,
    write: false,
    conditions: ['@haipay-kit/source'],
    legalComments: 'none',
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const text = (key) => result.outputFiles.find((f) => f.path === resolve(pkg, key)).text;
  const gz = (key) => gzipSync(text(key), { level: 9 }).length;
  const entryKey = Object.keys(outputs).find(
    (k) => resolve(pkg, outputs[k].entryPoint ?? '') === resolve(pkg, entry),
  );
  const initial = new Set();
  const visit = (key) => {
    if (initial.has(key)) return;
    initial.add(key);
    for (const i of outputs[key].imports) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(entryKey);
  const lazy = Object.keys(outputs)
    .filter((k) => k.endsWith('.js') && !initial.has(k))
    .map((k) => ({ name: chunkName(outputs[k]), gzip: gz(k) }));
  const keys = [...initial];
  return {
    gzip: keys.reduce((n, k) => n + gz(k), 0),
    min: keys.reduce((n, k) => n + Buffer.byteLength(text(k)), 0),
    lazy,
  };
}

/** `th/qr.ts` for a locale chunk; a shared chunk by its inputs. */
function chunkName(out) {
  const short = (p) => p.replace(/^.*src\/translations\//, '');
  return out.entryPoint ? short(out.entryPoint) : Object.keys(out.inputs).map(short).join('+');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let over = false;
  for (const [name, [entry, budget]] of Object.entries(entries)) {
    const { gzip, min, lazy } = await measure(entry);
    const flag =
      budget && gzip > budget ? `  OVER BUDGET (${budget} B)` : budget ? `  (budget ${budget} B)` : '';
    if (budget && gzip > budget) over = true;
    console.log(
      `${name.padEnd(14)} ${String(gzip).padStart(6)} B gzip  ${String(min).padStart(7)} B min${flag}`,
    );
    console.log(`${''.padEnd(14)} lazy: ${lazy.map((c) => `${c.name} ${c.gzip} B`).join(', ')}`);
  }
  process.exit(over ? 1 : 0);
}
