/**
 * The packages as a merchant installs them, not as this workspace runs them.
 *
 * Everywhere else, code runs from TypeScript source through the `@haipay-kit/source` export condition.
 * A merchant who runs `npm install @haipay-kit/express` gets the published tarball instead: `dist/`
 * JavaScript and declarations, resolved through the `default` and `types` conditions, and bins that
 * npm links into `node_modules/.bin`. None of that is exercised by the other suites, so this one:
 *
 * 1. packs every package with `pnpm pack` (which runs each package's `prepack`: scripts/build.mjs);
 * 2. unpacks the tarballs into a new project's `node_modules/@haipay-kit/*`, links their third-party
 *    dependencies from the workspace's store (there is no registry here; their own code is not under
 *    test), and links the bins the way npm does;
 * 3. uses them from that project with plain `node` (no tsx, no source condition): a PromptPay
 *    checkout through the router into a SQLite file against the sandbox, the CLIs through their
 *    `.bin` symlinks, a browser bundle of `@haipay-kit/elements/qr`, a page in Chromium with only the
 *    tags and a `<script type="module">` from the elements' `cdn/` under a strict CSP, and `tsc` over
 *    a TypeScript consumer with `skipLibCheck: false`.
 *
 * It does not prove that the npm registry install resolves the same dependency versions.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import express from 'express';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';

const CHROME = process.env.HAIPAY_CHROME || '/usr/bin/chromium';

/** A PromptPay payload (EMVCo TLV with its CRC), as the sandbox issues them. */
const PROMPTPAY_PAYLOAD =
  '00020101021229370016A000000677010111011300668123456785802TH53037645406100.006304E0B1';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const PACKAGES = ['protocol', 'sandbox', 'express', 'postgres', 'elements'] as const;

let tmp = '';
let app = '';
/** The fields of a package's package.json this suite reads. */
interface Manifest {
  exports: Record<string, string | Record<string, string>>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  customElements?: string;
}
const manifests = {} as Record<(typeof PACKAGES)[number], Manifest>;

/** `node_modules/<name>` → the workspace's installed copy (its real path, as a registry install would hold it). */
function linkDependency(name: string, from: string): void {
  const target = join(app, 'node_modules', name);
  if (existsSync(target)) return;
  const candidates = [join(from, 'node_modules', name), join(root, 'node_modules', name)];
  const found = candidates.find((c) => existsSync(c));
  assert.ok(found, `dependency ${name} is installed in the workspace`);
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(realpathSync(found), target, 'dir');
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'haipay-packaging-'));
  const tarballs = join(tmp, 'tarballs');
  app = join(tmp, 'shop');
  mkdirSync(tarballs);
  mkdirSync(join(app, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module' }));
  // Dependencies first, one at a time: each prepack rebuilds the package and its workspace dependencies.
  for (const name of PACKAGES) {
    await run('pnpm', ['pack', '--pack-destination', tarballs], {
      cwd: join(root, 'packages', name),
      maxBuffer: 16 * 1024 * 1024,
    });
  }
  for (const name of PACKAGES) {
    const dir = join(app, 'node_modules', '@haipay-kit', name);
    mkdirSync(dir, { recursive: true });
    await run('tar', [
      '-xzf',
      join(tarballs, `haipay-kit-${name}-0.1.0.tgz`),
      '-C',
      dir,
      '--strip-components=1',
    ]);
    manifests[name] = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  }
  for (const name of PACKAGES) {
    const m = manifests[name];
    const deps = { ...m.dependencies, ...m.peerDependencies };
    for (const dep of Object.keys(deps)) {
      if (!dep.startsWith('@haipay-kit/')) linkDependency(dep, join(root, 'packages', name));
    }
    for (const [bin, file] of Object.entries<string>(m.bin ?? {})) {
      const target = join(app, 'node_modules', '@haipay-kit', name, file);
      chmodSync(target, 0o755); // npm marks bin targets executable when it links them
      symlinkSync(
        relative(join(app, 'node_modules', '.bin'), target),
        join(app, 'node_modules', '.bin', bin),
      );
    }
  }
  // What the merchant's own project installs next to the kit: its types and a bundler.
  for (const dev of ['@types/node', '@types/express', 'typescript', 'esbuild']) linkDependency(dev, root);
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('published packages', () => {
  test('each tarball holds every file its package.json points to, and no workspace: ranges', () => {
    for (const name of PACKAGES) {
      const m = manifests[name];
      const dir = join(app, 'node_modules', '@haipay-kit', name);
      const targets: string[] = [];
      for (const conditions of Object.values<string | Record<string, string>>(m.exports)) {
        const paths = typeof conditions === 'string' ? [conditions] : Object.values(conditions);
        // A pattern export (`./cdn/*`) must at least have its folder.
        targets.push(...paths.map((p) => (p.includes('*') ? dirname(p) : p)));
      }
      targets.push(...Object.values<string>(m.bin ?? {}));
      if (m.customElements) targets.push(m.customElements);
      for (const t of targets)
        assert.ok(existsSync(join(dir, t)), `@haipay-kit/${name}: ${t} is in the tarball`);
      for (const [dep, range] of Object.entries<string>({ ...m.dependencies, ...m.peerDependencies })) {
        assert.doesNotMatch(range, /^workspace:/, `@haipay-kit/${name} → ${dep}: ${range}`);
      }
      assert.equal(m.scripts?.prepack, undefined, 'publish lifecycle scripts are not shipped');
      const tests = readdirSync(dir).filter((f) => f === 'test');
      assert.deepEqual(tests, [], `@haipay-kit/${name} ships no tests`);
    }
  });

  test('no tarball carries key material, and the browser code references nothing server-only', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
      );
    let scanned = 0;
    for (const name of PACKAGES) {
      const dir = join(app, 'node_modules', '@haipay-kit', name);
      for (const file of files(dir)) {
        const text = readFileSync(file, 'utf8');
        scanned++;
        // A PKCS#8 / PKCS#1 RSA private key body (a PEM armour line alone is code that parses keys).
        assert.doesNotMatch(text, /MII[EJ][A-Za-z0-9+/]{60,}/, `key material in ${relative(app, file)}`);
        if (name === 'elements' && /\/(dist|cdn)\/.*\.js$/.test(file)) {
          assert.doesNotMatch(
            text,
            /node:|better-sqlite3|@haipay-kit\/(express|sandbox|postgres)|protocol\/node/,
            file,
          );
        }
      }
    }
    assert.ok(scanned > 100, `${scanned} files scanned`);
  });

  test('plain node runs a PromptPay checkout: router → sandbox → SQLite file → notification → hook once', async () => {
    const script = String.raw`
import express from 'express';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HaiPayClient, createHaiPayRouter } from '@haipay-kit/express';
import { SqlitePaymentStore } from '@haipay-kit/express/sqlite';
import { createSandbox } from '@haipay-kit/sandbox';
import { parseJsonLossless } from '@haipay-kit/protocol';
import { createVerifier } from '@haipay-kit/protocol/node';
import { validateEmail } from '@haipay-kit/protocol/rules';
import { PostgresPaymentStore } from '@haipay-kit/postgres';

const specifiers = ['@haipay-kit/protocol', '@haipay-kit/protocol/node', '@haipay-kit/protocol/rules',
  '@haipay-kit/sandbox', '@haipay-kit/express', '@haipay-kit/postgres'];
const resolved = Object.fromEntries(specifiers.map((s) => [s, fileURLToPath(import.meta.resolve(s))]));

const sandbox = await createSandbox();
const merchants = {};
for (const m of sandbox.config.merchants) merchants[m.currency] = { appId: m.appId, secretKey: m.secretKey, privateKey: m.privateKey };
const client = new HaiPayClient({ baseUrl: sandbox.url, merchants, platformPublicKey: sandbox.config.platform.publicKey });
const app = express();
const server = app.listen(0, '127.0.0.1');
await once(server, 'listening');
const url = 'http://127.0.0.1:' + server.address().port;
const hooks = [];
const router = createHaiPayRouter({
  client,
  store: new SqlitePaymentStore({ filename: './data/haipay.db' }),
  publicBaseUrl: url + '/haipay',
  returnUrl: 'https://shop.example/thanks',
  allowedOrigins: ['https://shop.example'],
  resolveOrder: () => ({ amount: '100.00', currency: 'THB', subject: 'Order 1', buyerId: 'u-1' }),
  hooks: { onPaymentSucceeded: (p) => void hooks.push(p.orderId) },
});
app.use('/haipay', router);
const headers = { origin: 'https://shop.example', 'content-type': 'application/json', 'idempotency-key': 'shop-attempt-0001' };
const created = await (await fetch(url + '/haipay/payments', { method: 'POST', headers,
  body: JSON.stringify({ method: 'promptpay', orderRef: 'cart-1', name: 'Somchai Jaidee', email: 's@example.com', phone: '0812345678' }) })).json();
await fetch(sandbox.url + '/_sandbox/orders/' + created.orderNo + '/complete', { method: 'POST',
  headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'success' }) });
await sandbox.idle();
const final = await (await fetch(url + '/haipay/payments/' + created.orderId, { headers: { origin: 'https://shop.example' } })).json();
await router.close();
server.close();
await sandbox.close();
process.stdout.write('\nRESULT ' + JSON.stringify({
  resolved, created, final, hooks,
  sqlite: existsSync('./data/haipay.db'),
  others: [typeof parseJsonLossless, typeof createVerifier, validateEmail('s@example.com') === null, typeof PostgresPaymentStore],
}));
`;
    writeFileSync(join(app, 'server.mjs'), script);
    const { stdout } = await run(process.execPath, ['server.mjs'], { cwd: app, timeout: 60_000 });
    const out = JSON.parse(stdout.slice(stdout.lastIndexOf('\nRESULT ') + 8));
    for (const [spec, file] of Object.entries<string>(out.resolved)) {
      assert.ok(file.startsWith(join(app, 'node_modules')), `${spec} resolves inside the shop: ${file}`);
      assert.match(file, /\/dist\/.*\.js$/, `${spec} resolves to published JavaScript`);
    }
    assert.equal(out.created.status, 'pending', JSON.stringify(out.created));
    assert.equal(out.created.next.type, 'qr');
    assert.match(out.created.next.payload, /^000201.*6304[0-9A-F]{4}$/);
    assert.equal(out.final.status, 'succeeded');
    assert.deepEqual(out.hooks, [out.created.orderId]);
    assert.equal(out.sqlite, true);
    assert.deepEqual(out.others, ['function', 'function', true, 'function']);
  });

  test('without the optional better-sqlite3, the root imports and the SQLite store names the install command', async () => {
    // A second project holding its own copy of the express package and its required dependencies only:
    // no better-sqlite3 anywhere above it (an application on PostgreSQL never installs the native addon).
    const lean = join(tmp, 'lean-app');
    const modules = join(lean, 'node_modules');
    mkdirSync(join(modules, '@haipay-kit'), { recursive: true });
    cpSync(join(app, 'node_modules', '@haipay-kit', 'express'), join(modules, '@haipay-kit', 'express'), {
      recursive: true,
    });
    symlinkSync(
      realpathSync(join(app, 'node_modules', '@haipay-kit', 'protocol')),
      join(modules, '@haipay-kit', 'protocol'),
      'dir',
    );
    const m = manifests.express;
    for (const dep of [...Object.keys(m.dependencies ?? {}), 'express']) {
      if (dep.startsWith('@haipay-kit/')) continue;
      // A scoped dependency (@opentelemetry/api) needs its scope folder first.
      mkdirSync(dirname(join(modules, dep)), { recursive: true });
      symlinkSync(realpathSync(join(app, 'node_modules', dep)), join(modules, dep), 'dir');
    }
    writeFileSync(join(lean, 'package.json'), '{"type":"module"}');
    writeFileSync(
      join(lean, 'check.mjs'),
      `import { createHaiPayRouter, HaiPayConfigError } from '@haipay-kit/express';
import { SqlitePaymentStore } from '@haipay-kit/express/sqlite';
if (typeof createHaiPayRouter !== 'function') throw new Error('no router');
try {
  new SqlitePaymentStore({ filename: ':memory:' });
  console.log('CREATED');
} catch (err) {
  console.log(err instanceof HaiPayConfigError ? 'CONFIG ' + err.message : 'OTHER ' + err.message);
}
`,
    );
    assert.ok(!existsSync(join(modules, 'better-sqlite3')), 'the lean project has no better-sqlite3');
    const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: lean });
    assert.match(
      stdout,
      /^CONFIG SqlitePaymentStore needs the better-sqlite3 package: npm install better-sqlite3/,
    );
  });

  test('the bins run through their node_modules/.bin symlinks', async () => {
    const bin = (name: string) => join(app, 'node_modules', '.bin', name);
    const keygen = await run(bin('haipay'), ['keygen'], { cwd: app });
    const pair = JSON.parse(keygen.stdout);
    assert.match(pair.privateKey, /^MII/);
    assert.match(pair.publicKey, /^MII/);
    const help = await run(bin('haipay-sandbox'), ['--help'], { cwd: app });
    assert.match(help.stdout, /--manual-clock/);
  });

  test('a browser bundle of @haipay-kit/elements/qr is built from dist, with no Node built-ins', async () => {
    writeFileSync(join(app, 'checkout.js'), "import '@haipay-kit/elements/qr';\n");
    const result = await build({
      absWorkingDir: app,
      entryPoints: ['checkout.js'],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    const ours = inputs.filter((i) => i.includes('@haipay-kit/'));
    assert.ok(ours.length > 5, 'the element is bundled from the package');
    for (const i of ours) assert.match(i, /@haipay-kit\/(elements|protocol)\/dist\/.*\.js$/, i);
    assert.ok(
      ours.some((i) => i.includes('/elements/dist/qr/qr.js')),
      'the QR element itself is in the bundle',
    );
    assert.ok(
      inputs.some((i) => i.includes('/lit-html/')),
      'Lit is in the bundle',
    );
    assert.ok(!inputs.some((i) => i.startsWith('node:')), 'no Node built-in in a browser bundle');
    const text = result.outputFiles.map((f) => f.text).join('\n');
    assert.match(text, /haipay-qr/);
  });

  test('a page with only the tags and a <script type="module"> from cdn/ renders them under a strict CSP', async () => {
    // Found the way packages/elements/README.md tells a merchant to find it.
    const elements = dirname(
      createRequire(join(app, 'server.mjs')).resolve('@haipay-kit/elements/cdn/index.js'),
    );
    assert.equal(elements, join(app, 'node_modules', '@haipay-kit', 'elements', 'cdn'));
    const page = `<!doctype html>
<html lang="th"><head><meta charset="utf-8"><title>Checkout</title>
<script type="module" src="/elements/qr.js"></script>
<script type="module" src="/elements/card-form.js"></script></head>
<body>
<haipay-qr payload="${PROMPTPAY_PAYLOAD}" amount="100.00"></haipay-qr>
<haipay-card-form endpoint="/haipay" order-ref="cart-1" card-mode="direct" locale="en"></haipay-card-form>
</body></html>`;
    const shop = express();
    const requests: string[] = [];
    shop.use((req, res, next) => {
      requests.push(req.path);
      res.set('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self'");
      next();
    });
    shop.use('/elements', express.static(elements));
    shop.get('/', (_req, res) => void res.type('html').send(page));
    shop.get('/favicon.ico', (_req, res) => void res.status(204).end());
    const server = shop.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const browser = await chromium.launch({
      executablePath: CHROME,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    try {
      const tab = await browser.newPage();
      const problems: string[] = [];
      tab.on('console', (msg) => msg.type() === 'error' && problems.push(msg.text()));
      tab.on('pageerror', (err) => problems.push(err.message));
      tab.on('response', (res) => res.status() >= 400 && problems.push(`${res.status()} ${res.url()}`));
      await tab.goto(url);
      await tab.waitForFunction(() =>
        document.querySelector('haipay-qr')?.shadowRoot?.querySelector('svg[part~="qr"] path'),
      );
      // lang="th" on the page: the Thai strings arrive as a chunk fetched relative to the module.
      await tab.waitForFunction(() =>
        document.querySelector('haipay-qr')?.shadowRoot?.textContent?.includes('สแกนเพื่อชำระด้วยพร้อมเพย์'),
      );
      const cardNumber = await tab.evaluate(
        () =>
          document
            .querySelector('haipay-card-form')
            ?.shadowRoot?.querySelector('input[autocomplete="cc-number"]')
            ?.getAttribute('inputmode') ?? null,
      );
      assert.equal(cardNumber, 'numeric');
      assert.deepEqual(problems, [], 'no console errors, no CSP violations');
      assert.ok(
        requests.some((r) => r.startsWith('/elements/chunks/')),
        'shared chunks load by relative URL',
      );
      assert.ok(!requests.some((r) => r.startsWith('/haipay')), 'rendering makes no call to the companion');
    } finally {
      await browser.close();
      server.close();
    }
  });

  test('the declarations type-check in a strict TypeScript project (skipLibCheck: false)', async () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          lib: ['ES2022', 'DOM'],
          types: ['node'],
        },
        include: ['consumer.ts'],
      }),
    );
    writeFileSync(
      join(app, 'consumer.ts'),
      `import express from 'express';
import { HaiPayClient, createHaiPayRouter, HaiPayApiError, type PaymentEvent } from '@haipay-kit/express';
import { SqlitePaymentStore } from '@haipay-kit/express/sqlite';
import { PostgresPaymentStore } from '@haipay-kit/postgres';
import { createSandbox } from '@haipay-kit/sandbox';
import { validateEmail, type PaymentView } from '@haipay-kit/protocol/rules';
import { HaiPayQr } from '@haipay-kit/elements';
import '@haipay-kit/elements/card-form';

export async function main(): Promise<void> {
  const sandbox = await createSandbox();
  const client = new HaiPayClient({ baseUrl: sandbox.url, merchants: {}, platformPublicKey: sandbox.config.platform.publicKey });
  const onPaid = (p: PaymentEvent): string => p.orderId;
  const router = createHaiPayRouter({
    client,
    store: new SqlitePaymentStore({ filename: './data/haipay.db' }),
    publicBaseUrl: 'https://shop.example/haipay',
    returnUrl: 'https://shop.example/thanks',
    allowedOrigins: ['https://shop.example'],
    resolveOrder: () => ({ amount: '1.00', currency: 'THB', subject: 'x', buyerId: 'u' }),
    hooks: { onPaymentSucceeded: (p) => void onPaid(p) },
  });
  express().use('/haipay', router);
  const view: PaymentView | null = null;
  const qr: HaiPayQr | null = null;
  void [view, qr, validateEmail('a@b.c'), HaiPayApiError, PostgresPaymentStore];
  // The tags and their haipay-* events are typed on the DOM's own maps.
  const tag: HaiPayQr | null = document.querySelector('haipay-qr');
  tag?.addEventListener('haipay-succeeded', (e) => void e.detail.view.status.toUpperCase());
  document.addEventListener('haipay-redirect', (e) => e.cancelable && e.detail.url.startsWith('https:'));
  // @ts-expect-error the amount is a decimal string, not a number
  createHaiPayRouter({ client, resolveOrder: () => ({ amount: 1, currency: 'THB', subject: 'x', buyerId: 'u' }) });
}
`,
    );
    const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app }).then(
      () => ({ ok: true, out: '' }),
      (e: { stdout?: string; stderr?: string }) => ({ ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );
    assert.ok(result.ok, result.out);
  });
});
