/**
 * The hook runner's edges that hooks.test.ts does not reach: refund events (the stored refund decides
 * which hook runs), events stored by another process or an earlier version of the kit (they are found
 * by their stored kind name), and what each hook call reports to the merchant's metrics (its name, a
 * failure only when the hook itself threw, a payment counted once when its hook completed). No gateway
 * is involved: a memory store and a clock the test moves.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import type { CheckoutHooks } from '../src/checkout/index.js';
import { HookRunner } from '../src/checkout/hooks.js';
import type { CheckoutContext } from '../src/checkout/context.js';
import type { CheckoutOptions } from '../src/checkout/types.js';
import type { Logger } from '../src/logger.js';
import { Telemetry } from '../src/metrics.js';
import { MemoryPaymentStore } from '../src/testing.js';
import type { NewTransferRecord, TransferStatus } from '../src/store/types.js';
import type { RecordStatus } from '../src/types.js';
import { sampleRecord } from '@haipay-kit/test-support';

class InMemoryReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** A hook runner over a memory store, with its own metrics reader and a log the test reads. */
function setup(hooks: CheckoutHooks = {}) {
  let clock = Date.UTC(2026, 0, 1);
  const store = new MemoryPaymentStore({ now: () => clock });
  const lines: { msg: string; fields: Record<string, unknown> }[] = [];
  const log = (msg: string, fields: Record<string, unknown> = {}) => void lines.push({ msg, fields });
  const logger: Logger = { debug: log, info: log, warn: log, error: log };
  const reader = new InMemoryReader();
  const options = {
    store,
    logger,
    hooks,
    hookLeaseMs: 60_000,
    hookWaitMs: 5_000,
  } as unknown as CheckoutOptions;
  const ctx: CheckoutContext = {
    options,
    store,
    now: () => clock,
    leaseNow: () => clock,
    emit: () => undefined,
    telemetry: new Telemetry({ meterProvider: new MeterProvider({ readers: [reader] }) }),
  };
  /** Points of one metric whose attributes include `attrs`: their sum, or a histogram's count. */
  const metric = async (name: string, attrs: Record<string, unknown> = {}) => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .filter((m) => m.descriptor.name === name)
      .flatMap((m) => m.dataPoints as DataPoint<number | Histogram>[])
      .filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))
      .reduce((sum, p) => sum + (typeof p.value === 'number' ? p.value : p.value.count), 0);
  };
  /** A stored order moved to `status`, as the kit moves it. */
  const order = async (status: RecordStatus, kind: 'payment' | 'subscription' = 'payment') => {
    const r = await store.create(sampleRecord({ kind, status: 'pending' }));
    if (status !== 'pending') await store.transition(r.orderId, status);
    return r.orderId;
  };
  return {
    store,
    lines,
    metric,
    order,
    runner: new HookRunner(ctx),
    tick: (ms: number) => void (clock += ms),
  };
}

/** A stored refund of `paymentOrderId`, moved to `status`. */
async function refund(store: MemoryPaymentStore, paymentOrderId: string, status: TransferStatus) {
  const record: NewTransferRecord = {
    transferId: `hpr_${Math.random().toString(36).slice(2)}`,
    kind: 'refund',
    merchant: 'USD',
    currency: 'USD',
    amount: '25.00',
    paymentOrderId,
    gatewayNo: null,
    status: 'pending',
    reason: 'damaged',
    failureReason: null,
    fee: null,
    details: {},
    idempotencyKey: `key-${Math.random()}`,
    requestHash: 'h',
  };
  const created = await store.createTransfer(record);
  assert.equal(created.outcome, 'created');
  await store.transitionTransfer(
    record.transferId,
    status,
    status === 'failed' ? { failureReason: 'no' } : {},
  );
  return record.transferId;
}

describe('refund events', () => {
  it('run onRefundSucceeded or onRefundFailed by the stored refund’s status, once; a refund that is gone runs none', async () => {
    const got: string[] = [];
    const t = setup({
      onRefundSucceeded: (r) => void got.push(`succeeded:${r.transferId}:${r.status}`),
      onRefundFailed: (r) => void got.push(`failed:${r.transferId}:${r.failureReason}`),
    });
    const ok = await refund(t.store, await t.order('succeeded'), 'succeeded');
    const no = await refund(t.store, await t.order('succeeded'), 'failed');
    for (const [transferId, status] of [
      [ok, 'succeeded'],
      [no, 'failed'],
      ['hpr_gone', 'succeeded'],
    ])
      assert.deepEqual(
        await t.runner.event(
          { orderId: transferId!, key: `refund:${status}`, kind: 'refund', payload: {} },
          Infinity,
        ),
        { added: true, state: 'done' },
      );
    assert.deepEqual(got, [`succeeded:${ok}:succeeded`, `failed:${no}:no`]);
    await t.runner.runPending(100);
    assert.equal(got.length, 2, 'each ran once');
    assert.deepEqual(await t.store.listPendingHookEvents(), []);
  });
});

describe('waiting', () => {
  it('refund events with no refund hook configured complete without one', async () => {
    const t = setup();
    const ok = await refund(t.store, await t.order('succeeded'), 'succeeded');
    const no = await refund(t.store, await t.order('succeeded'), 'failed');
    for (const transferId of [ok, no])
      assert.deepEqual(
        await t.runner.event({ orderId: transferId, key: 'refund', kind: 'refund', payload: {} }, Infinity),
        { added: true, state: 'done' },
      );
  });

  it('an infinite wait waits for a hook that outlasts a timer tick; settle() gives up on one that never ends', async () => {
    let release!: () => void;
    const t = setup({ onPaymentSucceeded: () => new Promise<void>((r) => (release = r)) });
    const paid = await t.order('succeeded');
    const state = t.runner.forRecord(paid, Infinity);
    await new Promise((r) => setTimeout(r, 20));
    release();
    assert.equal(await state, 'done');
    t.store.completeHook = () => new Promise<void>(() => undefined); // marking it done never ends
    await t.store.transition(paid, 'review');
    t.tick(1);
    assert.equal(await t.runner.forRecord(paid, 0), 'running');
    await t.runner.settle(10); // returns although the hook never settles
  });

  it('settle() waits for a hook started while its claim (or its event) is still being written', async () => {
    const got: string[] = [];
    const t = setup({
      onPaymentSucceeded: (p) => void got.push(`paid:${p.orderId}`),
      onRefundSucceeded: (r) => void got.push(`refund:${r.transferId}`),
    });
    const paid = await t.order('succeeded');
    const refunded = await refund(t.store, await t.order('succeeded'), 'succeeded');
    // A store that answers on a later turn of the event loop, as the SQLite store's group commit does.
    const later =
      <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        await new Promise((r) => setImmediate(r));
        return write(...args);
      };
    t.store.claimHook = later(t.store.claimHook.bind(t.store));
    t.store.addHookEvent = later(t.store.addHookEvent.bind(t.store));
    void t.runner.forRecord(paid, 0);
    void t.runner.event({ orderId: refunded, key: 'refund:succeeded', kind: 'refund', payload: {} }, 0);
    await t.runner.settle(5_000);
    assert.deepEqual(got.sort(), [`paid:${paid}`, `refund:${refunded}`]);
  });
});

describe('a status change while the old status’s hook still runs', () => {
  it('late money on an expired order whose hook outlasts its lease: onLatePayment runs exactly once', async () => {
    let releaseExpired!: () => void;
    let late = 0;
    const t = setup({
      onPaymentExpired: () => new Promise<void>((r) => (releaseExpired = r)),
      onLatePayment: () => void late++,
    });
    const orderId = await t.order('expired');
    const expiredHook = t.runner.forRecord(orderId, 0);
    await new Promise((r) => setImmediate(r));
    // Late money moves it to review while onPaymentExpired is still running (and no longer renewed).
    await t.store.transition(orderId, 'review', { failureReason: 'late payment: test' });
    assert.equal(await t.runner.forRecord(orderId, Infinity), 'done', 'the review hook is claimed at once');
    assert.equal(late, 1);
    t.tick(61_000); // past the old claim's lease
    releaseExpired();
    await expiredHook;
    await t.runner.settle(5_000);
    // The old hook ending late marks nothing: review stays done, and nothing runs it again.
    assert.equal((await t.store.get(orderId))?.hookStatus, 'review', 'review is still the completed hook');
    assert.equal(await t.runner.forRecord(orderId, Infinity), 'done');
    await t.runner.runPending(100);
    await t.runner.settle(5_000);
    assert.equal(late, 1, 'onLatePayment ran once');
  });
});

describe('a claim the caller already holds', () => {
  it('runs the hook without claiming again only when told the transition claimed it; a record alone still claims', async () => {
    let ran = 0;
    const t = setup({ onPaymentSucceeded: () => void ran++ });
    // Another instance holds the hook of this order: a caller handing over the record it read (no claim
    // of its own) must not run it.
    const held = await t.order('pending');
    const moved = await t.store.transition(held, 'succeeded');
    assert.equal(await t.store.claimHook(held, 'succeeded', 60_000), true, 'held elsewhere');
    assert.equal(await t.runner.forRecord(held, Infinity, moved.record), 'running');
    assert.equal(ran, 0, 'not run while another holds it');

    // The caller's own transition claimed it in the same write: the runner runs it as is, once.
    const mine = await t.order('pending');
    const t2 = await t.store.transition(mine, 'succeeded', {}, { claimHook: {} });
    assert.equal(t2.hookClaimed, true);
    assert.equal(await t.runner.forRecord(mine, Infinity, t2.record, true), 'done');
    assert.equal(ran, 1);
    assert.equal((await t.store.get(mine))?.hookStatus, 'succeeded', 'marked done');
    assert.equal(await t.runner.forRecord(mine, Infinity), 'done');
    assert.equal(ran, 1, 'never again');
  });
});

describe('events stored by another process or an earlier version', () => {
  it('are found by their stored kind name: each runs its own hook from runPending', async () => {
    const got: string[] = [];
    const t = setup({
      onSubscriptionDeduction: (s, d) =>
        void got.push(`deduction:${s.orderId}:${JSON.stringify(d.deductNo)}`),
      onPaymentMismatch: (p, d) => void got.push(`payment_mismatch:${p.orderId}:${d.reason}`),
      onPayoutSucceeded: (p) => void got.push(`payout:${p.orderId}`),
      onPayoutMismatch: (p, d) => void got.push(`payout_mismatch:${p.orderId}:${d.reason}`),
      onRefundSucceeded: (r) => void got.push(`refund:${r.transferId}`),
    });
    const subscription = await t.order('active', 'subscription');
    const payment = await t.order('processing');
    const refunded = await refund(t.store, await t.order('succeeded'), 'succeeded');
    const payout = { orderId: 'hpo_1', status: 'succeeded' };
    // The kind names are stored in the database: a pending event written before an upgrade (or by
    // another instance) must still reach its hook, so the names are a stored format, not a detail.
    const stored = [
      [subscription, 'd', 'subscription_deduction', { deductNo: 'D1' }],
      [payment, 'm', 'payment_mismatch', { notified: {}, reason: 'amount' }],
      ['hpo_1', 'p', 'payout', payout],
      ['hpo_1', 'pm', 'payout_mismatch', { payout, notified: {}, reason: 'status' }],
      [refunded, 'r', 'refund', {}],
    ] as const;
    for (const [orderId, key, kind, payload] of stored)
      assert.equal(await t.store.addHookEvent({ orderId, key, kind, payload: { ...payload } }), true);
    await t.runner.runPending(100);
    assert.deepEqual(got, [
      `deduction:${subscription}:"D1"`,
      `payment_mismatch:${payment}:amount`,
      'payout:hpo_1',
      'payout_mismatch:hpo_1:status',
      `refund:${refunded}`,
    ]);
  });
});

describe('hook metrics', () => {
  it('name each hook by kind and status or event kind; a failure only when the hook threw; a payment counted once, when its hook completed', async () => {
    let throws = true;
    const t = setup({
      onPaymentSucceeded: () => {
        if (throws) throw new Error('ledger down');
      },
      onSubscriptionChange: () => undefined,
    });
    const paid = await t.order('succeeded');
    assert.equal(await t.runner.forRecord(paid, Infinity), 'failed');
    assert.equal(await t.metric('haipay.hook.failures', { 'haipay.hook': 'payment.succeeded' }), 1);
    assert.equal(
      await t.metric('haipay.hook.duration', {
        'haipay.hook': 'payment.succeeded',
        'haipay.outcome': 'failure',
      }),
      1,
    );
    assert.equal(await t.metric('haipay.payments'), 0, 'not counted before its hook completed');
    throws = false;
    assert.equal(await t.runner.forRecord(paid, Infinity), 'done');
    assert.equal(await t.runner.forRecord(paid, Infinity), 'done');
    assert.equal(
      await t.metric('haipay.hook.duration', {
        'haipay.hook': 'payment.succeeded',
        'haipay.outcome': 'success',
      }),
      1,
    );
    assert.equal(await t.metric('haipay.hook.failures'), 1);
    assert.equal(
      await t.metric('haipay.payments', {
        'haipay.payment.kind': 'payment',
        'haipay.payment.status': 'succeeded',
        'haipay.payment.method': 'promptpay',
      }),
      1,
    );

    const active = await t.order('active', 'subscription');
    assert.equal(await t.runner.forRecord(active, Infinity), 'done');
    assert.equal(await t.metric('haipay.hook.duration', { 'haipay.hook': 'subscription.active' }), 1);
    await t.runner.event(
      { orderId: active, key: 'deduction:D1:2', kind: 'subscription_deduction', payload: {} },
      Infinity,
    );
    assert.equal(await t.metric('haipay.hook.duration', { 'haipay.hook': 'subscription_deduction' }), 1);
    assert.equal(await t.metric('haipay.payments'), 2);
  });

  it('a failure to mark a completed hook done is not a hook failure: it is released and runs again', async () => {
    let runs = 0;
    const t = setup({ onPaymentSucceeded: () => void runs++ });
    const paid = await t.order('succeeded');
    const complete = t.store.completeHook.bind(t.store);
    t.store.completeHook = () => Promise.reject(new Error('database went away'));
    assert.equal(await t.runner.forRecord(paid, Infinity), 'failed');
    assert.equal(await t.metric('haipay.hook.failures'), 0, 'the hook itself did not throw');
    assert.equal(await t.metric('haipay.hook.duration', { 'haipay.outcome': 'success' }), 1);
    t.store.completeHook = complete;
    assert.equal(await t.runner.forRecord(paid, Infinity), 'done', 'released, so claimable again at once');
    assert.equal(runs, 2);
  });
});
