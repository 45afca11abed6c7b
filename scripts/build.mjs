#!/usr/bin/env node
// Builds what the packages publish: `dist/` (ES2022 JavaScript, `.d.ts`, source maps) for every
// workspace package, or for the named ones and the workspace packages they depend on, and the
// elements' `cdn/` (bundled with Lit, for a page without a bundler) and their React, Preact and Vue
// declarations (`frameworks/`, from custom-elements.json).
//
// Inside the workspace nothing needs `dist/`: code runs from TypeScript source through the
// `@haipay-kit/source` export condition. A merchant who installs a package gets `dist/` through the
// `default`/`types` conditions, so `npm pack` / `pnpm publish` run this first (each package's
// `prepack`), and test/packaging.test.ts builds it and uses it the way an installed package is used.
//
// The build resolves sibling packages through their `types` condition (`customConditions: []` in
// each tsconfig.build.json), so a package's declarations point at its dependencies' published
// declarations, never at their source. That is why dependencies are built first.
//
// Usage: node scripts/build.mjs [protocol|sandbox|express|postgres|elements ...]
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const ALL = ['protocol', 'sandbox', 'express', 'postgres', 'elements'];

/** The workspace packages `name` depends on at run time, from its package.json. */
function workspaceDeps(name) {
  const pkg = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'));
  return Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })
    .filter((d) => d.startsWith('@haipay-kit/'))
    .map((d) => d.slice('@haipay-kit/'.length));
}

/** `names` and everything they depend on, dependencies first. */
function buildOrder(names) {
  const order = [];
  const visit = (name) => {
    if (order.includes(name)) return;
    if (!ALL.includes(name)) throw new Error(`Unknown package "${name}"; expected one of ${ALL.join(', ')}`);
    workspaceDeps(name).forEach(visit);
    order.push(name);
  };
  names.forEach(visit);
  return order;
}

const requested = process.argv.slice(2);
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
for (const name of buildOrder(requested.length ? requested : ALL)) {
  const dir = join(root, 'packages', name);
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  const started = Date.now();
  const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: dir, stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`build: @haipay-kit/${name} failed (tsc exit ${run.status ?? run.signal})`);
    process.exit(1);
  }
  console.log(`build: @haipay-kit/${name} → packages/${name}/dist (${Date.now() - started} ms)`);
  if (name === 'elements') {
    await buildElementsCdn(dir);
    buildFrameworkTypes();
  }
}

/**
 * `packages/elements/frameworks/`: the React, Preact and Vue declarations (`@haipay-kit/elements/react`,
 * `/preact`, `/vue`), generated from custom-elements.json by scripts/framework-types.mjs.
 */
function buildFrameworkTypes() {
  const run = spawnSync(process.execPath, [join(root, 'scripts', 'framework-types.mjs')], {
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    console.error(`build: framework types failed (exit ${run.status ?? run.signal})`);
    process.exit(1);
  }
}

/**
 * `packages/elements/cdn/`: the elements for a page with no bundler (after Shoelace's `cdn/`). One
 * self-contained ES module per entry (`index.js`, `card-form.js`, `qr.js`, `bank-transfer.js`,
 * `checkout.js`) with Lit
 * bundled in, shared code and the Thai and Chinese strings as chunks beside them (`chunks/`), loaded by
 * relative URL. Built from the `dist/` just written, so it holds exactly the published code. Serve the
 * folder from your own origin (a checkout page should not run third-party script) or from a CDN that
 * mirrors npm, and load one entry with `<script type="module">`.
 */
async function buildElementsCdn(dir) {
  const out = join(dir, 'cdn');
  rmSync(out, { recursive: true, force: true });
  await build({
    absWorkingDir: dir,
    entryPoints: {
      index: 'dist/index.js',
      'card-form': 'dist/card-form/card-form.register.js',
      qr: 'dist/qr/qr.register.js',
      'bank-transfer': 'dist/bank-transfer/bank-transfer.register.js',
      checkout: 'dist/checkout/checkout.register.js',
    },
    outdir: 'cdn',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'warning',
  });
  console.log('build: @haipay-kit/elements → packages/elements/cdn (bundled, for <script type="module">)');
}
