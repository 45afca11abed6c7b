/**
 * The checkout's public types: what the merchant's hooks and `resolveOrder` exchange with the kit,
 * the options of the core, and the outcomes it reports (never HTTP statuses: the router maps them).
 */
import type { HaiPayClient, HaiPayData } from '../client.js';
import type { Logger } from '../logger.js';
import type { TelemetryOptions } from '../metrics.js';
import type { PaymentRecord, PaymentStore, TransferRecord } from '../store/types.js';
import type { PaymentMethod } from '../types.js';

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

/** What the refund hooks receive: the stored refund (`paymentOrderId` is the refunded order). */
export type RefundEvent = Readonly<TransferRecord>;

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
   * A refund made with `refund()` succeeded: HaiPay returned the money to the buyer's card. Once per
   * refund; `refund.paymentOrderId` is the refunded order.
   */
  onRefundSucceeded?(refund: RefundEvent): unknown;
  /**
   * A refund failed (final: HaiPay refused it or reported it failed; `refund.failureReason` says why).
   * The order may be refunded again, with a new idempotency key. Once per refund.
   */
  onRefundFailed?(refund: RefundEvent): unknown;
  /**
   * A payout was paid: one made with `payout()` (settled by HaiPay's notification or the reconciler's
   * pay query), or one you made with `client.payApply` whose `notifyUrl` points at this router's
   * `/notify` (HaiPay notified it and its own pay query agrees on status and amount). Once per payout.
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
 * What the payout hooks receive: a payout HaiPay reported final (reference §7.2) — the verified
 * notification cross-checked with HaiPay's pay query, or the pay query's answer when the reconciler
 * settled a payout made with `payout()` first.
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
  /** The verified notification (or pay query answer), every field HaiPay sent (without `sign`). */
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

/**
 * How the kit takes cards. `hosted`: the shopper types the card on HaiPay's card page (the browser is
 * redirected there), so card data never reaches the merchant's server — the lighter PCI DSS scope.
 * `direct`: PCI direct — the card form posts the card to the merchant's server, which forwards it to
 * HaiPay once; only for merchants certified for it.
 */
export type CardMode = 'hosted' | 'direct';

/** Options for {@link HaiPayCheckout}. */
/** The checkout's options (`meterProvider`, `tracerProvider`: where its metrics and spans go). */
export interface CheckoutOptions extends TelemetryOptions {
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
  /** How cards are taken (card payments and subscriptions). Default `hosted`, as the router's. */
  cardMode?: CardMode;
  /** The clock (ms since the epoch). Default `Date.now`; tests inject one they can move. */
  now?: () => number;
}

/**
 * The outcome of creating a payment or subscription (the router turns it into an HTTP answer):
 * `created` — HaiPay accepted it; `unknown` — HaiPay's answer is not known (a timeout, `1003`/`1004`, an
 * answer that did not verify, or the same request still in flight elsewhere): the order is kept and
 * settled by query; `refused` — HaiPay refused it (`gatewayError`).
 */
export interface CreateResult<V> {
  outcome: 'created' | 'unknown' | 'refused';
  /** True when this answers a request already made with the same Idempotency-Key and body. */
  replayed: boolean;
  view: V;
  /** For `refused`: HaiPay's error. */
  gatewayError?: { code: string; message: string };
}

/**
 * Result of handling one notification. `ack`: answer `SUCCESS` (the change is durable; the hook
 * completed or is still running). Otherwise `outcome` says why not: `rejected_signature`,
 * `rejected_ambiguous`, `rejected_schema` (refused), `unknown_order`, `payout_unconfirmed` (HaiPay's
 * own query does not confirm it yet), `hook_failed` (stored; the hook threw and will run again).
 */
export interface NotificationResult {
  ack: boolean;
  /** What the kit did (`applied`, `duplicate`, `late_payment`, …) or why it did not acknowledge. */
  outcome: string;
  orderId: string | null;
}

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
