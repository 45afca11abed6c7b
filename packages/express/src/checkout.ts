/**
 * `HaiPayCheckout` — the checkout core behind the router: creates orders, applies notifications and
 * query results to the store (forward only), runs merchant hooks exactly once per state, and feeds the
 * status streams. The router is a thin HTTP layer over it; the reconciler and benchmarks call it too.
 */
import { EventEmitter } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import {
  ambiguousSignedKeys,
  collectNotificationSchema,
  compareDecimal,
  deductionNotificationSchema,
  ENDPOINTS,
  isDecimalString,
  orderMayExist,
  payoutNotificationSchema,
  subscriptionNotificationSchema,
  toPlain,
  validateRequest,
  type EndpointId,
  type FieldIssue,
  type LosslessObject,
} from '@haipay-kit/protocol';
import {
  isFollowableUrl,
  validateAmount,
  validateCardNumber,
  validateCvv,
  validateEmail,
  validateExpiry,
  validateName,
  validatePartnerUserId,
  validatePhone,
  isCurrency,
  isCashierCurrencyAllowed,
  type Currency,
} from '@haipay-kit/protocol/rules';
import type { CollectQueryData, HaiPayClient, HaiPayData } from './client.js';
import {
  HaiPayApiError,
  HaiPayConfigError,
  HaiPayError,
  HaiPayOutcomeUnknownError,
  HaiPaySignatureError,
  HaiPayValidationError,
} from './errors.js';
import { decide } from './decide.js';
import type { Logger } from './logger.js';
import { CASHIER_DEFAULT_REGION, wireMethodFor } from './methods.js';
import type {
  HookEvent,
  NewPaymentRecord,
  PaymentPatch,
  PaymentRecord,
  PaymentStore,
} from './store/types.js';
import {
  isFinalStatus,
  PAYMENT_METHODS,
  type NextAction,
  type PaymentMethod,
  type PaymentStatus,
  type PaymentView,
  type RecordStatus,
  type SubscriptionStatus,
  type SubscriptionView,
} from './types.js';

/** The merchant's server-side answer for a checkout: the browser never sets money. */
export interface ResolvedOrder {
  /** Amount as a decimal string in the currency's HaiPay format (`"100.00"` THB/USD, `"500"` TWD). */
  amount: string;
  /** ISO currency: `THB`, `TWD`, `USD` or `VND`. */
  currency: string;
  /** What the buyer pays for (HaiPay `subject`). */
  subject: string;
  /** Your id for the buyer (HaiPay `partnerUserId`, for risk control). */
  buyerId: string;
  /**
   * The buyer's contact details, when your server already has them (a signed-in customer, or the
   * address step of your checkout). Each fills in the field the browser left empty, so
   * `<haipay-qr order-ref>` and `<haipay-bank-transfer order-ref>` can start a payment with no form at
   * all. The browser's non-empty value wins (on a card, `name` is the cardholder's). Each is checked
   * by the same rules as the browser's value; a bad one is a 400 on that field.
   */
  buyer?: { name?: string; email?: string; phone?: string };
  /** Where the return route sends the browser (defaults to the router's `returnUrl`). */
  returnUrl?: string;
  /** Global cashier only: `TH`, `TW` or `US` (default from the currency). */
  region?: string;
  /** Optional HaiPay `body` remark. */
  remark?: string;
  /** Your data, kept with the order and passed to hooks. Strings only. */
  metadata?: Record<string, string>;
}

/** The merchant's answer for a subscription plan (`planRef`). USD card only (docs/protocol.md §3.5). */
export interface ResolvedPlan extends ResolvedOrder {
  /** `D`, `W`, `M` or `Y`. */
  recurringInterval: 'D' | 'W' | 'M' | 'Y';
  recurringIntervalCount: number;
  recurringMaxNumber: number;
  /** Your website URL (HaiPay `website`). */
  website: string;
  /** HaiPay `country` (default `US`). */
  country?: string;
  /** Retries of a failed deduction (default 3). */
  retryTimes?: number;
}

/** What the merchant hooks receive: the stored order (never card data). */
export type PaymentEvent = Readonly<PaymentRecord>;

/** Merchant hooks. Each runs once per state (retried if it throws); make them idempotent on `orderId` anyway. */
export interface CheckoutHooks {
  /** The payment is paid in full (verified, cross-checked). Fulfil the order here. */
  onPaymentSucceeded?(payment: PaymentEvent): unknown;
  /** The payment failed (final). */
  onPaymentFailed?(payment: PaymentEvent): unknown;
  /** The payment expired unpaid (final). */
  onPaymentExpired?(payment: PaymentEvent): unknown;
  /**
   * A notification or query disagreed with the stored order (orderNo, amount, currency, or a partial
   * payment): NOT credited; the order stays open (`processing`, `failureReason` "review: …"). Review by hand.
   */
  onPaymentMismatch?(payment: PaymentEvent, details: { notified: HaiPayData; reason: string }): unknown;
  /**
   * Money arrived for an order the kit had already closed (`expired` or `failed` — e.g. a QR paid
   * after its window, or a success after a failure). The order is now `review` (final) and was NOT
   * credited: fulfil it anyway, or refund the buyer. Runs exactly once per order, like the other hooks;
   * `payment.failureReason` says what happened ("late payment: paid after the order was expired; …").
   */
  onLatePayment?(payment: PaymentEvent): unknown;
  /** A subscription became active, failed or was cancelled. */
  onSubscriptionChange?(subscription: PaymentEvent): unknown;
  /** A subscription deduction was notified: once per deduction (`deductNo`) and status. */
  onSubscriptionDeduction?(subscription: PaymentEvent, deduction: HaiPayData): unknown;
  /**
   * A payout you made with `client.payApply` (its `notifyUrl` pointing at this router's `/notify`) was
   * paid: HaiPay notified it and its own pay query agrees on status and amount. Once per payout.
   */
  onPayoutSucceeded?(payout: PayoutEvent): unknown;
  /** A payout failed (final; the money is back in your balance). `payout.errorMsg` says why. Once per payout. */
  onPayoutFailed?(payout: PayoutEvent): unknown;
  /**
   * A payout notification disagreed with HaiPay's own pay query (status, amount, `orderNo` or
   * currency): neither `onPayoutSucceeded` nor `onPayoutFailed` ran for it. `payout` is what the query
   * says; `notified` what the notification said. Review by hand. Once per payout, notified status and reason.
   */
  onPayoutMismatch?(payout: PayoutEvent, details: { notified: HaiPayData; reason: string }): unknown;
}

/**
 * What the payout hooks receive: a payout HaiPay reported final (reference §7.2). The kit keeps no
 * payout records of its own; this is the verified notification, cross-checked with HaiPay's pay query.
 */
export interface PayoutEvent {
  /** Your payout id: the `orderId` you gave `payApply`. */
  orderId: string;
  /** HaiPay's payout number. */
  orderNo: string;
  /** The configured merchant (appId) that paid out, e.g. `THB`. */
  merchant: string;
  currency: string;
  /** The amount paid out, as HaiPay's decimal text (`"250.00"`). */
  amount: string;
  /** HaiPay's fee, when reported. */
  fee: string | null;
  status: 'succeeded' | 'failed';
  /** When it was paid (HaiPay's local time, `yyyy-MM-dd HH:mm:ss`), for `succeeded`. */
  payTime: string | null;
  /** HaiPay's reason, for `failed`. */
  errorMsg: string | null;
  /** The verified notification, every field HaiPay sent (without `sign`). */
  notified: HaiPayData;
}

/** Request facts the checkout needs from HTTP (PCI-direct fields, return URLs). */
export interface RequestContext {
  /** Buyer IP (HaiPay `customerIp`). */
  ip: string;
  userAgent: string;
  /** The buyer's payment page (HaiPay `referer`). */
  referer: string;
}

/** Options for {@link HaiPayCheckout}. */
export interface CheckoutOptions {
  client: HaiPayClient;
  store: PaymentStore;
  logger: Logger;
  hooks: CheckoutHooks;
  /** Public URL where the router is mounted, e.g. `https://shop.example/haipay`. */
  publicBaseUrl: string;
  /** Default page the return route sends the browser to. */
  returnUrl: string;
  /** Payment window per method in ms (sets `expiresAt`); an order past it that HaiPay still reports unpaid expires. */
  expiresAfterMs: Partial<Record<PaymentMethod, number>>;
  /** A non-final order is re-queried when its last check is older than this. */
  refreshAfterMs: number;
  /** An `unknown` order that HaiPay says does not exist is failed after this long. */
  unknownGraceMs: number;
  /**
   * Hook claim lease: a running hook renews it every third of this time, so only a hook whose process
   * died (or stalled for this long) is run again.
   */
  hookLeaseMs: number;
  /** How long `/notify` waits for a merchant hook before answering (the hook then finishes in the background). */
  hookWaitMs: number;
  /** Production: only `https:` payment pages are followed (`http:` too otherwise, for a local sandbox). */
  production?: boolean;
  /** `always`: confirm every success notification by query before crediting. Default `on-mismatch`. */
  confirmByQuery: 'always' | 'on-mismatch';
}

/** The outcome of creating a payment or subscription: the HTTP status and the body to send. */
export interface CreateResult<V> {
  httpStatus: 200 | 201 | 202 | 502;
  view: V;
  /** For 502: the gateway error. */
  gatewayError?: { code: string; message: string };
}

/** Raised for `409`: the idempotency key was used with another body. */
export class IdempotencyConflictError extends HaiPayError {
  override name = 'IdempotencyConflictError';
}

/** Result of handling one notification. */
export interface NotificationResult {
  /** True when the kit may answer `SUCCESS` (the change is durable; the hook completed or is still running). */
  ack: boolean;
  httpStatus: number;
  outcome: string;
  orderId: string | null;
}

/** Wire fields the browser supplied, by the body key the browser used (docs/contracts.md). */
const WIRE_TO_BODY: Readonly<Record<string, string>> = {
  name: 'name',
  email: 'email',
  phone: 'phone',
  accountNo: 'cardNumber',
  expiryMonth: 'expiryMonth',
  expiryYear: 'expiryYear',
  cvv: 'cvv',
  amount: 'amount',
};

const FINAL_HOOK_STATUSES: readonly RecordStatus[] = [
  'succeeded',
  'failed',
  'expired',
  'review',
  'active',
  'cancelled',
];
const CARD_METHODS = new Set(['card']);

/** Mints a merchant order id: `hp_` + 22 url-safe characters (HaiPay allows 48). Unguessable, so it doubles as a capability. */
export function mintOrderId(prefix = 'hp_'): string {
  return prefix + randomBytes(16).toString('base64url');
}

/**
 * Hash of a request body for idempotency matching. Card number and CVV are left out (only the last four
 * digits of the card count), so the stored hash can never be brute-forced back into a card.
 */
export function requestHash(scope: string, body: Record<string, unknown>): string {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(body).sort()) {
    if (key === 'cardNumber' || key === 'cvv') continue;
    copy[key] = body[key];
  }
  if (typeof body.cardNumber === 'string') copy.cardLast4 = body.cardNumber.replace(/\D/g, '').slice(-4);
  return createHash('sha256').update(scope).update('\u0000').update(JSON.stringify(copy)).digest('hex');
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function issue(field: string, code: string, message: string): FieldIssue {
  return { field, code, message } as FieldIssue;
}

/**
 * Derives `next` from an apply answer: QR payload, bank details, redirect URL, or wait. A `payUrl` is
 * offered as a redirect only when the browser may follow it (`isFollowableUrl`: `https:`, or `http:`
 * when `allowHttp`); a `javascript:` or otherwise unsafe address becomes `wait`, never a redirect.
 */
export function nextFromApply(data: HaiPayData, allowHttp = false): NextAction {
  const qr = str(data.qrCode);
  if (qr) return { type: 'qr', payload: qr };
  const bankNo = str(data.bankNo);
  if (bankNo) {
    const next: NextAction = { type: 'bank', bankNo, bankCode: str(data.bankCode) };
    if (str(data.bankName)) next.bankName = str(data.bankName);
    if (str(data.bankUserName)) next.accountName = str(data.bankUserName);
    const reference = str(data.description) || str(data.referenceCode);
    if (reference) next.reference = reference;
    return next;
  }
  const payUrl = str(data.payUrl);
  if (payUrl && isFollowableUrl(payUrl, allowHttp)) return { type: 'redirect', url: payUrl };
  return { type: 'wait' };
}

/** The browser view of a stored payment (no buyer data, no metadata, no secrets). */
export function toPaymentView(r: PaymentRecord): PaymentView {
  const view: PaymentView = {
    orderId: r.orderId,
    orderNo: r.orderNo,
    status: r.status as PaymentStatus,
    method: r.method,
    amount: r.amount,
    currency: r.currency,
    subject: r.subject,
    next: isFinalStatus(r.status) ? { type: 'wait' } : (r.next ?? { type: 'wait' }),
    failureReason: r.failureReason,
    updatedAt: r.updatedAt,
  };
  if (r.expiresAt) view.expiresAt = r.expiresAt;
  return view;
}

/** The browser view of a stored subscription. */
export function toSubscriptionView(r: PaymentRecord): SubscriptionView {
  return {
    subscriptionId: r.orderId,
    subscriptionNo: r.orderNo,
    status: r.status as SubscriptionStatus,
    amount: r.amount,
    currency: r.currency,
    subject: r.subject,
    next: isFinalStatus(r.status) || r.status === 'active' ? { type: 'wait' } : (r.next ?? { type: 'wait' }),
    failureReason: r.failureReason,
    updatedAt: r.updatedAt,
  };
}

/** HaiPay subscription status (string) → kit status. */
export function subscriptionStatusToKit(code: unknown): SubscriptionStatus {
  switch (str(code)) {
    case '1':
    case '-1':
      return 'pending';
    case '2':
      return 'active';
    case '3':
      return 'failed';
    case '4':
      return 'cancelled';
    default:
      return 'unknown';
  }
}

/**
 * The checkout core. Build it through `createHaiPayRouter` (which validates options); use it directly
 * for server-side flows, the reconciler and benchmarks.
 */
export class HaiPayCheckout {
  readonly options: CheckoutOptions;
  /** Emits `change` with the {@link PaymentRecord} after every visible change this process made. */
  readonly events = new EventEmitter();
  readonly #refreshing = new Map<string, Promise<PaymentRecord | null>>();
  readonly #runningHooks = new Set<Promise<unknown>>();
  readonly #renewers = new Set<NodeJS.Timeout>();
  readonly #rejected: RejectedNotification[] = [];

  constructor(options: CheckoutOptions) {
    this.options = options;
    this.events.setMaxListeners(0);
  }

  get store(): PaymentStore {
    return this.options.store;
  }

  #emit(record: PaymentRecord | null): void {
    if (record) this.events.emit('change', record);
  }

  /** Validates the browser body for a payment and returns per-field issues (empty when valid). */
  validatePaymentBody(body: Record<string, unknown>, order: ResolvedOrder | null): FieldIssue[] {
    const issues: FieldIssue[] = [];
    const method = body.method;
    if (method === undefined || method === '')
      issues.push(issue('method', 'required', 'Choose a payment method.'));
    else if (!(PAYMENT_METHODS as readonly unknown[]).includes(method)) {
      issues.push(
        issue('method', 'not_allowed', `Unknown method; use one of ${PAYMENT_METHODS.join(', ')}.`),
      );
    }
    if (body.orderRef !== undefined && (typeof body.orderRef !== 'string' || body.orderRef.length > 100)) {
      issues.push(
        issue('orderRef', 'invalid_format', 'orderRef must be a string of at most 100 characters.'),
      );
    }
    for (const key of ['name', 'email', 'phone', 'cardNumber', 'expiryMonth', 'expiryYear', 'cvv'] as const) {
      if (body[key] !== undefined && typeof body[key] !== 'string') {
        issues.push(issue(key, 'invalid_format', `${key} must be a string.`));
      }
    }
    if (issues.length > 0 || !order) return issues;
    const currency = order.currency as Currency;
    const m = method as PaymentMethod;
    const add = (field: string, r: { code: string; message: string } | null) => {
      if (r) issues.push(issue(field, r.code, r.message));
    };
    add('name', validateName(currency, str(body.name)));
    add('email', validateEmail(str(body.email)));
    // docs/protocol.md §6: phone is optional on the PCI card API.
    if (!CARD_METHODS.has(m) || str(body.phone) !== '')
      add('phone', validatePhone(currency, str(body.phone)));
    if (m === 'card') {
      add('cardNumber', validateCardNumber(str(body.cardNumber)));
      const exp = validateExpiry(str(body.expiryMonth), str(body.expiryYear));
      if (exp)
        add(/month/i.test(exp.message) && !/year/i.test(exp.message) ? 'expiryMonth' : 'expiryYear', exp);
      add('cvv', validateCvv(str(body.cvv)));
    } else {
      for (const key of ['cardNumber', 'expiryMonth', 'expiryYear', 'cvv'] as const) {
        if (body[key] !== undefined)
          issues.push(issue(key, 'not_allowed', 'Card fields are only for method "card".'));
      }
    }
    if (m === 'cashier') {
      add('amount', validateAmount(currency, order.amount));
    } else {
      const wire = wireMethodFor(m, currency);
      if (!wire) {
        issues.push(issue('method', 'not_allowed', `Method "${m}" is not available for ${currency} orders.`));
      } else {
        add('amount', validateAmount(currency, order.amount, { min: wire.min, max: wire.max }));
      }
    }
    return issues;
  }

  /** Calls `resolveOrder`'s result through basic checks; throws a config error naming the fix. */
  checkResolved<T extends ResolvedOrder>(order: T, hook: string): T {
    if (!order || typeof order !== 'object')
      throw new HaiPayConfigError(`${hook}: must return { amount, currency, subject, buyerId }.`);
    if (typeof order.amount !== 'string') {
      throw new HaiPayConfigError(
        `${hook}: amount must be a decimal string such as "100.00" (got ${typeof order.amount}); never a float.`,
      );
    }
    if (!isCurrency(order.currency))
      throw new HaiPayConfigError(
        `${hook}: currency must be THB, TWD, USD or VND (got ${String(order.currency)}).`,
      );
    if (typeof order.subject !== 'string' || order.subject.trim() === '')
      throw new HaiPayConfigError(`${hook}: subject is required.`);
    const buyer = validatePartnerUserId(str(order.buyerId));
    if (buyer) throw new HaiPayConfigError(`${hook}: buyerId ${buyer.message}`);
    if (order.buyer !== undefined) {
      const b = order.buyer as Record<string, unknown> | null;
      if (!b || typeof b !== 'object')
        throw new HaiPayConfigError(`${hook}: buyer must be { name?, email?, phone? }.`);
      for (const key of ['name', 'email', 'phone'] as const) {
        if (b[key] !== undefined && typeof b[key] !== 'string')
          throw new HaiPayConfigError(`${hook}: buyer.${key} must be a string.`);
      }
    }
    return order;
  }

  /** The browser's body with `name`, `email` and `phone` filled in from `order.buyer` where it sent none. */
  #withBuyer(body: Record<string, unknown>, order: ResolvedOrder): Record<string, unknown> {
    if (!order.buyer) return body;
    const out = { ...body };
    for (const key of ['name', 'email', 'phone'] as const) {
      const given = order.buyer[key];
      if (given !== undefined && (out[key] === undefined || out[key] === '')) out[key] = given;
    }
    return out;
  }

  /** `next` for an apply answer; logs a payment page address the browser must not be sent to. */
  #next(orderId: string, data: HaiPayData): NextAction {
    const next = nextFromApply(data, !this.options.production);
    const payUrl = str(data.payUrl);
    if (payUrl && next.type === 'wait') {
      this.options.logger.error('haipay payUrl refused: not an address the browser may be sent to', {
        orderId,
        scheme: payUrl.split(':', 1)[0]?.slice(0, 20),
      });
    }
    return next;
  }

  #urls(orderId: string): { notifyUrl: string; callBackUrl: string; callBackFailUrl: string } {
    const base = this.options.publicBaseUrl;
    return {
      notifyUrl: `${base}/notify`,
      // No `?result=`: an `=` would make the string to sign ambiguous (docs/protocol.md §2.5).
      callBackUrl: `${base}/return/${orderId}`,
      callBackFailUrl: `${base}/return/${orderId}/fail`,
    };
  }

  async #replay<V>(
    res: { key: { orderId: string; responseStatus: number | null } },
    view: (r: PaymentRecord) => V,
  ): Promise<CreateResult<V>> {
    const record = await this.store.get(res.key.orderId);
    if (!record) throw new HaiPayError('Idempotency key points at a missing order.');
    // Still in flight on another request (or instance): 202 with the order, like an unknown outcome.
    const status = (res.key.responseStatus ?? 202) as CreateResult<V>['httpStatus'];
    const out: CreateResult<V> = { httpStatus: status === 201 ? 200 : status, view: view(record) };
    if (status === 502) {
      const [code, ...rest] = (record.failureReason ?? 'gateway: error').split(': ');
      out.gatewayError = { code: code ?? 'gateway', message: rest.join(': ') };
    }
    return out;
  }

  /**
   * Stores the idempotency key and the new order together (`store.createIdempotent`), so a duplicate
   * racing on any instance always finds the order its key names and is answered with it: a replay, or
   * `202` while the first request is still waiting for HaiPay. Never an error for a payment that exists.
   *
   * A key without its order can only be left by a process that died between the two writes of an older
   * version of the kit (or a store without an atomic create): it is provably abandoned, since no writer
   * can still be about to add the order, and the retry takes it over under the reserved id, which
   * HaiPay never saw. Of two retries taking over at once, one insert wins and the other replays.
   */
  async #createIdempotent<V>(
    scope: 'payments' | 'subscriptions',
    idempotencyKey: string,
    body: Record<string, unknown>,
    record: NewPaymentRecord,
    view: (r: PaymentRecord) => V,
  ): Promise<{ created: PaymentRecord } | { replay: CreateResult<V> } | { resumeAs: string }> {
    const key = { scope, key: idempotencyKey, requestHash: requestHash(scope, body) };
    const res = await this.store.createIdempotent(key, record);
    if (res.outcome === 'created') return { created: res.record };
    if (res.outcome === 'conflict') {
      throw new IdempotencyConflictError(
        'This Idempotency-Key was already used with a different request body.',
      );
    }
    if (await this.store.get(res.key.orderId)) return { replay: await this.#replay(res, view) };
    if (res.key.orderId !== record.orderId) return { resumeAs: res.key.orderId };
    try {
      return { created: await this.store.create(record) };
    } catch (err) {
      if (await this.store.get(record.orderId)) return { replay: await this.#replay(res, view) };
      throw err;
    }
  }

  /**
   * Creates a payment: validates, reserves the idempotency key, stores the order (`unknown` until
   * HaiPay answers), calls apply once, and stores the outcome. Card fields are used for the one call
   * and never stored. Throws {@link HaiPayValidationError} (400) or {@link IdempotencyConflictError} (409).
   */
  async createPayment(
    body: Record<string, unknown>,
    resolved: ResolvedOrder,
    ctx: RequestContext,
    idempotencyKey: string,
  ): Promise<CreateResult<PaymentView>> {
    return this.#createPayment(body, resolved, ctx, idempotencyKey, mintOrderId());
  }

  async #createPayment(
    body: Record<string, unknown>,
    resolved: ResolvedOrder,
    ctx: RequestContext,
    idempotencyKey: string,
    orderId: string,
  ): Promise<CreateResult<PaymentView>> {
    const order = this.checkResolved(resolved, 'resolveOrder');
    // The Idempotency-Key stays bound to what the browser sent (`body`); HaiPay gets `input`.
    const input = this.#withBuyer(body, order);
    const issues = this.validatePaymentBody(input, order);
    if (issues.length > 0) throw new HaiPayValidationError('Some fields are invalid.', issues);
    const method = body.method as PaymentMethod;
    const currency = order.currency;
    let region: string | undefined;
    if (method === 'cashier') {
      region = order.region ?? CASHIER_DEFAULT_REGION[currency];
      if (!region || !isCashierCurrencyAllowed(region, currency)) {
        throw new HaiPayConfigError(
          `resolveOrder: region "${region}" does not allow ${currency} for the global cashier.`,
        );
      }
    }
    const wire = method === 'cashier' ? undefined : wireMethodFor(method, currency)!;
    const merchant = method === 'cashier' ? this.options.client.config.cashierMerchant : wire!.currency;
    if (!this.options.client.hasMerchant(merchant)) {
      throw new HaiPayConfigError(
        `No HaiPay merchant configured for ${merchant}; add client merchants.${merchant}.`,
      );
    }

    const windowMs = this.options.expiresAfterMs[method];

    const urls = this.#urls(orderId);
    const common = {
      orderId,
      name: str(input.name),
      email: str(input.email),
      amount: order.amount,
      notifyUrl: urls.notifyUrl,
      callBackUrl: urls.callBackUrl,
      subject: order.subject,
      body: order.remark,
      partnerUserId: order.buyerId,
    };
    let params: Record<string, unknown>;
    if (method === 'cashier') {
      params = { ...common, currency, region, callBackFailUrl: urls.callBackFailUrl };
    } else if (method === 'card') {
      // docs/protocol.md §6 PCI direct: raw card fields + buyer context; no callBackFailUrl.
      params = {
        ...common,
        phone: str(input.phone) || undefined,
        payType: wire!.payType,
        inBankCode: wire!.inBankCode,
        clientType: 'WEB',
        accountNo: str(body.cardNumber).replace(/[\s-]/g, ''),
        expiryMonth: str(body.expiryMonth).padStart(2, '0'),
        expiryYear: str(body.expiryYear).length === 2 ? `20${str(body.expiryYear)}` : str(body.expiryYear),
        cvv: str(body.cvv),
        referer: ctx.referer,
        userAgent: ctx.userAgent,
        customerIp: ctx.ip,
      };
    } else {
      params = {
        ...common,
        phone: str(input.phone),
        payType: wire!.payType,
        inBankCode: wire!.inBankCode,
        callBackFailUrl: urls.callBackFailUrl,
      };
    }
    this.#preflight(
      method === 'cashier' ? 'cashierApply' : 'collectApply',
      method === 'cashier' ? null : merchant,
      merchant,
      params,
    );
    const created = await this.#createIdempotent(
      'payments',
      idempotencyKey,
      body,
      {
        orderId,
        kind: 'payment',
        merchant,
        method,
        amount: order.amount,
        currency,
        subject: order.subject,
        orderRef: typeof body.orderRef === 'string' ? body.orderRef : null,
        buyerId: order.buyerId,
        status: 'unknown',
        orderNo: null,
        next: null,
        expiresAt: null,
        failureReason: null,
        returnUrl: order.returnUrl ?? this.options.returnUrl,
        metadata: order.metadata ?? {},
      },
      toPaymentView,
    );
    if ('replay' in created) return created.replay;
    if ('resumeAs' in created)
      return this.#createPayment(body, resolved, ctx, idempotencyKey, created.resumeAs);
    this.#emit(created.created);

    let httpStatus: CreateResult<PaymentView>['httpStatus'];
    let gatewayError: CreateResult<PaymentView>['gatewayError'];
    try {
      const data =
        method === 'cashier'
          ? await this.options.client.cashierApply(params)
          : await this.options.client.collectApply(merchant, params);
      const patch: PaymentPatch = { orderNo: str(data.orderNo) || null, next: this.#next(orderId, data) };
      if (windowMs) patch.expiresAt = new Date(Date.now() + windowMs).toISOString();
      this.#emit(await this.store.patch(orderId, patch));
      const t = await this.store.transition(orderId, 'pending');
      if (t.changed) this.#emit(t.record);
      httpStatus = 201;
    } catch (err) {
      if (err instanceof HaiPayOutcomeUnknownError || err instanceof HaiPaySignatureError) {
        // The order may exist at HaiPay: keep it `unknown`; the reconciler settles it by query.
        this.options.logger.warn('haipay apply outcome unknown', {
          orderId,
          error: err.name,
          message: err.message,
        });
        this.#emit(await this.store.patch(orderId, { next: { type: 'wait' } }));
        httpStatus = 202;
      } else if (err instanceof HaiPayApiError && !orderMayExist(err.code) && err.code !== '4005') {
        const t = await this.store.transition(orderId, 'failed', {
          failureReason: `${err.code}: ${err.msg}`,
        });
        this.#emit(t.record);
        this.options.logger.warn('haipay apply refused', { orderId, code: err.code, msg: err.msg });
        httpStatus = 502;
        gatewayError = { code: err.code, message: err.msg };
      } else if (err instanceof HaiPayApiError) {
        httpStatus = 202;
      } else {
        await this.store.finishIdempotencyKey('payments', idempotencyKey, 202);
        throw err;
      }
    }
    await this.store.finishIdempotencyKey('payments', idempotencyKey, httpStatus);
    await this.runHooks(orderId);
    const record = (await this.store.get(orderId))!;
    return { httpStatus, view: toPaymentView(record), ...(gatewayError ? { gatewayError } : {}) };
  }

  /**
   * Checks the exact wire request with the protocol's `validateRequest` before anything is stored or
   * sent: buyer-field issues become a 400 (per body key); anything else is a server-side mistake in
   * `resolveOrder`/`resolvePlan` and raises a config error naming the field.
   */
  #preflight(
    endpoint: EndpointId,
    currency: string | null,
    merchant: string,
    params: Record<string, unknown>,
  ): void {
    const wire: Record<string, unknown> = { appId: this.options.client.appIdOf(merchant) };
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') wire[k] = v;
    const issues = validateRequest(endpoint, currency as Parameters<typeof validateRequest>[1], wire, {
      signSafe: true,
    });
    if (issues.length === 0) return;
    const browser: FieldIssue[] = [];
    const server: string[] = [];
    for (const i of issues) {
      const field = WIRE_TO_BODY[i.field];
      if (field) browser.push({ ...i, field });
      else server.push(`${i.field}: ${i.message}`);
    }
    if (server.length > 0) {
      throw new HaiPayConfigError(
        `The ${endpoint} request cannot be sent (fix resolveOrder/router options): ${server.join('; ')}`,
      );
    }
    throw new HaiPayValidationError('Some fields are invalid.', browser);
  }

  /** Validates a subscription body (card fields + buyer fields). */
  validateSubscriptionBody(body: Record<string, unknown>, plan: ResolvedPlan | null): FieldIssue[] {
    const issues = this.validatePaymentBody({ ...body, method: 'card' }, plan);
    if (body.planRef !== undefined && (typeof body.planRef !== 'string' || body.planRef.length > 100)) {
      issues.push(issue('planRef', 'invalid_format', 'planRef must be a string of at most 100 characters.'));
    }
    return issues;
  }

  /** Creates a USD card subscription (`/subscription/apply`, PCI fields). Same idempotency rules as payments. */
  async createSubscription(
    body: Record<string, unknown>,
    resolved: ResolvedPlan,
    ctx: RequestContext,
    idempotencyKey: string,
  ): Promise<CreateResult<SubscriptionView>> {
    return this.#createSubscription(body, resolved, ctx, idempotencyKey, mintOrderId('hps_'));
  }

  async #createSubscription(
    body: Record<string, unknown>,
    resolved: ResolvedPlan,
    ctx: RequestContext,
    idempotencyKey: string,
    orderId: string,
  ): Promise<CreateResult<SubscriptionView>> {
    const plan = this.checkResolved(resolved, 'resolvePlan');
    const input = this.#withBuyer(body, plan);
    const issues = this.validateSubscriptionBody(input, plan);
    if (issues.length > 0) throw new HaiPayValidationError('Some fields are invalid.', issues);
    const merchant = this.options.client.config.subscriptionMerchant;
    const urls = this.#urls(orderId);
    const params: Record<string, unknown> = {
      subscriptionOrderId: orderId,
      amount: plan.amount,
      currency: plan.currency,
      name: str(input.name),
      phone: str(input.phone) || undefined,
      email: str(input.email),
      subject: plan.subject,
      body: plan.remark,
      payType: 'SUBSCRIPTION',
      inBankCode: 'CREDIT_CARD',
      callBackUrl: urls.callBackUrl,
      notifyUrl: urls.notifyUrl,
      country: plan.country ?? 'US',
      partnerUserId: plan.buyerId,
      recurringInterval: plan.recurringInterval,
      recurringIntervalCount: plan.recurringIntervalCount,
      recurringMaxNumber: plan.recurringMaxNumber,
      website: plan.website,
      retryTimes: plan.retryTimes ?? 3,
      clientType: 'WEB',
      accountNo: str(body.cardNumber).replace(/[\s-]/g, ''),
      expiryMonth: str(body.expiryMonth).padStart(2, '0'),
      expiryYear: str(body.expiryYear).length === 2 ? `20${str(body.expiryYear)}` : str(body.expiryYear),
      cvv: str(body.cvv),
      referer: ctx.referer,
      userAgent: ctx.userAgent,
      customerIp: ctx.ip,
    };
    this.#preflight('subscriptionApply', null, merchant, params);
    const created = await this.#createIdempotent(
      'subscriptions',
      idempotencyKey,
      body,
      {
        orderId,
        kind: 'subscription',
        merchant,
        method: 'card',
        amount: plan.amount,
        currency: plan.currency,
        subject: plan.subject,
        orderRef: typeof body.planRef === 'string' ? body.planRef : null,
        buyerId: plan.buyerId,
        status: 'unknown',
        orderNo: null,
        next: null,
        expiresAt: null,
        failureReason: null,
        returnUrl: plan.returnUrl ?? this.options.returnUrl,
        metadata: plan.metadata ?? {},
      },
      toSubscriptionView,
    );
    if ('replay' in created) return created.replay;
    if ('resumeAs' in created)
      return this.#createSubscription(body, resolved, ctx, idempotencyKey, created.resumeAs);
    this.#emit(created.created);
    let httpStatus: CreateResult<SubscriptionView>['httpStatus'];
    let gatewayError: CreateResult<SubscriptionView>['gatewayError'];
    try {
      const data = await this.options.client.subscriptionApply(params);
      this.#emit(
        await this.store.patch(orderId, {
          orderNo: str(data.subscriptionNo) || null,
          next: this.#next(orderId, data),
        }),
      );
      const to = subscriptionStatusToKit(data.status);
      const t = await this.store.transition(orderId, to === 'unknown' ? 'pending' : to);
      this.#emit(t.record);
      httpStatus = 201;
    } catch (err) {
      if (err instanceof HaiPayOutcomeUnknownError || err instanceof HaiPaySignatureError) {
        httpStatus = 202;
      } else if (err instanceof HaiPayApiError && !orderMayExist(err.code)) {
        this.#emit(
          (await this.store.transition(orderId, 'failed', { failureReason: `${err.code}: ${err.msg}` }))
            .record,
        );
        httpStatus = 502;
        gatewayError = { code: err.code, message: err.msg };
      } else {
        await this.store.finishIdempotencyKey('subscriptions', idempotencyKey, 202);
        throw err;
      }
    }
    await this.store.finishIdempotencyKey('subscriptions', idempotencyKey, httpStatus);
    await this.runHooks(orderId);
    const record = (await this.store.get(orderId))!;
    return { httpStatus, view: toSubscriptionView(record), ...(gatewayError ? { gatewayError } : {}) };
  }

  /** Cancels a subscription at HaiPay and records it. Authorization is the router's job. */
  async cancelSubscription(orderId: string): Promise<PaymentRecord> {
    const record = await this.store.get(orderId);
    if (!record || record.kind !== 'subscription') throw new HaiPayError('No such subscription.');
    if (isFinalStatus(record.status)) return record;
    if (!record.orderNo)
      throw new HaiPayError('The subscription is not confirmed by HaiPay yet; try again shortly.');
    try {
      await this.options.client.subscriptionCancel({ subscriptionNo: record.orderNo });
    } catch (err) {
      // 4014 "order is already end status": HaiPay already considers it ended; the query tells how.
      if (!(err instanceof HaiPayApiError && err.code === '4014')) throw err;
      return (await this.refresh(orderId, { force: true })) ?? record;
    }
    const t = await this.store.transition(orderId, 'cancelled');
    this.#emit(t.record);
    await this.runHooks(orderId);
    return t.record ?? record;
  }

  /**
   * Carries out {@link decide} for a reported payment state (a verified notification or a query).
   * Success is credited only when `orderNo`, amount and currency match; money for an order the kit
   * had closed moves it to `review` (`onLatePayment`); a disagreement is held for review
   * (`onPaymentMismatch`), never credited.
   */
  async #applyPaymentState(
    record: PaymentRecord,
    reported: HaiPayData,
    source: 'notification' | 'query',
    attempt = 0,
  ): Promise<{ outcome: string; record: PaymentRecord | null }> {
    const opts = {
      source,
      now: Date.now(),
      confirmSuccess: this.options.confirmByQuery === 'always',
    } as const;
    let decision = decide(record, reported, opts);
    if (decision.action === 'confirm') {
      // ARCHITECTURE.md "Status truth": a notification that disagrees is confirmed by a query, never believed.
      const confirmed = await this.#queryGateway(record).catch(() => null);
      // Confirmed money is decided on the query's answer (it may be late money); an unconfirmed
      // report is only held for review — a closed order is not moved to `review` on its word alone.
      decision =
        confirmed && Number(confirmed.status) === 2
          ? decide(record, confirmed, { ...opts, source: 'query' })
          : { action: 'hold', reason: decision.reason };
      if (confirmed && Number(confirmed.status) === 2) reported = confirmed;
    }
    if (!record.orderNo && str(reported.orderNo) && decision.action !== 'ignore') {
      this.#emit(await this.store.patch(record.orderId, { orderNo: str(reported.orderNo) }));
    }
    switch (decision.action) {
      case 'ignore':
        return { outcome: decision.outcome, record };
      case 'hold':
        return this.#holdForReview(record, reported, decision.reason);
      case 'late':
        return this.#lateMoney(record, reported, decision.reason);
      case 'move': {
        const t = await this.store.transition(record.orderId, decision.to, decision.patch);
        if (t.changed) {
          this.#emit(t.record);
          this.options.logger.info('haipay payment status', {
            orderId: record.orderId,
            status: decision.to,
            source,
          });
          return { outcome: 'applied', record: t.record };
        }
        // Another writer moved the order first (e.g. the reconciler expired it while this success was
        // on its way): decide again on what is stored now, so late money is never dropped as "stale".
        if (t.record && t.record.status !== record.status && attempt < 2)
          return this.#applyPaymentState(t.record, reported, source, attempt + 1);
        return { outcome: 'duplicate', record: t.record };
      }
    }
    return { outcome: 'ignored_status', record };
  }

  async #holdForReview(
    record: PaymentRecord,
    reported: HaiPayData,
    reason: string,
  ): Promise<{ outcome: string; record: PaymentRecord | null }> {
    const failureReason = `review: ${reason}`;
    this.options.logger.error('haipay payment NOT credited: needs review', {
      orderId: record.orderId,
      reason,
    });
    const first = record.failureReason !== failureReason;
    let r: PaymentRecord | null = record;
    if (!isFinalStatus(record.status)) {
      const t = await this.store.transition(record.orderId, 'processing', { failureReason });
      r = t.changed ? t.record : await this.store.patch(record.orderId, { failureReason });
      this.#emit(r);
    } else if (first) {
      // A closed order keeps its status; the reason records why the merchant was alerted (once).
      r = await this.store.patch(record.orderId, { failureReason });
      this.#emit(r);
    }
    if (first) await this.options.hooks.onPaymentMismatch?.(r ?? record, { notified: reported, reason });
    return { outcome: 'amount_mismatch', record: r };
  }

  /**
   * Money arrived for an order the kit had closed (`expired`/`failed`): move it to `review` (final;
   * never credited automatically) and let `onLatePayment` decide — exactly once, through the hook
   * claim like every final state, so a crash or a duplicate notification cannot repeat or lose it.
   */
  async #lateMoney(
    record: PaymentRecord,
    reported: HaiPayData,
    reason: string,
  ): Promise<{ outcome: string; record: PaymentRecord | null }> {
    const amount = str(reported.actualAmount) || str(reported.amount);
    const failureReason = `late payment: ${reason}${amount ? ` (reported ${amount} ${str(reported.currency) || record.currency})` : ''}`;
    const t = await this.store.transition(record.orderId, 'review', { failureReason });
    if (t.changed) {
      this.#emit(t.record);
      this.options.logger.error('haipay money arrived for a closed order: needs review', {
        orderId: record.orderId,
        previous: record.status,
        reason,
      });
      return { outcome: 'late_payment', record: t.record };
    }
    return { outcome: 'duplicate', record: t.record };
  }

  async #queryGateway(record: PaymentRecord): Promise<CollectQueryData> {
    const params = { orderId: record.orderId, orderNo: record.orderNo };
    return record.merchant === this.options.client.config.cashierMerchant
      ? this.options.client.cashierQuery(params)
      : this.options.client.collectQuery(record.merchant, params);
  }

  /**
   * Queries HaiPay for a non-final order and applies the answer. Concurrent calls for one order share
   * one query; without `force`, an order checked within `refreshAfterMs` is not queried again. Merchant
   * hooks the refresh makes due are started but not waited for (see {@link runHooks}).
   */
  async refresh(orderId: string, options: { force?: boolean } = {}): Promise<PaymentRecord | null> {
    const inflight = this.#refreshing.get(orderId);
    if (inflight) return inflight;
    const p = this.#refresh(orderId, options.force ?? false).finally(() => this.#refreshing.delete(orderId));
    this.#refreshing.set(orderId, p);
    return p;
  }

  async #refresh(orderId: string, force: boolean): Promise<PaymentRecord | null> {
    const record = await this.store.get(orderId);
    if (!record) return null;
    if (isFinalStatus(record.status)) {
      void this.runHooks(orderId);
      return record;
    }
    const now = Date.now();
    if (!force && record.checkedAt !== null && now - record.checkedAt < this.options.refreshAfterMs)
      return record;
    await this.store.markChecked(orderId, now);
    try {
      if (record.kind === 'subscription') {
        if (!record.orderNo) {
          // No subscriptionNo: HaiPay's query needs it, so an unknown apply can only be settled by notification.
          return record;
        }
        const data = await this.options.client.subscriptionQuery({ subscriptionNo: record.orderNo });
        const to = subscriptionStatusToKit(data.status);
        if (to !== 'unknown') this.#emit((await this.store.transition(orderId, to)).record);
      } else {
        const data = await this.#queryGateway(record);
        await this.#applyPaymentState(record, data, 'query');
      }
    } catch (err) {
      if (err instanceof HaiPayApiError && err.code === '4013') {
        // "order not exit": an apply that never reached HaiPay. Fail it once the grace period has passed.
        if (record.status === 'unknown' && now - Date.parse(record.createdAt) > this.options.unknownGraceMs) {
          this.#emit(
            (
              await this.store.transition(orderId, 'failed', {
                failureReason: 'not_created: HaiPay has no such order',
              })
            ).record,
          );
        }
      } else {
        this.options.logger.warn('haipay refresh failed', {
          orderId,
          error: (err as Error).name,
          message: (err as Error).message,
        });
      }
    }
    void this.runHooks(orderId);
    return this.store.get(orderId);
  }

  /**
   * Runs the merchant hook for the record's current status if it has not completed yet. The store's
   * claim makes it run once across processes; while it runs, its lease is renewed, so a slow hook is
   * never started a second time; a hook that throws is released and retried later (reconciler, or
   * HaiPay's next delivery).
   *
   * Waits at most `waitMs` for the hook: the shopper's requests wait for none, `/notify` waits up to
   * `hookWaitMs`. A hook still running then finishes in the background (see {@link close}).
   *
   * @returns `done` (completed now or earlier, or no hook due), `failed` (threw), `running` (still
   *   running after `waitMs`, or claimed by another process)
   */
  async runHooks(orderId: string, waitMs = 0): Promise<'done' | 'failed' | 'running'> {
    const record = await this.store.get(orderId);
    if (!record || !FINAL_HOOK_STATUSES.includes(record.status) || record.hookStatus === record.status)
      return 'done';
    if (!(await this.store.claimHook(orderId, record.status, this.options.hookLeaseMs))) return 'running';
    const hook = this.#hookFor(record);
    return this.#runClaimed(
      () => hook?.(record),
      (now) => this.store.renewHookClaim(orderId, record.status, now),
      () => this.store.completeHook(orderId, record.status),
      () => this.store.releaseHook(orderId),
      { orderId, status: record.status },
      waitMs,
    );
  }

  /**
   * Runs one claimed hook: renews the claim every third of the lease while it runs, marks it complete
   * or releases it when it settles, and waits for it at most `waitMs`.
   */
  async #runClaimed(
    call: () => unknown,
    renew: (now: number) => Promise<void>,
    complete: () => Promise<void>,
    release: () => Promise<void>,
    logFields: Record<string, unknown>,
    waitMs: number,
  ): Promise<'done' | 'failed' | 'running'> {
    const lease = this.options.hookLeaseMs;
    const renewer = setInterval(() => void renew(Date.now()).catch(() => undefined), Math.max(10, lease / 3));
    renewer.unref();
    this.#renewers.add(renewer);
    const run = (async (): Promise<'done' | 'failed'> => {
      try {
        await call();
        await complete();
        return 'done';
      } catch (err) {
        await release().catch(() => undefined);
        this.options.logger.error('haipay merchant hook threw; it will be retried', {
          ...logFields,
          message: (err as Error)?.message,
        });
        return 'failed';
      } finally {
        clearInterval(renewer);
        this.#renewers.delete(renewer);
      }
    })();
    this.#runningHooks.add(run);
    void run.finally(() => this.#runningHooks.delete(run));
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
    const h = this.options.hooks;
    if (record.kind === 'subscription') return h.onSubscriptionChange?.bind(h);
    if (record.status === 'succeeded') return h.onPaymentSucceeded?.bind(h);
    if (record.status === 'failed') return h.onPaymentFailed?.bind(h);
    if (record.status === 'expired') return h.onPaymentExpired?.bind(h);
    if (record.status === 'review') return h.onLatePayment?.bind(h);
    return undefined;
  }

  /**
   * Runs the hook of one stored hook event if it is not done yet: a subscription deduction (its
   * subscription is read from the store) or a payout (the event carries everything: a payout has no
   * record of its own). An event of a kind this version does not know completes without a hook.
   */
  async #runHookEvent(event: HookEvent, waitMs: number): Promise<'done' | 'failed' | 'running'> {
    const { orderId, key } = event;
    if (!(await this.store.claimHookEvent(orderId, key, this.options.hookLeaseMs))) return 'running';
    return this.#runClaimed(
      () => this.#callEventHook(event),
      (now) => this.store.renewHookEventClaim(orderId, key, now),
      () => this.store.completeHookEvent(orderId, key),
      () => this.store.releaseHookEvent(orderId, key),
      { orderId, event: key },
      waitMs,
    );
  }

  async #callEventHook(event: HookEvent): Promise<unknown> {
    const hooks = this.options.hooks;
    switch (event.kind) {
      case 'subscription_deduction': {
        const record = await this.store.get(event.orderId);
        return record ? hooks.onSubscriptionDeduction?.(record, event.payload as HaiPayData) : undefined;
      }
      case PAYOUT_EVENT: {
        const payout = event.payload as unknown as PayoutEvent;
        return payout.status === 'succeeded'
          ? hooks.onPayoutSucceeded?.(payout)
          : hooks.onPayoutFailed?.(payout);
      }
      case PAYOUT_MISMATCH_EVENT: {
        const { payout, notified, reason } = event.payload as unknown as PayoutMismatchPayload;
        return hooks.onPayoutMismatch?.(payout, { notified, reason });
      }
      default:
        return undefined;
    }
  }

  /** Hooks whose state changed (or event arrived) but whose hook did not complete (crash, throw): run them now. */
  async runPendingHooks(limit = 100): Promise<void> {
    const wait = this.options.hookWaitMs;
    for (const r of await this.store.listHookPending(FINAL_HOOK_STATUSES, limit))
      await this.runHooks(r.orderId, wait);
    for (const e of await this.store.listPendingHookEvents(limit)) await this.#runHookEvent(e, wait);
  }

  /**
   * Waits up to `timeoutMs` for merchant hooks still running in the background (the router's
   * `close()` does), then stops renewing the claims of any that still run: once their lease ends,
   * another instance (or this one after a restart) may run them again.
   */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#runningHooks.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.#runningHooks]),
        new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now())))),
      ]);
      clearTimeout(timer);
    }
    for (const r of this.#renewers) clearInterval(r);
    this.#renewers.clear();
  }

  /**
   * The last few notification bodies that were refused before being believed (bad signature,
   * ambiguous values, not JSON): kept in memory only, truncated, for diagnosing a misconfigured key or
   * secret. They are never written to the store, so a flood of forged posts costs no disk.
   */
  get rejectedNotifications(): readonly RejectedNotification[] {
    return [...this.#rejected];
  }

  #reject(rawBody: string, reason: string, orderId: string | null, message: string): NotificationResult {
    this.#rejected.push({
      receivedAt: new Date().toISOString(),
      reason,
      orderId,
      sample: rawBody.slice(0, REJECTED_SAMPLE_CHARS),
    });
    if (this.#rejected.length > REJECTED_SAMPLES) this.#rejected.shift();
    this.options.logger.warn('haipay notification rejected', { orderId, reason, message });
    return { ack: false, httpStatus: 400, outcome: reason, orderId };
  }

  /**
   * Handles one notification body (raw text): verifies it, refuses an ambiguous one, checks its shape
   * against the protocol's schema, cross-checks it with the stored order, applies it forward-only, runs
   * the hook, and logs it. Only verified, well-formed notifications are written to the store.
   *
   * `ack` (answer `SUCCESS`) is true once the notification's effect is durably stored and its hook has
   * completed, or is still running after `hookWaitMs` (it then finishes in the background; if it throws
   * or the process dies, the reconciler runs it again). A hook that throws within the wait answers
   * `FAIL`, so HaiPay's retry runs it again too. docs/protocol.md §2.6.
   */
  async handleNotification(rawBody: string): Promise<NotificationResult> {
    const receivedAt = new Date().toISOString();
    const named = /"(?:subscriptionOrderId|orderId)"\s*:\s*"([^"]{1,64})"/.exec(rawBody)?.[1] ?? null;
    let verified;
    try {
      verified = this.options.client.verifyNotification(rawBody);
    } catch (err) {
      return this.#reject(rawBody, 'rejected_signature', named, (err as Error).message);
    }
    const { merchant, raw } = verified;
    // docs/protocol.md §2.5: a value with `&` or `=` could be a re-cut of another signed message.
    const ambiguous = ambiguousSignedKeys(raw);
    if (ambiguous.length > 0) {
      // Not believed; a genuine change still arrives through a query of the named order.
      if (named) void this.refresh(named).catch(() => undefined);
      return this.#reject(rawBody, 'rejected_ambiguous', named, `ambiguous fields: ${ambiguous.join(', ')}`);
    }
    const parsed = notificationSchemaFor(raw).safeParse(raw);
    const log = async (orderId: string | null, outcome: string) => {
      await this.store.appendNotification({
        orderId,
        receivedAt,
        verified: true,
        outcome,
        body: rawBody.slice(0, 8192),
      });
    };
    if (!parsed.success) {
      const detail = parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`)
        .join('; ');
      this.options.logger.error('haipay notification does not have the documented shape', {
        orderId: named,
        detail,
      });
      await log(named, 'rejected_schema');
      return { ack: false, httpStatus: 400, outcome: 'rejected_schema', orderId: named };
    }
    const data = toPlain(parsed.data as LosslessObject) as HaiPayData;
    const type = str(data.type);
    const orderId = str(type.startsWith('SUBSCRIPTION') ? data.subscriptionOrderId : data.orderId) || null;
    const record = orderId ? await this.store.get(orderId) : null;
    if (!record || record.merchant !== merchant || (type !== '') !== (record.kind === 'subscription')) {
      // An order we do not know (or from another appId, or of the other kind): confirm by query and log; never credit it.
      let confirmed = 'not_queried';
      if (orderId && !type) {
        const client = this.options.client;
        const q = { orderId, orderNo: str(data.orderNo) || null };
        let code: string | null = null;
        confirmed = await (
          merchant === client.config.cashierMerchant
            ? client.cashierQuery(q)
            : client.collectQuery(merchant, q)
        )
          .then((q) => `gateway_status_${q.status}`)
          .catch((e: unknown) => {
            if (!(e instanceof HaiPayApiError)) return 'query_failed';
            code = e.code;
            return `gateway_${e.code}`;
          });
        // No such collection ("4013 order not exit"): it may be a payout of this appId (reference §7.2).
        if (!record && code === '4013' && servesPayQuery(merchant)) {
          const payout = await this.#payoutNotification(merchant, orderId, raw, log);
          if (typeof payout !== 'string') return payout;
          confirmed = `${confirmed}; ${payout}`;
        }
      }
      this.options.logger.warn('haipay notification for an unknown order', { orderId, merchant, confirmed });
      await log(orderId, `unknown_order (${confirmed})`);
      return { ack: false, httpStatus: 404, outcome: 'unknown_order', orderId };
    }
    let outcome: string;
    let hooked: 'done' | 'failed' | 'running' = 'done';
    const wait = this.options.hookWaitMs;
    if (type === 'SUBSCRIPTIONS_DEDUCT') {
      if (record.orderNo && str(data.subscriptionNo) !== record.orderNo) {
        outcome = 'identity_mismatch';
      } else {
        // Stored first, then hooked: exactly once per deduction and status, across retries and instances.
        const event = {
          orderId: record.orderId,
          key: `deduction:${str(data.deductNo)}:${str(data.status)}`,
          kind: 'subscription_deduction',
          payload: data,
        };
        const added = await this.store.addHookEvent(event);
        outcome = added ? 'deduction' : 'duplicate';
        hooked = await this.#runHookEvent({ ...event, createdAt: receivedAt, done: false }, wait);
      }
    } else if (type === 'SUBSCRIPTION') {
      if (record.orderNo && str(data.subscriptionNo) !== record.orderNo) {
        outcome = 'identity_mismatch';
      } else {
        const to = subscriptionStatusToKit(data.status);
        const t =
          to === 'unknown'
            ? { changed: false, record }
            : await this.store.transition(
                record.orderId,
                to,
                record.orderNo ? {} : { orderNo: str(data.subscriptionNo) },
              );
        if (t.changed) this.#emit(t.record);
        outcome = t.changed ? 'applied' : 'duplicate';
      }
    } else {
      outcome = (await this.#applyPaymentState(record, data, 'notification')).outcome;
    }
    if (hooked !== 'failed') {
      const state = await this.runHooks(record.orderId, wait);
      if (state === 'failed') hooked = 'failed';
    }
    await log(record.orderId, hooked === 'failed' ? `${outcome} (hook failed)` : outcome);
    return hooked === 'failed'
      ? { ack: false, httpStatus: 500, outcome: 'hook_failed', orderId: record.orderId }
      : { ack: true, httpStatus: 200, outcome, orderId: record.orderId };
  }

  /**
   * A verified notification for an order this shop does not know, which HaiPay does not know as a
   * collection either: asks HaiPay's pay query whether it is a payout (ARCHITECTURE "Status truth":
   * confirmed before it is believed). A payout the query confirms (final, same status, amount,
   * `orderNo` and currency) is stored as a hook event and handed to `onPayoutSucceeded` /
   * `onPayoutFailed` once per (payout, status); one the query contradicts goes to `onPayoutMismatch`
   * instead (once per reason), never to those hooks; one the query does not yet report final is not
   * acknowledged, so HaiPay delivers it again.
   *
   * @returns the answer, or — when the pay query does not know it either (or cannot be asked) — what it
   *   said, for the unknown-order log line
   */
  async #payoutNotification(
    merchant: string,
    orderId: string,
    raw: LosslessObject,
    log: (orderId: string | null, outcome: string) => Promise<void>,
  ): Promise<NotificationResult | string> {
    let queried: HaiPayData;
    try {
      queried = await this.options.client.payQuery(merchant, { orderId });
    } catch (e) {
      return e instanceof HaiPayApiError ? `payout gateway_${e.code}` : 'payout query_failed';
    }
    const parsed = payoutNotificationSchema.safeParse(raw);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`)
        .join('; ');
      this.options.logger.error('haipay payout notification does not have the documented shape', {
        orderId,
        detail,
      });
      await log(orderId, 'rejected_schema');
      return { ack: false, httpStatus: 400, outcome: 'rejected_schema', orderId };
    }
    const notified = toPlain(parsed.data as LosslessObject) as HaiPayData;
    delete notified.sign;
    const wait = this.options.hookWaitMs;
    const queryStatus = Number(queried.status);
    if (queryStatus !== 2 && queryStatus !== 3) {
      // HaiPay's own query does not report it final yet: not believed now; its next delivery is.
      const outcome = `payout_unconfirmed (HaiPay says status ${str(queried.status)})`;
      this.options.logger.warn('haipay payout notification not confirmed by query; not acknowledged', {
        orderId,
        notified: notified.status,
        queried: queried.status,
      });
      await log(orderId, outcome);
      return { ack: false, httpStatus: 409, outcome: 'payout_unconfirmed', orderId };
    }
    const reasons: string[] = [];
    const compare = (field: string, said: string, says: string) => {
      if (said !== says)
        reasons.push(`${field} ${said || '(none)'} but HaiPay's query says ${says || '(none)'}`);
    };
    compare('status', str(notified.status), str(queried.status));
    const amountsAgree =
      isDecimalString(notified.amount) &&
      isDecimalString(queried.amount) &&
      compareDecimal(str(notified.amount), str(queried.amount)) === 0;
    if (!amountsAgree) compare('amount', str(notified.amount), str(queried.amount));
    compare('orderNo', str(notified.orderNo), str(queried.orderNo));
    if (str(notified.currency).toUpperCase() !== merchant)
      reasons.push(`currency ${str(notified.currency)} but the appId is the ${merchant} business`);

    let event: Omit<HookEvent, 'createdAt' | 'done'>;
    let outcome: string;
    if (reasons.length === 0) {
      const payout = payoutEvent(merchant, notified, notified);
      event = {
        orderId,
        key: `payout:${merchant}:${payout.status}`,
        kind: PAYOUT_EVENT,
        payload: { ...payout },
      };
      outcome = `payout_${payout.status}`;
      this.options.logger.info('haipay payout notified', { orderId, merchant, status: payout.status });
    } else {
      const reason = reasons.join('; ');
      const payload: PayoutMismatchPayload = {
        payout: payoutEvent(merchant, queried, notified),
        notified,
        reason,
      };
      event = {
        orderId,
        key: `payout_mismatch:${merchant}:${str(notified.status)}:${reason}`,
        kind: PAYOUT_MISMATCH_EVENT,
        payload: { ...payload },
      };
      outcome = 'payout_mismatch';
      this.options.logger.error('haipay payout notification disagrees with the pay query: needs review', {
        orderId,
        merchant,
        reason,
      });
    }
    // Stored first, then hooked: exactly once per payout and status, across retries and instances.
    const added = await this.store.addHookEvent(event);
    if (!added) outcome = 'duplicate';
    const hooked = await this.#runHookEvent(
      { ...event, createdAt: new Date().toISOString(), done: false },
      wait,
    );
    await log(orderId, hooked === 'failed' ? `${outcome} (hook failed)` : outcome);
    return hooked === 'failed'
      ? { ack: false, httpStatus: 500, outcome: 'hook_failed', orderId }
      : { ack: true, httpStatus: 200, outcome, orderId };
  }
}

/** How many refused notification bodies {@link HaiPayCheckout.rejectedNotifications} keeps. */
const REJECTED_SAMPLES = 20;
/** How many characters of each refused body it keeps. */
const REJECTED_SAMPLE_CHARS = 512;

/** A notification refused before it was believed (kept in memory only). */
export interface RejectedNotification {
  receivedAt: string;
  /** `rejected_signature` or `rejected_ambiguous`. */
  reason: string;
  /** The `orderId` the body named, if any (not verified). */
  orderId: string | null;
  /** The first 512 characters of the body. */
  sample: string;
}

/** The protocol schema a notification is checked against, chosen by its `type` (reference §7). */
function notificationSchemaFor(raw: LosslessObject) {
  if (raw.type === 'SUBSCRIPTION') return subscriptionNotificationSchema;
  if (raw.type === 'SUBSCRIPTIONS_DEDUCT') return deductionNotificationSchema;
  return collectNotificationSchema;
}

/** Hook event kinds of payouts (a payout has no payment record: the event carries it). */
const PAYOUT_EVENT = 'payout';
const PAYOUT_MISMATCH_EVENT = 'payout_mismatch';

/** What a `payout_mismatch` hook event stores. */
interface PayoutMismatchPayload {
  payout: PayoutEvent;
  notified: HaiPayData;
  reason: string;
}

/**
 * True when the protocol's registry serves `payQuery` for this merchant's currency (read on every call,
 * so a wider list in `@haipay-kit/protocol` is picked up without a change here).
 */
function servesPayQuery(merchant: string): boolean {
  const currencies: readonly string[] | null = ENDPOINTS.payQuery.currencies;
  return currencies !== null && currencies.includes(merchant.toUpperCase());
}

/** A {@link PayoutEvent} from a payout's reported facts (`from`: the notification, or the pay query). */
function payoutEvent(merchant: string, from: HaiPayData, notified: HaiPayData): PayoutEvent {
  return {
    orderId: str(notified.orderId),
    orderNo: str(from.orderNo) || str(notified.orderNo),
    merchant,
    currency: str(notified.currency) || merchant,
    amount: str(from.amount),
    fee: str(from.fee) || null,
    status: Number(from.status) === 2 ? 'succeeded' : 'failed',
    payTime: str(from.payTime) || null,
    errorMsg: str(from.errorMsg) || null,
    notified,
  };
}
