/**
 * Lookups by a merchant's own ids read an index, so they keep working — and stay flat — as the sandbox
 * fills. A gateway is filled in-process with 10,000 collection orders through the same handlers the
 * HTTP routes call (signing 10,000 requests would only test RSA), then asked for orders by `orderId`.
 * No timing is asserted: the point is that an index answers correctly whatever was stored before.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { VirtualClock } from '../src/clock.js';
import { FaultBook } from '../src/faults.js';
import { Gateway } from '../src/gateway.js';
import { Notifier } from '../src/notifier.js';
import { DEFAULT_COLLECT_FEES, DEFAULT_EXPIRY, DEFAULT_PAYOUT_FEES } from '../src/settings.js';
import { sharedConfig, thbCollect } from './helpers.js';

const MANY = 10_000;

describe(`lookups after ${MANY} orders`, () => {
  const config = structuredClone(sharedConfig());
  config.merchants.find((m) => m.currency === 'THB')!.openingBalance = '10000.00';
  const thb = config.merchants.find((m) => m.currency === 'THB')!;
  const vnd = config.merchants.find((m) => m.currency === 'VND')!;
  const clock = new VirtualClock();
  const notifier = new Notifier({ clock, retryMs: 300_000, maxRetries: 5, timeoutMs: 5000, concurrency: 16 });
  const gw = new Gateway(config, clock, notifier, new FaultBook(), {
    baseUrl: () => 'http://sandbox.invalid',
    collectFees: DEFAULT_COLLECT_FEES,
    payoutFees: DEFAULT_PAYOUT_FEES,
    payoutDelayMs: 60_000,
    refundDelayMs: 60_000,
    settlementDelayMs: 0,
    expiry: DEFAULT_EXPIRY,
  });
  const orderNos: string[] = [];
  const ok = (r: ReturnType<Gateway['collections']['query']>) => {
    assert.ok('data' in r, `expected data, got ${JSON.stringify(r)}`);
    return r.data;
  };

  before(() => {
    for (let i = 0; i < MANY; i++) {
      const data = ok(
        gw.collections.apply(thb, 'THB', '/thb/collect/apply', thbCollect({ orderId: `bulk-${i}` }), false),
      );
      orderNos.push(String(data.orderNo));
    }
  });
  after(() => {
    gw.stop();
    notifier.stop();
    clock.stop();
  });

  test('collect/query finds the first, a middle and the last order by merchant orderId', () => {
    assert.equal(gw.state.orders.size, MANY);
    for (const i of [0, MANY / 2, MANY - 1]) {
      const data = ok(gw.collections.query(thb, { orderId: `bulk-${i}` }));
      assert.equal(data.orderNo, orderNos[i]);
      assert.equal(data.orderId, `bulk-${i}`);
    }
    // orderId and orderNo together must name the same order.
    assert.deepEqual(gw.collections.query(thb, { orderId: 'bulk-1', orderNo: orderNos[2] }), {
      error: '4013',
    });
  });

  test('the orderId index keeps merchants and kinds apart', () => {
    // Another merchant's orderId, and a payout with a collection's orderId, are other orders.
    assert.deepEqual(gw.collections.query(vnd, { orderId: 'bulk-7' }), { error: '4013' });
    assert.deepEqual(gw.payouts.query(thb, { orderId: 'bulk-7' }), { error: '4013' });
    const payout = gw.payouts.apply(thb, 'THB', '/thb/pay/apply', {
      orderId: 'bulk-7',
      amount: '100.00',
      accountType: 'BANK_ACCOUNT',
      bankCode: 'KBANK',
      accountNo: '1234567890',
      name: 'Somchai Jaidee',
    });
    assert.ok('data' in payout);
    assert.equal(ok(gw.payouts.query(thb, { orderId: 'bulk-7' })).orderNo, payout.data.orderNo);
    assert.equal(ok(gw.collections.query(thb, { orderId: 'bulk-7' })).orderNo, orderNos[7]);
    // The control API's `GET /_sandbox/orders?orderId=` reads the same index: both, oldest first.
    assert.deepEqual(
      gw.state.ordersWithOrderId('bulk-7').map((o) => o.orderNo),
      [orderNos[7], payout.data.orderNo],
    );
  });

  test('a reused orderId is still refused (4005), the last one included', () => {
    const again = gw.collections.apply(
      thb,
      'THB',
      '/thb/collect/apply',
      thbCollect({ orderId: `bulk-${MANY - 1}` }),
      false,
    );
    assert.deepEqual(again, { error: '4005' });
    assert.equal(gw.state.orders.size, MANY + 1, 'only the payout was added');
  });

  test('notifications are found by order, subscription and deduction number', () => {
    const usd = config.merchants.find((m) => m.currency === 'USD')!;
    const [first, second] = [orderNos[3]!, orderNos[4]!];
    gw.complete(first, 'failure');
    gw.complete(second, 'success');
    const sub = gw.subscriptions.apply(usd, '/subscription/apply', {
      subscriptionOrderId: 'sub-1',
      amount: '9.99',
      recurringInterval: 'M',
      recurringIntervalCount: '1',
      accountNo: '4242424242424242',
      expiryMonth: '12',
      expiryYear: '2040',
      cvv: '123',
    });
    assert.ok('data' in sub);
    const subscriptionNo = String(sub.data.subscriptionNo);
    gw.complete(subscriptionNo, 'success'); // active, and the first deduction at once
    const deduction = gw.state.subscriptions.get(subscriptionNo)!.deductions[0]!;

    const kinds = (no?: string) => notifier.find(no).map((n) => `${n.kind}:${n.orderNo}`);
    assert.deepEqual(kinds(first), [`collect:${first}`]);
    assert.deepEqual(kinds(second), [`collect:${second}`]);
    // A deduction is listed under its own orderNo and, through `refs`, under its subscription's.
    assert.deepEqual(kinds(subscriptionNo), [
      `subscription:${subscriptionNo}`,
      `deduction:${deduction.orderNo}`,
    ]);
    assert.deepEqual(kinds(deduction.orderNo), [`deduction:${deduction.orderNo}`]);
    assert.deepEqual(kinds('nothing-here'), []);
    assert.equal(notifier.find().length, 4, 'all of them, oldest first');
    assert.deepEqual(kinds()[0], `collect:${first}`);
  });

  test('the bank app finds a virtual account among them', () => {
    const va = ok(
      gw.collections.apply(
        thb,
        'THB',
        '/thb/collect/apply',
        thbCollect({ orderId: 'va-1', payType: 'VA', inBankCode: 'THB_VA' }),
        false,
      ),
    );
    assert.equal(gw.state.orderByBankNo(String(va.bankNo))?.orderNo, va.orderNo);
  });
});
