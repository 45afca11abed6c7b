/**
 * `@haipay-kit/express` — the server half of the HaiPay checkout kit. It holds the RSA keys and merchant
 * secrets, makes signed HaiPay calls with {@link HaiPayClient} (every answer verified losslessly before it
 * is believed; applies never re-sent), and gives the merchant one Express router
 * ({@link createHaiPayRouter}) that serves the browser checkout API of docs/contracts.md, receives HaiPay's
 * notifications on its own raw body, applies them forward-only to a durable {@link PaymentStore}
 * (SQLite by default), runs the merchant's hooks exactly once per final state, streams status changes
 * over server-sent events, and reconciles every order whose outcome is unknown by query. Card number
 * and CVV are forwarded once and never logged, stored or echoed.
 */
export {
  HaiPayClient,
  HAIPAY_UAT_URL,
  HAIPAY_PRODUCTION_URL,
  type HaiPayClientOptions,
  type HaiPayClientConfig,
  type MerchantCredentials,
  type HaiPayData,
  type CollectApplyData,
  type CollectQueryData,
  type SubscriptionData,
  type VerifiedNotification,
  type CallOptions,
} from './client.js';
export {
  HaiPayError,
  HaiPayApiError,
  HaiPaySignatureError,
  HaiPayProtocolError,
  HaiPayConnectionError,
  HaiPayTimeoutError,
  HaiPayValidationError,
  HaiPayOutcomeUnknownError,
  HaiPayConfigError,
  HaiPayOrderRejectedError,
  HaiPayIdempotencyError,
  HaiPayNotConfirmedError,
  HaiPayNotFoundError,
  HaiPayRefundError,
  HaiPayKeyError,
  type RefundRefusal,
  type HaiPayErrorCode,
} from './errors.js';
export {
  createNodeHttpTransport,
  createFetchTransport,
  type NodeHttpTransportOptions,
  type HttpTransport,
  type TransportRequest,
  type TransportResponse,
} from './transport.js';
export {
  createConsoleLogger,
  silentLogger,
  type Logger,
  type LogFields,
  type ConsoleLoggerOptions,
} from './logger.js';
export {
  createHaiPayRouter,
  DEFAULT_PROMPTPAY_WINDOW_MS,
  type HaiPayRouter,
  type HaiPayRouterOptions,
  type MethodPrice,
  type RateLimitOption,
  type RateLimitOptions,
  type StreamLimits,
} from './router/index.js';
export type { Readiness } from './admin/readiness.js';
export {
  HaiPayCheckout,
  toPaymentView,
  toSubscriptionView,
  type CheckoutOptions,
  type CheckoutHooks,
  type CreateResult,
  type NotificationResult,
  type PaymentEvent,
  type PayoutEvent,
  type RefundEvent,
  type RefundOptions,
  type PayoutRequest,
  type Balance,
  type RejectedNotification,
  type RequestContext,
  type ResolvedOrder,
  type ResolvedPlan,
} from './checkout/index.js';
export { createReconciler, type Reconciler, type ReconcilerOptions } from './reconciler.js';
export type {
  PaymentStore,
  PaymentRecord,
  RecordKind,
  TransferRecord,
  TransferKind,
  TransferStatus,
} from './store/types.js';
export type {
  PaymentStatus,
  SubscriptionStatus,
  RecordStatus,
  PaymentMethod,
  NextAction,
  PaymentView,
  SubscriptionView,
} from './types.js';
