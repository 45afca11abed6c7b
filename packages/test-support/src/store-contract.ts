/**
 * The shared `PaymentStore` contract: one suite, run against every store implementation
 * (`runPaymentStoreContract('sqlite', (now) => new SqlitePaymentStore({ ..., now }))`): the memory
 * and SQLite stores in packages/express, the PostgreSQL store in packages/postgres.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { NewPaymentRecord, PaymentStore } from '@haipay-kit/express/store';
import { orderQueryContract } from './order-query-contract.js';
import { recheckContract } from './recheck-contract.js';
import { transferContract } from './transfer-contract.js';

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

/** Where each test's clock starts: 2026-01-01T00:00:00.000Z. */
const START = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Runs the store contract against stores made by `factory` (called once per test) with the clock `now`
 * (ms since the epoch) the store must take as its own: the tests move it instead of waiting.
 */
export function runPaymentStoreContract(
  name: string,
  factory: (now: () => number) => PaymentStore | Promise<PaymentStore>,
): void {
  describe(`PaymentStore contract: ${name}`, () => {
    let store: PaymentStore;
    let time = START;
    const advance = (ms: number) => void (time += ms);
    beforeEach(async () => {
      time = START;
      store = await factory(() => time);
    });
    afterEach(async () => {
      await store.close();
    });

    transferContract(() => store, advance);
    orderQueryContract(() => store);
    recheckContract(
      () => store,
      () => time,
      advance,
    );

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

    it('createIdempotent writes the key and its order together; the key names the order', async () => {
      const key = { scope: 'payments', key: 'atomic-key-0001', requestHash: 'h1' };
      const input = sampleRecord({ status: 'unknown' });
      const res = await store.createIdempotent(key, input);
      assert.equal(res.outcome, 'created');
      assert.ok(res.outcome === 'created');
      assert.equal(res.record.orderId, input.orderId);
      assert.equal(res.record.version, 1);
      assert.equal(res.record.status, 'unknown');
      assert.deepEqual(await store.get(input.orderId), res.record, 'the order is visible');
      const seen = await store.reserveIdempotencyKey({ ...key, orderId: 'hp_someone_else' });
      assert.equal(seen.outcome, 'replay', 'the key is visible');
      assert.ok(seen.outcome === 'replay');
      assert.equal(seen.record.orderId, input.orderId, 'the key names the order written with it');
      assert.equal(seen.record.responseStatus, null, 'no answer given yet');
      assert.equal(await store.get('hp_someone_else'), null);
      const other = await store.createIdempotent({ ...key, scope: 'subscriptions' }, sampleRecord());
      assert.equal(other.outcome, 'created', 'keys are unique per scope');
    });

    it('createIdempotent replays on the same hash (no second order) and conflicts on another', async () => {
      const key = { scope: 'payments', key: 'atomic-key-0002', requestHash: 'h1' };
      const first = sampleRecord();
      assert.equal((await store.createIdempotent(key, first)).outcome, 'created');

      const second = sampleRecord();
      const replay = await store.createIdempotent(key, second);
      assert.equal(replay.outcome, 'replay');
      assert.ok(replay.outcome === 'replay');
      assert.equal(replay.key.scope, 'payments');
      assert.equal(replay.key.key, 'atomic-key-0002');
      assert.equal(replay.key.requestHash, 'h1');
      assert.equal(replay.key.orderId, first.orderId, 'the replay names the first order');
      assert.equal(replay.key.responseStatus, null, 'still in flight');
      assert.equal(typeof replay.key.createdAt, 'string');
      assert.equal(await store.get(second.orderId), null, 'a replay writes no order');

      await store.finishIdempotencyKey('payments', key.key, 201);
      const later = await store.createIdempotent(key, sampleRecord());
      assert.equal(later.outcome === 'replay' && later.key.responseStatus, 201, 'the first answer');

      const third = sampleRecord();
      const conflict = await store.createIdempotent({ ...key, requestHash: 'h2' }, third);
      assert.equal(conflict.outcome, 'conflict');
      assert.ok(conflict.outcome === 'conflict');
      assert.equal(conflict.key.orderId, first.orderId);
      assert.equal(conflict.key.requestHash, 'h1');
      assert.equal(await store.get(third.orderId), null, 'a conflict writes no order');
    });

    it('createIdempotent writes nothing when the order cannot be written', async () => {
      const existing = await store.create(sampleRecord());
      const key = { scope: 'payments', key: 'atomic-key-0003', requestHash: 'h1' };
      await assert.rejects(store.createIdempotent(key, sampleRecord({ orderId: existing.orderId })));
      const next = sampleRecord();
      const res = await store.createIdempotent(key, next);
      assert.equal(res.outcome, 'created', 'the key was not left behind without its order');
      assert.equal(res.outcome === 'created' && res.record.orderId, next.orderId);
    });

    it('createIdempotent on a key an older version reserved without its order: replay naming the reserved id', async () => {
      const key = { scope: 'payments', key: 'atomic-key-0004', requestHash: 'h1' };
      assert.equal(
        (await store.reserveIdempotencyKey({ ...key, orderId: 'hp_reserved_0004' })).outcome,
        'reserved',
      );
      const input = sampleRecord();
      const res = await store.createIdempotent(key, input);
      assert.equal(res.outcome, 'replay');
      assert.equal(res.outcome === 'replay' && res.key.orderId, 'hp_reserved_0004');
      assert.equal(await store.get(input.orderId), null, 'nothing written');
      assert.equal(await store.get('hp_reserved_0004'), null);
    });

    it('lets exactly one of many racing createIdempotent calls of one key create; the others replay it', async () => {
      const key = { scope: 'payments', key: 'atomic-race-0001', requestHash: 'h' };
      const inputs = Array.from({ length: 8 }, () => sampleRecord());
      // Each caller reads the order its replay names at once, as the router does.
      const answers = await Promise.all(
        inputs.map(async (input) => {
          const r = await store.createIdempotent(key, input);
          return { r, named: r.outcome === 'replay' ? await store.get(r.key.orderId) : null };
        }),
      );
      const results = answers.map((x) => x.r);
      const created = results.filter((r) => r.outcome === 'created');
      assert.equal(created.length, 1, 'exactly one created');
      const winner = created[0]!.outcome === 'created' ? created[0]!.record.orderId : '';
      for (const { r, named } of answers) {
        if (r.outcome === 'created') continue;
        assert.equal(r.outcome, 'replay');
        assert.equal(
          r.outcome === 'replay' && r.key.orderId,
          winner,
          "every other call names the winner's order",
        );
        assert.equal(named?.orderId, winner, 'the order a replay names is already there');
      }
      const stored = (await Promise.all(inputs.map((i) => store.get(i.orderId)))).filter((r) => r !== null);
      assert.deepEqual(
        stored.map((r) => r.orderId),
        [winner],
        'exactly one order row',
      );
    });

    it("a status change frees the claim, and the old status's hook ending late touches nothing of the new one", async () => {
      // The expired order's hook is still running (in this process or another) when late money moves
      // the order to review: the review hook is claimed at once, and whatever the expired hook's runner
      // does when it ends — complete or release — neither marks review done nor frees review's claim.
      const { orderId } = await store.create(sampleRecord({ status: 'pending' }));
      await store.transition(orderId, 'expired');
      assert.equal(await store.claimHook(orderId, 'expired', 60_000, 10_000), true);
      await store.transition(orderId, 'review');
      assert.equal(
        await store.claimHook(orderId, 'review', 60_000, 10_100),
        true,
        "the new status's hook is claimable while the old one still runs",
      );
      await store.completeHook(orderId, 'expired');
      assert.equal(
        (await store.get(orderId))?.hookStatus ?? null,
        null,
        'the old hook ending marks nothing done',
      );
      assert.equal(
        await store.claimHook(orderId, 'review', 60_000, 10_200),
        false,
        "the old hook ending leaves the review hook's claim held",
      );
      await store.releaseHook(orderId, 'expired');
      assert.equal(
        await store.claimHook(orderId, 'review', 60_000, 10_300),
        false,
        "the old hook's release leaves the review hook's claim held",
      );
      await store.completeHook(orderId, 'review');
      assert.equal((await store.get(orderId))?.hookStatus, 'review');
      await store.completeHook(orderId, 'expired');
      assert.equal(
        (await store.get(orderId))?.hookStatus,
        'review',
        'a late completion does not undo review',
      );
      assert.equal(
        await store.claimHook(orderId, 'review', 60_000, 99_000),
        false,
        'review done: never again',
      );
      assert.deepEqual(await store.listHookPending(['review']), []);
    });

    it("a transition asked to claim the new status's hook in the same write, only when it moves", async () => {
      const { orderId } = await store.create(sampleRecord({ status: 'pending' }));
      const t = await store.transition(orderId, 'succeeded', {}, { claimHook: { now: 10_000 } });
      assert.equal(t.changed, true);
      assert.equal(t.hookClaimed, true);
      assert.equal(await store.claimHook(orderId, 'succeeded', 60_000, 69_999), false, 'held for the lease');
      assert.equal(await store.claimHook(orderId, 'succeeded', 60_000, 70_001), true, 'timed from 10 000');
      await store.completeHook(orderId, 'succeeded');
      assert.equal((await store.get(orderId))?.hookStatus, 'succeeded');

      const again = await store.transition(orderId, 'succeeded', {}, { claimHook: { now: 80_000 } });
      assert.equal(again.changed, false);
      assert.ok(!again.hookClaimed, 'a transition that does not move claims nothing');

      const plain = await store.create(sampleRecord({ status: 'pending' }));
      const moved = await store.transition(plain.orderId, 'failed');
      assert.ok(!moved.hookClaimed, 'not asked: nothing claimed');
      assert.equal(await store.claimHook(plain.orderId, 'failed', 60_000, 10_000), true);

      // No time given: the store's clock, as claimHook.
      const clocked = await store.create(sampleRecord({ status: 'pending' }));
      assert.equal(
        (await store.transition(clocked.orderId, 'expired', {}, { claimHook: {} })).hookClaimed,
        true,
      );
      assert.equal(
        await store.claimHook(clocked.orderId, 'expired', 1_000),
        false,
        'held on the store clock',
      );
      advance(1_100);
      assert.equal(
        await store.claimHook(clocked.orderId, 'expired', 1_000),
        true,
        'ran out on the store clock',
      );
    });

    it('renewHookClaim extends a held claim, and does nothing once released or completed', async () => {
      const { orderId } = await store.create(sampleRecord({ status: 'pending' }));
      await store.transition(orderId, 'succeeded');
      assert.equal(await store.claimHook(orderId, 'succeeded', 1000, 10_000), true);
      await store.renewHookClaim(orderId, 'succeeded', 10_800);
      assert.equal(
        await store.claimHook(orderId, 'succeeded', 1000, 11_500),
        false,
        'renewed at 10 800: still held at 11 500 (it would have expired at 11 000)',
      );
      assert.equal(
        await store.claimHook(orderId, 'succeeded', 1000, 11_900),
        true,
        'expires a lease after the renewal',
      );

      await store.releaseHook(orderId);
      await store.renewHookClaim(orderId, 'succeeded', 12_000);
      assert.equal(
        await store.claimHook(orderId, 'succeeded', 1000, 12_100),
        true,
        'a released claim is not renewed',
      );

      await store.renewHookClaim(orderId, 'failed', 12_500);
      assert.equal(
        await store.claimHook(orderId, 'succeeded', 1000, 13_200),
        true,
        'a renewal naming another status does nothing',
      );

      // A completed hook: renewing it must not leave a claim that holds off the next status's hook.
      const other = await store.create(sampleRecord({ status: 'pending' }));
      assert.equal(await store.claimHook(other.orderId, 'pending', 1000, 20_000), true);
      await store.completeHook(other.orderId, 'pending');
      await store.renewHookClaim(other.orderId, 'pending', 20_100);
      assert.equal(await store.claimHook(other.orderId, 'pending', 1000, 99_000), false, 'done stays done');
      await store.transition(other.orderId, 'succeeded');
      assert.equal(
        await store.claimHook(other.orderId, 'succeeded', 1000, 20_200),
        true,
        'no claim was renewed after completeHook',
      );
    });

    it('adds a hook event once per (orderId, key)', async () => {
      const a = await store.create(sampleRecord({ kind: 'subscription' }));
      const b = await store.create(sampleRecord({ kind: 'subscription' }));
      const event = {
        orderId: a.orderId,
        key: 'deduction:1:2',
        kind: 'subscription_deduction',
        payload: { n: 1 },
      };
      assert.equal(await store.addHookEvent(event), true);
      assert.equal(await store.addHookEvent(event), false, 'the same event again');
      assert.equal(
        await store.addHookEvent({ ...event, payload: { n: 2 } }),
        false,
        'even with another payload',
      );
      assert.equal(
        await store.addHookEvent({ ...event, orderId: b.orderId }),
        true,
        'the same key on another order',
      );
      assert.equal(await store.addHookEvent({ ...event, key: 'deduction:2:2' }), true, 'another key');
      const pending = await store.listPendingHookEvents();
      assert.equal(pending.length, 3);
      assert.deepEqual(
        pending.find((e) => e.orderId === a.orderId && e.key === 'deduction:1:2')?.payload,
        { n: 1 },
        'the first payload is kept',
      );
    });

    it('claims a hook event once per lease, again after expiry or release, never once done', async () => {
      const { orderId } = await store.create(sampleRecord({ kind: 'subscription' }));
      const key = 'deduction:7:2';
      assert.equal(await store.claimHookEvent(orderId, key, 1000, 10_000), false, 'no such event');
      await store.addHookEvent({ orderId, key, kind: 'subscription_deduction', payload: {} });
      assert.equal(await store.claimHookEvent(orderId, key, 1000, 10_000), true);
      assert.equal(await store.claimHookEvent(orderId, key, 1000, 10_500), false, 'lease held');
      assert.equal(await store.claimHookEvent(orderId, key, 1000, 11_500), true, 'lease expired → claimable');

      await store.renewHookEventClaim(orderId, key, 12_000);
      assert.equal(
        await store.claimHookEvent(orderId, key, 1000, 12_800),
        false,
        'renewed at 12 000: still held at 12 800 (it would have expired at 12 500)',
      );
      assert.equal(
        await store.claimHookEvent(orderId, key, 1000, 13_100),
        true,
        'expires a lease after the renewal',
      );

      await store.releaseHookEvent(orderId, key);
      await store.renewHookEventClaim(orderId, key, 13_200);
      assert.equal(
        await store.claimHookEvent(orderId, key, 1000, 13_300),
        true,
        'released → claimable at once',
      );

      await store.completeHookEvent(orderId, key);
      assert.equal(await store.claimHookEvent(orderId, key, 1000, 99_000), false, 'done → never again');
      await store.renewHookEventClaim(orderId, key, 99_500);
      await store.releaseHookEvent(orderId, key);
      assert.equal(await store.claimHookEvent(orderId, key, 1000, 200_000), false, 'still never');
      assert.deepEqual(await store.listPendingHookEvents(), []);
    });

    it('lets exactly one of many racing claims of a hook event win', async () => {
      const { orderId } = await store.create(sampleRecord({ kind: 'subscription' }));
      await store.addHookEvent({
        orderId,
        key: 'deduction:9:2',
        kind: 'subscription_deduction',
        payload: {},
      });
      const claims = await Promise.all(
        Array.from({ length: 6 }, () => store.claimHookEvent(orderId, 'deduction:9:2', 60_000)),
      );
      assert.equal(claims.filter(Boolean).length, 1);
    });

    it('lists pending hook events oldest first, done ones left out, payload round-tripped as JSON', async () => {
      const { orderId } = await store.create(sampleRecord({ kind: 'subscription' }));
      const payload = {
        deductNo: '8026112800000001',
        amount: '9.99',
        status: 2,
        ok: true,
        none: null,
        nested: { list: [1, 'two', { three: 3 }], text: 'ชำระเงิน 支付 "quoted" \\ back' },
      };
      // Added in an order that is not the keys' alphabetical one, a few ms apart on the store's clock.
      for (const key of ['k-3', 'k-1', 'k-2', 'k-0']) {
        assert.equal(
          await store.addHookEvent({
            orderId,
            key,
            kind: 'subscription_deduction',
            payload: { ...payload, key },
          }),
          true,
        );
        advance(5);
      }
      await store.completeHookEvent(orderId, 'k-1');
      const pending = await store.listPendingHookEvents();
      assert.deepEqual(
        pending.map((e) => e.key),
        ['k-3', 'k-2', 'k-0'],
        'not-done events, oldest first',
      );
      for (const e of pending) {
        assert.equal(e.orderId, orderId);
        assert.equal(e.kind, 'subscription_deduction');
        assert.equal(e.done, false);
        assert.ok(!Number.isNaN(Date.parse(e.createdAt)), `createdAt is a date: ${e.createdAt}`);
        assert.deepEqual(e.payload, { ...payload, key: e.key });
      }
      assert.deepEqual(
        (await store.listPendingHookEvents(2)).map((e) => e.key),
        ['k-3', 'k-2'],
        'limit',
      );
    });

    it('stamps createdAt and updatedAt on its clock, and keeps a createdAt it is given', async () => {
      const { orderId, createdAt, updatedAt } = await store.create(sampleRecord());
      assert.deepEqual([createdAt, updatedAt], [iso(START), iso(START)]);
      advance(1_500);
      const patched = await store.patch(orderId, { orderNo: '6026' });
      assert.deepEqual([patched?.createdAt, patched?.updatedAt], [iso(START), iso(START + 1_500)]);
      advance(1_000);
      const same = await store.patch(orderId, { orderNo: '6026' });
      assert.equal(same?.updatedAt, iso(START + 1_500), 'a patch that changes nothing keeps updatedAt');
      const moved = await store.transition(orderId, 'pending');
      assert.equal(moved.record?.updatedAt, iso(START + 2_500));
      advance(1_000);
      const refused = await store.transition(orderId, 'unknown');
      assert.equal(refused.record?.updatedAt, iso(START + 2_500), 'a refused transition writes nothing');
      await store.markChecked(orderId, START + 3_500);
      assert.equal((await store.get(orderId))?.checkedAt, START + 3_500);
      const given = await store.create(sampleRecord({ createdAt: '2025-12-31T23:00:00.000Z' }));
      assert.deepEqual(
        [given.createdAt, given.updatedAt],
        ['2025-12-31T23:00:00.000Z', '2025-12-31T23:00:00.000Z'],
      );
    });

    it('stamps idempotency keys and hook events on its clock', async () => {
      await store.reserveIdempotencyKey({
        scope: 'payments',
        key: 'clock-key-1',
        requestHash: 'h',
        orderId: 'hp_1',
      });
      advance(2_000);
      const input = sampleRecord({ kind: 'subscription' });
      const created = await store.createIdempotent(
        { scope: 'payments', key: 'clock-key-2', requestHash: 'h' },
        input,
      );
      assert.equal(created.outcome === 'created' && created.record.createdAt, iso(START + 2_000));
      advance(1_000);
      const first = await store.reserveIdempotencyKey({
        scope: 'payments',
        key: 'clock-key-1',
        requestHash: 'h',
        orderId: 'hp_2',
      });
      const second = await store.createIdempotent(
        { scope: 'payments', key: 'clock-key-2', requestHash: 'h' },
        sampleRecord(),
      );
      assert.equal(first.outcome === 'replay' && first.record.createdAt, iso(START));
      assert.equal(second.outcome === 'replay' && second.key.createdAt, iso(START + 2_000));
      await store.addHookEvent({
        orderId: input.orderId,
        key: 'deduction:1:2',
        kind: 'subscription_deduction',
        payload: {},
      });
      assert.deepEqual(
        (await store.listPendingHookEvents()).map((e) => e.createdAt),
        [iso(START + 3_000)],
      );
    });

    it('times hook claims on its clock when the caller gives no time', async () => {
      const { orderId } = await store.create(sampleRecord({ status: 'pending' }));
      await store.transition(orderId, 'succeeded');
      assert.equal(await store.claimHook(orderId, 'succeeded', 1_000), true);
      advance(900);
      assert.equal(await store.claimHook(orderId, 'succeeded', 1_000), false, 'held 900 ms into the lease');
      await store.renewHookClaim(orderId, 'succeeded');
      advance(900);
      assert.equal(
        await store.claimHook(orderId, 'succeeded', 1_000),
        false,
        'renewed at 900 ms: held at 1 800',
      );
      advance(200);
      assert.equal(
        await store.claimHook(orderId, 'succeeded', 1_000),
        true,
        'ran out at 1 900: taken at 2 000',
      );

      const event = { orderId, key: 'mismatch:1', kind: 'payment_mismatch', payload: {} };
      await store.addHookEvent(event);
      assert.equal(await store.claimHookEvent(orderId, event.key, 1_000), true);
      advance(900);
      assert.equal(
        await store.claimHookEvent(orderId, event.key, 1_000),
        false,
        'held 900 ms into the lease',
      );
      await store.renewHookEventClaim(orderId, event.key);
      advance(900);
      assert.equal(await store.claimHookEvent(orderId, event.key, 1_000), false, 'renewed: still held');
      advance(200);
      assert.equal(await store.claimHookEvent(orderId, event.key, 1_000), true, 'ran out: taken again');
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
