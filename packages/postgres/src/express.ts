/**
 * The one place this package imports `@haipay-kit/express` from (a peer dependency): its store entry —
 * the interface this store implements and its record types, the status ranks that make transitions
 * forward-only, the rows and their mapping shared with the SQLite store — and the configuration error
 * its options raise.
 */
export { HaiPayConfigError } from '@haipay-kit/express';
export {
  STATUS_RANK,
  isFinalStatus,
  PATCH_COLUMNS,
  PAYMENT_ORDER_COLUMNS,
  hookEventFromRow,
  idempotencyRecordFromRow,
  notificationFromRow,
  orderQuerySql,
  marksRecheck,
  recheckSql,
  patchColumnValue,
  recordFromRow,
  transferFromRow,
  transferInsertValues,
  transferRank,
  existingKeyOutcome,
  TRANSFER_PATCH_COLUMNS,
  LIVE_REFUND_INDEX,
} from '@haipay-kit/express/store';
export type * from '@haipay-kit/express/store';
