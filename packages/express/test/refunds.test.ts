/**
 * Refunds through the kit, against the real sandbox over loopback: `router.checkout.refund(orderId,
 * { idempotencyKey, reason })` on a paid USD card payment is recorded before HaiPay hears of it, applied
 * once per key, settled by `refundQuery` in the reconciler and handed to `onRefundSucceeded` /
 * `onRefundFailed` once — also with two instances on one SQLite file racing the same key, when HaiPay's
 * answer is lost (a timeout, `1003`) and when the process is killed after the apply call.
 */
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, generateSandboxConfig, type Sandbox } from '@haipay-kit/sandbox';
import {
  startHarness,
  clientOptionsFor,
  idem,
  BUYER,
  CARD,
  ORIGIN,
  type Harness,
} from '@haipay-kit/test-support';
import { HaiPayIdempotencyError, HaiPayRefundError, HaiPayValidationError } from '../src/errors.js';
import type { CheckoutHooks } from '../src/checkout/index.js';
import { SqlitePaymentStore } from '../src/store/sqlite.js';

let sandbox: Sandbox;
let dir: string;
let h: Harness;
let twin: Harness;
/** Refund hook calls of both instances, in order: `${hook}:${transferId}:${status}`. */
const calls: string[] = [];
const hooks: CheckoutHooks = {
  onRefundSucceeded: (r) => void calls.push(`refund-succeeded:${r.transferId}:${r.status}`),
  onRefundFailed: (r) => void calls.push(`refund-failed:${r.transferId}:${r.failureReason}`),
};

before(async () => {
  const config = generateSandboxConfig();
  for (const m of config.merchants) if (m.currency === 'USD') m.openingBalance = '10000.00';
  sandbox = await createSandbox({ config });
  dir = mkdtempSync(join(tmpdir(), 'haipay-refunds-'));
  const db = join(dir, 'shop.db');
  // Two instances of the shop on one SQLite file, as two processes would run.
  const options = { router: { hooks, unknownGraceMs: 60_000 }, client: { timeoutMs: 1500 } };
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

/** A USD card payment, paid. */
async function paidCardOrder(amount = '25.00'): Promise<string> {
  h.order = { amount, currency: 'USD', subject: 'Order #R', buyerId: 'u-1001' };
  const res = await h.post(
    '/haipay/payments',
    { method: 'card', ...BUYER, phone: '', ...CARD },
    { ...idem(), 'user-agent': 'test-agent', referer: `${ORIGIN}/checkout` },
  );
  assert.equal(res.status, 201, JSON.stringify(res.json));
  await sandbox.idle();
  await h.router.checkout.refresh(res.json.orderId, { force: true });
  const orderId = String(res.json.orderId);
  assert.equal((await h.store.get(orderId))?.status, 'succeeded');
  return orderId;
}

/** The sandbox's refunds of one paid order (by its orderNo). */
async function refundsAtHaiPay(orderId: string) {
  const orderNo = (await h.store.get(orderId))!.orderNo!;
  const res = await fetch(`${sandbox.url}/_sandbox/orders/${orderNo}`);
  const order = (await res.json()) as { refundNo?: string };
  return order.refundNo ? [order.refundNo] : [];
}

/** The faults still armed (a fault on refund/apply still armed = no refund call was made). */
async function armed(): Promise<number> {
  const res = await fetch(`${sandbox.url}/_sandbox/faults`);
  const body = (await res.json()) as { faults: { remaining: number }[] };
  return body.faults.reduce((n, f) => n + f.remaining, 0);
}

/** Drives a sandbox refund to its end over the control API, as documented. */
async function completeRefund(refundNo: string, outcome: 'success' | 'failure', errorMsg?: string) {
  const res = await fetch(`${sandbox.url}/_sandbox/orders/${refundNo}/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ outcome, ...(errorMsg ? { errorMsg } : {}) }),
  });
  assert.equal(res.status, 200, await res.text());
}

const hookCalls = (id: string) => calls.filter((c) => c.includes(`:${id}:`));
const key = () => `refund-${process.pid}-${Math.random().toString(36).slice(2)}`;

describe('refund(): recorded, applied once per key, settled, hooked once', () => {
  it('refunds a paid card order; the same key answers the same refund; the reconciler settles it', async () => {
    const orderId = await paidCardOrder();
    const k = key();
    const refund = await h.router.checkout.refund(orderId, { idempotencyKey: k, reason: 'customer asked' });
    assert.equal(refund.status, 'pending');
    assert.equal(refund.kind, 'refund');
    assert.equal(refund.paymentOrderId, orderId);
    assert.equal(refund.amount, '25.00');
    assert.equal(refund.reason, 'customer asked');
    assert.match(refund.transferId, /^hpr_/);
    assert.ok(refund.gatewayNo, 'HaiPay’s refundNo is kept');
    assert.deepEqual(await refundsAtHaiPay(orderId), [refund.gatewayNo]);

    const again = await twin.router.checkout.refund(orderId, { idempotencyKey: k, reason: 'customer asked' });
    assert.equal(again.transferId, refund.transferId, 'same key, other instance: the same refund');
    await assert.rejects(
      h.router.checkout.refund(orderId, { idempotencyKey: k, reason: 'another reason' }),
      (e: unknown) => e instanceof HaiPayIdempotencyError && e.code === 'idempotency_conflict',
    );
    sandbox.injectFault({ mode: 'error', code: '1002', endpoint: 'refund/apply' });
    await assert.rejects(
      h.router.checkout.refund(orderId, { idempotencyKey: key() }),
      (e: unknown) =>
        e instanceof HaiPayRefundError &&
        e.code === 'refund_refused' &&
        e.reason === 'already_refunded' &&
        e.refundId === refund.transferId,
    );
    assert.equal(await armed(), 1, 'refused before any gateway call');
    sandbox.clearFaults();

    assert.deepEqual(hookCalls(refund.transferId), [], 'no hook before it is final');
    await sandbox.clock.advance(60_000); // the sandbox completes refunds after refundDelayMs
    await Promise.all([h.router.reconciler.runOnce(), twin.router.reconciler.runOnce()]);
    await h.router.checkout.settle(1000);
    await twin.router.checkout.settle(1000);
    assert.equal((await h.store.getTransfer(refund.transferId))?.status, 'succeeded');
    assert.deepEqual(hookCalls(refund.transferId), [`refund-succeeded:${refund.transferId}:succeeded`]);
    await Promise.all([h.router.reconciler.runOnce(), twin.router.reconciler.runOnce()]);
    assert.equal(hookCalls(refund.transferId).length, 1, 'once, across passes and instances');
    const replay = await h.router.checkout.refund(orderId, { idempotencyKey: k, reason: 'customer asked' });
    assert.equal(replay.status, 'succeeded', 'the key still answers its refund, now final');
  });

  it('refuses, before any gateway call, what cannot be refunded', async () => {
    sandbox.injectFault({ mode: 'error', code: '1002', endpoint: 'refund/apply', count: 10 });
    const refused = async (orderId: string, reason: string) =>
      assert.rejects(h.router.checkout.refund(orderId, { idempotencyKey: key() }), (e: unknown) => {
        assert.ok(e instanceof HaiPayRefundError, String(e));
        assert.equal(e.reason, reason);
        return true;
      });
    await refused('hp_no_such_order_000000', 'not_found');
    // A THB PromptPay order: HaiPay refunds USD card payments only.
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #T', buyerId: 'u-1001' };
    const qr = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
    await refused(qr.json.orderId, 'not_refundable');
    // A declined card: not paid.
    h.order = { amount: '25.00', currency: 'USD', subject: 'Order #D', buyerId: 'u-1001' };
    const declined = await h.post(
      '/haipay/payments',
      { method: 'card', ...BUYER, phone: '', ...CARD, cardNumber: '4000000000009995' },
      { ...idem(), 'user-agent': 'test-agent', referer: `${ORIGIN}/checkout` },
    );
    await refused(declined.json.orderId, 'not_paid');
    await assert.rejects(
      h.router.checkout.refund(declined.json.orderId, { idempotencyKey: '' }),
      HaiPayValidationError,
    );
    await assert.rejects(
      h.router.checkout.refund(declined.json.orderId, { idempotencyKey: key(), reason: 'x'.repeat(501) }),
      HaiPayValidationError,
    );
    assert.equal(await armed(), 10, 'HaiPay was never called');
  });

  it('a failed refund runs onRefundFailed once, and the order may then be refunded again', async () => {
    const orderId = await paidCardOrder();
    const first = await h.router.checkout.refund(orderId, { idempotencyKey: key() });
    await completeRefund(first.gatewayNo!, 'failure', 'Issuer declined the refund');
    await h.router.reconciler.runOnce();
    await h.router.checkout.settle(1000);
    const failed = await h.store.getTransfer(first.transferId);
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.failureReason, 'Issuer declined the refund');
    assert.deepEqual(hookCalls(first.transferId), [
      `refund-failed:${first.transferId}:Issuer declined the refund`,
    ]);
    const second = await h.router.checkout.refund(orderId, { idempotencyKey: key() });
    assert.notEqual(second.transferId, first.transferId);
    assert.equal(second.status, 'pending');
  });

  it('HaiPay refusing the apply fails the refund (onRefundFailed once), no retry under the key', async () => {
    const orderId = await paidCardOrder();
    sandbox.injectFault({ mode: 'error', code: '4016', endpoint: 'refund/apply' });
    const k = key();
    const refused = await h.router.checkout.refund(orderId, { idempotencyKey: k });
    assert.equal(refused.status, 'failed');
    assert.match(refused.failureReason ?? '', /^4016: /);
    await h.router.checkout.settle(1000);
    assert.equal(hookCalls(refused.transferId).length, 1);
    const replay = await h.router.checkout.refund(orderId, { idempotencyKey: k });
    assert.equal(replay.transferId, refused.transferId);
    assert.equal(replay.status, 'failed');
    assert.deepEqual(await refundsAtHaiPay(orderId), [], 'HaiPay holds no refund of it');
  });

  for (const fault of [
    { mode: 'hang', ms: 3000 },
    { mode: '1003' },
    { mode: 'error', code: '1004' },
  ] as const) {
    it(`an unknown outcome (${'code' in fault ? fault.code : fault.mode}) stays unknown, is never re-applied, and is settled by query`, async () => {
      const orderId = await paidCardOrder();
      sandbox.injectFault({ ...fault, endpoint: 'refund/apply' });
      const k = key();
      const refund = await h.router.checkout.refund(orderId, { idempotencyKey: k });
      assert.equal(refund.status, 'unknown');
      // The retry with the key asks HaiPay instead of applying again.
      const retry = await twin.router.checkout.refund(orderId, { idempotencyKey: k });
      assert.equal(retry.transferId, refund.transferId);
      const atHaiPay = await refundsAtHaiPay(orderId);
      assert.equal(atHaiPay.length, 1, 'HaiPay recorded the one apply');
      assert.equal(retry.status, 'pending', 'the query found it');
      await sandbox.clock.advance(60_000);
      await h.router.reconciler.runOnce();
      await h.router.checkout.settle(1000);
      assert.equal((await h.store.getTransfer(refund.transferId))?.status, 'succeeded');
      assert.equal(hookCalls(refund.transferId).length, 1);
      assert.deepEqual(await refundsAtHaiPay(orderId), atHaiPay, 'never applied again');
    });
  }

  it('two instances racing one key make one refund; racing two keys make one refund', async () => {
    const orderId = await paidCardOrder();
    const k = key();
    const [a, b] = await Promise.all([
      h.router.checkout.refund(orderId, { idempotencyKey: k }),
      twin.router.checkout.refund(orderId, { idempotencyKey: k }),
    ]);
    assert.equal(a.transferId, b.transferId);
    assert.equal((await refundsAtHaiPay(orderId)).length, 1);

    const other = await paidCardOrder();
    const results = await Promise.allSettled([
      h.router.checkout.refund(other, { idempotencyKey: key() }),
      twin.router.checkout.refund(other, { idempotencyKey: key() }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(loser.reason instanceof HaiPayRefundError && loser.reason.reason === 'already_refunded');
    assert.equal((await refundsAtHaiPay(other)).length, 1);
  });

  it('refunds one subscription deduction by its deductNo, once; other deductions stay refundable', async () => {
    const sub = await h.post('/haipay/subscriptions', { ...BUYER, ...CARD }, idem());
    assert.ok([201, 202].includes(sub.status), JSON.stringify(sub.json));
    const orderId = String(sub.json.subscriptionId);
    const subscriptionNo = (await h.store.get(orderId))!.orderNo!;
    sandbox.complete(subscriptionNo, 'success'); // the buyer authorizes: the first deduction is charged
    await sandbox.idle();
    const [first] = sandbox.subscription(subscriptionNo)!.deductions;
    assert.equal(first?.status, 2);
    await assert.rejects(h.router.checkout.refund(orderId, { idempotencyKey: key() }), HaiPayValidationError);
    await assert.rejects(
      h.router.checkout.refund(orderId, { idempotencyKey: key(), deductNo: 'no-such-deduction' }),
      (e: unknown) => e instanceof HaiPayRefundError && e.reason === 'not_found',
    );
    const k = key();
    const refund = await h.router.checkout.refund(orderId, { idempotencyKey: k, deductNo: first.deductNo });
    assert.equal(refund.status, 'pending');
    assert.equal(refund.amount, '9.99');
    assert.equal(refund.paymentOrderId, `${orderId}:${first.deductNo}`);
    assert.deepEqual(refund.details, { deductNo: first.deductNo });
    assert.equal(sandbox.subscription(subscriptionNo)!.deductions[0]?.refundNo, refund.gatewayNo);
    const again = await twin.router.checkout.refund(orderId, {
      idempotencyKey: k,
      deductNo: first.deductNo,
    });
    assert.equal(again.transferId, refund.transferId);
    await assert.rejects(
      h.router.checkout.refund(orderId, { idempotencyKey: key(), deductNo: first.deductNo }),
      (e: unknown) => e instanceof HaiPayRefundError && e.reason === 'already_refunded',
    );
    await sandbox.clock.advance(60_000);
    await h.router.reconciler.runOnce();
    await h.router.checkout.settle(1000);
    assert.equal((await h.store.getTransfer(refund.transferId))?.status, 'succeeded');
    assert.deepEqual(hookCalls(refund.transferId), [`refund-succeeded:${refund.transferId}:succeeded`]);
    // A payment has no deductions.
    const paidOrder = await paidCardOrder();
    await assert.rejects(
      h.router.checkout.refund(paidOrder, { idempotencyKey: key(), deductNo: first.deductNo }),
      HaiPayValidationError,
    );
  });

  it('a process killed after the apply call: the refund is reconciled, never duplicated', async () => {
    const orderId = await paidCardOrder();
    const optionsFile = join(dir, 'client.json');
    writeFileSync(optionsFile, JSON.stringify(clientOptionsFor(sandbox)));
    // HaiPay records the refund and never answers: the process is killed while it waits.
    sandbox.injectFault({ mode: 'hang', endpoint: 'refund/apply' });
    const k = key();
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
          HAIPAY_CALL: 'refund',
          HAIPAY_ORDER_ID: orderId,
          HAIPAY_KEY: k,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => child.on('exit', r));
    // Killed once HaiPay holds the refund (the apply reached it) and before any answer came back.
    for (let i = 0; i < 600 && (await refundsAtHaiPay(orderId)).length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await exited;
    assert.match(out, /^applying (hpr_\S+)\n$/, 'killed after recording, before any answer');
    const transferId = /applying (\S+)/.exec(out)![1]!;
    assert.equal((await h.store.getTransfer(transferId))?.status, 'unknown');
    sandbox.clearFaults();

    // Another instance's retry with the key finds the refund and asks HaiPay: no second apply.
    const retry = await twin.router.checkout.refund(orderId, { idempotencyKey: k });
    assert.equal(retry.transferId, transferId);
    assert.equal(retry.status, 'pending');
    await sandbox.clock.advance(60_000);
    await h.router.reconciler.runOnce();
    await h.router.checkout.settle(1000);
    assert.equal((await h.store.getTransfer(transferId))?.status, 'succeeded');
    assert.equal((await refundsAtHaiPay(orderId)).length, 1, 'one refund at HaiPay');
    assert.deepEqual(hookCalls(transferId), [`refund-succeeded:${transferId}:succeeded`]);
  });
});
