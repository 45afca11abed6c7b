/**
 * Leak scans (issue 7, item 4).
 * (a) The browser bundles of the elements, built as a merchant's bundler would (bench/elements.ts),
 *     hold no private key, no merchant secret and no server-only module.
 * (b) After card checkouts of every test-card kind through router → sandbox — with a capturing logger,
 *     status reads, SSE streams, notifications (duplicated, retried after a hook failure), a 1003 and
 *     a replayed Idempotency-Key — no full card number or CVV appears in any log line, in the SQLite
 *     .db/-wal/-shm bytes, or in any response body.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { createSandbox, generateSandboxConfig, type Sandbox } from '@haipay-kit/sandbox';
import { SqlitePaymentStore } from '@haipay-kit/express/sqlite';
import { bundle, ELEMENT_ENTRIES } from '../../bench/elements.js';
import { startHarness, ORIGIN, BUYER, type Harness } from '@haipay-kit/test-support';

const root = new URL('../../', import.meta.url).pathname;

/** Module paths that must never reach a browser bundle. */
const SERVER_ONLY = [
  'packages/express/',
  'packages/sandbox/',
  'packages/protocol/src/node',
  'node_modules/express/',
  'node_modules/better-sqlite3/',
  'node_modules/zod/',
  '.pnpm/express@',
  '.pnpm/better-sqlite3@',
  '.pnpm/zod@',
];
const SERVER_ONLY_TEXT = [
  /\bnode:crypto\b/,
  /\bbetter-sqlite3\b/,
  /@haipay-kit\/(express|sandbox)\b/,
  /@haipay-kit\/protocol\/node\b/,
  /require\(["']crypto["']\)/,
];
const PRIVATE_KEY_RE = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /MII[EJ][A-Za-z0-9+/]{20,}/,
  /MC4CAQAwBQYDK2Vw/,
];

/** Which files esbuild pulled into an entry's bundle. */
async function inputsOf(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [`${root}/${entry}`],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['@haipay-kit/source'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
  });
  return Object.keys(result.metafile.inputs);
}

describe('leak scan (a): browser bundles', () => {
  const entries = Object.entries(ELEMENT_ENTRIES).filter(([, e]) => existsSync(`${root}/${e}`));

  it('bundles every element entry', () => assert.ok(entries.length >= 3, 'element entries exist'));

  it('no private key, merchant secret or server-only module in any element bundle', async (t) => {
    // A generated sandbox config: its secrets must not be anywhere a bundle could pick them up.
    const config = generateSandboxConfig();
    const secrets = config.merchants.flatMap((m) => [m.secretKey, m.privateKey!.slice(0, 60)]);
    secrets.push(config.platform.privateKey.slice(0, 60));
    let bytes = 0;
    let modules = 0;
    for (const [name, entry] of entries) {
      const code = await bundle(entry);
      bytes += code.length;
      for (const re of PRIVATE_KEY_RE) assert.ok(!re.test(code), `${name}: private key material (${re})`);
      for (const s of secrets) assert.ok(!code.includes(s), `${name}: a merchant secret or key`);
      for (const re of SERVER_ONLY_TEXT) assert.ok(!re.test(code), `${name}: server-only reference ${re}`);
      const inputs = await inputsOf(entry);
      modules += inputs.length;
      const server = inputs.filter((i) => SERVER_ONLY.some((s) => i.includes(s)));
      assert.deepEqual(server, [], `${name}: server-only modules bundled`);
    }
    const line = `leak scan (a): ${entries.length} bundles, ${bytes} bytes, ${modules} module inputs — 0 keys, 0 secrets, 0 server-only modules`;
    console.log(line);
    t.diagnostic(line);
  });

  it('the scan itself catches planted key material and server modules', async () => {
    const config = generateSandboxConfig();
    const planted = `const k="${config.platform.privateKey}";import("node:crypto")`;
    assert.ok(
      PRIVATE_KEY_RE.some((re) => re.test(planted)),
      'a PKCS#8 key is recognised',
    );
    assert.ok(
      SERVER_ONLY_TEXT.some((re) => re.test(planted)),
      'node:crypto is recognised',
    );
    assert.ok(
      (await inputsOf('packages/sandbox/src/money.ts')).some((i) => SERVER_ONLY.some((s) => i.includes(s))),
      'a sandbox module in a bundle is flagged',
    );
  });
});

describe('leak scan (b): card data after checkouts', () => {
  let sandbox: Sandbox;
  let h: Harness;
  let dir: string;
  let filename: string;
  const bodies: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'haipay-leaks-'));
    filename = join(dir, 'leaks.db');
    sandbox = await createSandbox();
    h = await startHarness({ sandbox, store: new SqlitePaymentStore({ filename }) });
    h.order = { amount: '25.00', currency: 'USD', subject: 'Order #9', buyerId: 'u-1001' };
  });
  after(async () => {
    await h?.close();
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const CARDS = [
    { cardNumber: '4242424242424242', cvv: '731' },
    { cardNumber: '4000000000009995', cvv: '842' },
    { cardNumber: '4000002500003155', cvv: '953' },
    { cardNumber: '4000000000003220', cvv: '164' },
    { cardNumber: '4000056655665556', cvv: '275' },
    { cardNumber: '5555555555554444', cvv: '386' },
    { cardNumber: '4000000000000341', cvv: '497' },
  ];

  const text = async (res: Response) => {
    const t = await res.text();
    bodies.push(t);
    return t;
  };

  it('no card number or CVV in logs, database files or response bodies', async (t) => {
    const key = (i: number) => ({ 'idempotency-key': `leak-scan-key-${i}` });
    let checkouts = 0;
    const ids: string[] = [];
    sandbox.injectFault({ mode: 'duplicateNotification', endpoint: 'usd/collect/apply', count: 3 });
    for (const [i, card] of CARDS.entries()) {
      if (i === 5) sandbox.injectFault({ mode: '1003', endpoint: 'usd/collect/apply' });
      const body = { method: 'card', ...BUYER, phone: '', expiryMonth: '12', expiryYear: '2031', ...card };
      const res = await h.post('/haipay/payments', body, key(i));
      bodies.push(JSON.stringify(res.json));
      checkouts++;
      assert.ok([201, 202].includes(res.status), `checkout ${card.cardNumber.slice(-4)}: ${res.status}`);
      ids.push(res.json.orderId);
      // The browser retries with the same key (replay) and sends a broken one (400 with field issues).
      const replay = await h.post('/haipay/payments', body, key(i));
      bodies.push(JSON.stringify(replay.json));
      const bad = await h.post(
        '/haipay/payments',
        { ...body, expiryMonth: '1x', cvv: `${card.cvv}9` },
        key(100 + i),
      );
      bodies.push(JSON.stringify(bad.json));
      const conflict = await h.post('/haipay/payments', { ...body, cvv: '000' }, key(i));
      bodies.push(JSON.stringify(conflict.json));
      checkouts += 3;
    }
    // A subscription with a card, too.
    const sub = await h.post(
      '/haipay/subscriptions',
      { ...BUYER, phone: '', ...CARDS[0], expiryMonth: '12', expiryYear: '2031', planRef: 'p' },
      key(200),
    );
    bodies.push(JSON.stringify(sub.json));
    // 3-D Secure orders: complete them at the gateway; notifications go out (and duplicates).
    for (const o of sandbox.orders()) if (o.status < 2) sandbox.complete(o.orderNo, 'success');
    await sandbox.clock.advance(10 * 60_000);
    await sandbox.idle();
    await h.router.reconciler.runOnce();
    for (const id of ids) {
      const res = await fetch(`${h.url}/haipay/payments/${id}`, { headers: { origin: ORIGIN } });
      await text(res);
      const sse = await fetch(`${h.url}/haipay/payments/${id}/events`, { headers: { origin: ORIGIN } });
      await text(sse); // final orders: the stream sends the state and ends
      const ret = await fetch(`${h.url}/haipay/return/${id}?result=success`, { redirect: 'manual' });
      bodies.push(`${ret.headers.get('location')} ${await ret.text()}`);
    }
    // Every notification body the router received was logged to the store; the gateway's copies too.
    const notes = sandbox.notifications().map((n) => n.body);
    assert.ok(notes.length >= CARDS.length, 'notifications were delivered');

    const logs = h.logger.lines.join('\n');
    assert.ok(h.logger.lines.length > 0, 'something was logged');
    const files = [filename, `${filename}-wal`, `${filename}-shm`].filter((f) => existsSync(f));
    const haystacks: [string, Buffer][] = [
      ['logs', Buffer.from(logs)],
      ['response bodies', Buffer.from(bodies.join('\n'))],
      ...files.map((f) => [f.slice(dir.length + 1), readFileSync(f)] as [string, Buffer]),
    ];
    let scanned = 0;
    const leaks: string[] = [];
    for (const [where, bytes] of haystacks) {
      scanned += bytes.length;
      for (const card of CARDS) {
        if (bytes.includes(Buffer.from(card.cardNumber)))
          leaks.push(`${where}: card …${card.cardNumber.slice(-4)}`);
        if (bytes.includes(Buffer.from(card.cardNumber.slice(0, 12))))
          leaks.push(`${where}: first 12 digits of …${card.cardNumber.slice(-4)}`);
        for (const form of [
          `"cvv":"${card.cvv}"`,
          `"cvv": "${card.cvv}"`,
          `cvv=${card.cvv}`,
          `"cvv":"${card.cvv}9"`,
        ])
          if (bytes.includes(Buffer.from(form))) leaks.push(`${where}: CVV ${form}`);
      }
    }
    // The scan can see what it looks for: the raw bodies we sent do contain the numbers.
    assert.ok(Buffer.from(JSON.stringify(CARDS)).includes(Buffer.from(CARDS[0]!.cardNumber)));
    const line = `leak scan (b): ${checkouts} card requests, ${h.logger.lines.length} log lines, ${files.length} database files, ${bodies.length} response bodies, ${notes.length} notifications; ${scanned} bytes scanned — leaks: ${leaks.length}`;
    console.log(line);
    t.diagnostic(line);
    assert.deepEqual(leaks, []);
  });
});
