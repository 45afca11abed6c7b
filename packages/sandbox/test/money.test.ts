import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSandbox, type Sandbox } from '../src/index.js';
import { call, cardCollect, oid, ok, postForm, receiver, sharedConfig, thbCollect } from './helpers.js';

const payout = (extra: Record<string, unknown> = {}) => ({
  orderId: oid('P'),
  amount: '100.00',
  accountType: 'BANK_ACCOUNT',
  bankCode: 'KBANK',
  accountNo: '1234567890',
  name: 'Somchai Jaidee',
  phone: '0812345678',
  email: 's@example.com',
  partnerUserId: 'u-1',
  ...extra,
});

describe('ledger', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await createSandbox({ config: sharedConfig() });
  });
  after(() => sb.close());
  const ledger = async (cur: 'THB' | 'USD') =>
    ok(await call(sb, sb.merchant(cur), `/${cur.toLowerCase()}/account/ledger`, {}));

  test('THB: collections credit amount − 1.5 %, payouts freeze then debit or release', async () => {
    const thb = sb.merchant('THB');
    for (const amount of ['1000.00', '333.33']) {
      const d = ok(await call(sb, thb, '/thb/collect/apply', thbCollect({ amount })));
      sb.complete(String(d.orderNo), 'success');
    }
    // 1000.00 − 15.00 + 333.33 − 5.00 (1.5 % of 333.33 = 4.99995 → 5.00)
    assert.deepEqual(await ledger('THB'), {
      bal: '1313.33',
      availableBal: '1313.33',
      frzBal: '0.00',
      unSettleBal: '0.00',
      sign: (await ledger('THB')).sign,
    });

    const rx = await receiver();
    const good = ok(await call(sb, thb, '/thb/pay/apply', payout({ amount: '500.00', notifyUrl: rx.url })));
    const bad = ok(
      await call(
        sb,
        thb,
        '/thb/pay/apply',
        payout({ amount: '200.00', accountNo: '9990001111', notifyUrl: rx.url }),
      ),
    );
    let l = await ledger('THB');
    // frozen: 500 + 10 fee + 200 + 10 fee
    assert.deepEqual([l.bal, l.availableBal, l.frzBal], ['1313.33', '593.33', '720.00']);
    await sb.clock.advance(60_000);
    l = await ledger('THB');
    assert.deepEqual([l.bal, l.availableBal, l.frzBal], ['803.33', '803.33', '0.00']);
    const q1 = ok(
      await call(sb, thb, '/thb/pay/query', { orderId: sb.order(String(good.orderNo))!.orderId }),
    );
    const q2 = ok(await call(sb, thb, '/thb/pay/query', { orderId: sb.order(String(bad.orderNo))!.orderId }));
    assert.equal(q1.status, 2);
    assert.equal(q1.fee, '10.00');
    assert.equal(q2.status, 3);
    assert.equal(q2.errorMsg, 'Bank Account is not found');
    assert.deepEqual(rx.received.map((r) => r.json.status).sort(), [2, 3]);
    await rx.close();
  });

  test('USD: card collection fee 3.5 % + 0.30, refund freezes and then debits the full amount', async () => {
    const usd = sb.merchant('USD');
    const paid = ok(
      await call(sb, usd, '/usd/collect/apply', cardCollect('4242424242424242', { amount: '100.00' })),
    );
    ok(await call(sb, usd, '/usd/collect/apply', cardCollect('4242424242424242', { amount: '20.00' })));
    // 100 − 3.80 + 20 − 1.00
    let l = await ledger('USD');
    assert.deepEqual([l.bal, l.availableBal, l.frzBal], ['115.20', '115.20', '0.00']);
    const r = ok(await call(sb, usd, '/usd/refund/apply', { orderId: oid('R'), orderNo: paid.orderNo }));
    l = await ledger('USD');
    assert.deepEqual([l.bal, l.availableBal, l.frzBal], ['115.20', '15.20', '100.00']);
    await sb.clock.advance(60_000);
    l = await ledger('USD');
    assert.deepEqual([l.bal, l.availableBal, l.frzBal], ['15.20', '15.20', '0.00']);
    assert.equal(sb.refund(String(r.refundNo))?.status, '1');
    // Not enough left for another refund of a 20.00 order? 15.20 < 20.00 → 4016.
    const other = sb.orders().find((o) => o.kind === 'collect' && o.amount === 2000 && o.status === 2)!;
    const again = await call(sb, usd, '/usd/refund/apply', { orderId: oid('R'), orderNo: other.orderNo });
    assert.equal(again.body.error, '4016');
  });

  test('settlement delay shows money in unSettleBal first', async () => {
    const sb2 = await createSandbox({ config: sharedConfig(), settlementDelayMs: 86_400_000 });
    try {
      const thb = sb2.merchant('THB');
      const d = ok(await call(sb2, thb, '/thb/collect/apply', thbCollect({ amount: '200.00' })));
      sb2.complete(String(d.orderNo), 'success');
      assert.deepEqual(sb2.ledger(thb.appId), {
        bal: '197.00',
        availableBal: '0.00',
        frzBal: '0.00',
        unSettleBal: '197.00',
      });
      await sb2.clock.advance(86_400_000);
      assert.deepEqual(sb2.ledger(thb.appId), {
        bal: '197.00',
        availableBal: '197.00',
        frzBal: '0.00',
        unSettleBal: '0.00',
      });
    } finally {
      await sb2.close();
    }
  });

  test('TWD path, amount in USD: kept in USD (apply, page, query, notification), credited to the TWD ledger', async () => {
    const sb2 = await createSandbox({ config: sharedConfig(), startTime: Date.UTC(2026, 0, 1, 4, 0, 0) });
    const rx = await receiver();
    try {
      const twd = sb2.merchant('TWD');
      const body = thbCollect({
        currency: 'USD',
        amount: '9.99',
        payType: 'EWALLET',
        inBankCode: 'JKO_PAY_TWD',
        name: 'Wang Xiaoming',
        phone: '0912345678',
        notifyUrl: rx.url,
      });
      const d = ok(await call(sb2, twd, '/twd/collect/apply', body));
      // docs/protocol.md §5: a TWD-path answer carries only orderId, orderNo and payUrl.
      assert.deepEqual(Object.keys(d).sort(), ['orderId', 'orderNo', 'payUrl', 'sign']);
      const query = async () => ok(await call(sb2, twd, '/twd/collect/query', { orderId: body.orderId }));
      const q0 = await query();
      assert.deepEqual([q0.amount, q0.actualAmount, q0.fee, q0.status], ['9.99', '0.00', '0.00', 0]);

      const page = await (await fetch(String(d.payUrl))).text();
      assert.match(page, /9\.99 <small>USD<\/small>/);
      assert.match(page, /<dt>To pay<\/dt><dd>320 TWD<\/dd>/, 'the shopper pays in TWD at 32 TWD/USD');
      const paid = await postForm(String(d.payUrl), { action: 'approve' });
      assert.equal(paid.status, 303);
      await sb2.idle();

      // TWD's 2.5 % fee, taken in USD: 9.99 × 2.5 % = 0.24975 → 0.25.
      const q = await query();
      assert.deepEqual(
        [q.amount, q.actualAmount, q.fee, q.status, q.payTime],
        ['9.99', '9.99', '0.25', 2, '2026-01-01 12:00:00'],
      );
      const n = rx.received[0]!.json;
      assert.deepEqual([n.currency, n.amount, n.fee, n.status], ['USD', '9.99', '0.25', 2]);
      // (9.99 − 0.25) × 32 = 311.68 → 312 TWD, into the TWD appId's TWD balance; no USD balance moves.
      const ledger = ok(await call(sb2, twd, '/twd/account/ledger', {}));
      assert.deepEqual([ledger.availableBal, ledger.bal], ['312', '312']);
      const usdLedger = ok(await call(sb2, sb2.merchant('USD'), '/usd/account/ledger', {}));
      assert.equal(usdLedger.availableBal, '0.00');

      // A TWD amount on the same path is unchanged: whole dollars, TWD fee, TWD ledger.
      const local = thbCollect({
        amount: '500',
        payType: 'EWALLET',
        inBankCode: 'JKO_PAY_TWD',
        name: 'Wang Xiaoming',
        phone: '0912345678',
      });
      const l = ok(await call(sb2, twd, '/twd/collect/apply', local));
      sb2.complete(String(l.orderNo), 'success');
      const ql = ok(await call(sb2, twd, '/twd/collect/query', { orderId: local.orderId }));
      assert.deepEqual([ql.amount, ql.fee], ['500', '13']);
      assert.equal(ok(await call(sb2, twd, '/twd/account/ledger', {})).availableBal, '799');
    } finally {
      await sb2.close();
      await rx.close();
    }
  });
});
