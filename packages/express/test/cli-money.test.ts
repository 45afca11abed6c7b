/**
 * `haipay refund`, `haipay payout` and `haipay balance`, run as processes against the real sandbox: a
 * confirmation prompt unless `--yes` (anything but y/yes does nothing), `--json` or a sentence, the
 * same `--key` never moving money twice, the router's store file shared with the CLI.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSandbox,
  generateSandboxConfig,
  type CollectOrder,
  type MerchantCurrency,
  type Sandbox,
} from '@haipay-kit/sandbox';
import { startHarness, idem, BUYER, CARD, ORIGIN, type Harness, THB_PAYOUT } from '@haipay-kit/test-support';
import { SqlitePaymentStore } from '../src/store/sqlite.js';

const root = join(import.meta.dirname, '../../..');
let sandbox: Sandbox;
let dir: string;
let db: string;
let h: Harness;
before(async () => {
  const config = generateSandboxConfig();
  for (const m of config.merchants)
    if (m.currency !== 'CASHIER')
      m.openingBalance = m.currency === 'VND' || m.currency === 'TWD' ? '5000000' : '10000.00';
  sandbox = await createSandbox({ config });
  dir = mkdtempSync(join(tmpdir(), 'haipay-cli-money-'));
  db = join(dir, 'shop.db');
  h = await startHarness({ sandbox, store: new SqlitePaymentStore({ filename: db }) });
});
after(async () => {
  await h.close();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI as a process with `currency`'s credentials in the environment; `input` is its stdin. */
function cli(
  currency: MerchantCurrency,
  args: string[],
  input = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const m = sandbox.merchant(currency);
  const child = spawn(
    process.execPath,
    ['--conditions=@haipay-kit/source', '--import', 'tsx', 'packages/express/src/cli.ts', ...args],
    {
      cwd: root,
      env: {
        ...process.env,
        HAIPAY_BASE_URL: sandbox.url,
        HAIPAY_APP_ID: String(m.appId),
        HAIPAY_SECRET: m.secretKey,
        HAIPAY_PRIVATE_KEY: m.privateKey!,
        HAIPAY_PLATFORM_PUBLIC_KEY: sandbox.config.platform.publicKey,
      },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function paidCardOrder(): Promise<string> {
  h.order = { amount: '25.00', currency: 'USD', subject: 'Order #C', buyerId: 'u-1001' };
  const res = await h.post(
    '/haipay/payments',
    { method: 'card', ...BUYER, phone: '', ...CARD },
    { ...idem(), 'user-agent': 'test-agent', referer: `${ORIGIN}/checkout` },
  );
  assert.equal(res.status, 201, JSON.stringify(res.json));
  await sandbox.idle();
  const orderId = String(res.json.orderId);
  await h.router.checkout.refresh(orderId, { force: true });
  return orderId;
}

const refundsOf = async (orderId: string) => h.store.listTransfers({ paymentOrderId: orderId });

describe('haipay refund / payout / balance (processes, real sandbox)', () => {
  it('refund asks first: "n" does nothing; "y" refunds; the same --key again is the same refund', async () => {
    const orderId = await paidCardOrder();
    const args = [
      'refund',
      '--store',
      db,
      '--order-id',
      orderId,
      '--key',
      `cli-${orderId}`,
      '--reason',
      'damaged',
    ];
    const no = await cli('USD', args, 'n\n');
    assert.equal(no.code, 1);
    assert.match(no.stderr, /Refund 25\.00 USD of order hp_\S+\? \[y\/N\] Nothing was done\./);
    assert.deepEqual(await refundsOf(orderId), [], 'nothing recorded, nothing sent');

    const yes = await cli('USD', args, 'y\n');
    assert.equal(yes.code, 0, yes.stderr);
    assert.match(
      yes.stdout,
      /^refund hpr_\S+ \(refund of hp_\S+, 25\.00 USD\) is pending at HaiPay as \S+\n$/,
    );
    const [refund] = await refundsOf(orderId);
    assert.equal(refund?.reason, 'damaged');

    const again = await cli('USD', [...args, '--yes', '--json']);
    assert.equal(again.code, 0, again.stderr);
    const json = JSON.parse(again.stdout) as { transferId: string; status: string };
    assert.equal(json.transferId, refund?.transferId, 'the same key: the same refund');
    assert.equal((await refundsOf(orderId)).length, 1);
    const orderNo = (await h.store.get(orderId))!.orderNo!;
    assert.equal(
      (sandbox.order(orderNo) as CollectOrder | undefined)?.refundNo,
      refund?.gatewayNo,
      'one refund at HaiPay',
    );
  });

  it('refund refuses what cannot be refunded, and usage mistakes exit 2', async () => {
    const missing = await cli('USD', [
      'refund',
      '--store',
      db,
      '--order-id',
      'hp_nothing_here_0000',
      '--key',
      'k1',
      '--yes',
    ]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /haipay: No order hp_nothing_here_0000/);
    const noKey = await cli('USD', ['refund', '--store', db, '--order-id', 'hp_x', '--yes']);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /--key is required/);
  });

  it('payout asks first, pays out once per key, and the router’s /notify settles it', async () => {
    const payout = JSON.stringify({ ...THB_PAYOUT, partnerUserId: 'supplier-17' });
    const args = [
      'payout',
      '--store',
      db,
      '--public-base-url',
      `${h.url}/haipay`,
      '--key',
      `cli-payout-${process.pid}`,
      '--payout',
      payout,
    ];
    const asked = await cli('THB', args, 'yes\n');
    assert.equal(asked.code, 0, asked.stderr);
    assert.match(
      asked.stderr,
      /Pay out 250\.00 THB to Saeng Coffee Co Ltd \(KBANK \*\*\*\*6789\)\? \[y\/N\]/,
    );
    assert.match(asked.stdout, /^payout hpo_\S+ \(payout to Saeng Coffee Co Ltd, 250\.00 THB\) is pending/);
    const again = await cli('THB', [...args, '--yes', '--json']);
    const json = JSON.parse(again.stdout) as { transferId: string };
    assert.equal(sandbox.orders().filter((o) => o.orderId === json.transferId).length, 1, 'applied once');
    await sandbox.clock.advance(60_000);
    await sandbox.idle();
    await h.router.checkout.settle(1000);
    assert.equal((await h.store.getTransfer(json.transferId))?.status, 'succeeded');

    const bad = await cli('THB', [
      ...args.slice(0, 5),
      '--key',
      'cli-bad',
      '--payout',
      payout.replace('250.00', '0.10'),
      '--yes',
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /haipay: Some payout fields are invalid/);
  });

  it('balance prints the ledger as decimal text, or JSON', async () => {
    const text = await cli('VND', ['balance', '--currency', 'VND']);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, 'VND: total 5000000, available 5000000, frozen 0, unsettled 0\n');
    const json = await cli('VND', ['balance', '--currency', 'vnd', '--json']);
    assert.deepEqual(JSON.parse(json.stdout), {
      currency: 'VND',
      total: '5000000',
      available: '5000000',
      frozen: '0',
      unsettled: '0',
    });
  });
});

describe('haipay orders (a process, the router’s store file)', () => {
  it('lists and searches the orders, newest first, as text or JSON; bad flags exit 2', async () => {
    const paid = await paidCardOrder();
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #Q-ORDERS', buyerId: 'u-1001' };
    const qr = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
    assert.equal(qr.status, 201, JSON.stringify(qr.json));
    const pending = String(qr.json.orderId);

    const all = await cli('USD', ['orders', '--store', db, '--json']);
    assert.equal(all.code, 0, all.stderr);
    const listed = (JSON.parse(all.stdout) as { orderId: string; createdAt: string }[]).map((o) => o.orderId);
    assert.ok(listed.indexOf(pending) < listed.indexOf(paid), 'newest first');

    const card = await cli('USD', [
      'orders',
      '--store',
      db,
      '--method',
      'card',
      '--status',
      'succeeded',
      '--json',
    ]);
    const cards = JSON.parse(card.stdout) as { orderId: string; method: string; status: string }[];
    assert.ok(cards.some((o) => o.orderId === paid));
    assert.ok(cards.every((o) => o.method === 'card' && o.status === 'succeeded'));

    const text = await cli('USD', ['orders', '--store', db, '--text', 'q-orders']);
    assert.equal(text.code, 0, text.stderr);
    assert.deepEqual(
      text.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('  ')[1]),
      [pending],
      'the text search ignores ASCII case',
    );
    assert.match(text.stdout, /pending {2}100\.00 THB {2}promptpay/);

    const none = await cli('USD', ['orders', '--store', db, '--text', "x' OR '1'='1"]);
    assert.equal(none.stdout, 'No orders match.\n', 'SQL-looking text is only text');

    for (const bad of [
      ['--status', 'paid'],
      ['--limit', '0'],
      ['--limit', '501'],
      ['--kind', 'refund'],
      ['--from', 'yesterday-ish'],
    ]) {
      const r = await cli('USD', ['orders', '--store', db, ...bad]);
      assert.equal(r.code, 2, `${bad.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(bad[0]!));
    }
    const missing = await cli('USD', ['orders', '--store', join(dir, 'nope.db')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no file/);
  });
});
