/**
 * `@haipay-kit/protocol` — HaiPay's wire contract, shared by every package of the kit.
 *
 * What HaiPay's merchant API accepts and answers, in one place: the string-to-sign rule, a lossless
 * JSON parser (so numbers are verified as the text HaiPay signed), the field rules per currency and
 * payment method, zod schemas per endpoint, and the status and error-code tables. This root entry uses
 * no Node or DOM APIs; signing lives in `@haipay-kit/protocol/node`, and the browser-safe field rules
 * (no zod) in `@haipay-kit/protocol/rules`. See docs/protocol.md for the decisions behind each rule.
 */
export {
  type NestedStyle,
  stringToSign,
  renderSignValue,
  isOmittedFromSign,
  hasNestedValues,
  UNSIGNED_KEYS,
} from './sign-string.js';
export {
  parseJsonLossless,
  toPlain,
  stringifyLossless,
  scalarText,
  LosslessNumber,
  type LosslessValue,
  type LosslessObject,
  type PlainValue,
} from './lossless-json.js';
export * from './rules/index.js';
export { HaiPayError, type HaiPayErrorCode } from './haipay-error.js';
export {
  COLLECT_STATUS,
  COLLECT_STATUS_TABLE,
  COLLECT_NOTIFY_STATUSES,
  PAYOUT_STATUS,
  PAYOUT_STATUS_TABLE,
  PAYOUT_NOTIFY_STATUSES,
  REFUND_STATUS,
  REFUND_STATUS_TABLE,
  SUBSCRIPTION_STATUS,
  SUBSCRIPTION_STATUS_TABLE,
  DEDUCTION_STATUS,
  DEDUCTION_STATUS_TABLE,
  PAYMENT_STATUSES,
  FINAL_PAYMENT_STATUSES,
  collectStatusInfo,
  isFinalCollectStatus,
  isFinalPayoutStatus,
  isFinalRefundStatus,
  isFinalSubscriptionStatus,
  isFinalDeductionStatus,
  isFinalPaymentStatus,
  paymentStatusFromCollectCode,
  type StatusInfo,
  type CollectStatusCode,
  type PayoutStatusCode,
  type RefundStatusCode,
  type SubscriptionStatusCode,
  type DeductionStatusCode,
  type PaymentStatus,
} from './status.js';
export {
  GATEWAY_ERROR,
  GATEWAY_ERRORS,
  SIGNATURE_ERROR_CODE,
  haipayErrorInfo,
  haipayErrorMessage,
  isGatewayErrorCode,
  orderMayExist,
  type GatewayErrorCode,
  type GatewayErrorInfo,
} from './errors.js';
export {
  ENDPOINTS,
  ENDPOINT_IDS,
  matchEndpointPath,
  type EndpointDefinition,
  type EndpointId,
} from './endpoints.js';
export {
  validateRequest,
  signSafetyIssues,
  ambiguousSignedKeys,
  gatewayErrorForIssues,
  type ValidateRequestOptions,
} from './validate-request.js';
export { responseEnvelopeSchema, isSuccessEnvelope, type ResponseEnvelope } from './schemas/envelope.js';
export {
  CLIENT_TYPES,
  collectApplyRequestSchema,
  collectApplyRequestSchemaFor,
  collectApplyFieldsFor,
  collectApplyIssues,
  thbCollectApplyRequestSchema,
  twdCollectApplyRequestSchema,
  usdCardCollectApplyRequestSchema,
  usdHostedCardCollectApplyRequestSchema,
  isHostedCardBody,
  CARD_DATA_FIELDS,
  usdLocalCollectApplyRequestSchema,
  vndCollectApplyRequestSchema,
  collectApplyResponseSchema,
  collectQueryRequestSchema,
  collectQueryResponseSchema,
  type CheckOptions,
  type CollectApplyRequest,
  type CollectApplyResponse,
  type CollectQueryRequest,
  type CollectQueryResponse,
} from './schemas/collect.js';
export {
  refundApplyRequestSchema,
  refundQueryRequestSchema,
  refundResponseSchema,
  type RefundApplyRequest,
  type RefundQueryRequest,
  type RefundResponse,
} from './schemas/refund.js';
export {
  PAYOUT_ACCOUNT_TYPES,
  payApplyRequestSchema,
  payApplyRequestSchemaFor,
  payApplyIssues,
  payApplyResponseSchema,
  payQueryRequestSchema,
  payQueryResponseSchema,
  accountLedgerRequestSchema,
  accountLedgerResponseSchema,
  type PayApplyRequest,
  type PayApplyResponse,
  type PayQueryRequest,
  type PayQueryResponse,
  type AccountLedgerRequest,
  type AccountLedgerResponse,
} from './schemas/payout.js';
export {
  SUBSCRIPTION_METHODS,
  RECURRING_INTERVALS,
  SUBSCRIPTION_LIMITS,
  subscriptionApplyRequestSchema,
  subscriptionApplyIssues,
  subscriptionApplyResponseSchema,
  subscriptionNoRequestSchema,
  subscriptionQueryResponseSchema,
  subscriptionCancelResponseSchema,
  deductionSchema,
  type SubscriptionApplyRequest,
  type SubscriptionApplyResponse,
  type SubscriptionNoRequest,
  type SubscriptionQueryResponse,
  type SubscriptionCancelResponse,
} from './schemas/subscription.js';
export {
  CASHIER_USD_MIN,
  cashierApplyRequestSchema,
  cashierApplyIssues,
  cashierApplyResponseSchema,
  cashierQueryRequestSchema,
  cashierQueryResponseSchema,
  type CashierApplyRequest,
  type CashierApplyResponse,
  type CashierQueryRequest,
} from './schemas/cashier.js';
export {
  NOTIFICATIONS,
  collectNotificationSchema,
  payoutNotificationSchema,
  subscriptionNotificationSchema,
  deductionNotificationSchema,
  subscriptionEventNotificationSchema,
  type CollectNotification,
  type PayoutNotification,
  type SubscriptionNotification,
  type DeductionNotification,
  type SubscriptionEventNotification,
} from './schemas/notifications.js';
export { isHttpUrl } from './schemas/common.js';
