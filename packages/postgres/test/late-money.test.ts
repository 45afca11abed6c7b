// Late money whose notification is lost, on PostgreSQL: two router instances on one schema, a PromptPay
// order the kit expired on its own clock, paid late at the sandbox with HaiPay's notification held back.
// The reconciler (one instance at a time, by the lease) finds it; two instances asking HaiPay at once
// record it once, with one onLatePayment. A schema made before migration 4 gets its closed payments
// marked when it is upgraded.
import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { createReconciler } from '@haipay-kit/express';
import { startHarness, idem, sampleRecord, BUYER, type Harness } from '@haipay-kit/test-support';
import { PostgresPaymentStore } from '../src/index.js';
import { adminQuery, pgSuite, schemaPool } from './helpers.js';

const MINUTE = 60_000;

pgSuite('PostgreSQL: late money whose notification is lost', (url) => {
  const nextSchema = schemaPool(url);
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await createSandbox();
  });
  after(() => sandbox.close());

  let time = Date.now();
  const now = () => time;

  /** One instance: a store on `schema` with the shared clock, the router, `late:` recorded. */
  async function instance(schema: string): Promise<Harness> {
    const store = new PostgresPaymentStore({ connectionString: url, schema, now });
    await store.ready();
    const h = await startHarness({ sandbox, store, router: { now } });
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #1', buyerId: 'u-1001' };
    h.router.checkout.options.hooks.onLatePayment = (p) => void h.calls.push(`late:${p.orderId}`);
    return h;
  }

  /** An order the kit expires on its own clock, then paid late; its notification held back a week. */
  async function paidAfterTheKitExpiredIt(h: Harness) {
    const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const { orderId, orderNo } = res.json as { orderId: string; orderNo: string };
    time = Date.parse((await h.store.get(orderId))!.expiresAt!) + 10_000;
    await h.router.checkout.refresh(orderId, { force: true });
    assert.equal((await h.store.get(orderId))?.status, 'expired');
    sandbox.injectFault({
      mode: 'delayedNotification',
      endpoint: 'thb/collect/apply',
      ms: 7 * 24 * 60 * MINUTE,
    });
    sandbox.complete(orderNo, 'success');
    await sandbox.idle();
    assert.deepEqual(sandbox.notifications(orderNo)[0]!.attempts, [], 'never delivered');
    return orderId;
  }

  it('the lease holder finds it; two instances asking at once record it once', async () => {
    const schema = nextSchema();
    const a = await instance(schema);
    const b = await instance(schema);
    try {
      const first = await paidAfterTheKitExpiredIt(a);
      time += MINUTE;
      const reconcilers = [a, b].map((h) => createReconciler(h.router.checkout, { intervalMs: MINUTE }));
      await Promise.all(reconcilers.map((r) => r.runOnce()));
      assert.equal((await a.store.get(first))?.status, 'review');

      const second = await paidAfterTheKitExpiredIt(a);
      const both = await Promise.all([a, b].map((h) => h.router.checkout.refresh(second, { closed: true })));
      assert.deepEqual(
        both.map((r) => r?.status),
        ['review', 'review'],
      );
      for (const id of [first, second])
        await Promise.all([a, b].map((h) => h.router.checkout.runHooks(id, Infinity)));
      const calls = [...a.calls, ...b.calls];
      assert.deepEqual(
        calls.filter((c) => c.startsWith('late:')).sort(),
        [`late:${first}`, `late:${second}`].sort(),
      );
      assert.ok(!calls.some((c) => c.startsWith('succeeded:')));
      // Settled: neither instance asks about them again.
      time += 24 * 60 * MINUTE;
      const due = await a.store.listRecheckDue!({ now: time, windowMs: 72 * 60 * MINUTE, minGapMs: MINUTE });
      assert.deepEqual(due, []);
    } finally {
      sandbox.clearFaults();
      await a.close();
      await b.close();
    }
  });

  it('upgrading a schema made before migration 4 marks the payments it had closed', async () => {
    const schema = nextSchema();
    const old = new PostgresPaymentStore({ connectionString: url, schema, now });
    const expired = await old.create(sampleRecord({ status: 'pending' }));
    await old.transition(expired.orderId, 'expired', { failureReason: 'expired' });
    const paid = await old.create(sampleRecord({ status: 'pending' }));
    await old.transition(paid.orderId, 'succeeded');
    await old.close();
    await adminQuery(
      url,
      `DROP INDEX "${schema}".haipay_payments_recheck;
       ALTER TABLE "${schema}".haipay_payments DROP COLUMN recheck_since;
       DELETE FROM "${schema}".haipay_migrations WHERE version = 4;`,
    );
    const store = new PostgresPaymentStore({ connectionString: url, schema, now });
    try {
      const closedAt = Date.parse((await store.get(expired.orderId))!.updatedAt);
      const due = await store.listRecheckDue({ now: closedAt, windowMs: 60 * MINUTE, minGapMs: MINUTE });
      assert.deepEqual(
        due.map((r) => r.orderId),
        [expired.orderId],
      );
    } finally {
      await store.close();
    }
  });
});
