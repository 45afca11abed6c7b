/**
 * `@haipay-kit/express/store` — for implementers of a {@link PaymentStore} (such as
 * `@haipay-kit/postgres`): the store contract and its record types, the status ranks that make
 * transitions forward-only, and the SQL rows and row mappings the bundled stores share. A merchant does
 * not need this entry: the package root exports the types a merchant sees (`PaymentStore`,
 * `PaymentRecord`).
 */
export type {
  PaymentStore,
  PaymentRecord,
  NewPaymentRecord,
  PaymentPatch,
  TransitionOptions,
  TransitionResult,
  RecheckQuery,
  IdempotencyRecord,
  IdempotencyReservation,
  IdempotencyKeyInput,
  IdempotentCreate,
  HookEvent,
  NotificationLogEntry,
  RecordKind,
  TransferKind,
  TransferStatus,
  TransferRecord,
  NewTransferRecord,
  TransferPatch,
  TransferCreate,
  TransferTransition,
} from './types.js';
export { TRANSFER_STATUS_RANK } from './types.js';
export {
  transferFromRow,
  transferInsertValues,
  transferRank,
  existingKeyOutcome,
  TRANSFER_PATCH_COLUMNS,
  LIVE_REFUND_INDEX,
  type TransferRow,
} from './transfer-row.js';
export { STATUS_RANK, isFinalStatus, statusesBefore, type RecordStatus } from '../types.js';
export {
  recordFromRow,
  idempotencyRecordFromRow,
  hookEventFromRow,
  notificationFromRow,
  patchColumnValue,
  PATCH_COLUMNS,
  PAYMENT_ORDER_COLUMNS,
  type PaymentRow,
  type IdempotencyKeyRow,
  type HookEventRow,
  type NotificationRow,
} from './row.js';
export { orderQuerySql, type OrderQuery } from './order-query.js';
export { marksRecheck, recheckSql } from './recheck.js';
