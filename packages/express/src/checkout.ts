/**
 * `HaiPayCheckout` — the checkout core behind the router: creates orders, applies notifications and
 * query results to the store (forward only), runs merchant hooks exactly once per state, and feeds the
 * status streams. The router is a thin HTTP layer over it; the reconciler and benchmarks call it too.
 */
import { EventEmitter } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import {
  collectStatusToKit,
  compareDecimal,
  orderMayExist,
  validateRequest,
  type EndpointId,
  type FieldIssue,
} from '@haipay-kit/protocol';
import {
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
import type { Logger } from './logger.js';
import { CASHIER_DEFAULT_REGION, wireMethodFor } from './methods.js';
import type {
  IdempotencyRecord,
  IdempotencyReservation,
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
  /** A notification or query disagreed with the stored amount/currency: NOT credited; review by hand. */
  onPaymentMismatch?(payment: PaymentEvent, details: { notified: HaiPayData; reason: string }): unknown;
  /** A subscription became active, failed or was cancelled. */
  onSubscriptionChange?(subscription: PaymentEvent): unknown;
  /** A subscription deduction was notified (at least once per deduction status; dedupe on `deductNo`). */
  onSubscriptionDeduction?(subscription: PaymentEvent, deduction: HaiPayData): unknown;
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
  /** Hook claim lease: a hook that has not completed in this time may be re-run. */
  hookLeaseMs: number;
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
  /** True when the kit may answer `SUCCESS` (the change is durable, the hook ran). */
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

/** Derives `next` from an apply answer: QR payload, bank details, redirect URL, or wait. */
export function nextFromApply(data: HaiPayData): NextAction {
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
  if (payUrl) return { type: 'redirect', url: payUrl };
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

  #urls(orderId: string): { notifyUrl: string; callBackUrl: string; callBackFailUrl: string } {
    const base = this.options.publicBaseUrl;
    return {
      notifyUrl: `${base}/notify`,
      callBackUrl: `${base}/return/${orderId}?result=success`,
      callBackFailUrl: `${base}/return/${orderId}?result=fail`,
    };
  }

  async #reserve(scope: string, key: string, body: Record<string, unknown>, orderId: string) {
    const hash = requestHash(scope, body);
    const res = await this.store.reserveIdempotencyKey({ scope, key, requestHash: hash, orderId });
    if (res.outcome === 'conflict') {
      throw new IdempotencyConflictError(
        'This Idempotency-Key was already used with a different request body.',
      );
    }
    return res;
  }

  async #replay<V>(
    res: { record: { orderId: string; responseStatus: number | null } },
    view: (r: PaymentRecord) => V,
  ): Promise<CreateResult<V>> {
    const record = await this.store.get(res.record.orderId);
    if (!record) throw new HaiPayError('Idempotency key points at a missing order.');
    const status = (res.record.responseStatus ?? 202) as CreateResult<V>['httpStatus'];
    const out: CreateResult<V> = { httpStatus: status === 201 ? 200 : status, view: view(record) };
    if (status === 502) {
      const [code, ...rest] = (record.failureReason ?? 'gateway: error').split(': ');
      out.gatewayError = { code: code ?? 'gateway', message: rest.join(': ') };
    }
    return out;
  }

  /**
   * Writes a new order. When two retries of one key both resume an orphaned key (see
   * `#createPayment`, `#createSubscription`), only one insert wins; the other answers as a replay and never calls HaiPay.
   */
  async #createOrReplay(
    reservation: IdempotencyReservation,
    record: NewPaymentRecord,
  ): Promise<PaymentRecord | { httpStatus: 'replay'; reservation: { record: IdempotencyRecord } }> {
    try {
      return await this.store.create(record);
    } catch (err) {
      if (reservation.outcome !== 'reserved' && (await this.store.get(record.orderId)))
        return { httpStatus: 'replay', reservation };
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
    const reservation = await this.#reserve('payments', idempotencyKey, body, orderId);
    if (reservation.outcome === 'replay') {
      if (await this.store.get(reservation.record.orderId)) return this.#replay(reservation, toPaymentView);
      // A key without its order: the process died between reserving the key and writing the order.
      // The order row is written before the apply, so HaiPay never saw this orderId: resume under it.
      if (reservation.record.orderId !== orderId)
        return this.#createPayment(body, resolved, ctx, idempotencyKey, reservation.record.orderId);
    }

    const created = await this.#createOrReplay(reservation, {
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
    });
    if ('httpStatus' in created) return this.#replay(created.reservation, toPaymentView);
    this.#emit(created);

    let httpStatus: CreateResult<PaymentView>['httpStatus'];
    let gatewayError: CreateResult<PaymentView>['gatewayError'];
    try {
      const data =
        method === 'cashier'
          ? await this.options.client.cashierApply(params)
          : await this.options.client.collectApply(merchant, params);
      const patch: PaymentPatch = { orderNo: str(data.orderNo) || null, next: nextFromApply(data) };
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
    const issues = validateRequest(endpoint, currency as Parameters<typeof validateRequest>[1], wire);
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
        `The ${endpoint} request HaiPay would refuse (fix resolveOrder/router options): ${server.join('; ')}`,
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
    const reservation = await this.#reserve('subscriptions', idempotencyKey, body, orderId);
    if (reservation.outcome === 'replay') {
      if (await this.store.get(reservation.record.orderId))
        return this.#replay(reservation, toSubscriptionView);
      // An orphaned key (the process died before writing the order): resume under the reserved id,
      // which HaiPay never saw because the order row is written before the apply.
      if (reservation.record.orderId !== orderId)
        return this.#createSubscription(body, resolved, ctx, idempotencyKey, reservation.record.orderId);
    }
    const created = await this.#createOrReplay(reservation, {
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
    });
    if ('httpStatus' in created) return this.#replay(created.reservation, toSubscriptionView);
    this.#emit(created);
    let httpStatus: CreateResult<SubscriptionView>['httpStatus'];
    let gatewayError: CreateResult<SubscriptionView>['gatewayError'];
    try {
      const data = await this.options.client.subscriptionApply(params);
      this.#emit(
        await this.store.patch(orderId, {
          orderNo: str(data.subscriptionNo) || null,
          next: nextFromApply(data),
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
   * Applies a gateway-reported payment state (from a verified notification or a query). Success is
   * credited only when amount and currency match the stored order; otherwise the order is held for
   * review (`onPaymentMismatch`) and never marked paid.
   */
  async #applyPaymentState(
    record: PaymentRecord,
    reported: HaiPayData,
    source: 'notification' | 'query',
  ): Promise<{ outcome: string; record: PaymentRecord | null }> {
    let to = collectStatusToKit(reported.status) as RecordStatus;
    const code = Number(reported.status);
    const patch: PaymentPatch = {};
    if (!record.orderNo && str(reported.orderNo)) patch.orderNo = str(reported.orderNo);

    if (code === 2 || code === 4 || code === 5) {
      const reason = this.#mismatch(record, reported);
      if (reason) {
        if (source === 'notification') {
          // ARCHITECTURE.md "Status truth": a disagreement is confirmed by a query, never believed.
          const confirmed = await this.#queryGateway(record).catch(() => null);
          if (confirmed && Number(confirmed.status) === 2 && !this.#mismatch(record, confirmed)) {
            return this.#applyPaymentState(record, confirmed, 'query');
          }
        }
        return this.#holdForReview(record, reported, reason);
      }
      if (code === 4) return this.#holdForReview(record, reported, 'partial collection');
      to = 'succeeded';
      if (source === 'notification' && this.options.confirmByQuery === 'always') {
        const confirmed = await this.#queryGateway(record);
        if (Number(confirmed.status) !== 2 || this.#mismatch(record, confirmed)) {
          return this.#holdForReview(record, confirmed, 'query does not confirm the notification');
        }
      }
    } else if (code === 3) {
      const msg = str(reported.errorMsg);
      to = /expire/i.test(msg) ? 'expired' : 'failed';
      patch.failureReason = msg || 'failed';
    } else if (to === 'pending' || to === 'processing') {
      // The companion's own verdict (protocol status.ts): unpaid past the payment window → expired.
      const grace = 5_000;
      if (
        code === 0 &&
        record.expiresAt &&
        Date.parse(record.expiresAt) + grace < Date.now() &&
        source === 'query'
      ) {
        to = 'expired';
        patch.failureReason = 'expired';
      }
    } else {
      return { outcome: 'ignored_status', record };
    }
    if (Object.keys(patch).length > 0 && !isFinalStatus(record.status)) {
      if (patch.orderNo) this.#emit(await this.store.patch(record.orderId, { orderNo: patch.orderNo }));
    }
    const t = await this.store.transition(record.orderId, to, patch);
    if (t.changed) {
      this.#emit(t.record);
      this.options.logger.info('haipay payment status', { orderId: record.orderId, status: to, source });
    }
    return {
      outcome: t.changed
        ? 'applied'
        : isFinalStatus(t.record?.status ?? 'unknown') && t.record?.status !== to
          ? 'stale'
          : 'duplicate',
      record: t.record,
    };
  }

  #mismatch(record: PaymentRecord, reported: HaiPayData): string | null {
    const currency = str(reported.currency);
    if (currency && currency.toUpperCase() !== record.currency) {
      return `currency ${currency} does not match the order's ${record.currency}`;
    }
    const amount =
      str(reported.actualAmount) && Number(reported.status) === 2 && str(reported.actualAmount) !== '0.00'
        ? str(reported.actualAmount)
        : str(reported.amount);
    if (!amount) return 'no amount reported';
    try {
      if (compareDecimal(amount, record.amount) !== 0)
        return `amount ${amount} does not match the order's ${record.amount}`;
    } catch {
      return `amount ${amount} is not a decimal`;
    }
    return null;
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
    }
    if (first) await this.options.hooks.onPaymentMismatch?.(r ?? record, { notified: reported, reason });
    return { outcome: 'amount_mismatch', record: r };
  }

  async #queryGateway(record: PaymentRecord): Promise<CollectQueryData> {
    const params = { orderId: record.orderId, orderNo: record.orderNo };
    return record.merchant === this.options.client.config.cashierMerchant
      ? this.options.client.cashierQuery(params)
      : this.options.client.collectQuery(record.merchant, params);
  }

  /**
   * Queries HaiPay for a non-final order and applies the answer. Concurrent calls for one order share
   * one query; without `force`, an order checked within `refreshAfterMs` is not queried again.
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
      await this.runHooks(orderId);
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
    await this.runHooks(orderId);
    return this.store.get(orderId);
  }

  /**
   * Runs the merchant hook for the record's current status if it has not completed yet. The store's
   * claim makes it run once across processes; a hook that throws is released and retried later.
   */
  async runHooks(orderId: string): Promise<boolean> {
    const record = await this.store.get(orderId);
    if (!record || !FINAL_HOOK_STATUSES.includes(record.status) || record.hookStatus === record.status)
      return true;
    const hook = this.#hookFor(record);
    if (!(await this.store.claimHook(orderId, record.status, this.options.hookLeaseMs))) return true;
    try {
      await hook?.(record);
      await this.store.completeHook(orderId, record.status);
      return true;
    } catch (err) {
      await this.store.releaseHook(orderId);
      this.options.logger.error('haipay merchant hook threw; it will be retried', {
        orderId,
        status: record.status,
        message: (err as Error)?.message,
      });
      return false;
    }
  }

  #hookFor(record: PaymentRecord): ((r: PaymentEvent) => unknown) | undefined {
    const h = this.options.hooks;
    if (record.kind === 'subscription') return h.onSubscriptionChange?.bind(h);
    if (record.status === 'succeeded') return h.onPaymentSucceeded?.bind(h);
    if (record.status === 'failed') return h.onPaymentFailed?.bind(h);
    if (record.status === 'expired') return h.onPaymentExpired?.bind(h);
    return undefined;
  }

  /** Hooks whose state changed but whose hook did not complete (crash, throw): run them now. */
  async runPendingHooks(limit = 100): Promise<void> {
    for (const r of await this.store.listHookPending(FINAL_HOOK_STATUSES, limit))
      await this.runHooks(r.orderId);
  }

  /**
   * Handles one notification body (raw text). Verifies it, cross-checks it with the stored order,
   * applies it forward-only, runs the hook, logs it; `ack` is true only when all of that is durable.
   */
  async handleNotification(rawBody: string): Promise<NotificationResult> {
    const receivedAt = new Date().toISOString();
    const log = async (orderId: string | null, verified: boolean, outcome: string) => {
      await this.store.appendNotification({
        orderId,
        receivedAt,
        verified,
        outcome,
        body: rawBody.slice(0, 8192),
      });
    };
    let verified;
    try {
      verified = this.options.client.verifyNotification(rawBody);
    } catch (err) {
      const orderId = /"(?:subscriptionOrderId|orderId)"\s*:\s*"([^"]{1,64})"/.exec(rawBody)?.[1] ?? null;
      this.options.logger.warn('haipay notification rejected', { orderId, message: (err as Error).message });
      await log(orderId, false, 'rejected_signature');
      return { ack: false, httpStatus: 400, outcome: 'rejected_signature', orderId };
    }
    const { data, merchant } = verified;
    const type = str(data.type);
    const orderId = str(type.startsWith('SUBSCRIPTION') ? data.subscriptionOrderId : data.orderId) || null;
    const record = orderId ? await this.store.get(orderId) : null;
    if (!record || record.merchant !== merchant) {
      // An order we do not know (or from another appId): confirm by query and log; never credit it.
      let confirmed = 'not_queried';
      if (orderId && !type) {
        const client = this.options.client;
        const q = { orderId, orderNo: str(data.orderNo) || null };
        confirmed = await (
          merchant === client.config.cashierMerchant
            ? client.cashierQuery(q)
            : client.collectQuery(merchant, q)
        )
          .then((q) => `gateway_status_${q.status}`)
          .catch((e: unknown) => (e instanceof HaiPayApiError ? `gateway_${e.code}` : 'query_failed'));
      }
      this.options.logger.warn('haipay notification for an unknown order', { orderId, merchant, confirmed });
      await log(orderId, true, `unknown_order (${confirmed})`);
      return { ack: false, httpStatus: 404, outcome: 'unknown_order', orderId };
    }
    let outcome: string;
    if (type === 'SUBSCRIPTIONS_DEDUCT') {
      await this.options.hooks.onSubscriptionDeduction?.(record, data);
      outcome = 'deduction';
    } else if (type === 'SUBSCRIPTION') {
      const to = subscriptionStatusToKit(data.status);
      const t =
        to === 'unknown' ? { changed: false, record } : await this.store.transition(record.orderId, to);
      if (t.changed) this.#emit(t.record);
      outcome = t.changed ? 'applied' : 'duplicate';
    } else {
      outcome = (await this.#applyPaymentState(record, data, 'notification')).outcome;
    }
    const hooked = await this.runHooks(record.orderId);
    await log(record.orderId, true, hooked ? outcome : `${outcome} (hook failed)`);
    return hooked
      ? { ack: true, httpStatus: 200, outcome, orderId: record.orderId }
      : { ack: false, httpStatus: 500, outcome: 'hook_failed', orderId: record.orderId };
  }
}
