/**
 * The one place this package imports `@haipay-kit/express` from: the store interface it implements and
 * the status ranks that make transitions forward-only, and the row mapping shared with the SQLite store.
 */
export {
  STATUS_RANK,
  isFinalStatus,
  PATCH_COLUMNS,
  recordFromRow,
  type PaymentRow,
} from '@haipay-kit/express';
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
} from '@haipay-kit/express';
