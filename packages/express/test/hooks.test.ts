/**
 * Merchant hooks run exactly once: the claim in the store before a hook runs, its renewal while the
 * hook runs, its release when the hook throws, and its expiry when the process running it died. Two
 * instances share one SQLite file (two `SqlitePaymentStore` connections), as two servers share a
 * database; the lease clock is injected, so "the lease has ended" is a clock step, not a wait.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { HaiPayClient } from '../src/client.js';
import { HaiPayCheckout, type CheckoutHooks, type PayoutEvent } from '../src/checkout/index.js';
import { HOOK_EVENT, HookRunner } from '../src/checkout/hooks.js';
import type { CheckoutContext } from '../src/checkout/context.js';
import type { Logger } from '../src/logger.js';
import { Telemetry } from '../src/metrics.js';
import { SqlitePaymentStore } from '../src/store/sqlite.js';
import type { PaymentRecord } from '../src/store/types.js';
import type { RecordStatus } from '../src/types.js';
import { clientOptionsFor, sampleRecord } from '@haipay-kit/test-support';

const dir = mkdtempSync(join(tmpdir(), 'haipay-hooks-'));
let sandbox: Sandbox;
let client: HaiPayClient;
before(async () => {
  sandbox = await createSandbox();
  client = new HaiPayClient(clientOptionsFor(sandbox));
});
after(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A promise the test settles: a hook that is "still running" until the test says so. */
function gate() {
  let open!: () => void;
  let fail!: (err: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** A store connection that reports each claim renewal (the time it renewed at) to the test. */
class WatchedStore extends SqlitePaymentStore {
  renewals: (number | undefined)[] = [];
  #waiters: { test: (now: number | undefined) => boolean; resolve: () => void }[] = [];

  #renewed(now: number | undefined) {
    this.renewals.push(now);
    for (const w of this.#waiters.filter((w) => w.test(now))) {
      this.#waiters.splice(this.#waiters.indexOf(w), 1);
      w.resolve();
    }
  }

  /** Resolves at the first renewal stamped `at` or later. */
  renewedAt(at: number): Promise<void> {
    return new Promise((resolve) => this.#waiters.push({ test: (now) => (now ?? 0) >= at, resolve }));
  }

  override async renewHookClaim(orderId: string, status: RecordStatus, now?: number): Promise<void> {
    await super.renewHookClaim(orderId, status, now);
    this.#renewed(now);
  }

  override async renewHookEventClaim(orderId: string, key: string, now?: number): Promise<void> {
    await super.renewHookEventClaim(orderId, key, now);
    this.#renewed(now);
  }
}

/**
 * The lease clock. Far ahead of the real one, so a claim stamped with the real clock instead of the
 * injected one is seen as long expired.
 */
let clock = Date.parse('2100-01-01T00:00:00Z');

let files = 0;
/** One shared database and the instances (checkouts) on it. */
function database() {
  const filename = join(dir, `hooks-${files++}.db`);
  const calls: string[] = [];
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const logger: Logger = Object.fromEntries(
    ['debug', 'info', 'warn', 'error'].map((level) => [
      level,
      (msg: string, fields: Record<string, unknown> = {}) => void lines.push({ level, msg, fields }),
    ]),
  ) as unknown as Logger;
  const record = (name: string) => (p: PaymentRecord) => void calls.push(`${name}:${p.status}:${p.orderId}`);
  const hooks: CheckoutHooks = {
    onPaymentSucceeded: record('succeeded'),
    onPaymentFailed: record('failed'),
    onPaymentExpired: record('expired'),
    onLatePayment: record('late'),
    onSubscriptionChange: record('subscription'),
  };
  const instances: { checkout: HaiPayCheckout; runner: HookRunner; store: WatchedStore }[] = [];
  /** A server instance: its own store connection, checkout and hook runner. */
  const instance = (hookLeaseMs = 60_000) => {
    const store = new WatchedStore({ filename });
    const options = {
      client,
      store,
      logger,
      hooks,
      publicBaseUrl: 'https://shop.example/haipay',
      returnUrl: 'https://shop.example/thanks',
      expiresAfterMs: {},
      refreshAfterMs: 10_000,
      unknownGraceMs: 120_000,
      hookLeaseMs,
      hookWaitMs: 5_000,
      confirmByQuery: 'on-mismatch' as const,
      now: () => clock,
    };
    const checkout = new HaiPayCheckout(options);
    const ctx: CheckoutContext = {
      options,
      store,
      now: () => clock,
      leaseNow: () => clock,
      emit: () => undefined,
      telemetry: new Telemetry(),
    };
    const made = { checkout, runner: new HookRunner(ctx), store };
    instances.push(made);
    return made;
  };
  /** A stored order in `status` (created, then moved there as the kit moves it). */
  const order = async (status: RecordStatus, kind: 'payment' | 'subscription' = 'payment') => {
    const store = instances[0]?.store ?? instance().store;
    const r = await store.create(sampleRecord({ kind, status: 'pending' }));
    if (status !== 'pending') await store.transition(r.orderId, status);
    return r.orderId;
  };
  const close = async () => {
    for (const i of instances) await i.checkout.settle(0);
    for (const i of instances) await i.runner.settle(0);
    for (const i of instances) await i.store.close();
  };
  return { hooks, calls, lines, instance, order, close };
}

describe('status hooks: exactly once per final status', () => {
  it('each final status runs its own hook once, with the stored order; an open order runs none', async () => {
    const db = database();
    const { checkout, store } = db.instance();
    try {
      const cases: [RecordStatus, 'payment' | 'subscription', string | null][] = [
        ['succeeded', 'payment', 'succeeded'],
        ['failed', 'payment', 'failed'],
        ['expired', 'payment', 'expired'],
        ['review', 'payment', 'late'],
        ['active', 'subscription', 'subscription'],
        ['cancelled', 'subscription', 'subscription'],
        ['failed', 'subscription', 'subscription'],
        ['pending', 'payment', null],
        ['processing', 'payment', null],
        ['processing', 'subscription', null],
      ];
      for (const [status, kind, hook] of cases) {
        const orderId = await db.order(status, kind);
        assert.equal(await checkout.runHooks(orderId, Infinity), 'done', `${kind} ${status}`);
        const expected = hook ? [`${hook}:${status}:${orderId}`] : [];
        assert.deepEqual(db.calls.splice(0), expected, `${kind} ${status}`);
        assert.equal((await store.get(orderId))?.hookStatus, hook ? status : null, `${kind} ${status}`);
        // Done is done: asking again (a duplicate notification, the reconciler) runs nothing.
        assert.equal(await checkout.runHooks(orderId, Infinity), 'done');
        assert.deepEqual(db.calls.splice(0), [], `${kind} ${status} again`);
      }
      assert.equal(await checkout.runHooks('hp_no_such_order', Infinity), 'done');
    } finally {
      await db.close();
    }
  });

  it('a checkout with no hooks at all marks every status and event done: nothing stays pending', async () => {
    const db = database();
    const { checkout, runner, store } = db.instance();
    try {
      for (const k of Object.keys(db.hooks)) delete db.hooks[k as keyof CheckoutHooks];
      const cases: [RecordStatus, 'payment' | 'subscription'][] = [
        ['succeeded', 'payment'],
        ['failed', 'payment'],
        ['expired', 'payment'],
        ['review', 'payment'],
        ['active', 'subscription'],
      ];
      for (const [status, kind] of cases) {
        const orderId = await db.order(status, kind);
        assert.equal(await checkout.runHooks(orderId, Infinity), 'done', status);
        assert.equal((await store.get(orderId))?.hookStatus, status);
      }
      assert.deepEqual(
        await store.listHookPending(['succeeded', 'failed', 'expired', 'review', 'active']),
        [],
      );
      const orderId = await db.order('active', 'subscription');
      const payout = { orderId: 'po_1', status: 'succeeded' };
      for (const [key, kind, payload] of [
        ['deduction:D1:2', HOOK_EVENT.deduction, { deductNo: 'D1' }],
        ['mismatch:amount', HOOK_EVENT.paymentMismatch, { notified: {}, reason: 'amount' }],
        ['payout:2', HOOK_EVENT.payout, payout],
        ['payout:3', HOOK_EVENT.payout, { ...payout, status: 'failed' }],
        ['mismatch:status', HOOK_EVENT.payoutMismatch, { payout, notified: {}, reason: 'status' }],
      ] as const) {
        const state = await runner.event({ orderId, key, kind, payload: { ...payload } }, Infinity);
        assert.deepEqual(state, { added: true, state: 'done' }, kind);
      }
      assert.deepEqual(await store.listPendingHookEvents(), []);
    } finally {
      await db.close();
    }
  });

  it('two instances racing for one hook: it runs once; the loser is told it is running elsewhere', async () => {
    const db = database();
    const a = db.instance();
    const b = db.instance();
    try {
      const orderId = await db.order('succeeded');
      const running = gate();
      let runs = 0;
      db.hooks.onPaymentSucceeded = () => {
        runs++;
        return running.promise;
      };
      const states = await Promise.all([a.checkout.runHooks(orderId, 0), b.checkout.runHooks(orderId, 0)]);
      assert.deepEqual(states, ['running', 'running']);
      assert.equal(runs, 1);
      assert.equal(await b.checkout.runHooks(orderId, 0), 'running', 'claimed by the other instance');
      assert.equal(runs, 1);
      running.open();
      await a.checkout.settle(5_000);
      await b.checkout.settle(5_000);
      assert.equal((await b.store.get(orderId))?.hookStatus, 'succeeded');
      assert.equal(await b.checkout.runHooks(orderId, Infinity), 'done');
      await b.checkout.runPendingHooks();
      assert.equal(runs, 1);
    } finally {
      await db.close();
    }
  });

  it('a hook that throws is not done: it is released at once, logged, and runs again until it completes', async () => {
    const db = database();
    const a = db.instance();
    const b = db.instance();
    try {
      const orderId = await db.order('succeeded');
      let runs = 0;
      db.hooks.onPaymentSucceeded = () => {
        runs++;
        if (runs === 1) throw new Error('warehouse down');
      };
      assert.equal(await a.checkout.runHooks(orderId, Infinity), 'failed');
      assert.equal((await a.store.get(orderId))?.hookStatus, null);
      const line = db.lines.find((l) => l.msg === 'haipay merchant hook threw; it will be retried');
      assert.equal(line?.level, 'error');
      assert.deepEqual(line?.fields, { orderId, status: 'succeeded', message: 'warehouse down' });
      // Released, not left to its lease: another instance runs it now (the clock has not moved).
      assert.deepEqual(
        (await b.store.listHookPending(['succeeded'])).map((r) => r.orderId),
        [orderId],
      );
      await b.checkout.runPendingHooks();
      assert.equal(runs, 2);
      assert.equal((await b.store.get(orderId))?.hookStatus, 'succeeded');
      await a.checkout.runPendingHooks();
      assert.equal(await a.checkout.runHooks(orderId, Infinity), 'done');
      assert.equal(runs, 2);
    } finally {
      await db.close();
    }
  });

  it('a hook that rejects with something other than an Error is retried like any failure', async () => {
    const db = database();
    const a = db.instance();
    try {
      const orderId = await db.order('succeeded');
      let runs = 0;
      db.hooks.onPaymentSucceeded = () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- a merchant's hook may throw anything
        if (++runs === 1) throw undefined;
      };
      assert.equal(await a.checkout.runHooks(orderId, Infinity), 'failed');
      const line = db.lines.find((l) => l.msg === 'haipay merchant hook threw; it will be retried');
      assert.deepEqual(line?.fields, { orderId, status: 'succeeded', message: undefined });
      assert.equal(await a.checkout.runHooks(orderId, Infinity), 'done');
      assert.equal(runs, 2);
    } finally {
      await db.close();
    }
  });

  it('a hook that completes within the wait is waited for (an infinite wait too), and leaves no timer behind', async () => {
    const db = database();
    const a = db.instance();
    try {
      // The hook does a little I/O first (a 5 ms timer), as a real one talks to a database.
      db.hooks.onPaymentSucceeded = () => new Promise((resolve) => setTimeout(resolve, 5));
      const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
      for (const wait of [5_000, Infinity]) {
        const orderId = await db.order('succeeded');
        assert.equal(await a.checkout.runHooks(orderId, wait), 'done', `wait ${wait}`);
        assert.equal((await a.store.get(orderId))?.hookStatus, 'succeeded');
      }
      db.hooks.onPaymentSucceeded = () => undefined;
      const before = timers();
      assert.equal(await a.checkout.runHooks(await db.order('succeeded'), 60_000), 'done');
      await a.checkout.settle(60_000);
      assert.equal(timers(), before, 'no wait or settle timer is left running');
    } finally {
      await db.close();
    }
  });

  it('a running hook renews its claim every third of the lease, and stops when it ends or settle() gives up', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const flush = () => new Promise((resolve) => setImmediate(resolve));
    const db = database();
    const a = db.instance(30_000);
    try {
      const orderId = await db.order('succeeded');
      const slow = gate();
      db.hooks.onPaymentSucceeded = () => slow.promise;
      assert.equal(await a.checkout.runHooks(orderId, 0), 'running');
      clock += 1_000;
      t.mock.timers.tick(9_999);
      await flush();
      assert.deepEqual(a.store.renewals, []);
      t.mock.timers.tick(1);
      await flush();
      assert.deepEqual(a.store.renewals, [clock], 'renewed at 10 s, on the lease clock');
      clock += 1_000;
      t.mock.timers.tick(10_000);
      await flush();
      assert.deepEqual(a.store.renewals.slice(1), [clock]);
      slow.open();
      await a.checkout.settle(5_000);
      t.mock.timers.tick(60_000);
      await flush();
      assert.equal(a.store.renewals.length, 2, 'no renewal once the hook has completed');

      // settle() giving up on a hook that still runs stops renewing it: after the lease, it may run elsewhere.
      const other = await db.order('failed');
      const hung = gate();
      db.hooks.onPaymentFailed = () => hung.promise;
      assert.equal(await a.checkout.runHooks(other, 0), 'running');
      await a.checkout.settle(0);
      t.mock.timers.tick(60_000);
      await flush();
      assert.equal(a.store.renewals.length, 2, 'no renewal after settle()');
      hung.open();
    } finally {
      await db.close();
    }
  });

  it('a hook cut off by a crash runs again once its lease has ended, and not before', async () => {
    const db = database();
    const a = db.instance(60_000);
    const b = db.instance(60_000);
    try {
      const orderId = await db.order('failed');
      const hung = gate();
      let runs = 0;
      db.hooks.onPaymentFailed = () => {
        runs++;
        // The first run never ends (its process "died"); the second completes.
        return runs === 1 ? hung.promise : undefined;
      };
      const start = clock;
      assert.equal(await a.checkout.runHooks(orderId, 0), 'running');
      // The renewal runs every 20 s of real time: none happens within this test, as in a dead process.
      clock = start + 60_000;
      assert.equal(await b.checkout.runHooks(orderId, Infinity), 'running', 'within the lease');
      assert.equal(runs, 1);
      clock = start + 60_001;
      assert.equal(await b.checkout.runHooks(orderId, Infinity), 'done', 'the lease has ended');
      assert.equal(runs, 2);
      assert.equal((await b.store.get(orderId))?.hookStatus, 'failed');
      hung.open();
    } finally {
      await db.close();
    }
  });

  it('a slow hook keeps its claim: the claim is renewed on the lease clock while the hook runs', async () => {
    const db = database();
    // A 30 ms lease: renewed every 10 ms of real time.
    const a = db.instance(30);
    const b = db.instance(30);
    try {
      const orderId = await db.order('succeeded');
      const slow = gate();
      let runs = 0;
      db.hooks.onPaymentSucceeded = () => {
        runs++;
        return slow.promise;
      };
      assert.equal(await a.checkout.runHooks(orderId, 0), 'running');
      // Far past the lease on the lease clock, but the hook is still running and renews its claim.
      clock += 3_600_000;
      await a.store.renewedAt(clock);
      assert.equal(await b.checkout.runHooks(orderId, Infinity), 'running');
      assert.equal(runs, 1);
      slow.open();
      await a.checkout.settle(5_000);
      assert.equal((await b.store.get(orderId))?.hookStatus, 'succeeded');
      assert.equal(await b.checkout.runHooks(orderId, Infinity), 'done');
      assert.equal(runs, 1);
    } finally {
      await db.close();
    }
  });

  it('waiting: a hook slower than the wait finishes in the background; settle() waits for it, up to its timeout', async () => {
    const db = database();
    const a = db.instance();
    try {
      const orderId = await db.order('succeeded');
      const slow = gate();
      let finished = false;
      db.hooks.onPaymentSucceeded = async () => {
        await slow.promise;
        await new Promise((resolve) => setImmediate(resolve));
        finished = true;
      };
      assert.equal(await a.checkout.runHooks(orderId, 20), 'running');
      // settle() gives up at its timeout while the hook still runs…
      await a.checkout.settle(20);
      assert.equal(finished, false);
      assert.equal((await a.store.get(orderId))?.hookStatus, null);
      // …and returns once it completes, when that is sooner (it does I/O after the gate opens).
      const settled = a.checkout.settle(60_000);
      slow.open();
      await settled;
      assert.equal(finished, true);
      assert.equal((await a.store.get(orderId))?.hookStatus, 'succeeded');
    } finally {
      await db.close();
    }
  });

  it('a hook that throws after the wait is released in the background and runs again', async () => {
    const db = database();
    const a = db.instance();
    try {
      const orderId = await db.order('succeeded');
      const slow = gate();
      let runs = 0;
      db.hooks.onPaymentSucceeded = () => (++runs === 1 ? slow.promise : undefined);
      assert.equal(await a.checkout.runHooks(orderId, 0), 'running');
      slow.fail(new Error('timed out talking to the warehouse'));
      await a.checkout.settle(5_000);
      assert.equal((await a.store.get(orderId))?.hookStatus, null);
      assert.equal(await a.checkout.runHooks(orderId, Infinity), 'done');
      assert.equal(runs, 2);
    } finally {
      await db.close();
    }
  });
});

describe('hook events: exactly once per (order, key)', () => {
  const event = (orderId: string, key: string, kind: string, payload: Record<string, unknown> = {}) => ({
    orderId,
    key,
    kind,
    payload,
  });

  it('a subscription deduction reaches onSubscriptionDeduction once, with the stored subscription, across duplicates and instances', async () => {
    const db = database();
    const a = db.instance();
    const b = db.instance();
    try {
      const orderId = await db.order('active', 'subscription');
      const got: [string, string, unknown][] = [];
      db.hooks.onSubscriptionDeduction = (s, d) => void got.push([s.orderId, s.status, d]);
      const deduction = { deductNo: 'D1', status: 2, amount: '9.99' };
      const e = event(orderId, 'deduction:D1:2', HOOK_EVENT.deduction, deduction);
      assert.deepEqual(await a.runner.event(e, Infinity), { added: true, state: 'done' });
      // A duplicate is not added and not run; its state is not `failed` (the store does not tell "done"
      // from "claimed elsewhere"), so /notify acknowledges it.
      assert.deepEqual(await a.runner.event(e, Infinity), { added: false, state: 'running' });
      assert.deepEqual(await b.runner.event(e, Infinity), { added: false, state: 'running' });
      await b.runner.runPending(100);
      assert.deepEqual(got, [[orderId, 'active', deduction]]);
      // Another deduction (or status) is another event.
      const next = event(orderId, 'deduction:D2:2', HOOK_EVENT.deduction, { deductNo: 'D2' });
      assert.deepEqual(await b.runner.event(next, Infinity), { added: true, state: 'done' });
      assert.equal(got.length, 2);
      assert.deepEqual(await a.store.listPendingHookEvents(), []);
    } finally {
      await db.close();
    }
  });

  it('each event kind reaches its hook with what it stored; a deduction of an unknown subscription and an unknown kind complete without one', async () => {
    const db = database();
    const { runner, store } = db.instance();
    try {
      const orderId = await db.order('processing');
      const got: unknown[][] = [];
      db.hooks.onPaymentMismatch = (p, d) => void got.push(['mismatch', p.orderId, d]);
      db.hooks.onPayoutSucceeded = (p) => void got.push(['payout-succeeded', p.orderId]);
      db.hooks.onPayoutFailed = (p) => void got.push(['payout-failed', p.orderId]);
      db.hooks.onPayoutMismatch = (p, d) => void got.push(['payout-mismatch', p.orderId, d]);
      db.hooks.onSubscriptionDeduction = (s) => void got.push(['deduction', s.orderId]);
      const payout = (status: PayoutEvent['status']) =>
        ({ orderId: 'po_1', status }) as unknown as PayoutEvent;
      const notified = { status: 2, amount: '1.00' };
      const events = [
        event(orderId, 'mismatch:amount', HOOK_EVENT.paymentMismatch, { notified, reason: 'amount' }),
        event('po_1', 'payout:2', HOOK_EVENT.payout, { ...payout('succeeded') }),
        event('po_1', 'payout:3', HOOK_EVENT.payout, { ...payout('failed') }),
        event('po_1', 'mismatch:2', HOOK_EVENT.payoutMismatch, {
          payout: payout('failed'),
          notified,
          reason: 'status',
        }),
        event('hps_gone', 'deduction:D1:2', HOOK_EVENT.deduction, {}),
        event('hp_gone', 'mismatch:amount', HOOK_EVENT.paymentMismatch, { notified, reason: 'amount' }),
        event(orderId, 'future:1', 'a_kind_of_a_later_version', {}),
      ];
      for (const e of events)
        assert.deepEqual(await runner.event(e, Infinity), { added: true, state: 'done' });
      assert.deepEqual(got, [
        ['mismatch', orderId, { notified, reason: 'amount' }],
        ['payout-succeeded', 'po_1'],
        ['payout-failed', 'po_1'],
        ['payout-mismatch', 'po_1', { notified, reason: 'status' }],
      ]);
      assert.deepEqual(await store.listPendingHookEvents(), []);
    } finally {
      await db.close();
    }
  });

  it('an event hook that throws is released and logged; the next run completes it, once', async () => {
    const db = database();
    const a = db.instance();
    const b = db.instance();
    try {
      const orderId = await db.order('active', 'subscription');
      let runs = 0;
      db.hooks.onSubscriptionDeduction = () => {
        if (++runs === 1) throw new Error('ledger is down');
      };
      const e = event(orderId, 'deduction:D1:2', HOOK_EVENT.deduction);
      assert.deepEqual(await a.runner.event(e, Infinity), { added: true, state: 'failed' });
      const line = db.lines.find((l) => l.msg === 'haipay merchant hook threw; it will be retried');
      assert.deepEqual(line?.fields, { orderId, event: 'deduction:D1:2', message: 'ledger is down' });
      await b.runner.runPending(100);
      assert.equal(runs, 2);
      await a.runner.runPending(100);
      assert.equal(runs, 2);
      assert.deepEqual(await a.store.listPendingHookEvents(), []);
    } finally {
      await db.close();
    }
  });

  it('an event hook cut off by a crash runs again after its lease, not before; a slow one renews its claim', async () => {
    const db = database();
    const a = db.instance(60_000);
    const b = db.instance(60_000);
    try {
      const orderId = await db.order('active', 'subscription');
      const hung = gate();
      let runs = 0;
      db.hooks.onSubscriptionDeduction = () => (++runs === 1 ? hung.promise : undefined);
      const start = clock;
      const e = event(orderId, 'deduction:D1:2', HOOK_EVENT.deduction);
      assert.deepEqual(await a.runner.event(e, 0), { added: true, state: 'running' });
      clock = start + 60_000;
      await b.runner.runPending(100);
      assert.equal(runs, 1, 'within the lease');
      clock = start + 60_001;
      await b.runner.runPending(100);
      assert.equal(runs, 2, 'the lease has ended');
      hung.open();

      // A slow hook on a 30 ms lease renews its claim (every 10 ms) on the lease clock.
      const c = db.instance(30);
      const d = db.instance(30);
      const slow = gate();
      let slowRuns = 0;
      db.hooks.onSubscriptionDeduction = () => {
        slowRuns++;
        return slow.promise;
      };
      const e2 = event(orderId, 'deduction:D2:2', HOOK_EVENT.deduction);
      assert.deepEqual(await c.runner.event(e2, 0), { added: true, state: 'running' });
      clock += 3_600_000;
      await c.store.renewedAt(clock);
      await d.runner.runPending(100);
      assert.equal(slowRuns, 1);
      slow.open();
      await c.runner.settle(5_000);
      await d.runner.runPending(100);
      assert.equal(slowRuns, 1);
      assert.deepEqual(await d.store.listPendingHookEvents(), []);
    } finally {
      await db.close();
    }
  });
});
