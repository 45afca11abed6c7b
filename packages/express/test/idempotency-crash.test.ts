/**
 * An Idempotency-Key without its order. This version never leaves one: it writes the key and its order
 * in one atomic store step (`store.createIdempotent`), so a duplicate on any instance always finds the
 * order and is answered with it. Such a key can only have been reserved by an older version of the kit,
 * which reserved the key first (`reserveIdempotencyKey`) and wrote the order in a second step, and died
 * in between (found by test/faults/crash-recovery). No writer can still be about to add that order, so
 * the browser's retry with the same key takes the key over under the id it reserved and creates the
 * order — once — instead of answering 502 "Idempotency key points at a missing order" for ever.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { mintOrderId, requestHash } from '../src/checkout/index.js';
import { startHarness, BUYER, CARD, type Harness } from '@haipay-kit/test-support';

let sandbox: Sandbox;
let h: Harness;
before(async () => {
  sandbox = await createSandbox();
  h = await startHarness({ sandbox });
  h.order = { amount: '100.00', currency: 'THB', subject: 'Order #1', buyerId: 'u-1001' };
});
after(async () => {
  await h.close();
  await sandbox.close();
});

/** What the store holds after an older version's process died right after reserving the key (step one of two). */
async function orphanKey(
  key: string,
  body: Record<string, unknown>,
  scope: 'payments' | 'subscriptions' = 'payments',
): Promise<string> {
  const orderId = mintOrderId(scope === 'subscriptions' ? 'hps_' : undefined);
  const r = await h.store.reserveIdempotencyKey({
    scope,
    key,
    requestHash: requestHash(scope, body),
    orderId,
  });
  assert.equal(r.outcome, 'reserved');
  return orderId;
}

describe('an Idempotency-Key reserved by an older version that died before writing its order', () => {
  it('the retry with the same key creates the order under the reserved id, once', async () => {
    const body = { method: 'promptpay', ...BUYER };
    const key = 'orphaned-key-0001';
    const orderId = await orphanKey(key, body);
    const res = await h.post('/haipay/payments', body, { 'idempotency-key': key });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    assert.equal(res.json.orderId, orderId);
    assert.equal(sandbox.orders().filter((o) => o.orderId === orderId).length, 1);
    const again = await h.post('/haipay/payments', body, { 'idempotency-key': key });
    assert.equal(again.status, 200);
    assert.equal(again.json.orderId, orderId);
    assert.equal(sandbox.orders().filter((o) => o.orderId === orderId).length, 1, 'applied once');
  });

  it('concurrent retries resume it once: one apply, every answer names the same order', async () => {
    const body = { method: 'truemoney', ...BUYER };
    const key = 'orphaned-key-0002';
    const orderId = await orphanKey(key, body);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => h.post('/haipay/payments', body, { 'idempotency-key': key })),
    );
    for (const a of answers) {
      assert.ok([200, 201, 202].includes(a.status), `${a.status} ${JSON.stringify(a.json)}`);
      assert.equal(a.json.orderId, orderId);
    }
    assert.equal(answers.filter((a) => a.status === 201).length, 1);
    assert.equal(sandbox.orders().filter((o) => o.orderId === orderId).length, 1);
  });

  it('a different body under the orphaned key is still a conflict', async () => {
    const key = 'orphaned-key-0003';
    await orphanKey(key, { method: 'promptpay', ...BUYER });
    const res = await h.post(
      '/haipay/payments',
      { method: 'truemoney', ...BUYER },
      { 'idempotency-key': key },
    );
    assert.equal(res.status, 409);
  });

  it('a subscription retry resumes the reserved id too, and applies once', async () => {
    const body = { planRef: 'monthly', ...BUYER, ...CARD };
    const key = 'orphaned-key-0004';
    const orderId = await orphanKey(key, body, 'subscriptions');
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => h.post('/haipay/subscriptions', body, { 'idempotency-key': key })),
    );
    for (const a of answers) {
      assert.ok([200, 201, 202].includes(a.status), `${a.status} ${JSON.stringify(a.json)}`);
      assert.equal(a.json.subscriptionId, orderId);
    }
    assert.equal(answers.filter((a) => a.status === 201).length, 1, 'one apply');
    const stored = await h.store.get(orderId);
    assert.ok(stored?.orderNo, 'the gateway answered for the reserved id');
  });
});

describe('an Idempotency-Key this version wrote together with its order', () => {
  it('a key written with its order whose first request is still in flight is never taken over: 202 with that order', async () => {
    // What a duplicate finds while the first request (on this or another instance) waits for HaiPay.
    const body = { method: 'promptpay', ...BUYER };
    const key = 'in-flight-key-0001';
    const orderId = mintOrderId();
    const created = await h.store.createIdempotent(
      { scope: 'payments', key, requestHash: requestHash('payments', body) },
      {
        orderId,
        kind: 'payment',
        merchant: 'THB',
        method: 'promptpay',
        amount: '100.00',
        currency: 'THB',
        subject: 'Order #1',
        orderRef: null,
        buyerId: 'u-1001',
        status: 'unknown',
        orderNo: null,
        next: null,
        expiresAt: null,
        failureReason: null,
        returnUrl: null,
        metadata: {},
      },
    );
    assert.equal(created.outcome, 'created');
    const answers = await Promise.all(
      Array.from({ length: 3 }, () => h.post('/haipay/payments', body, { 'idempotency-key': key })),
    );
    for (const a of answers) {
      assert.equal(a.status, 202, `${a.status} ${JSON.stringify(a.json)}`);
      assert.equal(a.json.orderId, orderId);
    }
    assert.equal(
      sandbox.orders().filter((o) => o.orderId === orderId).length,
      0,
      'no apply: the first request owns it',
    );
    assert.equal((await h.store.get(orderId))?.status, 'unknown', 'left to its first request');
  });
});
