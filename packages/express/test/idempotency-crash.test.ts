/**
 * A crash between reserving an Idempotency-Key and writing its order (found by test/faults/crash-recovery):
 * the browser's retry with the same key must create the order — once — instead of answering 502
 * "Idempotency key points at a missing order" for ever.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { mintOrderId, requestHash } from '../src/checkout.js';
import { startHarness, BUYER, CARD, type Harness } from './helpers.js';

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

/** What the store holds after a process died right after reserving the key. */
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

describe('an Idempotency-Key reserved by a process that died before writing its order', () => {
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
