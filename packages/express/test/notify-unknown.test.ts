/**
 * POST /notify for what this shop's store cannot vouch for, over a real sandbox on loopback: a verified
 * notification naming an order the shop does not have, another appId's order, or an order of the other
 * kind (a subscription notification for a payment, or the reverse) is never credited and never
 * acknowledged; HaiPay is asked about it first (the collect or cashier query, then the pay query for a
 * payout), and what it said is logged and stored with the notification. A payout this checkout made is
 * asked of the pay query alone. notify.test.ts covers the decisions for known orders; notify-edges the
 * sync barrier.
 */
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { scalarText } from '@haipay-kit/protocol';
import { createSandbox, generateSandboxConfig, type Sandbox } from '@haipay-kit/sandbox';
import type { MerchantCurrency } from '@haipay-kit/sandbox';
import { generateTestNotification } from '../src/testing.js';
import type { CheckoutHooks } from '../src/checkout/index.js';
import type { PaymentRecord } from '../src/store/types.js';
import {
  startHarness,
  idem,
  paidFields,
  BUYER,
  CARD,
  type Harness,
  THB_PAYOUT,
} from '@haipay-kit/test-support';

let sandbox: Sandbox;
let h: Harness;
/** Hook calls, in order: `${hook}:${orderId}`. */
const calls: string[] = [];
/** Set by a test: the next deduction hook throws. */
let failNextDeduction = false;
const hooks: CheckoutHooks = {
  onPaymentSucceeded: (p) => void calls.push(`succeeded:${p.orderId}`),
  onPaymentFailed: (p) => void calls.push(`failed:${p.orderId}`),
  onPaymentMismatch: (p) => void calls.push(`mismatch:${p.orderId}`),
  onSubscriptionChange: (s) => void calls.push(`subscription-${s.status}:${s.orderId}`),
  onSubscriptionDeduction(s, d) {
    calls.push(`deduction-${scalarText(d.deductNo)}-${scalarText(d.status)}:${s.orderId}`);
    if (failNextDeduction) {
      failNextDeduction = false;
      throw new Error('the ledger is down');
    }
  },
  onPayoutSucceeded: (p) => void calls.push(`payout-succeeded:${p.orderId}`),
  onPayoutFailed: (p) => void calls.push(`payout-failed:${p.orderId}`),
  onPayoutMismatch: (p) => void calls.push(`payout-mismatch:${p.orderId}`),
};

before(async () => {
  const config = generateSandboxConfig();
  // Money to pay out: the THB business starts with a balance.
  for (const m of config.merchants) if (m.currency === 'THB') m.openingBalance = '100000.00';
  sandbox = await createSandbox({ config });
  h = await startHarness({ sandbox, router: { hooks } });
});
after(async () => {
  await h.close();
  await sandbox.close();
});
beforeEach(() => sandbox.clearFaults());

/** A notification body signed as HaiPay signs one, for the sandbox's merchant of `currency`. */
const signed = (currency: MerchantCurrency, payload: Record<string, unknown>) =>
  generateTestNotification({
    payload: { ...payload, appId: sandbox.merchant(currency).appId },
    platformPrivateKey: sandbox.config.platform.privateKey,
    secretKey: sandbox.merchant(currency).secretKey,
  });

async function notify(body: string, url = `${h.url}/haipay/notify`) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, text: await res.text() };
}

const outcomes = async (orderId: string) => (await h.store.listNotifications(orderId)).map((n) => n.outcome);
const callsFor = (orderId: string) => calls.filter((c) => c.endsWith(`:${orderId}`));
/** The warnings logged for unknown orders naming `orderId`. */
const unknownWarnings = (orderId: string) =>
  h.logger.lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === 'haipay notification for an unknown order' && l.orderId === orderId);

let seq = 0;
/** An order id no store and no HaiPay business has seen. */
const ghostId = (prefix = 'hp_ghost') => `${prefix}${process.pid}x${Date.now()}x${seq++}`;

/** A 100.00 THB PromptPay order created through `on`'s router. */
async function promptpay(on: Harness = h) {
  on.order = { amount: '100.00', currency: 'THB', subject: 'Order #7', buyerId: 'u-1001' };
  const res = await on.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return res.json as { orderId: string; orderNo: string };
}

/**
 * Asserts what an unknown order's notification leaves behind: answered 404 (not SUCCESS, so HaiPay
 * delivers it again), stored once as `unknown_order (<what HaiPay said>)`, warned once with the same
 * words, no hook run, and no order written under its id.
 */
async function assertUnknown(
  orderId: string,
  merchant: string,
  confirmed: string,
  res: { status: number; text: string },
) {
  assert.deepEqual(res, { status: 404, text: res.text }, 'an unknown order is answered 404');
  assert.notEqual(res.text, 'SUCCESS', 'an unknown order is never acknowledged');
  assert.deepEqual(await outcomes(orderId), [`unknown_order (${confirmed})`], 'stored with what HaiPay said');
  const warned = unknownWarnings(orderId);
  assert.equal(warned.length, 1, 'one warning per delivery');
  assert.deepEqual(
    { ...warned[0], level: warned[0]!.level },
    { level: 'warn', msg: 'haipay notification for an unknown order', orderId, merchant, confirmed },
    'the warning names the order, the appId’s business and what HaiPay said',
  );
  assert.deepEqual(callsFor(orderId), [], 'no hook runs for an order the shop does not have');
}

describe('a verified notification for an order this shop does not have', () => {
  it('HaiPay knows it neither as a collection nor as a payout: asked both, logged, 404, nothing written', async () => {
    const orderId = ghostId();
    const body = signed('THB', paidFields(sandbox, { orderId, orderNo: '6000000000000001' }));
    await assertUnknown(orderId, 'THB', 'gateway_4013; payout gateway_4013', await notify(body));
    assert.equal(await h.store.get(orderId), null, 'no order is created from a notification');
    assert.equal(await h.store.getTransfer(orderId), null, 'nor a payout');
    // The checkout's own answer, as a server-side caller (and the telemetry) sees it.
    assert.deepEqual(
      await h.router.checkout.handleNotification(body),
      { ack: false, outcome: 'unknown_order', orderId },
      'not acknowledged, as unknown_order',
    );
  });

  it('another shop on the same appId made it (HaiPay knows it): its status is logged, nothing is credited, no payout query', async () => {
    const other = await startHarness({ sandbox });
    try {
      const p = await promptpay(other);
      const paid = signed('THB', paidFields(sandbox, p));
      await assertUnknown(p.orderId, 'THB', 'gateway_status_0', await notify(paid));
      // Paid at HaiPay (its own notification goes to the other shop): still not this shop's money.
      sandbox.complete(p.orderNo, 'success');
      await sandbox.idle();
      const again = await notify(paid);
      assert.equal(again.status, 404, 'paid or not, an order this shop does not have is not acknowledged');
      assert.deepEqual(
        (await outcomes(p.orderId)).at(-1),
        'unknown_order (gateway_status_2)',
        'what HaiPay said the second time',
      );
      assert.equal(await h.store.get(p.orderId), null, 'nothing is credited here');
      assert.equal((await other.store.get(p.orderId))?.status, 'succeeded', 'the other shop got its own');
    } finally {
      await other.close();
    }
  });

  it('the orderNo it names is passed on to the query: a wrong one is not HaiPay’s order', async () => {
    const other = await startHarness({ sandbox });
    try {
      const p = await promptpay(other);
      const res = await notify(signed('THB', paidFields(sandbox, { ...p, orderNo: '6999999999999999' })));
      assert.equal(res.status, 404);
      assert.deepEqual(
        await outcomes(p.orderId),
        ['unknown_order (gateway_4013; payout gateway_4013)'],
        'HaiPay does not know the order under that orderNo',
      );
    } finally {
      await other.close();
    }
  });

  it('a business with no payouts (TWD) is asked as a collection only', async () => {
    const orderId = ghostId();
    const body = signed('TWD', {
      currency: 'TWD',
      orderId,
      orderNo: '6000000000000002',
      amount: '100',
      status: 2,
      payTime: '2026-01-01 12:00:05',
    });
    await assertUnknown(orderId, 'TWD', 'gateway_4013', await notify(body));
  });

  it('the global cashier’s notification is asked of the cashier query', async () => {
    const orderId = ghostId();
    const body = signed('CASHIER', {
      currency: 'THB',
      orderId,
      orderNo: '6000000000000003',
      amount: '100.00',
      status: 2,
      payTime: '2026-01-01 12:00:05',
    });
    await assertUnknown(orderId, 'CASHIER', 'gateway_4013', await notify(body));
  });

  it('a query HaiPay refuses is logged with its code and not taken for “unknown” (no payout query)', async () => {
    sandbox.injectFault({ mode: 'error', code: '1001', endpoint: 'thb/collect/query', count: 10 });
    const orderId = ghostId();
    const body = signed('THB', paidFields(sandbox, { orderId, orderNo: '6000000000000004' }));
    await assertUnknown(orderId, 'THB', 'gateway_1001', await notify(body));
  });

  it('a query that fails on the wire is logged as query_failed (no payout query)', async () => {
    sandbox.injectFault({ mode: 'malformedJson', endpoint: 'thb/collect/query', count: 10 });
    const orderId = ghostId();
    const body = signed('THB', paidFields(sandbox, { orderId, orderNo: '6000000000000005' }));
    await assertUnknown(orderId, 'THB', 'query_failed', await notify(body));
  });

  it('another appId’s order (a THB payment notified under the USD appId) is never credited, nor asked of the pay query', async () => {
    const p = await promptpay();
    const before = await outcomes(p.orderId);
    const res = await notify(signed('USD', { ...paidFields(sandbox, p), currency: 'USD' }));
    assert.equal(res.status, 404, 'not acknowledged');
    assert.deepEqual(
      (await outcomes(p.orderId)).slice(before.length),
      ['unknown_order (gateway_4013)'],
      'the USD business does not know the THB order; it is no payout either',
    );
    assert.equal((await h.store.get(p.orderId))?.status, 'pending', 'not credited');
    assert.deepEqual(callsFor(p.orderId), [], 'no hook');
  });
});

describe('a body that names no order', () => {
  it('is refused as rejected_signature with no order named, and kept in the in-memory sample', async () => {
    const res = await notify('not a notification');
    assert.equal(res.status, 400, 'refused');
    const sample = h.router.checkout.rejectedNotifications.at(-1);
    assert.deepEqual(
      { reason: sample?.reason, orderId: sample?.orderId, sample: sample?.sample },
      { reason: 'rejected_signature', orderId: null, sample: 'not a notification' },
      'refused before it is believed, naming no order',
    );
  });
});

describe('a verified notification outside the documented shape', () => {
  it('is stored as rejected_schema under the order it names, logged with what is wrong, not acknowledged, and changes nothing', async () => {
    const p = await promptpay();
    const body = signed('THB', paidFields(sandbox, p, { status: 7 }));
    const res = await notify(body);
    assert.equal(res.status, 400, 'refused');
    assert.deepEqual(await outcomes(p.orderId), ['rejected_schema'], 'kept, as verified but refused');
    assert.equal((await h.store.get(p.orderId))?.status, 'pending', 'not moved');
    const logged = h.logger.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.orderId === p.orderId && l.level === 'error');
    assert.deepEqual(
      logged,
      [
        {
          level: 'error',
          msg: 'haipay notification does not have the documented shape',
          orderId: p.orderId,
          detail: 'status: A collection notification carries status 2, 3, 4 or 5',
        },
      ],
      'one error naming the order and the field',
    );
    assert.deepEqual(
      await h.router.checkout.handleNotification(body),
      { ack: false, outcome: 'rejected_schema', orderId: p.orderId },
      'the checkout’s answer',
    );
    assert.deepEqual(callsFor(p.orderId), [], 'no hook');
  });
});

describe('a payout this checkout made', () => {
  /**
   * A THB payout through `checkout.payout()`, settled at HaiPay (its pay query says status 2), whose own
   * notification HaiPay holds back: the test delivers the notifications itself.
   */
  async function settledPayout() {
    sandbox.injectFault({ mode: 'delayedNotification', endpoint: 'pay/apply', ms: 24 * 3_600_000 });
    const payout = await h.router.checkout.payout(
      { ...THB_PAYOUT, subject: 'Weekly settlement' },
      { idempotencyKey: `notify-unknown-${process.pid}-${seq++}` },
    );
    await sandbox.clock.advance(60_000);
    await sandbox.idle();
    const fields = {
      currency: 'THB',
      orderId: payout.transferId,
      orderNo: payout.gatewayNo,
      amount: '250.00',
      fee: '10.00',
      status: 2,
      payTime: '2026-01-01 12:00:05',
    };
    return { payout, fields, body: signed('THB', fields) };
  }

  it('is confirmed by the pay query alone: a collect query HaiPay would refuse is never asked', async () => {
    const { payout, body } = await settledPayout();
    sandbox.injectFault({ mode: 'error', code: '1001', endpoint: 'thb/collect/query', count: 10 });
    assert.deepEqual(await notify(body), { status: 200, text: 'SUCCESS' }, 'acknowledged');
    assert.deepEqual(await outcomes(payout.transferId), ['payout_succeeded']);
    assert.equal((await h.store.getTransfer(payout.transferId))?.status, 'succeeded');
    assert.deepEqual(callsFor(payout.transferId), [`payout-succeeded:${payout.transferId}`]);
  });

  it('a pay query that fails is not acknowledged and not followed by a collect query; the next delivery settles it, hooked once', async () => {
    const { payout, body } = await settledPayout();
    sandbox.injectFault({ mode: 'error', code: '1001', endpoint: 'thb/pay/query', count: 1 });
    await assertUnknown(payout.transferId, 'THB', 'payout gateway_1001', await notify(body));
    assert.equal(
      (await h.store.getTransfer(payout.transferId))?.status,
      'pending',
      'not settled on its word',
    );
    assert.deepEqual(await notify(body), { status: 200, text: 'SUCCESS' }, 'HaiPay’s next delivery');
    assert.deepEqual(await notify(body), { status: 200, text: 'SUCCESS' }, 'and a duplicate');
    assert.deepEqual(await outcomes(payout.transferId), [
      'unknown_order (payout gateway_1001)',
      'payout_succeeded',
      'duplicate',
    ]);
    assert.deepEqual(callsFor(payout.transferId), [`payout-succeeded:${payout.transferId}`], 'hooked once');
  });

  it('its id in a subscription notification is not that payout: nothing to ask, never settled', async () => {
    const { payout } = await settledPayout();
    const res = await notify(
      signed('THB', {
        type: 'SUBSCRIPTION',
        subscriptionOrderId: payout.transferId,
        subscriptionNo: payout.gatewayNo,
        status: '2',
      }),
    );
    await assertUnknown(payout.transferId, 'THB', 'not_queried', res);
    assert.equal((await h.store.getTransfer(payout.transferId))?.status, 'pending');
  });

  it('its id notified under another appId (USD) is not that payout: asked as that business’s, never settled', async () => {
    const { payout, fields } = await settledPayout();
    const res = await notify(signed('USD', { ...fields, currency: 'USD' }));
    await assertUnknown(payout.transferId, 'USD', 'gateway_4013; payout gateway_4013', res);
    assert.equal((await h.store.getTransfer(payout.transferId))?.status, 'pending');
  });
});

describe('subscription notifications the store cannot vouch for', () => {
  const subscriptionBody = (s: { orderId: string }, subscriptionNo: string, status: string) =>
    signed('USD', {
      currency: 'USD',
      type: 'SUBSCRIPTION',
      subscriptionOrderId: s.orderId,
      subscriptionNo,
      status,
    });

  /** A subscription through the router (a USD card); with `numbered: false`, HaiPay's answer is lost. */
  async function subscription(numbered = true): Promise<PaymentRecord> {
    if (!numbered) sandbox.injectFault({ mode: '1003', endpoint: 'subscription/apply' });
    const res = await h.post('/haipay/subscriptions', { ...BUYER, ...CARD }, idem());
    assert.equal(res.status, numbered ? 201 : 202, JSON.stringify(res.json));
    await sandbox.idle();
    const record = await h.store.get((res.json as { subscriptionId: string }).subscriptionId);
    assert.ok(record, 'stored');
    assert.equal(Boolean(record.orderNo), numbered, 'numbered by HaiPay’s answer, or not yet');
    return record;
  }

  it('a subscription notification naming a payment, and a payment notification naming a subscription, are unknown orders', async () => {
    const p = await promptpay();
    const asSubscription = await notify(
      signed('THB', {
        type: 'SUBSCRIPTION',
        subscriptionOrderId: p.orderId,
        subscriptionNo: p.orderNo,
        status: '4',
      }),
    );
    // Not a collection: nothing to ask the collect query about.
    await assertUnknown(p.orderId, 'THB', 'not_queried', asSubscription);
    assert.equal((await h.store.get(p.orderId))?.status, 'pending');

    const s = await subscription();
    const before = await outcomes(s.orderId);
    const asPayment = await notify(
      signed('USD', {
        currency: 'USD',
        orderId: s.orderId,
        orderNo: s.orderNo,
        amount: '9.99',
        status: 2,
        payTime: '2026-01-01 12:00:05',
      }),
    );
    assert.equal(asPayment.status, 404);
    assert.deepEqual((await outcomes(s.orderId)).slice(before.length), ['unknown_order (gateway_4013)']);
    assert.equal((await h.store.get(s.orderId))?.status, s.status, 'unchanged');
  });

  it('one HaiPay had not numbered yet learns its subscriptionNo from its first notification; one naming another is then identity_mismatch', async () => {
    const s = await subscription(false);
    const changes: PaymentRecord[] = [];
    const listener = (r: PaymentRecord) => void (r.orderId === s.orderId && changes.push(r));
    h.router.checkout.events.on('change', listener);
    try {
      const active = subscriptionBody(s, '7026000000000042', '2');
      assert.deepEqual(await notify(active), { status: 200, text: 'SUCCESS' });
      const stored = await h.store.get(s.orderId);
      assert.equal(stored?.status, 'active');
      assert.equal(stored?.orderNo, '7026000000000042', 'HaiPay’s number is learnt');
      assert.deepEqual(await notify(active), { status: 200, text: 'SUCCESS' }, 'a repeat');
      assert.deepEqual(
        changes.map((r) => [r.status, r.orderNo]),
        [['active', '7026000000000042']],
        'one change event: the repeat changed nothing',
      );
      const other = await notify(subscriptionBody(s, '7026000000000043', '4'));
      assert.deepEqual(other, { status: 200, text: 'SUCCESS' });
      assert.equal(
        (await h.store.get(s.orderId))?.status,
        'active',
        'not cancelled by another subscription’s word',
      );
      assert.deepEqual((await outcomes(s.orderId)).slice(-3), ['applied', 'duplicate', 'identity_mismatch']);
      assert.deepEqual(
        callsFor(s.orderId).filter((c) => c.startsWith('subscription-')),
        [`subscription-active:${s.orderId}`],
      );
    } finally {
      h.router.checkout.events.off('change', listener);
    }
  });

  it('a deduction whose hook throws is not acknowledged, and its next delivery runs the hook again, once', async () => {
    const s = await subscription();
    const deduction = signed('USD', {
      currency: 'USD',
      type: 'SUBSCRIPTIONS_DEDUCT',
      subscriptionOrderId: s.orderId,
      subscriptionNo: s.orderNo,
      deductNo: 'D-91',
      orderNo: '7026010100000091',
      amount: '9.99',
      status: 2,
    });
    failNextDeduction = true;
    const before = await outcomes(s.orderId);
    assert.deepEqual(
      await h.router.checkout.handleNotification(deduction),
      { ack: false, outcome: 'hook_failed', orderId: s.orderId },
      'not acknowledged: the hook failed',
    );
    assert.equal((await notify(deduction)).text, 'SUCCESS', 'the next delivery');
    assert.equal((await notify(deduction)).text, 'SUCCESS', 'a repeat');
    assert.deepEqual((await outcomes(s.orderId)).slice(before.length), [
      'deduction (hook failed)',
      'duplicate',
      'duplicate',
    ]);
    assert.deepEqual(
      callsFor(s.orderId).filter((c) => c.startsWith('deduction-')),
      [`deduction-D-91-2:${s.orderId}`, `deduction-D-91-2:${s.orderId}`],
      'run again after it threw, then never again',
    );
  });
});
