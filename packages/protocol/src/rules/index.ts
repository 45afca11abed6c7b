/**
 * `@haipay-kit/protocol/rules` — HaiPay's field rules for the browser: amounts, names, phones, e-mail,
 * ids, cards, subscription plans, and the payment-method tables.
 *
 * Shoppers' phones download this entry, so it stays tiny: no zod, no Node or DOM APIs, nothing at
 * import time but constant tables. The companion and the sandbox use the very same functions (through
 * `validateRequest` in the root entry), so the browser, the server and the simulated gateway agree on
 * every rule. Decisions where HaiPay is silent: docs/protocol.md ("Field rules").
 */
export { CURRENCIES, isCurrency, type Currency } from './currency.js';
export { ISSUE_CODES, ruleIssue, type IssueCode, type RuleIssue, type FieldIssue } from './issues.js';
export { compareDecimal, isDecimalString } from './decimal.js';
export { SIGN_UNSAFE_PATTERN, isSignSafe, isFollowableUrl } from './safety.js';
export {
  AMOUNT_PATTERNS,
  THB_NAME_PATTERN,
  THB_PAYOUT_NAME_PATTERN,
  GENERAL_NAME_PATTERN,
  NAME_TWO_PARTS_PATTERN,
  NAME_MAX_LENGTH,
  PHONE_PATTERNS,
  EMAIL_MAX_LENGTH,
  PARTNER_USER_ID_PATTERN,
  ORDER_ID_MAX_LENGTH,
  validateAmount,
  validateName,
  validatePayoutName,
  validatePhone,
  validateEmail,
  validatePartnerUserId,
  validateOrderId,
} from './fields.js';
export {
  CARD_BRANDS,
  CARD_NUMBER_LENGTH,
  EXPIRY_MAX_YEARS_AHEAD,
  luhnCheck,
  detectCardBrand,
  formatCardNumber,
  validateCardNumber,
  validateExpiry,
  validateCvv,
  type CardBrand,
} from './card.js';
export {
  SUBSCRIPTION_MAX_DURATION,
  validateSubscriptionDuration,
  validateCouponPeriod,
  type RecurringUnit,
} from './subscription.js';
export {
  COLLECT_METHODS,
  CURRENCY_AMOUNT_LIMITS,
  CASHIER_REGIONS,
  THB_PAYOUT_BANK_CODES,
  THB_PAYOUT_EWALLET_CODES,
  THB_PAYOUT_LIMITS,
  findCollectMethod,
  isCashierCurrencyAllowed,
  type CollectMethod,
  type CollectResult,
  type AmountLimits,
  type CashierRegion,
  type ThbPayoutCode,
} from './methods.js';
export {
  PAYMENT_METHODS,
  SUBSCRIPTION_STATUSES,
  type PaymentStatus,
  type PaymentMethod,
  type SubscriptionStatus,
  type NextAction,
  type PaymentView,
  type SubscriptionView,
  type ApiFieldIssue,
  type ApiErrorBody,
} from './checkout.js';
