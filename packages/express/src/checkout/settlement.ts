/**
 * Settling payments: carrying out {@link decide} for a status HaiPay reports (a verified notification
 * or a query answer), and querying HaiPay for orders that are not final. The decision itself is the
 * pure `decide()`; this room does the I/O around it — the confirming query, the store writes, the
 * merchant's alerts — and nothing else.
 */
import { HaiPayApiError } from '../errors.js';
import type { CollectQueryData, HaiPayClient, HaiPayData } from '../client.js';
import type { PaymentRecord } from '../store/types.js';
import { isFinalStatus } from '../types.js';
import type { CheckoutContext } from './context.js';
import { decide, type Decision } from './decide.js';
import { HOOK_EVENT, hasHook, hookDue, type HookRunner } from './hooks.js';
import { str } from './text.js';
import { subscriptionStatusFromCode } from './views.js';

/** What applying a report did, and the record after it. */
export interface Applied {
  outcome: string;
  record: PaymentRecord | null;
  /** The move also claimed the new status's hook (a notification's: its caller runs the hook next). */
  hookClaimed?: boolean;
}

/** The settlement room of one checkout. */
export class Settlement {
  readonly #ctx: CheckoutContext;
  readonly #client: HaiPayClient;
  readonly #hooks: HookRunner;
  readonly #refreshing = new Map<string, Promise<PaymentRecord | null>>();

  constructor(ctx: CheckoutContext, client: HaiPayClient, hooks: HookRunner) {
    this.#ctx = ctx;
    this.#client = client;
    this.#hooks = hooks;
  }

  /**
   * Applies a reported collection status to a stored payment. Success is credited only when `orderNo`,
   * amount and currency match; money for an order the kit had closed moves it to `review`
   * (`onLatePayment`); a disagreement is held for review (`onPaymentMismatch`), never credited.
   */
  async apply(
    record: PaymentRecord,
    reported: HaiPayData,
    source: 'notification' | 'query',
    attempt = 0,
  ): Promise<Applied> {
    const opts = {
      source,
      now: this.#ctx.now(),
      confirmSuccess: this.#ctx.options.confirmByQuery === 'always',
    } as const;
    let decision: Decision = decide(record, reported, opts);
    if (decision.action === 'confirm') {
      // ARCHITECTURE.md "Status truth": a notification that disagrees is confirmed by a query, never believed.
      // Stryker disable next-line ArrowFunction: undefined, like null, is no confirmation
      const confirmed = await this.query(record).catch(() => null);
      // Confirmed money is decided on the query's answer (it may be late money); an unconfirmed
      // report is only held for review — a closed order is not moved to `review` on its word alone.
      if (confirmed && Number(confirmed.status) === 2) {
        // Stryker disable next-line ObjectLiteral,StringLiteral: a status-2 answer is decided alike from any source but 'notification' (`now` is read for status 0 only)
        decision = decide(record, confirmed, { ...opts, source: 'query' });
        reported = confirmed;
      } else {
        decision = { action: 'hold', reason: decision.reason };
      }
    }
    const { store } = this.#ctx;
    if (!record.orderNo && str(reported.orderNo) && decision.action !== 'ignore') {
      this.#ctx.emit(await store.patch(record.orderId, { orderNo: str(reported.orderNo) }));
    }
    switch (decision.action) {
      case 'ignore':
        return { outcome: decision.outcome, record };
      case 'hold':
        return this.#holdForReview(record, reported, decision.reason, source);
      case 'late':
        return this.#lateMoney(record, reported, decision.reason);
      case 'move': {
        // A notification runs the new status's hook right after: its claim rides on the same write.
        const claim = source === 'notification' && hasHook(decision.to);
        const t = await store.transition(
          record.orderId,
          decision.to,
          decision.patch,
          claim ? { claimHook: { now: this.#ctx.leaseNow() } } : undefined,
        );
        if (t.changed) {
          try {
            // HaiPay's own final word (status 3) closed it: nothing to ask again later (listRecheckDue).
            if (Number(str(reported.status)) === 3) await store.endRecheck?.(record.orderId);
            this.#ctx.emit(t.record);
            this.#ctx.options.logger.info('haipay payment status', {
              orderId: record.orderId,
              status: decision.to,
              source,
            });
          } catch (err) {
            // The claim was taken for the hook the caller runs next, which it now never reaches: give it
            // back, so HaiPay's retry of this unacknowledged delivery runs the hook, not waits out a lease.
            if (t.hookClaimed) await store.releaseHook(record.orderId, decision.to).catch(() => undefined);
            throw err;
          }
          return { outcome: 'applied', record: t.record, hookClaimed: t.hookClaimed === true };
        }
        // Another writer moved the order first (e.g. the reconciler expired it while this success was
        // on its way): decide again on what is stored now, so late money is never dropped as "stale".
        if (t.record && t.record.status !== record.status && attempt < 2)
          return this.apply(t.record, reported, source, attempt + 1);
        return { outcome: 'duplicate', record: t.record };
      }
    }
    // Stryker disable next-line ObjectLiteral,StringLiteral: unreachable, every action left after the confirming query is a case above
    return { outcome: 'ignored_status', record };
  }

  /**
   * Keeps the order unpaid and flags it: an open order moves to `processing` with `failureReason`
   * "review: …"; a closed one keeps its status. `onPaymentMismatch` runs once per reason, through a
   * stored hook event (exactly once across duplicate deliveries and instances; a hook that throws runs
   * again from the reconciler).
   */
  async #holdForReview(
    record: PaymentRecord,
    reported: HaiPayData,
    reason: string,
    source: 'notification' | 'query',
  ): Promise<Applied> {
    const { store, options } = this.#ctx;
    const failureReason = `review: ${reason}`;
    options.logger.error('haipay payment NOT credited: needs review', { orderId: record.orderId, reason });
    let r: PaymentRecord | null = record;
    if (!isFinalStatus(record.status)) {
      const t = await store.transition(record.orderId, 'processing', { failureReason });
      r = t.changed ? t.record : await store.patch(record.orderId, { failureReason });
    } else if (record.failureReason !== failureReason) {
      r = await store.patch(record.orderId, { failureReason });
    }
    this.#ctx.emit(r);
    await this.#hooks.event(
      {
        orderId: record.orderId,
        key: `mismatch:${reason}`,
        kind: HOOK_EVENT.paymentMismatch,
        payload: { notified: reported, reason },
      },
      // `/notify` gives the hook a moment, as for status hooks; a read (a shopper's GET) never waits.
      source === 'notification' ? options.hookWaitMs : 0,
    );
    return { outcome: 'amount_mismatch', record: r };
  }

  /**
   * Money arrived for an order the kit had closed (`expired`/`failed`): move it to `review` (final;
   * never credited automatically) and let `onLatePayment` decide — exactly once, through the hook
   * claim like every final state, so a crash or a duplicate notification cannot repeat or lose it.
   */
  async #lateMoney(record: PaymentRecord, reported: HaiPayData, reason: string): Promise<Applied> {
    const amount = str(reported.actualAmount) || str(reported.amount);
    const currency = str(reported.currency) || record.currency;
    const failureReason = `late payment: ${reason}${amount ? ` (reported ${amount} ${currency})` : ''}`;
    const t = await this.#ctx.store.transition(record.orderId, 'review', { failureReason });
    if (!t.changed) return { outcome: 'duplicate', record: t.record };
    this.#ctx.emit(t.record);
    this.#ctx.options.logger.error('haipay money arrived for a closed order: needs review', {
      orderId: record.orderId,
      previous: record.status,
      reason,
    });
    return { outcome: 'late_payment', record: t.record };
  }

  /** HaiPay's collect (or global cashier) query for a stored payment. */
  query(record: PaymentRecord): Promise<CollectQueryData> {
    const params = { orderId: record.orderId, orderNo: record.orderNo };
    return record.merchant === this.#client.config.cashierMerchant
      ? this.#client.cashierQuery(params)
      : this.#client.collectQuery(record.merchant, params);
  }

  /**
   * Queries HaiPay for a non-final order and applies the answer. Concurrent calls for one order share
   * one query; without `force`, an order checked within `refreshAfterMs` is not queried again. Merchant
   * hooks the refresh makes due are started but not waited for.
   */
  refresh(orderId: string, force: boolean): Promise<PaymentRecord | null> {
    const inflight = this.#refreshing.get(orderId);
    if (inflight) return inflight;
    const p = this.#refresh(orderId, force).finally(() => this.#refreshing.delete(orderId));
    this.#refreshing.set(orderId, p);
    return p;
  }

  /**
   * Asks HaiPay again about a payment the kit closed (`expired`/`failed`), for late money whose
   * notification was lost: the answer is applied as any query's ({@link apply}), so money moves the order
   * to `review` and `onLatePayment` runs once. Once HaiPay reports a final state, or has no such order,
   * the store stops listing it for this (`endRecheck`). Shares in-flight calls with {@link refresh}.
   */
  recheck(orderId: string): Promise<PaymentRecord | null> {
    const inflight = this.#refreshing.get(orderId);
    if (inflight) return inflight;
    const p = this.#recheck(orderId).finally(() => this.#refreshing.delete(orderId));
    this.#refreshing.set(orderId, p);
    return p;
  }

  async #recheck(orderId: string): Promise<PaymentRecord | null> {
    const { store } = this.#ctx;
    const record = await store.get(orderId);
    // Only a closed order: one in `review` is settled, and `listRecheckDue` never lists it again.
    if (!record || (record.status !== 'expired' && record.status !== 'failed')) return record;
    await store.markChecked(orderId, this.#ctx.now());
    try {
      const data = await this.query(record);
      // Stryker disable next-line StringLiteral: for a closed order every source but 'notification' decides alike
      await this.apply(record, data, 'query');
      // Money (2, 4, 5) has moved it to `review`; HaiPay's own failure or expiry (3) ends the asking
      // here. 0, 1 and -1 may still turn into money (docs/protocol.md §6).
      if (Number(str(data.status)) === 3) await store.endRecheck?.(orderId);
    } catch (err) {
      if (err instanceof HaiPayApiError && err.gatewayCode === '4013') await store.endRecheck?.(orderId);
      else this.#failed('haipay recheck of a closed order failed', orderId, err);
    }
    return this.#stored(orderId);
  }

  /** The order as stored now, its hook started when one is due (the shopper does not wait for it). */
  async #stored(orderId: string): Promise<PaymentRecord | null> {
    const fresh = await this.#ctx.store.get(orderId);
    // Stryker disable next-line ConditionalExpression,LogicalOperator: forRecord claims the hook first, which a record with none due refuses
    if (fresh && hookDue(fresh)) void this.#hooks.forRecord(orderId, 0, fresh);
    return fresh;
  }

  /** Logs a query that failed (the order stays as it was; the next refresh or pass asks again). */
  #failed(message: string, orderId: string, err: unknown): void {
    this.#ctx.options.logger.warn(message, {
      orderId,
      error: (err as Error).name,
      message: (err as Error).message,
    });
  }

  async #refresh(orderId: string, force: boolean): Promise<PaymentRecord | null> {
    const { store, options } = this.#ctx;
    const record = await store.get(orderId);
    if (!record) return null;
    if (isFinalStatus(record.status)) {
      if (hookDue(record)) void this.#hooks.forRecord(orderId);
      return record;
    }
    const now = this.#ctx.now();
    if (!force && record.checkedAt !== null && now - record.checkedAt < options.refreshAfterMs) return record;
    await store.markChecked(orderId, now);
    try {
      if (record.kind === 'subscription') {
        // No subscriptionNo: HaiPay's query needs it, so an unknown apply can only be settled by notification.
        if (!record.orderNo) return record;
        const data = await this.#client.subscriptionQuery({ subscriptionNo: record.orderNo });
        const to = subscriptionStatusFromCode(data.status);
        if (to !== 'unknown') this.#ctx.emit((await store.transition(orderId, to)).record);
      } else {
        await this.apply(record, await this.query(record), 'query');
      }
    } catch (err) {
      if (err instanceof HaiPayApiError && err.gatewayCode === '4013') {
        // "order not exit": an apply that never reached HaiPay. Fail it once the grace period has passed.
        if (record.status === 'unknown' && now - Date.parse(record.createdAt) > options.unknownGraceMs) {
          const failureReason = 'not_created: HaiPay has no such order';
          this.#ctx.emit((await store.transition(orderId, 'failed', { failureReason })).record);
        }
      } else {
        this.#failed('haipay refresh failed', orderId, err);
      }
    }
    return this.#stored(orderId);
  }
}
