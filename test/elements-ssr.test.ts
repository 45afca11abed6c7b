/**
 * `@haipay-kit/elements` can be imported during server rendering (issue #5, "works anywhere"): each
 * entry is imported in plain Node — no `window`, `document`, `customElements`, `localStorage`,
 * `EventSource` — in a fresh child process, with recording accessors on every browser global, and
 * `fetch` replaced by a function that records calls.
 *
 * What this proves, honestly:
 * - Under Node, `lit` resolves through its `node` export condition to Lit's server build, which imports
 *   `@lit-labs/ssr-dom-shim`: it installs a shim `customElements` registry on `globalThis` (if there is
 *   none), extends a shim `HTMLElement`, and lit-html checks whether `document` is defined. Those reads
 *   are Lit's, not ours; the test lists them and only allows Lit's packages to make them.
 * - Code under `packages/elements/src` reads no browser global at import time except `customElements`,
 *   and only in the `*.register.ts` guards; nothing fetches or opens a stream; nobody assigns `window`,
 *   `document` or any storage/network global.
 * - With Lit's shim registry, the tags are defined in it (what `@lit-labs/ssr` renders from), and a
 *   second import of another entry does not throw. With no registry at all (the shim's installation is
 *   refused), the guards skip `define` and the import still succeeds.
 * It does not prove that the elements server-render meaningful markup (`@lit-labs/ssr` is not used);
 * "no network call at import time" in a browser is tested in Chromium (packages/elements/test).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/** Runs in the child: traps, imports, reports JSON on stdout. argv: entries…, then `--no-registry`. */
const CHILD = String.raw`
const args = process.argv.slice(1);
const noRegistry = args.includes('--no-registry');
const entries = args.filter((a) => !a.startsWith('--'));
const NAMES = ['window', 'document', 'self', 'globalThis.top', 'localStorage', 'sessionStorage',
  'indexedDB', 'location', 'navigator', 'history', 'matchMedia', 'getComputedStyle',
  'requestAnimationFrame', 'EventSource', 'XMLHttpRequest', 'WebSocket', 'HTMLElement',
  'customElements'].filter((n) => !n.includes('.'));
const accesses = [];
let recording = true;
const where = () => {
  const frames = new Error().stack.split('\n').slice(3);
  for (const f of frames) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?$/.exec(f.trim());
    if (m) return m[1].replace(/^file:\/\//, '');
  }
  return '?';
};
const before = {};
for (const name of NAMES) {
  before[name] = typeof globalThis[name];
  if (before[name] !== 'undefined') throw new Error(name + ' exists in plain Node');
  let value;
  Object.defineProperty(globalThis, name, {
    configurable: true,
    get() { if (recording) accesses.push({ name, kind: 'get', file: where() }); return value; },
    set(v) {
      accesses.push({ name, kind: 'set', file: where() });
      if (!(noRegistry && name === 'customElements')) value = v;
    },
  });
}
const calls = [];
const realFetch = globalThis.fetch;
globalThis.fetch = (...a) => { calls.push({ name: 'fetch', file: where() }); return realFetch(...a); };
const result = { before, accesses, calls, entries: [], defined: {} };
for (const entry of entries) {
  try {
    const mod = await import(entry);
    result.entries.push({ entry, ok: true, exports: Object.keys(mod) });
  } catch (e) {
    result.entries.push({ entry, ok: false, error: String(e && e.stack || e) });
  }
}
recording = false;
const registry = globalThis.customElements;
result.registry = registry ? registry.constructor.name : null;
for (const tag of ['haipay-card-form', 'haipay-qr', 'haipay-bank-transfer', 'haipay-checkout']) {
  result.defined[tag] = registry ? (registry.get(tag)?.name ?? null) : null;
}
process.stdout.write(JSON.stringify(result));
`;

interface Report {
  before: Record<string, string>;
  accesses: { name: string; kind: 'get' | 'set'; file: string }[];
  calls: { name: string; file: string }[];
  entries: { entry: string; ok: boolean; exports?: string[]; error?: string }[];
  registry: string | null;
  defined: Record<string, string | null>;
}

async function importInNode(entries: string[], options: { noRegistry?: boolean } = {}) {
  const { stdout } = await run(
    process.execPath,
    [
      '--conditions=@haipay-kit/source',
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      CHILD,
      ...entries,
      ...(options.noRegistry ? ['--no-registry'] : []),
    ],
    { cwd: root, timeout: 60_000 },
  );
  return JSON.parse(stdout) as Report;
}

const ours = (file: string) => file.includes('/packages/elements/src/');
const lit = (file: string) =>
  /\/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?(lit|lit-html|lit-element|@lit\/|@lit-labs\/)/.test(file);

/** The common assertions: imported, no network, our code reads only `customElements` in the guards. */
function assertClean(report: Report) {
  for (const e of report.entries) assert.ok(e.ok, `import ${e.entry} failed:\n${e.error}`);
  for (const [name, type] of Object.entries(report.before)) {
    assert.equal(type, 'undefined', `${name} must not exist before the import`);
  }
  assert.deepEqual(report.calls, [], 'no fetch at import time');
  const network = report.accesses.filter((a) =>
    ['EventSource', 'XMLHttpRequest', 'WebSocket'].includes(a.name),
  );
  assert.deepEqual(network, [], 'no stream or request object is even looked up');
  const writes = report.accesses.filter((a) => a.kind === 'set' && a.name !== 'customElements');
  assert.deepEqual(writes, [], 'nobody assigns window, document or any storage/network global');
  const mine = report.accesses.filter((a) => ours(a.file));
  for (const a of mine) {
    assert.ok(
      a.name === 'customElements' && a.kind === 'get' && a.file.endsWith('.register.ts'),
      `packages/elements touched ${a.name} (${a.kind}) at import time in ${a.file}`,
    );
  }
  const others = report.accesses.filter((a) => !ours(a.file));
  for (const a of others) {
    assert.ok(lit(a.file), `${a.name} (${a.kind}) touched outside Lit and elements: ${a.file}`);
    // Lit's server build only checks for document/HTMLElement and installs its registry shim.
    assert.ok(
      ['document', 'HTMLElement', 'customElements'].includes(a.name),
      `Lit touched ${a.name} (${a.kind}) in ${a.file}`,
    );
  }
}

const ENTRIES = [
  '@haipay-kit/elements',
  '@haipay-kit/elements/card-form',
  '@haipay-kit/elements/qr',
  '@haipay-kit/elements/bank-transfer',
  '@haipay-kit/elements/checkout',
];
const TAG: Record<string, [string, string][]> = {
  '@haipay-kit/elements': [
    ['haipay-card-form', 'HaiPayCardForm'],
    ['haipay-qr', 'HaiPayQr'],
    ['haipay-bank-transfer', 'HaiPayBankTransfer'],
  ],
  '@haipay-kit/elements/card-form': [['haipay-card-form', 'HaiPayCardForm']],
  '@haipay-kit/elements/qr': [['haipay-qr', 'HaiPayQr']],
  '@haipay-kit/elements/bank-transfer': [['haipay-bank-transfer', 'HaiPayBankTransfer']],
  // The drop-in defines only itself: the three tags it shows are imported when first chosen.
  '@haipay-kit/elements/checkout': [['haipay-checkout', 'HaiPayCheckout']],
};

describe('@haipay-kit/elements imported in plain Node (server rendering)', () => {
  for (const entry of ENTRIES) {
    test(`${entry}: imports without touching window/document/storage/network`, async () => {
      const report = await importInNode([entry]);
      assertClean(report);
      // Lit's server build supplied the registry (@lit-labs/ssr-dom-shim); our guard defined into it.
      assert.equal(report.registry, 'CustomElementRegistry');
      const expected = TAG[entry]!;
      for (const [tag, cls] of expected) assert.equal(report.defined[tag], cls, tag);
      for (const tag of Object.keys(report.defined)) {
        if (!expected.some(([t]) => t === tag)) assert.equal(report.defined[tag], null, tag);
      }
      // The element reads no browser global itself, only the registration guard does.
      assert.ok(
        report.accesses.some((a) => a.name === 'customElements' && ours(a.file)),
        'the registration guard checks customElements',
      );
    });
  }

  test('a per-element entry then the index: the second registration is a no-op', async () => {
    const report = await importInNode([
      '@haipay-kit/elements/qr',
      '@haipay-kit/elements/card-form',
      '@haipay-kit/elements',
    ]);
    assertClean(report);
    assert.deepEqual(report.defined, {
      'haipay-card-form': 'HaiPayCardForm',
      'haipay-qr': 'HaiPayQr',
      'haipay-bank-transfer': 'HaiPayBankTransfer',
      'haipay-checkout': null,
    });
  });

  test('with no customElements at all (shim refused), every entry imports and defines nothing', async () => {
    const report = await importInNode(ENTRIES, { noRegistry: true });
    assertClean(report);
    assert.equal(report.registry, null);
    assert.deepEqual(report.defined, {
      'haipay-card-form': null,
      'haipay-qr': null,
      'haipay-bank-transfer': null,
      'haipay-checkout': null,
    });
    assert.deepEqual(report.entries.find((e) => e.entry === '@haipay-kit/elements')?.exports?.sort(), [
      'BANKS',
      'CountdownController',
      'HaiPayBankTransfer',
      'HaiPayCardForm',
      'HaiPayQr',
      'LOCALES',
      'LocalizeController',
      'PaymentStatusController',
      'bankInfo',
      'formatMoney',
      'groupAccount',
      'resolveLocale',
    ]);
  });
});
