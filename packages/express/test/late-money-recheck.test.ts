/**
 * Late money whose notification is lost. The kit closes an order on its own clock (a PromptPay QR past
 * its window), the buyer pays it late at HaiPay anyway, and HaiPay's notification never arrives (lost,
 * or the merchant's server was down for every retry). The reconciler must still find the money by
 * asking HaiPay again about the orders it closed: recorded as a late notification would record it
 * (`review`, `onLatePayment` once, visible in the admin API), exactly once when two reconcilers race,
 * at a cost that shrinks with the order's age, and never past its window or HaiPay's own final word.
 * Real sandbox over loopback, real SQLite files, a kit clock the tests move.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { startHarness, idem, sampleRecord, BUYER, type Harness } from '@haipay-kit/test-support';
import { createHaiPayAdminRouter } from '../src/admin/index.js';
import { createHaiPayRouter } from '../src/index.js';
import { createReconciler, type Reconciler } from '../src/reconciler.js';
import { MemoryPaymentStore } from '../src/store/memory.js';
import { SqlitePaymentStore } from '../src/store/sqlite.js';
import type { PaymentStore } from '../src/store/types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const THB = { amount: '100.00', currency: 'THB', subject: 'Order #1', buyerId: 'u-1001' };

let sandbox: Sandbox;
let dir: string;
before(async () => {
  sandbox = await createSandbox();
  dir = mkdtempSync(join(tmpdir(), 'haipay-late-money-'));
});
after(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The kit's clock (the sandbox keeps its own, which these tests leave alone unless they say so). */
function kitClock() {
  let time = Date.now();
  return { now: () => time, advance: (ms: number) => void (time += ms) };
}
type KitClock = ReturnType<typeof kitClock>;

let files = 0;
const sqliteFile = () => join(dir, `shop-${++files}.db`);

/** A shop: the router on `store`, its hooks recorded (`late:` too), the admin API at /admin, a reconciler. */
async function shop(store: PaymentStore, clock: KitClock): Promise<Harness & { reconciler: Reconciler }> {
  const h = await startHarness({ sandbox, store, router: { now: clock.now } });
  h.order = THB;
  h.router.checkout.options.hooks.onLatePayment = (p) => void h.calls.push(`late:${p.orderId}`);
  h.app.use('/admin', createHaiPayAdminRouter({ checkout: h.router, authorize: () => ({ id: 'staff-1' }) }));
  return Object.assign(h, { reconciler: createReconciler(h.router.checkout, { intervalMs: MINUTE }) });
}

/**
 * A PromptPay order that the kit closes on its own clock: HaiPay still says "not started" when the
 * reconciler asks past the window, so the kit records `expired`. Every later notification about it is
 * held back for a week (HaiPay's delivery lost, as far as the kit can tell).
 */
async function expiredInTheKit(h: Harness & { reconciler: Reconciler }, clock: KitClock) {
  const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
  assert.equal(res.status, 201, JSON.stringify(res.json));
  const { orderId, orderNo } = res.json as { orderId: string; orderNo: string };
  const record = await h.store.get(orderId);
  clock.advance(Date.parse(record!.expiresAt!) - clock.now() + 10_000);
  await h.reconciler.runOnce();
  assert.equal((await h.store.get(orderId))?.status, 'expired', 'the kit closed it on its own clock');
  sandbox.injectFault({ mode: 'delayedNotification', endpoint: 'thb/collect/apply', ms: 7 * 24 * HOUR });
  return { orderId, orderNo };
}

/** The buyer pays the QR late; HaiPay's notification is made but not delivered. */
async function paysLate(orderNo: string) {
  sandbox.complete(orderNo, 'success');
  await sandbox.idle();
  const sent = sandbox.notifications(orderNo);
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0]!.attempts, [], 'HaiPay never reached the shop');
}

/** Counts the collect queries the sandbox answers from now on (a latency fault of 0 ms, counted down). */
function collectQueries(): () => number {
  const total = 1_000_000;
  const counter = sandbox.injectFault({ mode: 'latency', ms: 0, endpoint: 'collect/query', count: total });
  return () => total - counter.remaining;
}

/** Resolves once `predicate` holds (a hook started in the background has run); fails after 5 s. */
async function eventually(predicate: () => boolean, what: string): Promise<void> {
  for (const end = Date.now() + 5000; !predicate(); await new Promise((r) => setTimeout(r, 10)))
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

describe('late money whose notification is lost', () => {
  it('the reconciler asks HaiPay again about an order it closed and records the late money', async () => {
    const clock = kitClock();
    const h = await shop(new SqlitePaymentStore({ filename: sqliteFile(), now: clock.now }), clock);
    try {
      const { orderId, orderNo } = await expiredInTheKit(h, clock);
      await paysLate(orderNo);

      clock.advance(MINUTE);
      await h.reconciler.runOnce();
      const record = await h.store.get(orderId);
      assert.equal(record?.status, 'review', 'the money HaiPay took is found');
      assert.match(record?.failureReason ?? '', /^late payment: paid after the order was expired/);
      assert.match(record?.failureReason ?? '', /reported 100\.00 THB/);
      assert.deepEqual(
        h.calls,
        [`expired:${orderId}`, `late:${orderId}`],
        'onLatePayment once, never onPaymentSucceeded',
      );
      // What the shopper and the back office see, as for a late notification.
      assert.equal((await h.get(`/haipay/payments/${orderId}`)).json.status, 'review');
      const listed = await h.get('/admin/orders?status=review');
      assert.deepEqual(
        (listed.json.data as { orderId: string }[]).map((o) => o.orderId),
        [orderId],
      );
      const detail = (await h.get(`/admin/orders/${orderId}`)).json;
      assert.equal(detail.order.status, 'review');
      assert.match(detail.order.failureReason, /^late payment/);

      // Passes go on; the order is settled for good and never asked about again.
      const queries = collectQueries();
      assert.equal((await h.router.checkout.refresh(orderId, { closed: true }))?.status, 'review');
      assert.equal(queries(), 0, 'an order in review is not asked about');
      for (let i = 0; i < 5; i++) {
        clock.advance(HOUR);
        assert.equal(await h.reconciler.runOnce(), 0);
      }
      // HaiPay's notification finally gets through: a duplicate, no second hook.
      await sandbox.clock.advance(7 * 24 * HOUR);
      const attempts = sandbox.notifications(orderNo)[0]!.attempts;
      assert.equal(attempts.at(-1)?.delivered, true);
      assert.equal((await h.store.get(orderId))?.status, 'review');
      assert.deepEqual(h.calls, [`expired:${orderId}`, `late:${orderId}`]);
    } finally {
      sandbox.clearFaults();
      await h.close();
    }
  });

  it('two reconcilers racing on one database record it once, with one onLatePayment', async () => {
    const clock = kitClock();
    const filename = sqliteFile();
    const a = await shop(new SqlitePaymentStore({ filename, now: clock.now }), clock);
    const b = await shop(new SqlitePaymentStore({ filename, now: clock.now }), clock);
    try {
      const first = await expiredInTheKit(a, clock);
      await paysLate(first.orderNo);
      clock.advance(MINUTE);
      await Promise.all([a.reconciler.runOnce(), b.reconciler.runOnce()]);
      await Promise.all([
        a.router.checkout.runHooks(first.orderId, Infinity),
        b.router.checkout.runHooks(first.orderId, Infinity),
      ]);
      assert.equal((await a.store.get(first.orderId))?.status, 'review');

      // Both ask HaiPay at once and both hear "paid": the database lets one of them record it.
      const second = await expiredInTheKit(a, clock);
      await paysLate(second.orderNo);
      const [ra, rb] = await Promise.all([
        a.router.checkout.refresh(second.orderId, { closed: true }),
        b.router.checkout.refresh(second.orderId, { closed: true }),
      ]);
      assert.equal(ra?.status, 'review');
      assert.equal(rb?.status, 'review');
      // The re-query starts the hook itself, as a notification would (no reconciler pass here).
      await eventually(() => [...a.calls, ...b.calls].includes(`late:${second.orderId}`), 'onLatePayment');
      await Promise.all([
        a.router.checkout.runHooks(second.orderId, Infinity),
        b.router.checkout.runHooks(second.orderId, Infinity),
      ]);

      const late = [...a.calls, ...b.calls].filter((c) => c.startsWith('late:'));
      assert.deepEqual(late.sort(), [`late:${first.orderId}`, `late:${second.orderId}`].sort());
      assert.ok(![...a.calls, ...b.calls].some((c) => c.startsWith('succeeded:')));
    } finally {
      sandbox.clearFaults();
      await a.close();
      await b.close();
    }
  });

  it('an unpaid closed order is asked about less and less often, and not at all after its window', async () => {
    const clock = kitClock();
    const h = await shop(new SqlitePaymentStore({ filename: sqliteFile(), now: clock.now }), clock);
    try {
      await expiredInTheKit(h, clock);
      await expiredInTheKit(h, clock);
      const queries = collectQueries();
      // A pass a minute for 80 hours: the default window is 72 hours.
      let askedAfterWindow = 0;
      const start = clock.now();
      while (clock.now() - start < 80 * HOUR) {
        clock.advance(MINUTE);
        const before = queries();
        await h.reconciler.runOnce();
        if (clock.now() - start > 72 * HOUR) askedAfterWindow += queries() - before;
      }
      const asked = queries();
      // Each order: at ages of about 1, 2, 4, … minutes, doubling up to 72 hours.
      assert.ok(asked >= 2 * 10 && asked <= 2 * 14, `asked HaiPay ${asked} times for two orders`);
      assert.equal(askedAfterWindow, 0);
    } finally {
      sandbox.clearFaults();
      await h.close();
    }
  });

  it('one checkout asked twice at once asks HaiPay once; an order not closed is not asked about', async () => {
    const clock = kitClock();
    const h = await shop(new SqlitePaymentStore({ filename: sqliteFile(), now: clock.now }), clock);
    try {
      const { orderId } = await expiredInTheKit(h, clock);
      sandbox.clearFaults(); // this test's notifications are delivered
      const queries = collectQueries();
      await Promise.all([
        h.router.checkout.refresh(orderId, { closed: true }),
        h.router.checkout.refresh(orderId, { closed: true }),
      ]);
      assert.equal(queries(), 1);
      const paid = (await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).json;
      sandbox.complete(paid.orderNo, 'success');
      await sandbox.idle();
      assert.equal((await h.store.get(paid.orderId))?.status, 'succeeded');
      const open = (await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).json;
      for (const id of [paid.orderId, open.orderId]) await h.router.checkout.refresh(id, { closed: true });
      assert.equal(queries(), 1, 'a paid or open order is left to the usual paths');
    } finally {
      sandbox.clearFaults();
      await h.close();
    }
  });

  it('a re-query that fails is logged, and the order is asked about again when next due', async () => {
    const clock = kitClock();
    const h = await shop(new SqlitePaymentStore({ filename: sqliteFile(), now: clock.now }), clock);
    try {
      const { orderId, orderNo } = await expiredInTheKit(h, clock);
      await paysLate(orderNo);
      sandbox.injectFault({ mode: 'http500', endpoint: 'thb/collect/query', count: 10 });
      clock.advance(MINUTE);
      await h.reconciler.runOnce();
      assert.ok(
        h.logger.lines.some(
          (l) => l.includes('haipay recheck of a closed order failed') && l.includes(orderId),
        ),
        'logged with the order',
      );
      assert.equal((await h.store.get(orderId))?.status, 'expired');
      sandbox.clearFaults();
      clock.advance(MINUTE);
      await h.reconciler.runOnce();
      assert.equal((await h.store.get(orderId))?.status, 'review');
    } finally {
      sandbox.clearFaults();
      await h.close();
    }
  });

  it('an apply HaiPay never got, failed by the kit, is asked about once more (4013), then never', async () => {
    const clock = kitClock();
    const store = new SqlitePaymentStore({ filename: sqliteFile(), now: clock.now });
    const h = await shop(store, clock);
    h.router.checkout.options.unknownGraceMs = 0;
    try {
      sandbox.injectFault({ mode: 'http500', endpoint: 'thb/collect/apply' });
      const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
      assert.equal(res.status, 202);
      clock.advance(1000);
      await h.reconciler.runOnce();
      assert.match((await h.store.get(res.json.orderId))?.failureReason ?? '', /^not_created/);
      const queries = collectQueries();
      for (let i = 0; i < 50; i++) {
        clock.advance(HOUR);
        await h.reconciler.runOnce();
      }
      assert.equal(queries(), 1);
    } finally {
      sandbox.clearFaults();
      await h.close();
    }
  });

  it("HaiPay's own close ends the re-queries", async () => {
    const clock = kitClock();
    const h = await shop(new SqlitePaymentStore({ filename: sqliteFile(), now: clock.now }), clock);
    try {
      const { orderId, orderNo } = await expiredInTheKit(h, clock);
      // HaiPay's window runs out too: it fails the QR ("Order expired"); its notification is held back.
      await sandbox.clock.advance(60 * MINUTE);
      assert.equal(sandbox.orders().find((o) => o.orderNo === orderNo)?.status, 3);
      clock.advance(MINUTE);
      assert.equal(await h.reconciler.runOnce(), 1, 'asked once more');
      for (let i = 0; i < 100; i++) {
        clock.advance(HOUR / 2);
        assert.equal(await h.reconciler.runOnce(), 0, 'never again');
      }
      assert.equal((await h.store.get(orderId))?.status, 'expired');
      assert.deepEqual(h.calls, [`expired:${orderId}`]);
    } finally {
      sandbox.clearFaults();
      await h.close();
    }
  });

  it('an order HaiPay itself failed is never asked about again', async () => {
    const clock = kitClock();
    const h = await shop(new SqlitePaymentStore({ filename: sqliteFile(), now: clock.now }), clock);
    try {
      const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
      const { orderId, orderNo } = res.json as { orderId: string; orderNo: string };
      sandbox.complete(orderNo, 'failure', 'declined by the bank');
      await sandbox.idle();
      assert.equal((await h.store.get(orderId))?.status, 'failed', 'closed by its notification');
      for (let i = 0; i < 20; i++) {
        clock.advance(HOUR);
        assert.equal(await h.reconciler.runOnce(), 0);
      }
    } finally {
      await h.close();
    }
  });

  it('lateMoneyWindowMs: 0 turns the re-queries off; a negative or non-number window is refused', async () => {
    const clock = kitClock();
    const h = await shop(new SqlitePaymentStore({ filename: sqliteFile(), now: clock.now }), clock);
    try {
      for (const lateMoneyWindowMs of [-1, Number.NaN])
        assert.throws(() => createReconciler(h.router.checkout, { lateMoneyWindowMs }), {
          name: 'HaiPayConfigError',
          message: /reconcile\.lateMoneyWindowMs/,
        });
      // The router option as the README shows it reaches the reconciler and is checked there.
      assert.throws(
        () =>
          createHaiPayRouter({
            client: h.client,
            store: h.store,
            publicBaseUrl: `${h.url}/haipay`,
            returnUrl: 'https://shop.example/thanks',
            allowedOrigins: ['https://shop.example'],
            resolveOrder: () => h.order,
            reconcile: { lateMoneyWindowMs: -1 },
          }),
        { name: 'HaiPayConfigError', message: /reconcile\.lateMoneyWindowMs/ },
      );
      const off = createReconciler(h.router.checkout, { intervalMs: MINUTE, lateMoneyWindowMs: 0 });
      const { orderId, orderNo } = await expiredInTheKit(h, clock);
      await paysLate(orderNo);
      clock.advance(MINUTE);
      assert.equal(await off.runOnce(), 0);
      assert.equal((await h.store.get(orderId))?.status, 'expired');
    } finally {
      sandbox.clearFaults();
      await h.close();
    }
  });

  it('a store without the optional re-query methods keeps working (the gap stays, nothing breaks)', async () => {
    const clock = kitClock();
    const store = new MemoryPaymentStore({ now: clock.now });
    // A third-party store written before the methods existed.
    Object.defineProperty(store, 'listRecheckDue', { value: undefined });
    Object.defineProperty(store, 'endRecheck', { value: undefined });
    const h = await shop(store, clock);
    try {
      const { orderId, orderNo } = await expiredInTheKit(h, clock);
      await paysLate(orderNo);
      clock.advance(MINUTE);
      assert.equal(await h.reconciler.runOnce(), 0);
      assert.equal((await h.store.get(orderId))?.status, 'expired');

      // Every path that would end the asking on such a store still works.
      const failedBy = (reason: RegExp) => h.logger.lines.filter((l) => reason.test(l));
      const unpaid = await expiredInTheKit(h, clock);
      await sandbox.clock.advance(60 * MINUTE); // HaiPay's own expiry: status 3 to a re-query
      await h.router.checkout.refresh(unpaid.orderId, { closed: true });
      sandbox.clearFaults();
      const declined = (await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).json;
      sandbox.complete(declined.orderNo, 'failure', 'declined'); // status 3 in a notification
      await sandbox.idle();
      assert.equal(sandbox.notifications(declined.orderNo)[0]!.attempts.at(-1)?.delivered, true);
      assert.equal((await h.store.get(declined.orderId))?.status, 'failed');
      h.router.checkout.options.unknownGraceMs = 0;
      sandbox.injectFault({ mode: 'http500', endpoint: 'thb/collect/apply' });
      const lost = (await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).json;
      clock.advance(1000);
      await h.router.checkout.refresh(lost.orderId, { force: true });
      assert.equal((await h.store.get(lost.orderId))?.status, 'failed');
      await h.router.checkout.refresh(lost.orderId, { closed: true }); // 4013
      assert.deepEqual(failedBy(/haipay recheck of a closed order failed/), []);
    } finally {
      sandbox.clearFaults();
      await h.close();
    }
  });
});

describe('upgrading a SQLite file made before re-queries existed', () => {
  it('marks the payments it had already closed, so each is asked about once more', async () => {
    const filename = sqliteFile();
    const old = new SqlitePaymentStore({ filename });
    const expired = await old.create(sampleRecord({ status: 'pending' }));
    await old.transition(expired.orderId, 'expired', { failureReason: 'expired' });
    const paid = await old.create(sampleRecord({ status: 'pending' }));
    await old.transition(paid.orderId, 'succeeded');
    // Back to the schema before version 4.
    old.db.exec(`DROP INDEX haipay_payments_recheck;
      ALTER TABLE haipay_payments DROP COLUMN recheck_since;
      DELETE FROM haipay_migrations WHERE version = 4;`);
    await old.close();

    const store = new SqlitePaymentStore({ filename });
    try {
      const now = Date.parse((await store.get(expired.orderId))!.updatedAt);
      const due = await store.listRecheckDue({ now, windowMs: 72 * HOUR, minGapMs: MINUTE });
      assert.deepEqual(
        due.map((r) => r.orderId),
        [expired.orderId],
      );
    } finally {
      await store.close();
    }
  });
});
