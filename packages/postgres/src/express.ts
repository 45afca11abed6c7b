/**
 * The one place this package imports `@haipay-kit/express` from: the store interface it implements and
 * the status ranks that make transitions forward-only.
 */
export { STATUS_RANK, isFinalStatus } from '@haipay-kit/express';
export type {
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
