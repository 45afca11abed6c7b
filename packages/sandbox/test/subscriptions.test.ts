import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSandbox, type Sandbox } from '../src/index.js';
import {
  assertError,
  call,
  oid,
  ok,
  postForm,
  receiver,
  sharedConfig,
  verifyNotification,
} from './helpers.js';

const subscription = (pan: string, extra: Record<string, unknown> = {}) => ({
  subscriptionOrderId: oid('S'),
  amount: '9.99',
  name: 'Jon Smith',
  email: 'jon@example.com',
  subject: 'Pro plan',
  payType: 'SUBSCRIPTION',
  inBankCode: 'CREDIT_CARD',
  callBackUrl: 'https://merchant.example/sub/ok',
  partnerUserId: '9527',
  country: 'US',
  currency: 'USD',
  website: 'https://merchant.example',
  recurringInterval: 'M',
  recurringIntervalCount: 1,
  recurringMaxNumber: 12,
  retryTimes: 2,
  clientType: 'WEB',
  accountNo: pan,
  expiryMonth: '11',
  expiryYear: '2030',
  cvv: '234',
  referer: 'https://merchant.example/checkout',
  userAgent: 'Mozilla/5.0 (test)',
  customerIp: '142.250.191.174',
  notifyUrl: 'http://127.0.0.1:9/notify',
  ...extra,
});

describe('subscriptions', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await createSandbox({ config: sharedConfig(), startTime: Date.UTC(2026, 0, 31, 4, 0, 0) });
  });
  after(() => sb.close());
  const usd = () => sb.merchant('USD');

  test('apply → authorize → monthly deductions → cancel', async () => {
    const rx = await receiver();
    try {
      const body = subscription('4242424242424242', { notifyUrl: rx.url });
      const a = ok(await call(sb, usd(), '/subscription/apply', body));
      assert.equal(a.status, '1');
      assert.equal(a.amount, '9.99');
      assert.equal(a.recurringIntervalCount, 1);
      assertError(await call(sb, usd(), '/subscription/apply', body), '4005');
      const page = await fetch(String(a.payUrl));
      assert.match(await page.text(), /<h1>Authorize subscription<\/h1>/);
      const res = await postForm(String(a.payUrl), { action: 'approve' });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), 'https://merchant.example/sub/ok');
      await sb.idle();
      // Three more months: Jan 31 → Feb 28 → Mar 31 → Apr 30 (month ends clamp).
      await sb.clock.advance(90 * 86_400_000);
      const q = ok(await call(sb, usd(), '/subscription/query', { subscriptionNo: a.subscriptionNo }));
      assert.equal(q.status, '2');
      const list = q.deductList as Record<string, unknown>[];
      assert.equal(list.length, 4);
      assert.deepEqual(
        list.map((d) => [d.status, d.amount, d.startTime]),
        [
          [2, '9.99', '2026-01-31 12:00:00'],
          [2, '9.99', '2026-02-28 12:00:00'],
          [2, '9.99', '2026-03-31 12:00:00'],
          [2, '9.99', '2026-04-30 12:00:00'],
        ],
      );
      const c = ok(await call(sb, usd(), '/subscription/cancel', { subscriptionNo: a.subscriptionNo }));
      assert.equal(c.status, '4');
      assertError(
        await call(sb, usd(), '/subscription/cancel', { subscriptionNo: a.subscriptionNo }),
        '4014',
      );
      await sb.clock.advance(365 * 86_400_000);
      const q2 = ok(await call(sb, usd(), '/subscription/query', { subscriptionNo: a.subscriptionNo }));
      assert.equal((q2.deductList as unknown[]).length, 4, 'no deduction after cancel');
      await sb.idle();
      const types = rx.received.map((r) => `${String(r.json.type)}:${String(r.json.status)}`);
      assert.deepEqual(types, [
        'SUBSCRIPTION:2',
        ...Array(4).fill('SUBSCRIPTIONS_DEDUCT:2'),
        'SUBSCRIPTION:4',
      ]);
      assert.ok(rx.received.every((r) => verifyNotification(sb, usd(), r.body)));
      // Ledger: 4 × (9.99 − 0.65 fee)
      assert.equal(sb.ledger(usd().appId).availableBal, '37.36');
      assertError(await call(sb, usd(), '/subscription/query', { subscriptionNo: '4000' }), '4013');
    } finally {
      await rx.close();
    }
  });

  test('recurringMaxNumber ends the subscription (status 4) after the last deduction', async () => {
    const a = ok(
      await call(
        sb,
        usd(),
        '/subscription/apply',
        subscription('4242424242424242', {
          recurringInterval: 'D',
          recurringIntervalCount: 7,
          recurringMaxNumber: 3,
        }),
      ),
    );
    sb.complete(String(a.subscriptionNo), 'success');
    await sb.clock.advance(60 * 86_400_000);
    const s = sb.subscription(String(a.subscriptionNo))!;
    assert.equal(s.deductions.length, 3);
    assert.equal(s.status, '4');
  });

  test('a card whose charges fail is retried retryTimes, then the subscription fails', async () => {
    const a = ok(
      await call(sb, usd(), '/subscription/apply', subscription('4000000000000341', { retryTimes: 2 })),
    );
    sb.complete(String(a.subscriptionNo), 'success');
    await sb.clock.advance(86_400_000);
    assert.equal(sb.subscription(String(a.subscriptionNo))!.status, '2');
    await sb.clock.advance(86_400_000);
    const s = sb.subscription(String(a.subscriptionNo))!;
    assert.equal(s.status, '3');
    assert.equal(s.deductions[0]!.status, 3);
    assert.equal(s.deductions[0]!.attempts, 3);
  });

  test('declined authorization → status 3; non-USD appId → 4012', async () => {
    const a = ok(await call(sb, usd(), '/subscription/apply', subscription('4000000000009995')));
    await postForm(String(a.payUrl), { action: 'approve' });
    assert.equal(sb.subscription(String(a.subscriptionNo))!.status, '3');
    assertError(
      await call(sb, sb.merchant('THB'), '/subscription/apply', subscription('4242424242424242')),
      '4012',
    );
  });

  test('a paid deduction is refunded by its orderNo, once; a failed refund lets it be refunded again', async () => {
    const a = ok(await call(sb, usd(), '/subscription/apply', subscription('4242424242424242')));
    sb.complete(String(a.subscriptionNo), 'success');
    await sb.idle();
    const [d] = sb.subscription(String(a.subscriptionNo))!.deductions;
    assert.equal(d?.status, 2);
    const refundId = oid('R');
    const r = ok(await call(sb, usd(), '/usd/refund/apply', { orderId: refundId, orderNo: d.orderNo }));
    assert.equal(r.status, '0');
    assert.equal(r.orderNo, d.orderNo);
    assertError(
      await call(sb, usd(), '/usd/refund/apply', { orderId: oid('R'), orderNo: d.orderNo }),
      '4014',
    );
    // Driven to failure over the control API: the deduction may be refunded again.
    const failed = await fetch(`${sb.url}/_sandbox/orders/${String(r.refundNo)}/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'failure', errorMsg: 'Issuer declined' }),
    });
    assert.equal(failed.status, 200);
    const q = ok(await call(sb, usd(), '/usd/refund/refundQuery', { orderId: refundId }));
    assert.deepEqual([q.status, q.errorMsg], ['2', 'Issuer declined']);
    const again = ok(await call(sb, usd(), '/usd/refund/apply', { orderId: oid('R'), orderNo: d.orderNo }));
    assert.equal(again.status, '0');
  });
});
