/**
 * The one place this package imports `@haipay-kit/express` from (a peer dependency): its store entry —
 * the interface this store implements, the status ranks that make transitions forward-only, the row
 * mapping shared with the SQLite store — and the configuration error its options raise.
 */
export { HaiPayConfigError } from '@haipay-kit/express';
export {
  STATUS_RANK,
  isFinalStatus,
  PATCH_COLUMNS,
  recordFromRow,
  type PaymentRow,
} from '@haipay-kit/express/store';
export type {
  HookEvent,
  IdempotencyKeyInput,
  IdempotentCreate,
  IdempotencyRecord,
  IdempotencyReservation,
  NewPaymentRecord,
  NotificationLogEntry,
  PaymentPatch,
  PaymentRecord,
  PaymentStore,
  RecordStatus,
  TransitionResult,
} from '@haipay-kit/express/store';
