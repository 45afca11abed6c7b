/**
 * The admin API's order detail (`GET /orders/:orderId`) over HTTP on loopback, with the router and a
 * sandbox on a real SQLite file: how the order's creation at HaiPay went and when the kit last asked
 * HaiPay (`attempts`), and a subscription's deductions, each with its own refunds.
 */
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import {
  startHarness,
  idem,
  BUYER,
  CARD,
  sampleRecord,
  type Harness,
  type WireJson,
} from '@haipay-kit/test-support';
import { createHaiPayAdminRouter } from '../src/admin/index.js';
import { MemoryPaymentStore } from '../src/store/memory.js';
import { SqlitePaymentStore } from '../src/store/sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'haipay-admin-detail-'));
let sandbox: Sandbox;
let h: Harness;
const staff = { 'x-staff': 'u-staff-7' };

before(async () => {
  sandbox = await createSandbox();
  h = await startHarness({ sandbox, store: new SqlitePaymentStore({ filename: join(dir, 'detail.db') }) });
  h.app.use(
    '/admin',
    createHaiPayAdminRouter({ checkout: h.router, authorize: (req) => req.get('x-staff') ?? false }),
  );
});
after(async () => {
  await h.close();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => sandbox.clearFaults());

let refs = 0;
/** A PromptPay create; the order is found by its orderRef (a refused create answers no orderId). */
async function promptpay(): Promise<{ status: number; orderId: string }> {
  h.order = { amount: '100.00', currency: 'THB', subject: 'Detail order', buyerId: 'u-1001' };
  const orderRef = `detail-${process.pid}-${refs++}`;
  const res = await h.post('/haipay/payments', { method: 'promptpay', orderRef, ...BUYER }, idem());
  const [record] = await h.store.listOrders!({ text: orderRef, limit: 1 });
  return { status: res.status, orderId: record!.orderId };
}

const detailOf = async (orderId: string, base = '/admin'): Promise<WireJson> => {
  const res = await h.get(`${base}/orders/${orderId}`, staff);
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json;
};

describe('GET /orders/:orderId — attempts', () => {
  it('an accepted create, then a paid order: accepted, and when HaiPay was last asked', async () => {
    const { status, orderId } = await promptpay();
    assert.equal(status, 201);
    let detail = await detailOf(orderId);
    assert.deepEqual(detail.attempts, { create: 'accepted', lastQueriedAt: null });
    await h.router.checkout.refresh(orderId, { force: true });
    const checkedAt = (await h.store.get(orderId))!.checkedAt!;
    detail = await detailOf(orderId);
    assert.deepEqual(detail.attempts, {
      create: 'accepted',
      lastQueriedAt: new Date(checkedAt).toISOString(),
    });
  });

  it('a create HaiPay refused is refused (its code in failureReason); a lost answer is unknown', async () => {
    sandbox.injectFault({ mode: 'error', code: '4012', endpoint: 'thb/collect/apply' });
    const refused = await promptpay();
    assert.equal(refused.status, 502);
    const r = await detailOf(refused.orderId);
    assert.equal(r.attempts.create, 'refused');
    assert.match(r.order.failureReason, /^4012: /);

    sandbox.injectFault({ mode: '1003', endpoint: 'thb/collect/apply' });
    const lost = await promptpay();
    assert.equal(lost.status, 202);
    assert.equal((await detailOf(lost.orderId)).attempts.create, 'unknown');
  });

  it('reads each outcome from the record alone (a store of hand-made records)', async () => {
    const store = new MemoryPaymentStore();
    h.app.use(
      '/admin-records',
      createHaiPayAdminRouter({ checkout: h.router, store, authorize: () => true }),
    );
    const cases: [Parameters<typeof sampleRecord>[0], string][] = [
      [{ status: 'pending', orderNo: 'P1' }, 'accepted'],
      [{ status: 'failed', orderNo: 'P2', failureReason: '4012: via query' }, 'accepted'],
      [{ status: 'unknown' }, 'unknown'],
      [{ status: 'failed', failureReason: '4012: method not open' }, 'refused'],
      [{ status: 'failed', failureReason: 'not_created: HaiPay has no such order' }, 'not_created'],
    ];
    for (const [i, [fields, create]] of cases.entries()) {
      const record = await store.create(sampleRecord({ orderId: `hp_handmade_000${i}`, ...fields }));
      assert.equal(
        (await detailOf(record.orderId, '/admin-records')).attempts.create,
        create,
        JSON.stringify(fields),
      );
    }
  });
});

describe('GET /orders/:orderId — a subscription’s deductions', () => {
  it('each deduction HaiPay notified, at its furthest status, with its own refunds', async () => {
    const sub = await h.post('/haipay/subscriptions', { planRef: 'monthly', ...BUYER, ...CARD }, idem());
    assert.ok([201, 202].includes(sub.status), JSON.stringify(sub.json));
    const orderId = String(sub.json.subscriptionId);
    const subscriptionNo = (await h.store.get(orderId))!.orderNo!;
    sandbox.complete(subscriptionNo, 'success'); // the buyer authorizes: the first deduction is charged
    await sandbox.idle();
    await sandbox.clock.advance(31 * 24 * 3600_000); // a month on: the second deduction
    await sandbox.idle();
    const charged = sandbox.subscription(subscriptionNo)!.deductions;
    assert.ok(charged.length >= 2, `two deductions at HaiPay (${charged.length})`);
    const [first, second] = charged;

    const refund = await h.post(
      `/admin/orders/${orderId}/refund`,
      { deductNo: second!.deductNo },
      { ...staff, ...idem() },
    );
    assert.equal(refund.status, 200, JSON.stringify(refund.json));

    const detail = await detailOf(orderId);
    const deductions = detail.deductions as {
      deductNo: string;
      orderNo: string;
      amount: string;
      status: string;
      notifiedAt: string;
      refunds: { transferId: string; details: Record<string, string> }[];
    }[];
    assert.deepEqual(
      deductions.map((d) => [d.deductNo, d.status, d.amount, d.refunds.length]),
      [
        [first!.deductNo, 'succeeded', '9.99', 0],
        [second!.deductNo, 'succeeded', '9.99', 1],
      ],
    );
    assert.equal(deductions[1]!.refunds[0]!.transferId, refund.json.refund.transferId);
    assert.deepEqual(deductions[1]!.refunds[0]!.details, { deductNo: second!.deductNo });
    assert.ok(deductions.every((d) => d.orderNo && Number.isFinite(Date.parse(d.notifiedAt))));
    assert.deepEqual(
      (detail.refunds as { transferId: string }[]).map((r) => r.transferId),
      [refund.json.refund.transferId],
      'refunds lists every deduction’s refunds',
    );

    // A late, earlier status of a settled deduction does not replace the final one.
    const log = await h.store.listNotifications(orderId);
    const body = JSON.parse(log.find((n) => n.body.includes(first!.deductNo))!.body) as Record<
      string,
      unknown
    >;
    await h.store.appendNotification({
      orderId,
      receivedAt: new Date().toISOString(),
      verified: true,
      outcome: 'deduction',
      body: JSON.stringify({ ...body, status: 1 }),
    });
    const again = await detailOf(orderId);
    assert.equal(again.deductions[0].status, 'succeeded');

    const payment = await detailOf((await promptpay()).orderId);
    assert.equal(payment.deductions, undefined, 'a payment has no deductions');
  });
});
