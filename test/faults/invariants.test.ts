/** The invariant checker catches each kind of planted mismatch, and passes a consistent run. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareWithGateway,
  hookRunsFromLog,
  toHundredths,
  type GatewayOrder,
  type StoredOrder,
} from './invariants.js';

const g = (orderId: string, status: number, extra: Partial<GatewayOrder> = {}): GatewayOrder => ({
  kind: 'collect',
  orderId,
  orderNo: `no-${orderId}`,
  appId: 1054,
  currency: 'THB',
  amount: '100.00',
  status,
  ...extra,
});
const s = (orderId: string, status: string, extra: Partial<StoredOrder> = {}): StoredOrder => ({
  orderId,
  orderNo: `no-${orderId}`,
  status,
  amount: '100.00',
  currency: 'THB',
  failureReason: null,
  ...extra,
});

const consistent = () => ({
  gateway: [g('a', 2), g('b', 3, { errorMsg: 'Payment failed' }), g('c', 3, { errorMsg: 'Order expired' })],
  store: [s('a', 'succeeded'), s('b', 'failed'), s('c', 'expired'), s('d', 'failed', { orderNo: null })],
  hooks: [
    { hook: 'succeeded', orderId: 'a' },
    { hook: 'failed', orderId: 'b' },
    { hook: 'expired', orderId: 'c' },
    { hook: 'failed', orderId: 'd' },
  ],
});

describe('compareWithGateway', () => {
  it('reports nothing for a consistent run', () => {
    const r = compareWithGateway(consistent());
    assert.deepEqual(r.mismatches, []);
    assert.equal(r.figures.neverAtGateway, 1);
    assert.equal(r.figures.succeeded, 1);
  });

  const planted: [string, (run: ReturnType<typeof consistent>) => void, RegExp][] = [
    [
      'a store success the gateway failed',
      (r) => (r.gateway[1]!.status = 2),
      /store says failed, gateway says succeeded/,
    ],
    ['an order applied twice', (r) => r.gateway.push(g('a', 0, { orderNo: 'other' })), /applied 2 times/],
    ['a gateway order missing from the store', (r) => r.gateway.push(g('e', 3)), /not in the store/],
    [
      'a credit without a gateway order',
      (r) => (r.store[3]!.status = 'succeeded'),
      /credited without a collection/,
    ],
    ['a non-final store order', (r) => (r.store[0]!.status = 'pending'), /not final/],
    ['a non-final gateway order', (r) => (r.gateway[0]!.status = 1), /gateway order no-a is not final/],
    ['a hook run twice', (r) => r.hooks.push({ hook: 'succeeded', orderId: 'a' }), /2 hook runs/],
    ['a missing hook', (r) => r.hooks.splice(1, 1), /hook never completed/],
    ['a hook of the wrong state', (r) => (r.hooks[0]!.hook = 'failed'), /hooks failed but status succeeded/],
    ['an amount that differs', (r) => (r.store[0]!.amount = '100.01'), /100\.01 THB/],
    ['another orderNo', (r) => (r.store[1]!.orderNo = 'x'), /orderNo x/],
    ['a review hold', (r) => r.hooks.push({ hook: 'mismatch', orderId: 'b' }), /onPaymentMismatch/],
  ];
  for (const [name, plant, expected] of planted) {
    it(`catches ${name}`, () => {
      const run = consistent();
      plant(run);
      const r = compareWithGateway(run);
      assert.ok(r.mismatches.length > 0, 'a mismatch is reported');
      assert.ok(
        r.mismatches.some((m) => expected.test(m)),
        `expected ${expected}, got ${r.mismatches.join(' | ')}`,
      );
    });
  }

  it('reads amounts as hundredths in every precision', () => {
    assert.equal(toHundredths('100.00'), 10000);
    assert.equal(toHundredths('1500'), 150000);
    assert.equal(toHundredths('75.5'), 7550);
    assert.ok(Number.isNaN(toHundredths('1e3')));
  });
});

describe('hookRunsFromLog', () => {
  it('folds a re-run only when the first process was killed before committing the hook', () => {
    const log = [
      'begin succeeded a 10',
      'end succeeded a 10', // killed before `completed`: the kit may run it again
      'begin succeeded a 11',
      'end succeeded a 11',
      'completed succeeded a 11',
      'begin failed b 11',
      'end failed b 11',
      'completed failed b 11',
      'begin failed b 12', // a repeat after the commit: the kit broke its promise
      'end failed b 12',
      'begin expired c 12', // interrupted, never ended
    ].join('\n');
    const r = hookRunsFromLog(log, new Set([10, 11]));
    assert.equal(r.rerunsAfterCrash, 1);
    assert.equal(r.interrupted, 1);
    assert.equal(r.violations.length, 1);
    assert.match(r.violations[0]!, /^b: hook failed ran again after pid 11/);
    assert.deepEqual(
      r.runs.filter((x) => x.orderId === 'a'),
      [{ hook: 'succeeded', orderId: 'a' }],
    );
    assert.equal(
      r.runs.filter((x) => x.orderId === 'b').length,
      2,
      'the repeat stays visible to compareWithGateway',
    );
  });
});
