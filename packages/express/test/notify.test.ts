/** POST /notify: verification, cross-checks, duplicates, ordering, raw body under a global express.json(). */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { scalarText } from '@haipay-kit/protocol';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { generateTestNotification } from '../src/testing.js';
import {
  startHarness,
  idem,
  paidFields,
  signedNotification,
  BUYER,
  CARD,
  type CreatedOrder,
  type Harness,
} from '@haipay-kit/test-support';

let sandbox: Sandbox;
let h: Harness;
before(async () => {
  sandbox = await createSandbox();
  h = await startHarness({ sandbox });
});
after(async () => {
  await h.close();
  await sandbox.close();
});

async function promptpay(amount = '100.00') {
  h.order = { amount, currency: 'THB', subject: 'Order #1', buyerId: 'u-1001' };
  const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return res.json as { orderId: string; orderNo: string };
}

const signed = (payload: Record<string, unknown>): string => signedNotification(sandbox, payload);

async function notify(body: string, url = `${h.url}/haipay/notify`) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, text: await res.text() };
}

const paid = (p: CreatedOrder, extra: Record<string, unknown> = {}) => paidFields(sandbox, p, extra);

describe('POST /notify', () => {
  it('accepts a correctly signed notification (the public test helper) → SUCCESS, hook once', async () => {
    const p = await promptpay();
    const body = signed(paid(p));
    const first = await notify(body);
    assert.deepEqual(first, { status: 200, text: 'SUCCESS' });
    assert.equal((await h.store.get(p.orderId))?.status, 'succeeded');
    const again = await notify(body);
    assert.equal(again.text, 'SUCCESS', 'a duplicate is acknowledged');
    assert.deepEqual(
      h.calls.filter((c) => c.endsWith(p.orderId)),
      [`succeeded:${p.orderId}`],
    );
    const log = await h.store.listNotifications(p.orderId);
    assert.deepEqual(
      log.map((n) => n.outcome),
      ['applied', 'duplicate'],
    );
  });

  it('rejects a tampered notification (not SUCCESS) and changes nothing', async () => {
    const p = await promptpay();
    const body = signed({ ...paid(p), status: 3, errorMsg: 'declined' }).replace('"status":3', '"status":2');
    const res = await notify(body);
    assert.notEqual(res.text, 'SUCCESS');
    assert.equal(res.status, 400);
    const record = await h.store.get(p.orderId);
    assert.equal(record?.status, 'pending');
    assert.equal(record?.version, 2, 'no write beyond creation (unknown → pending with the answer)');
    assert.deepEqual(
      h.calls.filter((c) => c.endsWith(p.orderId)),
      [],
    );
    // An unverified body is never written to the store; a bounded in-memory sample keeps it for diagnosis.
    assert.deepEqual(await h.store.listNotifications(p.orderId), []);
    const sample = h.router.checkout.rejectedNotifications.at(-1);
    assert.equal(sample?.reason, 'rejected_signature');
    assert.equal(sample?.orderId, p.orderId);
    // Signed with a key that is not the platform's → rejected too.
    const forged = generateTestNotification({
      payload: paid(p),
      platformPrivateKey: sandbox.merchant('THB').privateKey!,
      secretKey: sandbox.merchant('THB').secretKey,
    });
    assert.equal((await notify(forged)).status, 400);
    assert.equal((await h.store.get(p.orderId))?.status, 'pending');
  });

  it('an amount mismatch is not credited: confirmed by query, held for review, mismatch hook', async () => {
    const p = await promptpay();
    const res = await notify(signed(paid(p, { amount: '1.00' })));
    assert.equal(res.text, 'SUCCESS', 'recorded durably; retrying would not change it');
    const record = await h.store.get(p.orderId);
    assert.notEqual(record?.status, 'succeeded');
    assert.match(record?.failureReason ?? '', /review: amount 1\.00/);
    assert.deepEqual(
      h.calls.filter((c) => c.endsWith(p.orderId)),
      [`mismatch:${p.orderId}`],
    );
    // A currency mismatch is held too.
    const q = await promptpay();
    await notify(signed(paid(q, { currency: 'USD' })));
    assert.notEqual((await h.store.get(q.orderId))?.status, 'succeeded');
  });

  it('a success notification the gateway query contradicts (order unpaid) is not credited', async () => {
    const p = await promptpay();
    // Signed correctly but for a different amount than the order: the query says "not paid", so no credit.
    await notify(signed(paid(p, { amount: '100.01' })));
    const view = await h.get(`/haipay/payments/${p.orderId}`);
    assert.notEqual(view.json.status, 'succeeded');
  });

  it('duplicate deliveries (sandbox fault) → one state change, hook once', async () => {
    sandbox.injectFault({ mode: 'duplicateNotification', endpoint: 'collect/apply', count: 1 });
    const p = await promptpay();
    sandbox.complete(p.orderNo, 'success');
    await sandbox.idle();
    await sandbox.clock.advance(11 * 60_000);
    await sandbox.idle();
    assert.equal((await h.store.get(p.orderId))?.status, 'succeeded');
    const delivered = sandbox
      .notifications(p.orderNo)
      .flatMap((n) => n.attempts)
      .filter((a) => a.delivered);
    assert.ok(delivered.length >= 2, `the sandbox delivered the notification twice (${delivered.length})`);
    assert.deepEqual(
      h.calls.filter((c) => c.endsWith(p.orderId)),
      [`succeeded:${p.orderId}`],
    );
    const log = await h.store.listNotifications(p.orderId);
    assert.deepEqual(log.map((n) => n.outcome).slice(0, 2), ['applied', 'duplicate']);
    sandbox.clearFaults();
  });

  it('out-of-order notifications: a final state never moves', async () => {
    const p = await promptpay();
    assert.equal((await notify(signed(paid(p)))).text, 'SUCCESS');
    const late = await notify(signed({ ...paid(p), status: 3, amount: '0.00', errorMsg: 'Order expired' }));
    assert.equal(late.text, 'SUCCESS', 'acknowledged so HaiPay stops retrying');
    assert.equal((await h.store.get(p.orderId))?.status, 'succeeded');
    assert.deepEqual(
      h.calls.filter((c) => c.endsWith(p.orderId)),
      [`succeeded:${p.orderId}`],
    );
    const log = await h.store.listNotifications(p.orderId);
    assert.equal(log.at(-1)?.outcome, 'stale');
  });

  it('an unknown order is confirmed by query and not acknowledged', async () => {
    const res = await notify(
      signed(paid({ orderId: 'hp_notours0000000000000', orderNo: '6000000000000000' })),
    );
    assert.notEqual(res.text, 'SUCCESS');
    assert.equal(res.status, 404);
  });

  it('keeps only the last 20 refused bodies in memory, each cut to 512 characters, and logs every refusal', async () => {
    const p = await promptpay();
    const forged = (i: number) =>
      JSON.stringify({ ...paid(p), remark: `forged-${i}-${'x'.repeat(600)}`, sign: 'AAAA' });
    for (let i = 0; i < 22; i++) assert.equal((await notify(forged(i))).status, 400);
    const kept = h.router.checkout.rejectedNotifications;
    assert.equal(kept.length, 20);
    assert.match(kept[0]!.sample, /"remark":"forged-2-x/, 'the two oldest made room');
    assert.match(kept.at(-1)!.sample, /"remark":"forged-21-x/);
    for (const r of kept) {
      assert.equal(r.sample.length, 512);
      assert.equal(r.reason, 'rejected_signature');
      assert.equal(r.orderId, p.orderId);
    }
    const warned = h.logger.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'haipay notification rejected' && l.orderId === p.orderId);
    assert.equal(warned.length, 22);
    assert.equal(warned[0]!.level, 'warn');
    assert.equal(warned[0]!.reason, 'rejected_signature');
  });

  it('a verified notification holding & or = in a value is not believed; the order it names is asked about instead', async () => {
    const p = await promptpay();
    sandbox.injectFault({ mode: 'delayedNotification', endpoint: 'thb/collect/apply' });
    try {
      sandbox.complete(p.orderNo, 'success'); // paid, but HaiPay's own notification is held back
      const res = await notify(signed(paid(p, { remark: 'a&status=2', subject: 'b=c' })));
      assert.equal(res.status, 400);
      assert.notEqual(res.text, 'SUCCESS');
      assert.equal(h.router.checkout.rejectedNotifications.at(-1)?.reason, 'rejected_ambiguous');
      const warned = h.logger.lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.reason === 'rejected_ambiguous' && l.orderId === p.orderId);
      assert.equal(warned.length, 1);
      assert.equal(warned[0]!.msg, 'haipay notification rejected');
      assert.match(String(warned[0]!.message), /^ambiguous fields: (remark, subject|subject, remark)$/);
      assert.deepEqual(await h.store.listNotifications(p.orderId), [], 'never written as believed');
      // The kit queries the order on its own; the query (not the notification) settles it.
      for (let i = 0; i < 400 && (await h.store.get(p.orderId))?.status !== 'succeeded'; i++)
        await new Promise((r) => setTimeout(r, 25));
      assert.equal((await h.store.get(p.orderId))?.status, 'succeeded');
    } finally {
      sandbox.clearFaults();
    }
  });

  it('ambiguous notifications cannot force queries: an order checked within refreshAfterMs is not asked about again', async () => {
    const g = await startHarness({ sandbox, router: { refreshAfterMs: 3_600_000 } });
    sandbox.injectFault({ mode: 'delayedNotification', endpoint: 'thb/collect/apply' });
    try {
      g.order = { amount: '100.00', currency: 'THB', subject: 'Order #4', buyerId: 'u-1001' };
      const p = (await g.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).json as {
        orderId: string;
        orderNo: string;
      };
      assert.equal((await g.router.checkout.refresh(p.orderId, { force: true }))?.status, 'pending');
      sandbox.complete(p.orderNo, 'success');
      const res = await notify(signed(paid(p, { remark: 'a&status=2' })), `${g.url}/haipay/notify`);
      assert.equal(res.status, 400);
      // Joins the refresh the refusal started, if it still runs; either way no query within the hour.
      assert.equal((await g.router.checkout.refresh(p.orderId))?.status, 'pending');
    } finally {
      sandbox.clearFaults();
      await g.close();
    }
  });

  it('a notification signed for another appId than the order’s is never credited', async () => {
    const p = await promptpay();
    const res = await notify(
      signedNotification(
        sandbox,
        { ...paid(p), appId: sandbox.merchant('USD').appId, currency: 'USD' },
        'USD',
      ),
    );
    assert.equal(res.status, 404);
    assert.equal((await h.store.get(p.orderId))?.status, 'pending');
    assert.match((await h.store.listNotifications(p.orderId)).at(-1)?.outcome ?? '', /^unknown_order \(/);
  });

  it('stores at most 8 KB of a verified body', async () => {
    const p = await promptpay();
    assert.equal((await notify(signed(paid(p, { remark: 'y'.repeat(9000) })))).text, 'SUCCESS');
    const [entry] = await h.store.listNotifications(p.orderId);
    assert.equal(entry?.body.length, 8192);
    assert.equal(entry?.verified, true);
  });

  it('a merchant hook that throws → not SUCCESS, retried on the next delivery, then once', async () => {
    const flaky = await startHarness({ sandbox });
    let attempts = 0;
    flaky.router.checkout.options.hooks.onPaymentSucceeded = (pay) => {
      attempts++;
      if (attempts === 1) throw new Error('warehouse down');
      flaky.calls.push(`succeeded:${pay.orderId}`);
    };
    try {
      assert.deepEqual(flaky.router.checkout.rejectedNotifications, [], 'a new checkout has refused nothing');
      flaky.order = { amount: '100.00', currency: 'THB', subject: 'Order #2', buyerId: 'u-1001' };
      const p = (await flaky.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).json;
      const body = signed(paid(p));
      const first = await notify(body, `${flaky.url}/haipay/notify`);
      assert.notEqual(first.text, 'SUCCESS');
      assert.equal(
        (await flaky.store.get(p.orderId))?.status,
        'succeeded',
        'the state change itself is kept',
      );
      assert.deepEqual(
        (await flaky.store.listNotifications(p.orderId)).map((n) => n.outcome),
        ['applied (hook failed)'],
        'recorded, with the failed hook',
      );
      const second = await notify(body, `${flaky.url}/haipay/notify`);
      assert.equal(second.text, 'SUCCESS');
      await notify(body, `${flaky.url}/haipay/notify`);
      assert.equal(attempts, 2);
      assert.deepEqual(flaky.calls, [`succeeded:${p.orderId}`]);
    } finally {
      await flaky.close();
    }
  });
});

describe('subscription notifications on POST /notify', () => {
  /** A subscription through the router (a USD card), as its store record. */
  async function subscription() {
    const res = await h.post('/haipay/subscriptions', { ...BUYER, ...CARD }, idem());
    assert.ok([201, 202].includes(res.status), JSON.stringify(res.json));
    await sandbox.idle();
    const record = await h.store.get((res.json as { subscriptionId: string }).subscriptionId);
    assert.ok(record?.orderNo, 'HaiPay numbered the subscription');
    return record;
  }
  const usd = (payload: Record<string, unknown>) =>
    signedNotification(sandbox, { appId: sandbox.merchant('USD').appId, currency: 'USD', ...payload }, 'USD');
  const outcomes = async (orderId: string) =>
    (await h.store.listNotifications(orderId)).map((n) => n.outcome);

  it('a status change moves the subscription and runs onSubscriptionChange once; a repeat is a duplicate', async () => {
    const s = await subscription();
    const before = (await h.store.listNotifications(s.orderId)).length;
    const body = usd({
      type: 'SUBSCRIPTION',
      subscriptionOrderId: s.orderId,
      subscriptionNo: s.orderNo,
      status: '4',
    });
    assert.deepEqual(await notify(body), { status: 200, text: 'SUCCESS' });
    assert.equal((await h.store.get(s.orderId))?.status, 'cancelled');
    assert.deepEqual(await notify(body), { status: 200, text: 'SUCCESS' });
    assert.deepEqual((await outcomes(s.orderId)).slice(before), ['applied', 'duplicate']);
    assert.deepEqual(
      h.calls.filter((c) => c === `subscription-cancelled:${s.orderId}`),
      [`subscription-cancelled:${s.orderId}`],
    );
  });

  it('a notification naming another subscriptionNo changes nothing and is recorded as identity_mismatch', async () => {
    const s = await subscription();
    const res = await notify(
      usd({
        type: 'SUBSCRIPTION',
        subscriptionOrderId: s.orderId,
        subscriptionNo: '9999999999',
        status: '3',
      }),
    );
    assert.equal(res.text, 'SUCCESS');
    assert.equal((await h.store.get(s.orderId))?.status, s.status);
    assert.equal((await outcomes(s.orderId)).at(-1), 'identity_mismatch');
    assert.deepEqual(
      h.calls.filter((c) => c === `subscription-failed:${s.orderId}`),
      [],
    );
  });

  it('a deduction runs its hook once per deduction and status, and is recorded as deduction then duplicate', async () => {
    const s = await subscription();
    const seen: string[] = [];
    h.router.checkout.options.hooks.onSubscriptionDeduction = (sub, d) =>
      void seen.push(`${sub.orderId}:${scalarText(d.deductNo)}:${scalarText(d.status)}`);
    try {
      const deduction = (status: number) =>
        usd({
          type: 'SUBSCRIPTIONS_DEDUCT',
          subscriptionOrderId: s.orderId,
          subscriptionNo: s.orderNo,
          deductNo: 'D-77',
          orderNo: '7026010100000077',
          amount: '9.99',
          status,
        });
      const before = (await h.store.listNotifications(s.orderId)).length;
      for (const body of [deduction(1), deduction(1), deduction(2)])
        assert.deepEqual(await notify(body), { status: 200, text: 'SUCCESS' });
      assert.deepEqual(seen, [`${s.orderId}:D-77:1`, `${s.orderId}:D-77:2`]);
      assert.deepEqual((await outcomes(s.orderId)).slice(before), ['deduction', 'duplicate', 'deduction']);
    } finally {
      delete h.router.checkout.options.hooks.onSubscriptionDeduction;
    }
  });

  it('a payment and a subscription are never taken for one another: either kind naming the other is an unknown order', async () => {
    const s = await subscription();
    const p = await promptpay();
    const asPayment = await notify(
      usd({
        orderId: s.orderId,
        orderNo: s.orderNo,
        amount: '9.99',
        status: 2,
        payTime: '2026-01-01 12:00:05',
      }),
    );
    assert.equal(asPayment.status, 404);
    const asSubscription = await notify(
      signed({
        appId: sandbox.merchant('THB').appId,
        type: 'SUBSCRIPTION',
        subscriptionOrderId: p.orderId,
        subscriptionNo: p.orderNo,
        status: '4',
      }),
    );
    assert.equal(asSubscription.status, 404);
    assert.equal((await h.store.get(p.orderId))?.status, 'pending');
    assert.equal((await h.store.get(s.orderId))?.status, s.status);
    assert.match((await outcomes(p.orderId)).at(-1) ?? '', /^unknown_order/);
  });

  it('a verified subscription notification outside the documented shape is refused as rejected_schema', async () => {
    const s = await subscription();
    const res = await notify(
      usd({ type: 'SUBSCRIPTION', subscriptionOrderId: s.orderId, subscriptionNo: s.orderNo, status: '7' }),
    );
    assert.equal(res.status, 400);
    assert.equal((await outcomes(s.orderId)).at(-1), 'rejected_schema');
    assert.equal((await h.store.get(s.orderId))?.status, s.status);
  });
});

describe('a global express.json() before the router', () => {
  it('is detected: /notify refuses the consumed body and logs the fix (nothing is guessed from a re-serialised object)', async () => {
    const g = await startHarness({ sandbox, globalJson: true });
    try {
      g.order = { amount: '100.00', currency: 'THB', subject: 'Order #3', buyerId: 'u-1001' };
      const p = (await g.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).json;
      assert.equal(p.status, 'pending');
      const res = await notify(signed(paid(p)), `${g.url}/haipay/notify`);
      assert.equal(res.status, 500);
      assert.notEqual(res.text, 'SUCCESS');
      assert.equal((await g.store.get(p.orderId))?.status, 'pending');
      const line = g.logger.lines.find((l) => l.includes('already parsed by another body parser'));
      assert.ok(line, 'an error naming the problem is logged');
      assert.match(line, /Mount the HaiPay router before app\.use\(express\.json\(\)\)/);
      assert.match(line, /req\.rawBody = buf/);
    } finally {
      await g.close();
    }
  });

  it('works when the global parser keeps the raw body (rawBody), and still refuses tampering', async () => {
    const g = await startHarness({ sandbox, globalJson: 'rawBody' });
    try {
      g.order = { amount: '100.00', currency: 'THB', subject: 'Order #3', buyerId: 'u-1001' };
      const p = (await g.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).json;
      sandbox.complete(p.orderNo, 'success');
      await sandbox.idle();
      assert.equal((await g.store.get(p.orderId))?.status, 'succeeded');
      assert.deepEqual(g.calls, [`succeeded:${p.orderId}`]);
      const attempts = sandbox.notifications(p.orderNo)[0]?.attempts ?? [];
      assert.equal(attempts.at(-1)?.answer, 'SUCCESS');
      const bad = signed({ ...paid(p), amount: '5.00' }).replace('"amount":"5.00"', '"amount":"100.00"');
      assert.notEqual((await notify(bad, `${g.url}/haipay/notify`)).text, 'SUCCESS');
    } finally {
      await g.close();
    }
  });
});
