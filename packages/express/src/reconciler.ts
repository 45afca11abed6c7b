/**
 * The reconciler: on start and on an interval, queries every non-final and "outcome unknown" order and
 * settles it, and re-runs merchant hooks that did not complete (a crash between the state change and
 * the hook). This is what makes a timeout or `1003` on apply safe: the order is never re-created, it is
 * looked up until HaiPay says what happened.
 *
 * It also asks again about payments the kit closed itself (a QR past its window, an apply HaiPay never
 * got): a buyer may still pay one, and if HaiPay's notification is lost, only a query finds that money.
 * Within `lateMoneyWindowMs` of closing, each is queried less and less often (store/recheck.ts), until
 * HaiPay reports a final state.
 */
import { HaiPayConfigError } from './errors.js';
import type { HaiPayCheckout } from './checkout/index.js';
import type { Logger } from './logger.js';
import type { PaymentRecord } from './store/types.js';
import { Telemetry } from './metrics.js';

/** Options for {@link createReconciler}. */
export interface ReconcilerOptions {
  /** Milliseconds between passes. Default 60000. */
  intervalMs?: number;
  /** Orders per pass. Default 100. */
  batchSize?: number;
  /** Run a pass immediately on start. Default true. */
  runOnStart?: boolean;
  /**
   * How long after the kit closes a payment on its own verdict (`expired` past its window, or `failed`)
   * it asks HaiPay about it again, for late money whose notification was lost. Default 72 hours
   * (docs/protocol.md §6: HaiPay documents no payment window, nor how late it settles; three days is
   * the longest window the kit assumes). The gaps between queries double with the order's age, from
   * `intervalMs` up, so each closed order costs about 13 queries over 72 hours at the default interval;
   * HaiPay's own final state (its close, or money) ends them sooner. `0` turns this off. Needs a store
   * with `listRecheckDue` (the bundled ones have it); without it, closed orders are not asked again.
   */
  lateMoneyWindowMs?: number;
  logger?: Logger;
  /**
   * The clock, in milliseconds since the epoch: the reconciler lease is taken and renewed at its time,
   * and passes are timed on it. Default: the checkout's `now`, else `Date.now` (and the lease on the
   * store's own clock). Tests pass one they can move.
   */
  now?: () => number;
}

/** A running reconciler. */
export interface Reconciler {
  /** Runs one pass now (also what the interval runs); resolves with the number of orders checked. */
  runOnce(): Promise<number>;
  /** Starts the interval (idempotent). */
  start(): void;
  /** Stops the interval and waits for a running pass. */
  stop(): Promise<void>;
}

/**
 * The reconciler lease, in intervals. The holder renews it on every tick and every half interval while a
 * pass runs, so a live holder keeps a whole interval of slack (a late timer, a slow database); a holder
 * that died is replaced at the first tick of another instance after the lease ran out: at most
 * `RECONCILER_LEASE_INTERVALS + 1` intervals after its last renewal (3 minutes at the default 60 s).
 */
const RECONCILER_LEASE_INTERVALS = 2;

/** The default of {@link ReconcilerOptions.lateMoneyWindowMs}: 72 hours. */
const DEFAULT_LATE_MONEY_WINDOW_MS = 72 * 60 * 60_000;

/** What a store may tell about itself for the pass log (the PostgreSQL store does); all optional. */
interface LeaseIntrospection {
  /** This instance's id in the lease rows. */
  instanceId?: unknown;
  /** The current holder of the reconciler lease, if any. */
  reconcilerLeaseHolder?: () => Promise<{ holder: string; expiresAt: string } | null>;
}

/** Creates a reconciler over a checkout core. Not started: call `start()` (the router does). */
export function createReconciler(checkout: HaiPayCheckout, options: ReconcilerOptions = {}): Reconciler {
  const intervalMs = options.intervalMs ?? 60_000;
  const batchSize = options.batchSize ?? 100;
  const windowMs = options.lateMoneyWindowMs ?? DEFAULT_LATE_MONEY_WINDOW_MS;
  if (!Number.isFinite(intervalMs) || intervalMs < 10)
    throw new HaiPayConfigError('reconcile.intervalMs: must be ≥ 10 ms.');
  if (!Number.isFinite(windowMs) || windowMs < 0)
    throw new HaiPayConfigError('reconcile.lateMoneyWindowMs: must be ≥ 0 ms (0 turns it off).');
  const logger = options.logger ?? checkout.options.logger;
  const telemetry = new Telemetry(checkout.options);
  const leaseMs = intervalMs * RECONCILER_LEASE_INTERVALS;
  // The checkout's options are read live, like the checkout itself does.
  const injected = () => options.now ?? checkout.options.now;
  const now = () => (injected() ?? Date.now)();
  // With no clock injected the store times the lease itself (PostgreSQL: on the database's clock).
  const leaseNow = () => injected()?.();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const pass = async (): Promise<number> => {
    const started = now();
    const store = checkout.store;
    const info = store as unknown as LeaseIntrospection;
    const instance = typeof info.instanceId === 'string' ? info.instanceId : null;
    // Several instances on one database: one reconciles, the others skip.
    const lease = store.tryAcquireReconcilerLease?.bind(store);
    let lost = false;
    let renewer: NodeJS.Timeout | undefined;
    if (lease) {
      if (!(await lease(leaseMs, leaseNow()))) {
        const held = await info.reconcilerLeaseHolder?.call(store).catch(() => null);
        logger.debug('haipay reconcile pass skipped: another instance holds the lease', {
          instance,
          holder: held?.holder ?? null,
          leaseExpiresAt: held?.expiresAt ?? null,
        });
        telemetry.countReconcilerPass('skipped');
        return 0;
      }
      // Renewed while the pass runs (a slow pass keeps it). If another instance took it meanwhile (this
      // one stalled past its lease), the pass stops after the order in hand: the two overlap for about
      // half an interval, which costs duplicate queries, never a wrong state (transitions are conditional).
      renewer = setInterval(
        () =>
          void lease(leaseMs, leaseNow()).then(
            (held) => void (lost ||= !held),
            () => undefined,
          ),
        Math.max(10, intervalMs / 2),
      );
      renewer.unref();
    }
    let checked = 0;
    /** Queries HaiPay for each record in turn (`closed`: a payment the kit closed), until the lease is lost. */
    const settle = async (records: readonly PaymentRecord[], closed: boolean) => {
      for (const record of records) {
        if (lost) break;
        checked++;
        try {
          await checkout.refresh(record.orderId, closed ? { closed } : { force: true });
        } catch (err) {
          logger.warn('haipay reconcile failed for an order', {
            orderId: record.orderId,
            message: (err as Error).message,
          });
        }
      }
    };
    try {
      // Least recently checked first, so a large backlog is worked through across passes.
      await settle(await store.listUnsettled({ limit: batchSize }), false);
      // Late money whose notification was lost: closed payments still in their window, when due.
      if (!lost && windowMs > 0 && store.listRecheckDue) {
        const query = { now: now(), windowMs, minGapMs: intervalMs, limit: batchSize };
        await settle(await store.listRecheckDue(query), true);
      }
      // Refunds and payouts: HaiPay sends no refund notification, and a payout's may be lost.
      if (!lost) checked += await checkout.reconcileTransfers(batchSize);
      if (!lost) await checkout.runPendingHooks(batchSize);
    } finally {
      clearInterval(renewer);
    }
    if (lost) {
      logger.warn('haipay reconcile lease taken over by another instance mid-pass; pass stopped', {
        instance,
        checked,
      });
    }
    logger.debug('haipay reconcile pass', {
      instance,
      // With a lease, this instance held it for the pass; without one (SQLite, memory), every process reconciles.
      holder: lease ? (instance ?? 'this instance') : null,
      lease: lease ? `${leaseMs} ms` : 'none',
      ...(lost ? { leaseLost: true } : {}),
      checked,
      ms: now() - started,
    });
    telemetry.countReconcilerPass('completed', checked);
    return checked;
  };

  const runOnce = (): Promise<number> => {
    if (!running)
      running = pass()
        .catch((err: unknown) => {
          telemetry.countReconcilerPass('failed');
          throw err;
        })
        .finally(() => (running = undefined));
    return running;
  };

  return {
    runOnce,
    start() {
      if (timer) return;
      if (options.runOnStart ?? true)
        void runOnce().catch((e: unknown) =>
          logger.error('haipay reconcile pass failed', { message: String(e) }),
        );
      timer = setInterval(() => {
        void runOnce().catch((e: unknown) =>
          logger.error('haipay reconcile pass failed', { message: String(e) }),
        );
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
