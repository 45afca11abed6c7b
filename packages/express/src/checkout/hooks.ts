/**
 * Running the merchant's hooks exactly once. Two kinds of work are claimed in the store before a hook
 * runs, and marked done after it: a record's final status (`onPaymentSucceeded`, `onLatePayment`, …),
 * and stored hook events for things that are not a status change (a subscription deduction, a payout,
 * a refund, a payment that disagreed with HaiPay). A running hook renews its claim every third of the lease, so
 * only a hook whose process died (or stalled a whole lease) is started again; one that throws is
 * released and runs again later (HaiPay's next delivery, or the reconciler).
 */
import type { HaiPayData } from '../client.js';
import type { HookEvent, PaymentRecord } from '../store/types.js';
import type { RecordStatus } from '../types.js';
import type { CheckoutContext } from './context.js';
import type { PaymentEvent, PayoutEvent } from './types.js';

/** What became of a hook: `done` (now, earlier, or none due), `failed` (threw), `running` (still, or elsewhere). */
export type HookState = 'done' | 'failed' | 'running';

/** Statuses with a merchant hook. */
const FINAL_HOOK_STATUSES: readonly RecordStatus[] = [
  'succeeded',
  'failed',
  'expired',
  'review',
  'active',
  'cancelled',
];

/** Whether `status` has a merchant hook. */
export function hasHook(status: RecordStatus): boolean {
  return FINAL_HOOK_STATUSES.includes(status);
}

/** Whether `record` is in a status with a merchant hook that has not completed yet. */
export function hookDue(record: PaymentRecord): boolean {
  return hasHook(record.status) && record.hookStatus !== record.status;
}

/** Hook event kinds. */
export const HOOK_EVENT = {
  deduction: 'subscription_deduction',
  payout: 'payout',
  payoutMismatch: 'payout_mismatch',
  paymentMismatch: 'payment_mismatch',
  refund: 'refund',
} as const;

/** What a `payout_mismatch` event stores. */
export interface PayoutMismatchPayload {
  payout: PayoutEvent;
  notified: HaiPayData;
  reason: string;
}

/** What a `payment_mismatch` event stores (the payment itself is read from the store when it runs). */
interface PaymentMismatchPayload {
  notified: HaiPayData;
  reason: string;
}

/** The hook runner of one checkout. */
export class HookRunner {
  readonly #ctx: CheckoutContext;
  readonly #running = new Set<Promise<unknown>>();
  readonly #renewers = new Set<NodeJS.Timeout>();

  constructor(ctx: CheckoutContext) {
    this.#ctx = ctx;
  }

  /**
   * Runs the hook for the record's current status unless it completed already, waiting for it at most
   * `waitMs` (a hook still running then finishes in the background). `known` is the order as the caller
   * just wrote or read it, to save reading it again: the claim is conditional on the status it names
   * and on that status's hook not being complete, so a record that is already out of date claims
   * nothing — whoever moved the order on runs the hook of the new status. `claimed`: the caller's
   * transition to `known` already claimed its hook in the same write (`TransitionOptions.claimHook`).
   */
  forRecord(orderId: string, waitMs = 0, known?: PaymentRecord | null, claimed = false): Promise<HookState> {
    return this.#tracked(this.#forRecord(orderId, waitMs, known, claimed));
  }

  async #forRecord(
    orderId: string,
    waitMs: number,
    known: PaymentRecord | null | undefined,
    claimed: boolean,
  ): Promise<HookState> {
    const { store, options } = this.#ctx;
    const record = known ?? (await store.get(orderId));
    if (!record || !hookDue(record)) return 'done';
    if (
      !(claimed && known) &&
      !(await store.claimHook(orderId, record.status, options.hookLeaseMs, this.#ctx.leaseNow()))
    )
      return 'running';
    const hook = this.#hookFor(record);
    return this.#runClaimed(
      () => hook?.(record),
      (now) => store.renewHookClaim(orderId, record.status, now),
      () => store.completeHook(orderId, record.status).then(() => this.#ctx.telemetry.countPayment(record)),
      () => store.releaseHook(orderId, record.status),
      { orderId, status: record.status },
      waitMs,
      `${record.kind}.${record.status}`,
    );
  }

  /** Stores a hook event (unless it exists) and runs it; `added` is false for a duplicate. */
  event(
    event: Omit<HookEvent, 'createdAt' | 'done'>,
    waitMs: number,
  ): Promise<{ added: boolean; state: HookState }> {
    return this.#tracked(
      (async () => {
        const added = await this.#ctx.store.addHookEvent(event);
        const state = await this.#runEvent({ ...event, createdAt: '', done: false }, waitMs);
        return { added, state };
      })(),
    );
  }

  /**
   * Counts a hook start as running from the call on, while its claim is still being written, not
   * only once it is claimed: {@link settle} then waits for a hook started just before it too, however
   * long the store takes to answer.
   */
  #tracked<T>(started: Promise<T>): Promise<T> {
    this.#running.add(started);
    const done = () => void this.#running.delete(started);
    started.then(done, done);
    return started;
  }

  /** Hooks whose state changed (or event arrived) but did not complete (crash, throw): run them now. */
  async runPending(limit: number): Promise<void> {
    const { store, options } = this.#ctx;
    for (const r of await store.listHookPending(FINAL_HOOK_STATUSES, limit))
      await this.forRecord(r.orderId, options.hookWaitMs);
    for (const e of await store.listPendingHookEvents(limit)) await this.#runEvent(e, options.hookWaitMs);
  }

  /**
   * Waits up to `timeoutMs` for hooks still running in the background, then stops renewing the claims
   * of any that still run: once their lease ends, another instance (or this one after a restart) may
   * run them again.
   */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#running.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.#running]),
        new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now())))),
      ]);
      clearTimeout(timer);
    }
    for (const r of this.#renewers) clearInterval(r);
    this.#renewers.clear();
  }

  async #runEvent(event: HookEvent, waitMs: number): Promise<HookState> {
    const { store, options } = this.#ctx;
    const { orderId, key } = event;
    if (!(await store.claimHookEvent(orderId, key, options.hookLeaseMs, this.#ctx.leaseNow())))
      return 'running';
    return this.#runClaimed(
      () => this.#callEventHook(event),
      (now) => store.renewHookEventClaim(orderId, key, now),
      () => store.completeHookEvent(orderId, key),
      () => store.releaseHookEvent(orderId, key),
      { orderId, event: key },
      waitMs,
      event.kind,
    );
  }

  /**
   * Runs one claimed hook: renews the claim every third of the lease while it runs, marks it complete
   * or releases it when it settles, and waits for it at most `waitMs`.
   */
  async #runClaimed(
    call: () => unknown,
    renew: (now: number | undefined) => Promise<void>,
    complete: () => Promise<void>,
    release: () => Promise<void>,
    logFields: Record<string, unknown>,
    waitMs: number,
    /** The hook's name in the metrics (`haipay.hook`). */
    name: string,
  ): Promise<HookState> {
    const lease = this.#ctx.options.hookLeaseMs;
    const renewer = setInterval(
      () => void renew(this.#ctx.leaseNow()).catch(() => undefined),
      Math.max(10, lease / 3),
    );
    renewer.unref();
    this.#renewers.add(renewer);
    const run = (async (): Promise<'done' | 'failed'> => {
      const started = performance.now();
      let called = false;
      try {
        await call();
        called = true;
        this.#ctx.telemetry.recordHook(name, started, false);
        await complete();
        return 'done';
      } catch (err) {
        if (!called) this.#ctx.telemetry.recordHook(name, started, true);
        await release().catch(() => undefined);
        this.#ctx.options.logger.error('haipay merchant hook threw; it will be retried', {
          ...logFields,
          message: (err as Error)?.message,
        });
        return 'failed';
      } finally {
        clearInterval(renewer);
        this.#renewers.delete(renewer);
      }
    })();
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
    if (!Number.isFinite(waitMs)) return run;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'running'>((resolve) => {
      timer = setTimeout(() => resolve('running'), Math.max(0, waitMs));
    });
    try {
      return await Promise.race([run, waited]);
    } finally {
      clearTimeout(timer);
    }
  }

  #hookFor(record: PaymentRecord): ((r: PaymentEvent) => unknown) | undefined {
    const h = this.#ctx.options.hooks;
    if (record.kind === 'subscription') return h.onSubscriptionChange?.bind(h);
    if (record.status === 'succeeded') return h.onPaymentSucceeded?.bind(h);
    if (record.status === 'failed') return h.onPaymentFailed?.bind(h);
    if (record.status === 'expired') return h.onPaymentExpired?.bind(h);
    if (record.status === 'review') return h.onLatePayment?.bind(h);
    return undefined;
  }

  /** The hook of one event; an event of a kind this version does not know completes without a hook. */
  async #callEventHook(event: HookEvent): Promise<unknown> {
    const hooks = this.#ctx.options.hooks;
    switch (event.kind) {
      case HOOK_EVENT.deduction: {
        const record = await this.#ctx.store.get(event.orderId);
        return record ? hooks.onSubscriptionDeduction?.(record, event.payload as HaiPayData) : undefined;
      }
      case HOOK_EVENT.paymentMismatch: {
        const record = await this.#ctx.store.get(event.orderId);
        const { notified, reason } = event.payload as unknown as PaymentMismatchPayload;
        return record ? hooks.onPaymentMismatch?.(record, { notified, reason }) : undefined;
      }
      case HOOK_EVENT.payout: {
        const payout = event.payload as unknown as PayoutEvent;
        return payout.status === 'succeeded'
          ? hooks.onPayoutSucceeded?.(payout)
          : hooks.onPayoutFailed?.(payout);
      }
      case HOOK_EVENT.refund: {
        // The stored refund, final since the event was written with its final state.
        const refund = await this.#ctx.store.getTransfer(event.orderId);
        if (!refund) return undefined;
        return refund.status === 'succeeded'
          ? hooks.onRefundSucceeded?.(refund)
          : hooks.onRefundFailed?.(refund);
      }
      case HOOK_EVENT.payoutMismatch: {
        const { payout, notified, reason } = event.payload as unknown as PayoutMismatchPayload;
        return hooks.onPayoutMismatch?.(payout, { notified, reason });
      }
      default:
        return undefined;
    }
  }
}
