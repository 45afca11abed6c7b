/**
 * Carrying a money decision out (checkout/settlement.ts) at its edges: the query that confirms a
 * notification that disagrees, the review hold, late money, a race with another writer of the same
 * order, and the refresh and re-query of one order. notify.test.ts and late-money-recheck.test.ts go
 * through /notify and the reconciler; here each behaviour is driven on the settlement room itself, over
 * a real sandbox on loopback (its notifications held back, so only the test's reports arrive), a memory
 * store and a kit clock the tests move instead of waiting.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import {
  startHarness,
  clientOptionsFor,
  idem,
  paidFields,
  sampleRecord,
  BUYER,
  CARD,
  type Harness,
} from '@haipay-kit/test-support';
import { HaiPayClient, type HaiPayData } from '../src/client.js';
import type { CheckoutContext } from '../src/checkout/context.js';
import { HookRunner } from '../src/checkout/hooks.js';
import { Settlement } from '../src/checkout/settlement.js';
import { Telemetry } from '../src/metrics.js';
import { MemoryPaymentStore } from '../src/store/memory.js';
import type { PaymentPatch, PaymentRecord, TransitionOptions, TransitionResult } from '../src/store/types.js';
import type { RecordStatus } from '../src/types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const THB = { amount: '100.00', currency: 'THB', subject: 'Order #1', buyerId: 'u-1001' };

let sandbox: Sandbox;
before(async () => {
  sandbox = await createSandbox();
  holdNotifications();
});
after(() => sandbox.close());

/** HaiPay's own notifications never reach the shop here: the tests hand the room each report. */
function holdNotifications() {
  sandbox.injectFault({ mode: 'delayedNotification', ms: 30 * 24 * HOUR, count: 1_000_000 });
}

/** The real client, counting the queries it makes. */
class CountingClient extends HaiPayClient {
  queries = 0;
  subscriptionQueries = 0;
  override collectQuery(...args: Parameters<HaiPayClient['collectQuery']>) {
    this.queries++;
    return super.collectQuery(...args);
  }
  override cashierQuery(...args: Parameters<HaiPayClient['cashierQuery']>) {
    this.queries++;
    return super.cashierQuery(...args);
  }
  override subscriptionQuery(...args: Parameters<HaiPayClient['subscriptionQuery']>) {
    this.subscriptionQueries++;
    return super.subscriptionQuery(...args);
  }
}

/**
 * A memory store that counts its writes, and can play another writer of the same order: `before`
 * runs once just before the next transition (another process moving the order first), `lies` are
 * statuses a broken store reports in turn instead of moving, `gone` holds orders deleted meanwhile.
 */
class WatchedStore extends MemoryPaymentStore {
  writes = 0;
  transitions = 0;
  before?: () => Promise<unknown>;
  lies: RecordStatus[] = [];
  gone = new Set<string>();
  /** The options of the last transition asked for. */
  lastOptions?: TransitionOptions;
  override patch(orderId: string, patch: PaymentPatch) {
    this.writes++;
    return super.patch(orderId, patch);
  }
  override async transition(
    orderId: string,
    to: RecordStatus,
    patch?: PaymentPatch,
    options?: TransitionOptions,
  ): Promise<TransitionResult> {
    this.writes++;
    this.transitions++;
    this.lastOptions = options;
    if (this.gone.has(orderId)) return { changed: false, record: null };
    const lie = this.lies.shift();
    if (lie) return { changed: false, record: { ...(await this.get(orderId))!, status: lie } };
    const other = this.before;
    this.before = undefined;
    await other?.();
    return super.transition(orderId, to, patch, options);
  }
}

/** A shop on the sandbox, and its settlement room with a kit clock, a counting client and watched hooks. */
async function shop(options: { endRecheck?: false } = {}) {
  let time = Date.now();
  const clock = { now: () => time, advance: (ms: number) => void (time += ms) };
  const store = new WatchedStore({ now: clock.now });
  if (options.endRecheck === false) Object.defineProperty(store, 'endRecheck', { value: undefined });
  const h: Harness = await startHarness({ sandbox, store, router: { now: clock.now } });
  h.order = THB;
  const checkout = h.router.checkout.options;
  const mismatches: { orderId: string; reason: string; notified: HaiPayData }[] = [];
  checkout.hooks.onPaymentMismatch = (record, m) => void mismatches.push({ orderId: record.orderId, ...m });
  checkout.hooks.onLatePayment = (p) => void h.calls.push(`late:${p.orderId}`);
  const emitted: (PaymentRecord | null)[] = [];
  const ctx: CheckoutContext = {
    options: checkout,
    store,
    now: clock.now,
    leaseNow: clock.now,
    emit: (r) => void emitted.push(r),
    telemetry: new Telemetry(),
  };
  const hooks = new HookRunner(ctx);
  const client = new CountingClient(clientOptionsFor(sandbox, { queryRetries: 0 }));
  const settlement = new Settlement(ctx, client, hooks);
  /** The log lines with this message, as objects. */
  const logs = (msg: string) =>
    h.logger.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === msg);
  /** A payment created through the router (HaiPay has it, unpaid). */
  const order = async (method = 'promptpay') => {
    const res = await h.post('/haipay/payments', { method, ...BUYER }, idem());
    assert.equal(res.status, 201, JSON.stringify(res.json));
    return (await store.get(res.json.orderId as string))!;
  };
  /** A stored order closed by the kit itself, as read back. */
  const close = async (r: PaymentRecord, status: 'expired' | 'failed') => {
    await store.transition(r.orderId, status, { failureReason: status });
    return (await store.get(r.orderId))!;
  };
  const stored = async (orderId: string) => (await store.get(orderId))!;
  return {
    h,
    clock,
    store,
    checkout,
    client,
    settlement,
    hooks,
    emitted,
    mismatches,
    logs,
    order,
    close,
    stored,
    async end() {
      await hooks.settle(5000);
      await h.close();
    },
  };
}
type Shop = Awaited<ReturnType<typeof shop>>;

async function withShop(fn: (s: Shop) => Promise<void>, options?: Parameters<typeof shop>[0]) {
  const s = await shop(options);
  try {
    await fn(s);
  } finally {
    await s.end();
  }
}

/** HaiPay's success notification of a stored order, as verified (`extra` changes fields). */
const notifiedFor = (r: PaymentRecord, extra: Record<string, unknown> = {}) =>
  paidFields(sandbox, { orderId: r.orderId, orderNo: r.orderNo! }, extra) as HaiPayData;
const queryFails = () => void sandbox.injectFault({ mode: 'error', code: '5012', endpoint: 'collect/query' });
const mismatch90 = "amount 90.00 does not match the order's 100.00";

describe('a notification that disagrees is confirmed by a query', () => {
  it('HaiPay confirms the money: credited on its answer, once', () =>
    withShop(async (s) => {
      const r = await s.order();
      sandbox.complete(r.orderNo!, 'success');
      const applied = await s.settlement.apply(r, notifiedFor(r, { amount: '90.00' }), 'notification');
      assert.equal(applied.outcome, 'applied', 'credited on the query');
      assert.equal(applied.record?.status, 'succeeded', 'the record returned is the stored one');
      assert.equal((await s.stored(r.orderId)).status, 'succeeded', 'stored');
      assert.equal(s.client.queries, 1, 'one confirming query');
      assert.deepEqual(s.mismatches, [], 'nothing to review');
      assert.deepEqual(
        s.logs('haipay payment status'),
        [
          {
            level: 'info',
            msg: 'haipay payment status',
            orderId: r.orderId,
            status: 'succeeded',
            source: 'notification',
          },
        ],
        'the move is logged with its source',
      );
    }));

  it('a query that fails only holds an open order for review: processing, never credited', () =>
    withShop(async (s) => {
      const r = await s.order();
      sandbox.complete(r.orderNo!, 'success');
      queryFails();
      const notified = notifiedFor(r, { amount: '90.00' });
      const writes = s.store.writes;
      const applied = await s.settlement.apply(r, notified, 'notification');
      assert.equal(applied.outcome, 'amount_mismatch', 'held');
      assert.equal(applied.record?.status, 'processing', 'an open order moves to processing');
      assert.equal(applied.record?.failureReason, `review: ${mismatch90}`, 'with the reason');
      assert.deepEqual(await s.stored(r.orderId), applied.record, 'as stored');
      assert.equal(s.store.writes, writes + 1, 'one write: the move carries the reason');
      assert.deepEqual(
        s.mismatches,
        [{ orderId: r.orderId, reason: mismatch90, notified }],
        'onPaymentMismatch once',
      );
      assert.deepEqual(
        s.logs('haipay payment NOT credited: needs review'),
        [
          {
            level: 'error',
            msg: 'haipay payment NOT credited: needs review',
            orderId: r.orderId,
            reason: mismatch90,
          },
        ],
        'logged as an error',
      );
      assert.deepEqual(
        s.emitted.map((e) => e?.status),
        ['processing'],
        'the streams are told',
      );
    }));

  it('a query that does not say paid holds a closed order in its status; the same reason is written and told once', () =>
    withShop(async (s) => {
      const r = await s.close(await s.order(), 'expired');
      const notified = notifiedFor(r, { amount: '90.00' });
      const applied = await s.settlement.apply(r, notified, 'notification');
      assert.equal(applied.outcome, 'amount_mismatch', 'held, not late money on the notification’s word');
      assert.equal(s.client.queries, 1, 'HaiPay was asked');
      assert.equal(applied.record?.status, 'expired', 'a closed order keeps its status');
      assert.equal((await s.stored(r.orderId)).failureReason, `review: ${mismatch90}`, 'flagged');
      assert.equal(s.mismatches.length, 1, 'onPaymentMismatch');

      const writes = s.store.writes;
      const again = await s.settlement.apply(await s.stored(r.orderId), notified, 'notification');
      assert.equal(again.outcome, 'amount_mismatch');
      assert.equal(s.store.writes, writes, 'the same reason again writes nothing');
      assert.equal(s.mismatches.length, 1, 'and does not run onPaymentMismatch again');

      const other = notifiedFor(r, { amount: '80.00' });
      await s.settlement.apply(await s.stored(r.orderId), other, 'notification');
      const reason = "amount 80.00 does not match the order's 100.00";
      assert.equal(
        (await s.stored(r.orderId)).failureReason,
        `review: ${reason}`,
        'another reason is written',
      );
      assert.deepEqual(
        s.mismatches.map((m) => m.reason),
        [mismatch90, reason],
        'onPaymentMismatch once per reason',
      );
      assert.equal((await s.stored(r.orderId)).status, 'expired');
    }));

  it('confirmed money for an order the kit closed is late money, on the query’s figures; a racing duplicate adds nothing', () =>
    withShop(async (s) => {
      const r = await s.order();
      sandbox.complete(r.orderNo!, 'success');
      const closed = await s.close(r, 'expired');
      const notified = notifiedFor(r, { amount: '90.00' });
      const late = await s.settlement.apply(closed, notified, 'notification');
      const reason = 'paid after the order was expired; HaiPay reports it paid (status 2)';
      assert.equal(late.outcome, 'late_payment');
      assert.equal(late.record?.status, 'review', 'moved to review');
      assert.equal(
        late.record?.failureReason,
        `late payment: ${reason} (reported 100.00 THB)`,
        'the amount HaiPay took, in the order’s currency (its query names none)',
      );
      assert.deepEqual(s.mismatches, [], 'late money is not a mismatch');
      const line = { level: 'error', msg: 'haipay money arrived for a closed order: needs review' };
      assert.deepEqual(
        s.logs(line.msg),
        [{ ...line, orderId: r.orderId, previous: 'expired', reason }],
        'logged with the status it had',
      );

      // A second delivery that read the same closed order before the first wrote.
      const dup = await s.settlement.apply(closed, notified, 'notification');
      assert.equal(dup.outcome, 'duplicate', 'a duplicate does nothing');
      assert.equal(dup.record?.status, 'review');
      assert.equal(s.logs(line.msg).length, 1, 'logged once');
      assert.deepEqual(
        s.emitted.map((e) => e?.status),
        ['review'],
        'announced once',
      );
    }));
});

describe('late money without a query', () => {
  it('a late notification says what it reported; a report with no amount says so and invents none', () =>
    withShop(async (s) => {
      const r = await s.close(await s.order(), 'expired');
      const late = await s.settlement.apply(r, notifiedFor(r), 'notification');
      assert.equal(late.outcome, 'late_payment');
      assert.equal(s.client.queries, 0, 'a notification that agrees is not queried');
      assert.equal(
        late.record?.failureReason,
        'late payment: paid after the order was expired; HaiPay reports it paid (status 2) (reported 100.00 THB)',
      );

      const failed = await s.close(await s.store.create(sampleRecord({ status: 'pending' })), 'failed');
      const bare = await s.settlement.apply(failed, { status: 2 }, 'query');
      assert.equal(bare.outcome, 'late_payment');
      assert.equal(
        bare.record?.failureReason,
        'late payment: paid after the order was failed; no amount reported',
        'no "(reported …)" without an amount',
      );
    }));
});

describe('confirmByQuery', () => {
  it("'always': a success notification is credited only once a query confirms it", () =>
    withShop(async (s) => {
      s.checkout.confirmByQuery = 'always';
      const r = await s.order();
      const notified = notifiedFor(r);
      const held = await s.settlement.apply(r, notified, 'notification');
      assert.equal(held.outcome, 'amount_mismatch', 'HaiPay does not say paid yet');
      assert.equal(held.record?.status, 'processing');
      assert.equal(held.record?.failureReason, 'review: query does not confirm the notification');
      assert.equal(s.client.queries, 1);
      sandbox.complete(r.orderNo!, 'success');
      const paid = await s.settlement.apply(await s.stored(r.orderId), notified, 'notification');
      assert.equal(paid.outcome, 'applied');
      assert.equal(paid.record?.status, 'succeeded', 'credited once HaiPay says so');
      assert.equal(s.client.queries, 2);
    }));

  it("'on-mismatch' (the default): a notification that agrees is credited on its own word", () =>
    withShop(async (s) => {
      const r = await s.order();
      const applied = await s.settlement.apply(r, notifiedFor(r), 'notification');
      assert.equal(applied.outcome, 'applied');
      assert.equal(applied.record?.status, 'succeeded');
      assert.equal(s.client.queries, 0, 'not queried');
    }));
});

describe('the hook of the status a report moves to', () => {
  it("a notification's move claims it in the same write; a query's move, or a status with no hook, claims nothing", () =>
    withShop(async (s) => {
      const lease = s.checkout.hookLeaseMs;
      const notified = await s.order();
      const applied = await s.settlement.apply(notified, notifiedFor(notified), 'notification');
      assert.equal(applied.outcome, 'applied');
      assert.equal(applied.hookClaimed, true, 'claimed with the move');
      assert.deepEqual(
        s.store.lastOptions,
        { claimHook: { now: s.clock.now() } },
        'on the kit’s lease clock',
      );
      assert.equal(
        await s.store.claimHook(notified.orderId, 'succeeded', lease, s.clock.now()),
        false,
        'held for the notification that moved it',
      );

      const queried = await s.order();
      const byQuery = await s.settlement.apply(queried, notifiedFor(queried), 'query');
      assert.equal(byQuery.outcome, 'applied');
      assert.equal(byQuery.hookClaimed, false);
      assert.equal(
        await s.store.claimHook(queried.orderId, 'succeeded', lease, s.clock.now()),
        true,
        'free for whoever runs it',
      );

      const paying = await s.order();
      const moved = await s.settlement.apply(paying, notifiedFor(paying, { status: 1 }), 'notification');
      assert.equal(moved.record?.status, 'processing');
      assert.equal(moved.hookClaimed, false, 'processing has no hook to claim');
    }));
});

describe('the orderNo HaiPay reports', () => {
  it('is stored when the order had none, and only from a report that changes something', () =>
    withShop(async (s) => {
      const unknown = await s.store.create(sampleRecord({ status: 'unknown' }));
      const learnt = await s.settlement.apply(unknown, { status: 0, orderNo: '6000000000000042' }, 'query');
      assert.equal(learnt.outcome, 'applied');
      assert.equal((await s.stored(unknown.orderId)).orderNo, '6000000000000042', 'learnt');
      assert.equal((await s.stored(unknown.orderId)).status, 'pending');

      const bare = await s.store.create(sampleRecord({ status: 'unknown' }));
      await s.settlement.apply(bare, { status: 1 }, 'query');
      assert.equal((await s.stored(bare.orderId)).status, 'processing');
      assert.equal((await s.stored(bare.orderId)).orderNo, null, 'no number reported, none invented');

      const quiet = await s.store.create(sampleRecord({ status: 'pending' }));
      const writes = s.store.writes;
      const same = await s.settlement.apply(quiet, { status: 0, orderNo: '6000000000000043' }, 'query');
      assert.equal(same.outcome, 'duplicate', 'nothing to change');
      assert.deepEqual(same.record, quiet, 'the record as it was');
      assert.equal(
        s.store.writes,
        writes,
        'a report that changes nothing writes nothing, its number included',
      );
      assert.equal((await s.stored(quiet.orderId)).orderNo, null);
    }));

  it('another orderNo neither replaces the stored one nor credits: held for review', () =>
    withShop(async (s) => {
      const r = await s.store.create(sampleRecord({ status: 'pending', orderNo: '6000000000000044' }));
      const paid = { status: 2, orderNo: '6000000000000045', amount: '100.00', actualAmount: '100.00' };
      const held = await s.settlement.apply(r, paid, 'query');
      assert.equal(held.outcome, 'amount_mismatch');
      const stored = await s.stored(r.orderId);
      assert.equal(stored.orderNo, '6000000000000044', 'the stored number stays');
      assert.equal(stored.status, 'processing');
      assert.equal(
        stored.failureReason,
        "review: orderNo 6000000000000045 is not the order's 6000000000000044",
      );
    }));
});

describe('the review hold', () => {
  it('an order already in processing keeps it and gets the reason', () =>
    withShop(async (s) => {
      const r = await s.store.create(sampleRecord({ status: 'pending', orderNo: '6000000000000046' }));
      await s.store.transition(r.orderId, 'processing');
      const paid = { status: 2, orderNo: '6000000000000046', amount: '90.00', actualAmount: '90.00' };
      const held = await s.settlement.apply(await s.stored(r.orderId), paid, 'query');
      assert.equal(held.outcome, 'amount_mismatch');
      assert.equal(held.record?.status, 'processing');
      assert.equal(
        held.record?.failureReason,
        `review: ${mismatch90}`,
        'written even though it did not move',
      );
    }));

  it('waits for onPaymentMismatch on a notification, never on a query', () =>
    withShop(async (s) => {
      let finished = 0;
      // A merchant hook that takes a moment (an e-mail sent, a ticket opened).
      s.checkout.hooks.onPaymentMismatch = async () => {
        await new Promise((r) => setTimeout(r, 10));
        finished++;
      };
      const read = await s.store.create(sampleRecord({ status: 'pending', orderNo: '6000000000000047' }));
      const paid = { status: 2, orderNo: '6000000000000047', amount: '90.00', actualAmount: '90.00' };
      await s.settlement.apply(read, paid, 'query');
      assert.equal(finished, 0, 'a read (a shopper’s GET, a reconciler pass) does not wait for the hook');
      await s.hooks.settle(5000);
      assert.equal(finished, 1, 'the hook ran in the background');

      const r = await s.order();
      queryFails();
      await s.settlement.apply(r, notifiedFor(r, { amount: '90.00' }), 'notification');
      assert.equal(finished, 2, '/notify gives the hook its moment before answering');
    }));
});

describe('another writer moved the order first', () => {
  const paid = (orderNo: string) => ({ status: 2, orderNo, amount: '100.00', actualAmount: '100.00' });

  it('expired while its success was on the way: decided again on what is stored, late money', () =>
    withShop(async (s) => {
      const r = await s.store.create(sampleRecord({ status: 'pending', orderNo: '6000000000000050' }));
      s.store.before = () => s.store.transition(r.orderId, 'expired', { failureReason: 'expired' });
      const applied = await s.settlement.apply(r, paid('6000000000000050'), 'query');
      assert.equal(applied.outcome, 'late_payment', 'the money is not dropped as stale');
      assert.equal((await s.stored(r.orderId)).status, 'review');
    }));

  it('credited by the other writer: a duplicate', () =>
    withShop(async (s) => {
      const r = await s.store.create(sampleRecord({ status: 'pending', orderNo: '6000000000000051' }));
      s.store.before = () => s.store.transition(r.orderId, 'succeeded');
      const applied = await s.settlement.apply(r, paid('6000000000000051'), 'query');
      assert.equal(applied.outcome, 'duplicate');
      assert.equal(applied.record?.status, 'succeeded');
      assert.deepEqual(s.logs('haipay payment status'), [], 'this writer moved nothing');
    }));

  it('deleted meanwhile: nothing to apply, no error', () =>
    withShop(async (s) => {
      const r = await s.store.create(sampleRecord({ status: 'unknown' }));
      s.store.gone.add(r.orderId);
      const applied = await s.settlement.apply(r, { status: 1 }, 'query');
      assert.deepEqual(applied, { outcome: 'duplicate', record: null });
    }));

  it('a store that refuses the move with the order unchanged: decided once', () =>
    withShop(async (s) => {
      const r = await s.store.create(sampleRecord({ status: 'unknown' }));
      s.store.lies = ['unknown'];
      const before = s.store.transitions;
      const applied = await s.settlement.apply(r, { status: 1 }, 'query');
      assert.equal(applied.outcome, 'duplicate');
      assert.equal(s.store.transitions - before, 1, 'not tried again');
    }));

  it('a store that keeps reporting another status: decided again at most twice', () =>
    withShop(async (s) => {
      const r = await s.store.create(sampleRecord({ status: 'unknown' }));
      s.store.lies = ['pending', 'unknown', 'pending', 'unknown', 'pending'];
      const before = s.store.transitions;
      const applied = await s.settlement.apply(r, { status: 1 }, 'query');
      assert.equal(applied.outcome, 'duplicate');
      assert.equal(s.store.transitions - before, 3, 'the first decision and two more');
    }));
});

describe("HaiPay's own final word", () => {
  it('status 3 fails the order and ends the re-asking; the kit’s own expiry keeps it', () =>
    withShop(async (s) => {
      const declined = await s.order();
      const unpaid = await s.order();
      sandbox.complete(declined.orderNo!, 'failure', 'card declined');
      s.clock.advance(Date.parse(unpaid.expiresAt!) - s.clock.now() + 10_000);
      await s.settlement.refresh(declined.orderId, true);
      await s.settlement.refresh(unpaid.orderId, true);
      assert.equal((await s.stored(declined.orderId)).status, 'failed');
      assert.equal((await s.stored(declined.orderId)).failureReason, 'card declined');
      assert.equal(
        (await s.stored(unpaid.orderId)).status,
        'expired',
        'past its window, HaiPay still "not started"',
      );
      const due = await s.store.listRecheckDue({ now: s.clock.now() + MINUTE, windowMs: HOUR, minGapMs: 0 });
      assert.deepEqual(
        due.map((r) => r.orderId),
        [unpaid.orderId],
        'only the order the kit closed on its own verdict is asked about again',
      );
      assert.deepEqual(
        s.logs('haipay payment status').map((l) => [l.orderId, l.status, l.source]),
        [
          [declined.orderId, 'failed', 'query'],
          [unpaid.orderId, 'expired', 'query'],
        ],
      );
    }));

  it('a store without endRecheck (it is optional) still records it', () =>
    withShop(
      async (s) => {
        const r = await s.order();
        sandbox.complete(r.orderNo!, 'failure', 'card declined');
        assert.equal((await s.settlement.refresh(r.orderId, true))?.status, 'failed');
        assert.deepEqual(s.logs('haipay refresh failed'), [], 'without an error');
        // The re-query of a closed order too: HaiPay's failure, and an order HaiPay never got (4013).
        const declined = await s.close(await s.order(), 'expired');
        sandbox.complete(declined.orderNo!, 'failure', 'card declined');
        assert.equal((await s.settlement.recheck(declined.orderId))?.status, 'expired');
        const lost = await s.close(await s.store.create(sampleRecord({ status: 'unknown' })), 'failed');
        assert.equal((await s.settlement.recheck(lost.orderId))?.status, 'failed');
        assert.deepEqual(s.logs('haipay recheck of a closed order failed'), [], 'answers, not failures');
      },
      { endRecheck: false },
    ));
});

describe('refresh', () => {
  it('an order not stored is null; a final one is not queried and its due hook is started', () =>
    withShop(async (s) => {
      assert.equal(await s.settlement.refresh('hp_nosuchorder00000000', false), null);
      const r = await s.order();
      await s.store.transition(r.orderId, 'succeeded');
      const got = await s.settlement.refresh(r.orderId, true);
      assert.equal(got?.status, 'succeeded');
      assert.equal(s.client.queries, 0, 'a final order is not asked about');
      await s.hooks.settle(5000);
      assert.deepEqual(s.h.calls, [`succeeded:${r.orderId}`], 'its hook, not run yet, runs');
    }));

  it('asks at most once per refreshAfterMs unless forced; calls at once share one query', () =>
    withShop(async (s) => {
      const r = await s.order();
      const both = await Promise.all([
        s.settlement.refresh(r.orderId, false),
        s.settlement.refresh(r.orderId, false),
      ]);
      assert.deepEqual(
        both.map((x) => x?.status),
        ['pending', 'pending'],
      );
      assert.equal(s.client.queries, 1, 'two at once, one query');
      await s.settlement.refresh(r.orderId, false);
      assert.equal(s.client.queries, 1, 'checked just now');
      await s.settlement.refresh(r.orderId, true);
      assert.equal(s.client.queries, 2, 'forced');
      s.clock.advance(s.checkout.refreshAfterMs - 1);
      await s.settlement.refresh(r.orderId, false);
      assert.equal(s.client.queries, 2, 'within refreshAfterMs');
      s.clock.advance(1);
      await s.settlement.refresh(r.orderId, false);
      assert.equal(s.client.queries, 3, 'refreshAfterMs later');
    }));

  it('credits a paid order, asking the global cashier’s orders of the cashier query', () =>
    withShop(async (s) => {
      const thb = await s.order();
      s.h.order = { ...THB, amount: '300.00' };
      const cashier = await s.order('cashier');
      assert.equal(cashier.merchant, s.client.config.cashierMerchant);
      sandbox.complete(thb.orderNo!, 'success');
      sandbox.complete(cashier.orderNo!, 'success');
      assert.equal((await s.settlement.refresh(thb.orderId, true))?.status, 'succeeded');
      assert.equal((await s.settlement.refresh(cashier.orderId, true))?.status, 'succeeded');
    }));

  it('an apply HaiPay never got (4013) fails an unknown order only after unknownGraceMs', () =>
    withShop(async (s) => {
      const lost = await s.store.create(sampleRecord({ status: 'unknown' }));
      const pending = await s.store.create(sampleRecord({ status: 'pending' }));
      s.clock.advance(s.checkout.unknownGraceMs);
      assert.equal(
        (await s.settlement.refresh(lost.orderId, true))?.status,
        'unknown',
        'within the grace period',
      );
      s.clock.advance(1);
      const failed = await s.settlement.refresh(lost.orderId, true);
      assert.equal(failed?.status, 'failed', 'past it');
      assert.equal(failed?.failureReason, 'not_created: HaiPay has no such order');
      assert.deepEqual(
        s.emitted.map((e) => e?.status),
        ['failed'],
        'announced',
      );
      assert.equal(
        (await s.settlement.refresh(pending.orderId, true))?.status,
        'pending',
        'only an unknown order',
      );
      assert.deepEqual(s.logs('haipay refresh failed'), [], '4013 is an answer, not a failure');
    }));

  it('another error is logged and changes nothing', () =>
    withShop(async (s) => {
      const lost = await s.store.create(sampleRecord({ status: 'unknown' }));
      s.clock.advance(s.checkout.unknownGraceMs + 1);
      queryFails();
      assert.equal((await s.settlement.refresh(lost.orderId, true))?.status, 'unknown');
      const [line, ...more] = s.logs('haipay refresh failed');
      assert.deepEqual(more, [], 'one line');
      assert.equal(line?.level, 'warn');
      assert.equal(line?.orderId, lost.orderId, 'names the order');
      assert.equal(line?.error, 'HaiPayApiError', 'and the error');
      assert.match(String(line?.message), /\S/, 'with its message');
    }));

  it('a subscription: asked by its subscriptionNo, its code mapped; an unknown code or no number changes nothing', () =>
    withShop(async (s) => {
      const res = await s.h.post('/haipay/subscriptions', { planRef: 'monthly', ...BUYER, ...CARD }, idem());
      assert.equal(res.status, 201, JSON.stringify(res.json));
      const sub = await s.stored(res.json.subscriptionId as string);
      assert.ok(sub.orderNo, 'numbered by HaiPay');
      sandbox.complete(sub.orderNo, 'success');
      assert.equal((await s.settlement.refresh(sub.orderId, true))?.status, 'active', 'authorized at HaiPay');
      assert.deepEqual(
        s.emitted.map((e) => e?.status),
        ['active'],
      );
      // A status code this kit does not know (a later HaiPay version).
      (sandbox.subscription(sub.orderNo) as { status: string }).status = '9';
      assert.equal((await s.settlement.refresh(sub.orderId, true))?.status, 'active', 'kept');
      assert.equal(s.emitted.length, 1, 'nothing announced');
      assert.equal(s.client.subscriptionQueries, 2);

      const unnumbered = await s.store.create(
        sampleRecord({ kind: 'subscription', merchant: 'USD', currency: 'USD', status: 'pending' }),
      );
      assert.equal((await s.settlement.refresh(unnumbered.orderId, true))?.status, 'pending');
      assert.equal(s.client.subscriptionQueries, 2, 'no subscriptionNo, nothing to ask');
      assert.deepEqual(s.logs('haipay refresh failed'), []);
    }));
});

describe('recheck of a closed order', () => {
  it('asks only about expired or failed orders; HaiPay’s failure or no such order ends the asking', () =>
    withShop(async (s) => {
      assert.equal(await s.settlement.recheck('hp_nosuchorder00000000'), null);
      const open = await s.order();
      assert.equal((await s.settlement.recheck(open.orderId))?.status, 'pending');
      assert.equal(s.client.queries, 0, 'an open order is not re-asked');

      const expired = await s.close(await s.order(), 'expired');
      await Promise.all([s.settlement.recheck(expired.orderId), s.settlement.recheck(expired.orderId)]);
      assert.equal(s.client.queries, 1, 'an expired order is asked about, once for two calls at once');
      await s.settlement.recheck(expired.orderId);
      assert.equal(s.client.queries, 2, 'and again when asked again');

      const declined = await s.order();
      sandbox.complete(declined.orderNo!, 'failure', 'card declined');
      await s.close(declined, 'failed');
      const lost = await s.close(await s.store.create(sampleRecord({ status: 'unknown' })), 'failed');
      const flaky = await s.close(await s.order(), 'expired');
      await s.settlement.recheck(declined.orderId);
      await s.settlement.recheck(lost.orderId);
      queryFails();
      await s.settlement.recheck(flaky.orderId);
      assert.equal(s.client.queries, 5, 'each failed order is asked about');
      assert.deepEqual(
        s.logs('haipay recheck of a closed order failed').map((l) => [l.orderId, l.error]),
        [[flaky.orderId, 'HaiPayApiError']],
      );
      const due = await s.store.listRecheckDue({ now: s.clock.now() + MINUTE, windowMs: HOUR, minGapMs: 0 });
      assert.deepEqual(
        due.map((r) => r.orderId).sort(),
        [expired.orderId, flaky.orderId].sort(),
        'HaiPay’s status 3 and 4013 end the asking; "not started" and a failed query do not',
      );
    }));
});
