/**
 * `@haipay-kit/test-support` — what more than one package's tests use, in one place (a private
 * workspace package, never published). A helper only one package's tests use stays in that package's
 * `test/` folder; no test imports another package's `test/` folder (ESLint refuses such an import).
 */
export {
  startHarness,
  clientOptionsFor,
  idem,
  ORIGIN,
  BUYER,
  CARD,
  THB_PAYOUT,
  type Harness,
  type HarnessOptions,
  type WireJson,
} from './harness.js';
export { runPaymentStoreContract, sampleRecord } from './store-contract.js';
export { paidFields, paidNotification, signedNotification, type CreatedOrder } from './notifications.js';
