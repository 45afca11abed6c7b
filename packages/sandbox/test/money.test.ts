import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSandbox, type Sandbox } from '../src/index.js';
import { call, cardCollect, oid, ok, receiver, sharedConfig, thbCollect } from './helpers.js';

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
});
