/**
 * Payouts through the kit, against the real sandbox over loopback: `router.checkout.payout(request,
 * { idempotencyKey })` checks the field rules first, is recorded before HaiPay hears of it, applied
 * once per key, settled by HaiPay's notification on the router's `/notify` (verified, recorded,
 * acknowledged) or by the reconciler's pay query, whichever comes first, and handed to
 * `onPayoutSucceeded` / `onPayoutFailed` once — across two instances on one SQLite file, a lost
 * answer and a process killed after the apply call.
 */
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, generateSandboxConfig, type Sandbox } from '@haipay-kit/sandbox';
import { startHarness, clientOptionsFor, type Harness, THB_PAYOUT } from '@haipay-kit/test-support';
import { HaiPayConfigError, HaiPayIdempotencyError, HaiPayValidationError } from '../src/errors.js';
import type { CheckoutHooks, PayoutEvent, PayoutRequest } from '../src/checkout/index.js';
import { SqlitePaymentStore } from '../src/store/sqlite.js';
import { generateTestNotification } from '../src/testing.js';

let sandbox: Sandbox;
let dir: string;
let h: Harness;
let twin: Harness;
/** Payout hook calls of both instances, in order: `${hook}:${orderId}`, and what they received. */
const calls: string[] = [];
const received: PayoutEvent[] = [];
const hooks: CheckoutHooks = {
  onPayoutSucceeded: (p) => void (calls.push(`payout-succeeded:${p.orderId}`), received.push(p)),
  onPayoutFailed: (p) => void (calls.push(`payout-failed:${p.orderId}`), received.push(p)),
};

before(async () => {
  const config = generateSandboxConfig();
  for (const m of config.merchants) if (m.currency === 'THB') m.openingBalance = '100000.00';
  sandbox = await createSandbox({ config });
  dir = mkdtempSync(join(tmpdir(), 'haipay-payouts-'));
  const db = join(dir, 'shop.db');
  const options = { router: { hooks }, client: { timeoutMs: 1500 } };
  h = await startHarness({ sandbox, store: new SqlitePaymentStore({ filename: db }), ...options });
  twin = await startHarness({ sandbox, store: new SqlitePaymentStore({ filename: db }), ...options });
});
after(async () => {
  await h.close();
  await twin.close();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => sandbox.clearFaults());

const request = (overrides: Partial<PayoutRequest> = {}): PayoutRequest => ({
  ...THB_PAYOUT,
  subject: 'Weekly settlement',
  ...overrides,
});
const key = () => `payout-${process.pid}-${Math.random().toString(36).slice(2)}`;
const hookCalls = (id: string) => calls.filter((c) => c.endsWith(`:${id}`));
/** The sandbox's payouts under one of the kit's ids. */
const atHaiPay = (transferId: string) => sandbox.orders().filter((o) => o.orderId === transferId);

async function armed(): Promise<number> {
  const res = await fetch(`${sandbox.url}/_sandbox/faults`);
  const body = (await res.json()) as { faults: { remaining: number }[] };
  return body.faults.reduce((n, f) => n + f.remaining, 0);
}

/** HaiPay settles payouts after payoutDelayMs and notifies; the router answers before idle() resolves. */
async function settleAtHaiPay() {
  await sandbox.clock.advance(60_000);
  await sandbox.idle();
  await h.router.checkout.settle(1000);
  await twin.router.checkout.settle(1000);
}

describe('payout(): checked, recorded, applied once per key, settled, hooked once', () => {
  it('pays out; the same key answers the same payout; the notification settles it and is acknowledged', async () => {
    const k = key();
    const payout = await h.router.checkout.payout(request(), { idempotencyKey: k });
    assert.equal(payout.kind, 'payout');
    assert.equal(payout.status, 'pending');
    assert.match(payout.transferId, /^hpo_/);
    assert.equal(payout.amount, '250.00');
    assert.equal(payout.merchant, 'THB');
    assert.deepEqual(payout.details, {
      accountType: 'BANK_ACCOUNT',
      bankCode: 'KBANK',
      accountNo: '****6789',
      name: 'Saeng Coffee Co Ltd',
    });
    assert.ok(!JSON.stringify(payout).includes('0123456789'), 'the account number is kept masked');
    const [sent] = atHaiPay(payout.transferId);
    assert.equal(sent?.orderNo, payout.gatewayNo);
    assert.equal((sent as { notifyUrl?: string }).notifyUrl, `${h.url}/haipay/notify`);

    const again = await twin.router.checkout.payout(request(), { idempotencyKey: k });
    assert.equal(again.transferId, payout.transferId);
    await assert.rejects(
      h.router.checkout.payout(request({ amount: '251.00' }), { idempotencyKey: k }),
      HaiPayIdempotencyError,
    );
    assert.equal(atHaiPay(payout.transferId).length, 1);

    await settleAtHaiPay();
    const settled = await h.store.getTransfer(payout.transferId);
    assert.equal(settled?.status, 'succeeded');
    assert.equal(settled?.fee, '10.00');
    const log = await h.store.listNotifications(payout.transferId);
    assert.deepEqual(
      log.map((n) => n.outcome),
      ['payout_succeeded'],
      'verified, recorded and acknowledged (no retry)',
    );
    assert.deepEqual(hookCalls(payout.transferId), [`payout-succeeded:${payout.transferId}`]);
    const event = received.find((p) => p.orderId === payout.transferId)!;
    assert.equal(event.amount, '250.00');
    assert.equal(event.orderNo, payout.gatewayNo);
    await Promise.all([h.router.reconciler.runOnce(), twin.router.reconciler.runOnce()]);
    await sandbox.clock.advance(30 * 60_000); // HaiPay would retry an unacknowledged notification
    await sandbox.idle();
    assert.equal(hookCalls(payout.transferId).length, 1, 'once, across instances, passes and retries');
  });

  it('the notification of a recorded payout is confirmed by the pay query alone, with no collect query first', async () => {
    // A failure armed on every collect query: the old path (collect query first) could not confirm it.
    sandbox.injectFault({ mode: 'http500', endpoint: 'collect/query', count: 1 });
    const payout = await h.router.checkout.payout(request(), { idempotencyKey: key() });
    await settleAtHaiPay();
    assert.equal((await h.store.getTransfer(payout.transferId))?.status, 'succeeded');
    assert.deepEqual(
      (await h.store.listNotifications(payout.transferId)).map((n) => n.outcome),
      ['payout_succeeded'],
    );
    assert.equal(await armed(), 1, 'no collect query was made');
  });

  it('a payout the bank refuses fails: onPayoutFailed once, with HaiPay’s reason', async () => {
    // The sandbox fails account numbers that start with 999 at the "bank" (its README, "Payouts").
    const payout = await h.router.checkout.payout(request({ accountNo: '9990001111' }), {
      idempotencyKey: key(),
    });
    await settleAtHaiPay();
    const failed = await h.store.getTransfer(payout.transferId);
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.failureReason, 'Bank Account is not found');
    assert.deepEqual(hookCalls(payout.transferId), [`payout-failed:${payout.transferId}`]);
    assert.equal(
      received.find((p) => p.orderId === payout.transferId)?.errorMsg,
      'Bank Account is not found',
    );
  });

  it('refuses by the field rules before anything is written or sent', async () => {
    sandbox.injectFault({ mode: 'error', code: '1002', endpoint: 'pay/apply', count: 10 });
    const before = (await h.store.listTransfers({ kind: 'payout', limit: 1000 })).length;
    const refused = async (r: PayoutRequest, field: string) =>
      assert.rejects(h.router.checkout.payout(r, { idempotencyKey: key() }), (e: unknown) => {
        assert.ok(e instanceof HaiPayValidationError, String(e));
        assert.ok(
          e.issues.some((i) => i.field === field),
          JSON.stringify(e.issues),
        );
        return true;
      });
    await refused(request({ amount: '0.50' }), 'amount');
    await refused(request({ amount: '250' }), 'amount');
    await refused(request({ bankCode: 'NOPE' }), 'bankCode');
    await refused(request({ currency: 'TWD' }), 'currency');
    await refused(request({ name: 'Saeng & Co' }), 'name');
    await refused(request({ currency: 'VND', amount: '100000', accountType: 'EWALLET' }), 'accountType');
    await refused(request({ currency: 'USD', amount: '25.00', bankCode: 'ACH' }), 'identifyType');
    await assert.rejects(h.router.checkout.payout(request(), { idempotencyKey: '' }), HaiPayValidationError);
    assert.equal((await h.store.listTransfers({ kind: 'payout', limit: 1000 })).length, before);
    assert.equal(await armed(), 10, 'HaiPay was never called');
  });

  it('a lost notification: the reconciler settles it by pay query; the late notification is a duplicate', async () => {
    sandbox.injectFault({ mode: 'delayedNotification', ms: 20 * 60_000 });
    const payout = await h.router.checkout.payout(request({ amount: '300.00' }), { idempotencyKey: key() });
    await settleAtHaiPay();
    assert.equal((await h.store.getTransfer(payout.transferId))?.status, 'pending', 'not notified yet');
    await Promise.all([h.router.reconciler.runOnce(), twin.router.reconciler.runOnce()]);
    await h.router.checkout.settle(1000);
    await twin.router.checkout.settle(1000);
    assert.equal((await h.store.getTransfer(payout.transferId))?.status, 'succeeded');
    assert.deepEqual(hookCalls(payout.transferId), [`payout-succeeded:${payout.transferId}`]);
    assert.equal(received.find((p) => p.orderId === payout.transferId)?.amount, '300.00');
    await sandbox.clock.advance(20 * 60_000);
    await sandbox.idle();
    const log = await h.store.listNotifications(payout.transferId);
    assert.deepEqual(
      log.map((n) => n.outcome),
      ['duplicate'],
    );
    assert.equal(hookCalls(payout.transferId).length, 1);
  });

  it('a forged payout notification is refused and changes nothing', async () => {
    const payout = await h.router.checkout.payout(request(), { idempotencyKey: key() });
    const forged = generateTestNotification({
      payload: {
        appId: sandbox.merchant('THB').appId,
        orderId: payout.transferId,
        orderNo: payout.gatewayNo,
        amount: '250.00',
        fee: '10.00',
        currency: 'THB',
        status: 2,
      },
      platformPrivateKey: sandbox.config.merchants.find((m) => m.currency === 'THB')!.privateKey!,
      secretKey: sandbox.merchant('THB').secretKey,
    });
    const res = await h.post('/haipay/notify', forged, { 'content-type': 'application/json' });
    assert.notEqual(res.text, 'SUCCESS');
    assert.equal((await h.store.getTransfer(payout.transferId))?.status, 'pending');
    assert.deepEqual(hookCalls(payout.transferId), []);
  });

  it('an unknown outcome (hang) is never re-applied: the retry finds it by pay query', async () => {
    sandbox.injectFault({ mode: 'hang', ms: 3000, endpoint: 'pay/apply' });
    const k = key();
    const payout = await h.router.checkout.payout(request(), { idempotencyKey: k });
    assert.equal(payout.status, 'unknown');
    assert.equal(atHaiPay(payout.transferId).length, 1, 'HaiPay recorded it');
    const retry = await twin.router.checkout.payout(request(), { idempotencyKey: k });
    assert.equal(retry.transferId, payout.transferId);
    assert.equal(retry.status, 'pending');
    assert.ok(retry.gatewayNo);
    await settleAtHaiPay();
    assert.equal(atHaiPay(payout.transferId).length, 1, 'never applied again');
    assert.equal((await h.store.getTransfer(payout.transferId))?.status, 'succeeded');
    assert.equal(hookCalls(payout.transferId).length, 1);
  });

  it('a process killed after the apply call: the payout is reconciled, never duplicated', async () => {
    const optionsFile = join(dir, 'client.json');
    writeFileSync(optionsFile, JSON.stringify(clientOptionsFor(sandbox)));
    sandbox.injectFault({ mode: 'hang', endpoint: 'pay/apply' });
    const k = key();
    const before = sandbox.orders().length;
    const child = spawn(
      process.execPath,
      [
        '--conditions=@haipay-kit/source',
        '--import',
        'tsx',
        join(import.meta.dirname, 'fixtures/transfer-child.ts'),
      ],
      {
        env: {
          ...process.env,
          HAIPAY_DB: join(dir, 'shop.db'),
          HAIPAY_CLIENT_OPTIONS: optionsFile,
          HAIPAY_CALL: 'payout',
          HAIPAY_PAYOUT: JSON.stringify(request({ amount: '400.00' })),
          HAIPAY_KEY: k,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => child.on('exit', r));
    for (let i = 0; i < 600 && sandbox.orders().length === before; i++)
      await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await exited;
    assert.match(out, /^applying (hpo_\S+)\n$/, 'killed after recording, before any answer');
    const transferId = /applying (\S+)/.exec(out)![1]!;
    assert.equal((await h.store.getTransfer(transferId))?.status, 'unknown');
    sandbox.clearFaults();
    // The child's notifyUrl is not this router's: the reconciler's pay query settles it.
    await Promise.all([h.router.reconciler.runOnce(), twin.router.reconciler.runOnce()]);
    assert.equal((await h.store.getTransfer(transferId))?.status, 'pending');
    await sandbox.clock.advance(60_000);
    await sandbox.idle();
    await Promise.all([h.router.reconciler.runOnce(), twin.router.reconciler.runOnce()]);
    await h.router.checkout.settle(1000);
    await twin.router.checkout.settle(1000);
    assert.equal((await h.store.getTransfer(transferId))?.status, 'succeeded');
    const retry = await h.router.checkout.payout(request({ amount: '400.00' }), { idempotencyKey: k });
    assert.equal(retry.transferId, transferId);
    assert.equal(atHaiPay(transferId).length, 1, 'one payout at HaiPay');
    assert.deepEqual(hookCalls(transferId), [`payout-succeeded:${transferId}`]);
  });

  it('a currency without a configured merchant is a configuration error', async () => {
    const { createHaiPayRouter, HaiPayClient, silentLogger } = await import('../src/index.js');
    const options = clientOptionsFor(sandbox);
    const router = createHaiPayRouter({
      client: new HaiPayClient({ ...options, merchants: { THB: options.merchants.THB! } }),
      store: new SqlitePaymentStore({ filename: ':memory:' }),
      logger: silentLogger,
      publicBaseUrl: `${h.url}/haipay`,
      returnUrl: 'https://shop.example/thanks',
      allowedOrigins: ['https://shop.example'],
      resolveOrder: () => h.order,
      reconcile: false,
      rateLimit: false,
    });
    await assert.rejects(
      router.checkout.payout(request({ currency: 'VND', amount: '100000' }), { idempotencyKey: key() }),
      HaiPayConfigError,
    );
    await router.close();
  });
});
