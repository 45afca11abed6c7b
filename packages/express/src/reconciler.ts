/**
 * The reconciler: on start and on an interval, queries every non-final and "outcome unknown" order and
 * settles it, and re-runs merchant hooks that did not complete (a crash between the state change and
 * the hook). This is what makes a timeout or `1003` on apply safe: the order is never re-created, it is
 * looked up until HaiPay says what happened.
 */
import type { HaiPayCheckout } from './checkout.js';
import type { Logger } from './logger.js';

/** Options for {@link createReconciler}. */
export interface ReconcilerOptions {
  /** Milliseconds between passes. Default 60000. */
  intervalMs?: number;
  /** Orders per pass. Default 100. */
  batchSize?: number;
  /** Run a pass immediately on start. Default true. */
  runOnStart?: boolean;
  logger?: Logger;
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

/** Creates a reconciler over a checkout core. Not started: call `start()` (the router does). */
export function createReconciler(checkout: HaiPayCheckout, options: ReconcilerOptions = {}): Reconciler {
  const intervalMs = options.intervalMs ?? 60_000;
  const batchSize = options.batchSize ?? 100;
  if (!Number.isFinite(intervalMs) || intervalMs < 10)
    throw new TypeError('reconcile.intervalMs: must be ≥ 10 ms.');
  const logger = options.logger ?? checkout.options.logger;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const pass = async (): Promise<number> => {
    // Several instances on one database: one reconciles, the others skip (the lease outlives a tick).
    const lease = checkout.store.tryAcquireReconcilerLease;
    if (lease && !(await lease.call(checkout.store, intervalMs * 3))) return 0;
    // Least recently checked first, so a large backlog is worked through across passes.
    const due = await checkout.store.listUnsettled({ limit: batchSize });
    for (const record of due) {
      try {
        await checkout.refresh(record.orderId, { force: true });
      } catch (err) {
        logger.warn('haipay reconcile failed for an order', {
          orderId: record.orderId,
          message: (err as Error).message,
        });
      }
    }
    await checkout.runPendingHooks(batchSize);
    return due.length;
  };

  const runOnce = (): Promise<number> => {
    if (!running) running = pass().finally(() => (running = undefined));
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
