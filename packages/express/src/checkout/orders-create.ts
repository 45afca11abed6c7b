/**
 * Creating payments and subscriptions: the browser's body checked (validation.ts) with the resolved
 * order's buyer filled in, the wire request built (wire.ts), the order reserved and applied once per
 * Idempotency-Key (create.ts), and HaiPay's answer turned into the order's first state and `next`
 * step (views.ts). Each create runs in a telemetry span that closes with its outcome.
 */
import type { FieldIssue } from '@haipay-kit/protocol';
import type { HaiPayClient, HaiPayData } from '../client.js';
import { HaiPayValidationError } from '../errors.js';
import type { NewPaymentRecord } from '../store/types.js';
import { PAYMENT_METHODS, type PaymentMethod, type PaymentView, type SubscriptionView } from '../types.js';
import type { CheckoutContext } from './context.js';
import { createOnce } from './create.js';
import type { HookRunner } from './hooks.js';
import { str } from './text.js';
import type { CardMode, CreateResult, RequestContext, ResolvedOrder, ResolvedPlan } from './types.js';
import {
  checkResolved,
  preflight,
  validatePaymentBody,
  validateSubscriptionBody,
  withBuyer,
} from './validation.js';
import { nextFromApply, subscriptionStatusFromCode, toPaymentView, toSubscriptionView } from './views.js';
import { mintOrderId, paymentRequest, subscriptionRequest, type RequestSite } from './wire.js';

/** A create span's closing attributes: its outcome, and failed when HaiPay refused it. */
function createdSpan(result: CreateResult<unknown>) {
  return {
    attributes: { 'haipay.create.outcome': result.outcome, 'haipay.create.replayed': result.replayed },
    failed: result.outcome === 'refused' ? 'refused' : undefined,
  };
}

/** The create flows of one checkout (`HaiPayCheckout.createPayment`, `createSubscription`). */
export class OrderCreation {
  readonly #ctx: CheckoutContext;
  readonly #hooks: HookRunner;

  constructor(ctx: CheckoutContext, hooks: HookRunner) {
    this.#ctx = ctx;
    this.#hooks = hooks;
  }

  get #client(): HaiPayClient {
    return this.#ctx.options.client;
  }

  /** See `HaiPayCheckout.createPayment`. */
  payment(
    body: Record<string, unknown>,
    resolved: ResolvedOrder,
    ctx: RequestContext,
    idempotencyKey: string,
  ): Promise<CreateResult<PaymentView>> {
    // The browser's method only when it is one (the attribute's values stay few and hold no input).
    const method = (PAYMENT_METHODS as readonly unknown[]).includes(body.method)
      ? str(body.method)
      : 'invalid';
    const attributes = { 'haipay.payment.kind': 'payment', 'haipay.payment.method': method };
    return this.#ctx.telemetry.inSpan(
      'haipay create payment',
      attributes,
      () => this.#payment(body, resolved, ctx, idempotencyKey, mintOrderId()),
      createdSpan,
    );
  }

  /** See `HaiPayCheckout.createSubscription`. */
  subscription(
    body: Record<string, unknown>,
    resolved: ResolvedPlan,
    ctx: RequestContext,
    idempotencyKey: string,
  ): Promise<CreateResult<SubscriptionView>> {
    const attributes = { 'haipay.payment.kind': 'subscription', 'haipay.payment.method': 'card' };
    return this.#ctx.telemetry.inSpan(
      'haipay create subscription',
      attributes,
      () => this.#subscription(body, resolved, ctx, idempotencyKey, mintOrderId('hps_')),
      createdSpan,
    );
  }

  /** `next` for an apply answer; logs a payment page address the browser must not be sent to. */
  #next(orderId: string, data: HaiPayData) {
    const { options } = this.#ctx;
    const next = nextFromApply(data, !options.production);
    const payUrl = str(data.payUrl);
    if (payUrl && next.type === 'wait') {
      options.logger.error('haipay payUrl refused: not an address the browser may be sent to', {
        orderId,
        scheme: payUrl.split(':', 1)[0]?.slice(0, 20),
      });
    }
    return next;
  }

  async #payment(
    body: Record<string, unknown>,
    resolved: ResolvedOrder,
    ctx: RequestContext,
    idempotencyKey: string,
    orderId: string,
  ): Promise<CreateResult<PaymentView>> {
    const order = checkResolved(resolved, 'resolveOrder');
    const method = body.method as PaymentMethod;
    const request = paymentRequest(method, order, this.#site(body, order, ctx, orderId, validatePaymentBody));
    preflight(request, this.#client);
    const windowMs = this.#ctx.options.expiresAfterMs[method];
    return createOnce(this.#ctx, this.#hooks, {
      scope: 'payments',
      idempotencyKey,
      body,
      record: this.#reserved('payment', orderId, request.merchant, method, order, body.orderRef),
      view: toPaymentView,
      apply: (sendAfter) =>
        method === 'cashier'
          ? this.#client.cashierApply(request.params, { sendAfter })
          : this.#client.collectApply(request.merchant, request.params, { sendAfter }),
      accepted: (data) => ({
        patch: {
          orderNo: str(data.orderNo) || null,
          next: this.#next(orderId, data),
          ...(windowMs ? { expiresAt: new Date(this.#ctx.now() + windowMs).toISOString() } : {}),
        },
        status: 'pending',
      }),
      resume: (reserved) => this.#payment(body, resolved, ctx, idempotencyKey, reserved),
    });
  }

  async #subscription(
    body: Record<string, unknown>,
    resolved: ResolvedPlan,
    ctx: RequestContext,
    idempotencyKey: string,
    orderId: string,
  ): Promise<CreateResult<SubscriptionView>> {
    const plan = checkResolved(resolved, 'resolvePlan');
    const request = subscriptionRequest(plan, this.#site(body, plan, ctx, orderId, validateSubscriptionBody));
    preflight(request, this.#client);
    return createOnce(this.#ctx, this.#hooks, {
      scope: 'subscriptions',
      idempotencyKey,
      body,
      record: this.#reserved('subscription', orderId, request.merchant, 'card', plan, body.planRef),
      view: toSubscriptionView,
      apply: (sendAfter) => this.#client.subscriptionApply(request.params, { sendAfter }),
      accepted: (data) => {
        const to = subscriptionStatusFromCode(data.status);
        return {
          patch: { orderNo: str(data.subscriptionNo) || null, next: this.#next(orderId, data) },
          status: to === 'unknown' ? 'pending' : to,
        };
      },
      resume: (reserved) => this.#subscription(body, resolved, ctx, idempotencyKey, reserved),
    });
  }

  /**
   * Where the wire request is made, after the field checks: the buyer's fields with the resolved
   * order's `buyer` filled in. The Idempotency-Key stays bound to what the browser sent (`body`);
   * HaiPay gets `input`.
   */
  #site<T extends ResolvedOrder>(
    body: Record<string, unknown>,
    order: T,
    ctx: RequestContext,
    orderId: string,
    validate: (input: Record<string, unknown>, order: T, cardMode: CardMode) => FieldIssue[],
  ): RequestSite {
    const input = withBuyer(body, order);
    const cardMode = this.#ctx.options.cardMode ?? 'hosted';
    const issues = validate(input, order, cardMode);
    if (issues.length > 0) throw new HaiPayValidationError('Some fields are invalid.', issues);
    const { publicBaseUrl } = this.#ctx.options;
    return { input, body, ctx, orderId, publicBaseUrl, config: this.#client.config, cardMode };
  }

  /** The record a create reserves before calling HaiPay: `unknown` until HaiPay answers. */
  #reserved(
    kind: NewPaymentRecord['kind'],
    orderId: string,
    merchant: NewPaymentRecord['merchant'],
    method: NewPaymentRecord['method'],
    order: ResolvedOrder,
    orderRef: unknown,
  ): NewPaymentRecord {
    return {
      orderId,
      kind,
      merchant,
      method,
      amount: order.amount,
      currency: order.currency,
      subject: order.subject,
      orderRef: typeof orderRef === 'string' ? orderRef : null,
      buyerId: order.buyerId,
      status: 'unknown',
      orderNo: null,
      next: null,
      expiresAt: null,
      failureReason: null,
      returnUrl: order.returnUrl ?? this.#ctx.options.returnUrl,
      metadata: order.metadata ?? {},
    };
  }
}
