/**
 * The one place this package imports `@haipay-kit/express` from, so the rest of the package does not
 * care where the store interface and the status ranks live.
 */
export { STATUS_RANK, isFinalStatus } from '../../express/src/types.js';
export type { RecordStatus } from '../../express/src/types.js';
export type {
  IdempotencyRecord,
  IdempotencyReservation,
  NewPaymentRecord,
  NotificationLogEntry,
  PaymentPatch,
  PaymentRecord,
  PaymentStore,
  TransitionResult,
} from '../../express/src/store/types.js';
