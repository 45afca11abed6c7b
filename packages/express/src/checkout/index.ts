/**
 * `HaiPayCheckout` — the checkout core behind the router: creates orders, applies notifications and
 * query results to the store (forward only), runs merchant hooks exactly once per state, and feeds the
 * status streams. The router is a thin HTTP layer over it; the reconciler and benchmarks call it too.
 *
 * The work lives in small rooms, each with one job: validation.ts (the checks before any gateway call),
 * wire.ts (the requests HaiPay gets), create.ts (creating once), decide.ts (the money decision, pure),
 * orders-create.ts (the payment and subscription create flows), settlement.ts (carrying decisions out,
 * queries), hooks.ts (exactly-once hooks), notifications.ts and payouts.ts (what HaiPay tells us),
 * views.ts (what the browser sees). This class wires them together.
 */
import { EventEmitter } from 'node:events';
import type { HaiPayClient } from '../client.js';
import { HaiPayApiError, HaiPayNotConfirmedError, HaiPayNotFoundError } from '../errors.js';
import { Telemetry } from '../metrics.js';
import type { PaymentRecord, PaymentStore, TransferRecord } from '../store/types.js';
import { isFinalStatus, type PaymentView, type SubscriptionView } from '../types.js';
import type { CheckoutContext } from './context.js';
import { HookRunner, type HookState } from './hooks.js';
import { Notifications } from './notifications.js';
import { OrderCreation } from './orders-create.js';
import { readBalance, type Balance } from './balance.js';
import { createPayout, payoutDriver, type PayoutRequest } from './payouts-create.js';
import { settleTransfers, TransferFlow } from './refunds-and-payouts.js';
import { refundDriver, refundOrder, type RefundOptions } from './refunds.js';
import { Settlement } from './settlement.js';
import type {
  CheckoutOptions,
  CreateResult,
  NotificationResult,
  RejectedNotification,
  RequestContext,
  ResolvedOrder,
  ResolvedPlan,
} from './types.js';

export * from './types.js';
export { nextFromApply, toPaymentView, toSubscriptionView } from './views.js';
export { mintOrderId, requestHash } from './wire.js';
export { validatePaymentBody, validateSubscriptionBody } from './validation.js';
export type { HookState } from './hooks.js';
export type { Balance } from './balance.js';
export type { PayoutRequest } from './payouts-create.js';
export type { RefundOptions } from './refunds.js';

/**
 * The checkout core. Build it through `createHaiPayRouter` (which validates options); use it directly
 * for server-side flows, the reconciler and benchmarks.
 */
export class HaiPayCheckout {
  readonly options: CheckoutOptions;
  /** Emits `change` with the {@link PaymentRecord} after every visible change this process made. */
  readonly events = new EventEmitter();
  readonly #ctx: CheckoutContext;
  readonly #hooks: HookRunner;
  readonly #creation: OrderCreation;
  readonly #settlement: Settlement;
  readonly #notifications: Notifications;
  readonly #transfers: Readonly<Record<TransferRecord['kind'], TransferFlow>>;

  constructor(options: CheckoutOptions) {
    this.options = options;
    this.events.setMaxListeners(0);
    const ctx: CheckoutContext = {
      options,
      get store() {
        return options.store;
      },
      now: () => (options.now ? options.now() : Date.now()),
      leaseNow: () => (options.now ? options.now() : undefined),
      emit: (record) => {
        if (record) this.events.emit('change', record);
      },
      telemetry: new Telemetry(options),
    };
    this.#hooks = new HookRunner(ctx);
    this.#creation = new OrderCreation(ctx, this.#hooks);
    this.#settlement = new Settlement(ctx, options.client, this.#hooks);
    this.#notifications = new Notifications(ctx, options.client, this.#hooks, this.#settlement);
    this.#transfers = {
      refund: new TransferFlow(ctx, this.#hooks, refundDriver(options.client)),
      payout: new TransferFlow(ctx, this.#hooks, payoutDriver(options.client)),
    };
    this.#ctx = ctx;
  }

  get store(): PaymentStore {
    return this.options.store;
  }

  get #client(): HaiPayClient {
    return this.options.client;
  }

  /**
   * Creates a payment: validates, stores the order with its idempotency key (`unknown` until HaiPay
   * answers), calls apply once, and stores the outcome. Card fields are used for the one call and never
   * stored. Throws `HaiPayValidationError` (bad fields) or `HaiPayIdempotencyError`.
   */
  async createPayment(
    body: Record<string, unknown>,
    resolved: ResolvedOrder,
    ctx: RequestContext,
    idempotencyKey: string,
  ): Promise<CreateResult<PaymentView>> {
    return this.#creation.payment(body, resolved, ctx, idempotencyKey);
  }

  /** Creates a USD card subscription (`/subscription/apply`, PCI fields). Same idempotency rules as payments. */
  async createSubscription(
    body: Record<string, unknown>,
    resolved: ResolvedPlan,
    ctx: RequestContext,
    idempotencyKey: string,
  ): Promise<CreateResult<SubscriptionView>> {
    return this.#creation.subscription(body, resolved, ctx, idempotencyKey);
  }

  /**
   * Cancels a subscription at HaiPay and records it. Authorization is the router's job. Throws
   * `HaiPayNotFoundError` for an unknown id, and `HaiPayNotConfirmedError` while HaiPay has not yet
   * confirmed the subscription (no `subscriptionNo` to cancel; nothing is sent).
   */
  async cancelSubscription(orderId: string): Promise<PaymentRecord> {
    const record = await this.store.get(orderId);
    if (!record || record.kind !== 'subscription') throw new HaiPayNotFoundError('No such subscription.');
    if (isFinalStatus(record.status)) return record;
    if (!record.orderNo)
      throw new HaiPayNotConfirmedError('Subscription not confirmed by HaiPay yet; try again shortly.');
    try {
      await this.#client.subscriptionCancel({ subscriptionNo: record.orderNo });
    } catch (err) {
      // 4014 "order is already end status": HaiPay already considers it ended; the query tells how.
      if (!(err instanceof HaiPayApiError && err.gatewayCode === '4014')) throw err;
      return (await this.refresh(orderId, { force: true })) ?? record;
    }
    const t = await this.store.transition(orderId, 'cancelled');
    this.#ctx.emit(t.record);
    void this.#hooks.forRecord(orderId);
    return t.record ?? record;
  }

  /**
   * Refunds a paid USD card payment in full — or, for a subscription, the deduction `deductNo` — once
   * per `idempotencyKey` (the same key gives back the same refund; with another order, reason or
   * deduction it is `HaiPayIdempotencyError`). Refused with `HaiPayRefundError` before any refund call
   * when the order (or deduction) is not found, not paid, already refunded (or being refunded) or not
   * refundable by HaiPay. Resolves with the refund as stored:
   * `pending`, `succeeded`, `failed` (HaiPay refused it: `failureReason`), or `unknown` (HaiPay's answer
   * was lost; the reconciler settles it by query). `onRefundSucceeded`/`onRefundFailed` run once.
   * Authorization is the caller's job.
   */
  refund(orderId: string, options: RefundOptions): Promise<TransferRecord> {
    return refundOrder(this.#ctx, this.#client, this.#transfers.refund, orderId, options);
  }

  /**
   * Pays out once per `idempotencyKey`, after the protocol's field rules for the currency
   * (`HaiPayValidationError` otherwise, before anything is written). The payout's notifications come
   * to this router's `/notify`; it is settled by them or by the reconciler's pay query, and
   * `onPayoutSucceeded`/`onPayoutFailed` run once. Resolves with the payout as stored (see `refund`).
   */
  payout(request: PayoutRequest, options: { idempotencyKey: string }): Promise<TransferRecord> {
    return createPayout(this.#ctx, this.#client, this.#transfers.payout, request, options);
  }

  /** One merchant account's balances (`THB`, `USD`, …) as HaiPay reports them: decimal strings. */
  balance(currency: string): Promise<Balance> {
    return readBalance(this.#client, currency);
  }

  /**
   * A refund or payout as stored; with `refresh`, HaiPay is asked first when it is not final (the
   * answer applied as the reconciler would).
   */
  async transfer(transferId: string, options: { refresh?: boolean } = {}): Promise<TransferRecord | null> {
    const t = await this.store.getTransfer(transferId);
    return t && options.refresh ? this.#transfers[t.kind].settleQuietly(t) : t;
  }

  /** Settles up to `limit` refunds and payouts that are not final (the reconciler's pass calls it). */
  reconcileTransfers(limit = 100): Promise<number> {
    return settleTransfers(this.#ctx, this.#transfers, limit);
  }

  /**
   * Queries HaiPay for a non-final order — with `closed`, a payment the kit closed, for late money — and
   * applies the answer. Concurrent calls for one order share one query; without `force`, an order checked
   * within `refreshAfterMs` is not queried again. Hooks the refresh makes due are started, not awaited.
   */
  refresh(
    orderId: string,
    options: { force?: boolean; closed?: boolean } = {},
  ): Promise<PaymentRecord | null> {
    if (options.closed) return this.#settlement.recheck(orderId);
    return this.#settlement.refresh(orderId, options.force ?? false);
  }

  /**
   * Runs the merchant hook for the record's current status unless it completed already (the store's
   * claim makes it once across processes), waiting for it at most `waitMs`.
   */
  runHooks(orderId: string, waitMs = 0): Promise<HookState> {
    return this.#hooks.forRecord(orderId, waitMs);
  }

  /** Hooks whose state changed (or event arrived) but did not complete (crash, throw): run them now. */
  runPendingHooks(limit = 100): Promise<void> {
    return this.#hooks.runPending(limit);
  }

  /** Waits up to `timeoutMs` for hooks still running in the background (the router's `close()` does). */
  settle(timeoutMs: number): Promise<void> {
    return this.#hooks.settle(timeoutMs);
  }

  /**
   * The last few notification bodies that were refused before being believed (bad signature,
   * ambiguous values): kept in memory only, truncated, for diagnosing a misconfigured key or secret.
   * They are never written to the store, so a flood of forged posts costs no disk.
   */
  get rejectedNotifications(): readonly RejectedNotification[] {
    return this.#notifications.rejected;
  }

  /** Handles one notification body (raw text); see notifications.ts. docs/protocol.md §2.6. */
  async handleNotification(rawBody: string): Promise<NotificationResult> {
    const { telemetry } = this.#ctx;
    const result = await telemetry.inSpan(
      'haipay notification',
      {},
      () => this.#notifications.handle(rawBody),
      (r) => ({
        attributes: { 'haipay.notification.outcome': r.outcome, 'haipay.notification.acknowledged': r.ack },
        // Not acknowledged: HaiPay delivers it again.
        failed: r.ack ? undefined : r.outcome,
      }),
    );
    telemetry.countNotification(result.outcome, result.ack);
    return result;
  }
}
