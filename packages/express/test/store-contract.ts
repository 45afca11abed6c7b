/**
 * The shared `PaymentStore` contract: one suite, run against every store implementation
 * (`runPaymentStoreContract('sqlite', () => new SqlitePaymentStore(...))`). A PostgreSQL store reuses it.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { NewPaymentRecord, PaymentStore } from '../src/store/types.js';

/** A record as the router would create it. */
export function sampleRecord(overrides: Partial<NewPaymentRecord> = {}): NewPaymentRecord {
  return {
    orderId: `hp_test_${Math.random().toString(36).slice(2)}`,
    kind: 'payment',
    merchant: 'THB',
    method: 'promptpay',
    amount: '100.00',
    currency: 'THB',
    subject: 'Order #1',
    orderRef: 'cart-1',
    buyerId: 'u-1',
    status: 'unknown',
    orderNo: null,
    next: null,
    expiresAt: null,
    failureReason: null,
    returnUrl: 'https://shop.example/return',
    metadata: { cart: '1' },
    ...overrides,
  };
}

/** Runs the store contract against stores made by `factory` (called once per test). */
export function runPaymentStoreContract(
  name: string,
  factory: () => PaymentStore | Promise<PaymentStore>,
): void {
  describe(`PaymentStore contract: ${name}`, () => {
    let store: PaymentStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    it('creates and reads back a record, with version 1 and no hook done', async () => {
      const input = sampleRecord({ next: { type: 'qr', payload: '000201' } });
      const created = await store.create(input);
      assert.equal(created.version, 1);
      assert.equal(created.hookStatus, null);
      const read = await store.get(input.orderId);
      assert.deepEqual(read, created);
      assert.deepEqual(read?.next, { type: 'qr', payload: '000201' });
      assert.deepEqual(read?.metadata, { cart: '1' });
      assert.equal(await store.get('hp_missing'), null);
    });

    it('refuses a second record with the same orderId', async () => {
      const input = sampleRecord();
      await store.create(input);
      await assert.rejects(store.create(input));
    });

    it('moves status forward only, and final states never change', async () => {
      const { orderId } = await store.create(sampleRecord());
      assert.equal((await store.transition(orderId, 'pending', { orderNo: '6026' })).changed, true);
      const again = await store.transition(orderId, 'pending');
      assert.equal(again.changed, false, 'same status is not a change');
      assert.equal((await store.transition(orderId, 'unknown')).changed, false, 'no move backwards');
      const paid = await store.transition(orderId, 'succeeded');
      assert.equal(paid.changed, true);
      assert.equal(paid.record?.status, 'succeeded');
      assert.equal(paid.record?.orderNo, '6026');
      for (const s of ['failed', 'expired', 'processing', 'pending'] as const) {
        const r = await store.transition(orderId, s, { failureReason: 'late' });
        assert.equal(r.changed, false, `succeeded must not become ${s}`);
        assert.equal(r.record?.status, 'succeeded');
        assert.equal(r.record?.failureReason, null, 'a refused transition writes nothing');
      }
    });

    it('lets exactly one of many racing transitions win', async () => {
      const { orderId } = await store.create(sampleRecord({ status: 'pending' }));
      const results = await Promise.all([
        store.transition(orderId, 'succeeded'),
        store.transition(orderId, 'failed'),
        store.transition(orderId, 'succeeded'),
        store.transition(orderId, 'expired'),
      ]);
      assert.equal(results.filter((r) => r.changed).length, 1);
      const winner = results.find((r) => r.changed)!.record!.status;
      assert.equal((await store.get(orderId))?.status, winner);
    });

    it('bumps version on each visible change only', async () => {
      const { orderId } = await store.create(sampleRecord());
      const p1 = await store.patch(orderId, { orderNo: '1', next: { type: 'wait' } });
      assert.equal(p1?.version, 2);
      const p2 = await store.patch(orderId, { orderNo: '1' });
      assert.equal(p2?.version, 2, 'no-op patch keeps version');
      const t = await store.transition(orderId, 'processing');
      assert.equal(t.record?.version, 3);
      await store.markChecked(orderId, 123);
      const r = await store.get(orderId);
      assert.equal(r?.version, 3);
      assert.equal(r?.checkedAt, 123);
      assert.equal(await store.patch('hp_missing', { orderNo: 'x' }), null);
    });

    it('lists unsettled records, least recently checked first', async () => {
      const a = await store.create(sampleRecord({ status: 'pending' }));
      const b = await store.create(sampleRecord({ status: 'unknown' }));
      const c = await store.create(sampleRecord({ status: 'pending' }));
      await store.transition(c.orderId, 'succeeded');
      await store.markChecked(a.orderId, 2000);
      const all = await store.listUnsettled();
      assert.deepEqual(
        all.map((r) => r.orderId),
        [b.orderId, a.orderId],
      );
      const stale = await store.listUnsettled({ checkedBefore: 1000 });
      assert.deepEqual(
        stale.map((r) => r.orderId),
        [b.orderId],
      );
    });

    it('grants a hook claim once per status, with a lease, and never after completion', async () => {
      const { orderId } = await store.create(sampleRecord({ status: 'pending' }));
      assert.equal(await store.claimHook(orderId, 'succeeded', 1000), false, 'status is not succeeded yet');
      await store.transition(orderId, 'succeeded');
      assert.deepEqual(
        (await store.listHookPending(['succeeded'])).map((r) => r.orderId),
        [orderId],
      );
      assert.equal(await store.claimHook(orderId, 'succeeded', 1000, 10_000), true);
      assert.equal(await store.claimHook(orderId, 'succeeded', 1000, 10_500), false, 'lease held');
      await store.releaseHook(orderId);
      assert.equal(await store.claimHook(orderId, 'succeeded', 1000, 10_600), true, 'released → claimable');
      assert.equal(
        await store.claimHook(orderId, 'succeeded', 1000, 12_000),
        true,
        'lease expired → claimable',
      );
      await store.completeHook(orderId, 'succeeded');
      assert.equal(await store.claimHook(orderId, 'succeeded', 1000, 99_000), false, 'done → never again');
      assert.equal((await store.get(orderId))?.hookStatus, 'succeeded');
      assert.deepEqual(await store.listHookPending(['succeeded']), []);
    });

    it('reserves an idempotency key once; replay on same hash, conflict on another', async () => {
      const base = { scope: 'payments', key: 'key-12345678', requestHash: 'h1', orderId: 'hp_1' };
      assert.deepEqual(await store.reserveIdempotencyKey(base), { outcome: 'reserved' });
      const replay = await store.reserveIdempotencyKey({ ...base, orderId: 'hp_2' });
      assert.equal(replay.outcome, 'replay');
      assert.equal(replay.outcome === 'replay' && replay.record.orderId, 'hp_1');
      assert.equal(replay.outcome === 'replay' && replay.record.responseStatus, null);
      await store.finishIdempotencyKey('payments', 'key-12345678', 201);
      await store.finishIdempotencyKey('payments', 'key-12345678', 500);
      const after = await store.reserveIdempotencyKey(base);
      assert.equal(after.outcome === 'replay' && after.record.responseStatus, 201, 'first answer kept');
      const conflict = await store.reserveIdempotencyKey({ ...base, requestHash: 'h2' });
      assert.equal(conflict.outcome, 'conflict');
      assert.deepEqual(await store.reserveIdempotencyKey({ ...base, scope: 'subscriptions' }), {
        outcome: 'reserved',
      });
    });

    it('lets exactly one of many racing reservations of one key win', async () => {
      const results = await Promise.all(
        [1, 2, 3, 4].map((i) =>
          store.reserveIdempotencyKey({
            scope: 'payments',
            key: 'race-key-1',
            requestHash: 'h',
            orderId: `hp_${i}`,
          }),
        ),
      );
      assert.equal(results.filter((r) => r.outcome === 'reserved').length, 1);
    });

    it('keeps a notification log per order, oldest first', async () => {
      await store.appendNotification({
        orderId: 'hp_a',
        receivedAt: '2026-01-01T00:00:00.000Z',
        verified: true,
        outcome: 'applied',
        body: '{"a":1}',
      });
      await store.appendNotification({
        orderId: 'hp_b',
        receivedAt: '2026-01-01T00:00:01.000Z',
        verified: false,
        outcome: 'rejected_signature',
        body: '{}',
      });
      await store.appendNotification({
        orderId: 'hp_a',
        receivedAt: '2026-01-01T00:00:02.000Z',
        verified: true,
        outcome: 'duplicate',
        body: '{"a":2}',
      });
      const log = await store.listNotifications('hp_a');
      assert.deepEqual(
        log.map((n) => n.outcome),
        ['applied', 'duplicate'],
      );
      assert.equal(log[0]?.verified, true);
      assert.equal(log[0]?.body, '{"a":1}');
    });
  });
}
