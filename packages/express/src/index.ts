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
  isOutcomeUnknown,
  type HaiPayClientOptions,
  type HaiPayClientConfig,
  type MerchantCredentials,
  type HaiPayData,
  type CollectApplyData,
  type CollectQueryData,
  type SubscriptionData,
  type VerifiedNotification,
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
  IdempotencyConflictError,
} from './errors.js';
export {
  createFetchTransport,
  type HttpTransport,
  type TransportRequest,
  type TransportResponse,
} from './transport.js';
export {
  createConsoleLogger,
  redactingLogger,
  redact,
  maskPans,
  silentLogger,
  DEFAULT_REDACT_PATHS,
  REDACTED,
  type Logger,
  type LogFields,
  type ConsoleLoggerOptions,
} from './logger.js';
export {
  createHaiPayRouter,
  rawNotificationBody,
  DEFAULT_PROMPTPAY_WINDOW_MS,
  type HaiPayRouter,
  type HaiPayRouterOptions,
  type RateLimitOption,
  type RateLimitOptions,
  type StreamLimits,
} from './router/index.js';
export {
  HaiPayCheckout,
  mintOrderId,
  requestHash,
  nextFromApply,
  toPaymentView,
  toSubscriptionView,
  subscriptionStatusToKit,
  type CheckoutOptions,
  type CheckoutHooks,
  type CreateResult,
  type NotificationResult,
  type PaymentEvent,
  type PayoutEvent,
  type RequestContext,
  type ResolvedOrder,
  type ResolvedPlan,
} from './checkout/index.js';
export {
  createReconciler,
  RECONCILER_LEASE_INTERVALS,
  type Reconciler,
  type ReconcilerOptions,
} from './reconciler.js';
export { METHOD_WIRE, CASHIER_DEFAULT_REGION, wireMethodFor } from './methods.js';
export { MemoryPaymentStore } from './store/memory.js';
export { SqlitePaymentStore, SQLITE_MIGRATIONS, type SqlitePaymentStoreOptions } from './store/sqlite.js';
export { recordFromRow, PATCH_COLUMNS, type PaymentRow } from './store/row.js';
export type {
  PaymentStore,
  PaymentRecord,
  NewPaymentRecord,
  PaymentPatch,
  TransitionResult,
  IdempotencyRecord,
  IdempotencyReservation,
  IdempotencyKeyInput,
  IdempotentCreate,
  HookEvent,
  NotificationLogEntry,
  RecordKind,
} from './store/types.js';
export { generateTestNotification, sendTestNotification, type TestNotificationOptions } from './testing.js';
export {
  PAYMENT_STATUSES,
  SUBSCRIPTION_STATUSES,
  PAYMENT_METHODS,
  STATUS_RANK,
  isFinalStatus,
  statusesBefore,
  type PaymentStatus,
  type SubscriptionStatus,
  type RecordStatus,
  type PaymentMethod,
  type NextAction,
  type PaymentView,
  type SubscriptionView,
  type FieldIssueLike,
} from './types.js';
