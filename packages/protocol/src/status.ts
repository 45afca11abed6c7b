/**
 * HaiPay status codes (collection, payout, refund, subscription, deduction) and the kit's own payment
 * status that the companion exposes to the browser.
 *
 * HaiPay mixes integer and string codes across endpoints (reference §3.1–§3.5, §7), and only some
 * states are final; these tables say which, so no package has to re-derive it. The mapping to
 * {@link PaymentStatus} is the kit's decision, recorded in docs/protocol.md ("Status mapping").
 */

import { scalarText } from './lossless-json.js';

/** One row of a status table. */
export interface StatusInfo<C extends string | number = string | number> {
  /** The code as HaiPay sends it (integer or string, as documented for that endpoint). */
  readonly code: C;
  /** The kit's name for the state (the key of the matching `as const` object). */
  readonly key: string;
  /** English description. */
  readonly label: string;
  /** True when HaiPay will not change the state any more. */
  readonly final: boolean;
}

/** Collection order status (integer) — reference §3.1; `/collect/query` and the notification. */
export const COLLECT_STATUS = {
  NOT_STARTED: 0,
  PROCESSING: 1,
  SUCCESS: 2,
  FAILED: 3,
  PARTIAL: 4,
  EXCESS: 5,
  EXCEPTION: -1,
} as const;
/** A documented collection status code. */
export type CollectStatusCode = (typeof COLLECT_STATUS)[keyof typeof COLLECT_STATUS];

/** Collection statuses with meaning and finality. 4/5 are documented for stablecoin only. */
export const COLLECT_STATUS_TABLE: readonly StatusInfo<CollectStatusCode>[] = [
  { code: 0, key: 'NOT_STARTED', label: 'Not started', final: false },
  { code: 1, key: 'PROCESSING', label: 'Payment in progress', final: false },
  { code: 2, key: 'SUCCESS', label: 'Paid', final: true },
  { code: 3, key: 'FAILED', label: 'Failed', final: true },
  { code: 4, key: 'PARTIAL', label: 'Partially paid (stablecoin only)', final: true },
  { code: 5, key: 'EXCESS', label: 'Over-paid (stablecoin only)', final: true },
  { code: -1, key: 'EXCEPTION', label: 'Exception, pending confirmation', final: false },
];

/** The collection statuses for which HaiPay sends a notification (reference §3.1, §7.1): 2, 3, 4, 5. */
export const COLLECT_NOTIFY_STATUSES: readonly CollectStatusCode[] = [2, 3, 4, 5];

/** Payout order status (integer) — reference §3.3; `/pay/query` and the notification (2/3 only). */
export const PAYOUT_STATUS = {
  NOT_STARTED: 0,
  PROCESSING: 1,
  SUCCESS: 2,
  FAILED: 3,
  EXCEPTION: -1,
} as const;
/** A documented payout status code. */
export type PayoutStatusCode = (typeof PAYOUT_STATUS)[keyof typeof PAYOUT_STATUS];

/** Payout statuses with meaning and finality. */
export const PAYOUT_STATUS_TABLE: readonly StatusInfo<PayoutStatusCode>[] = [
  { code: 0, key: 'NOT_STARTED', label: 'Not started', final: false },
  { code: 1, key: 'PROCESSING', label: 'Processing', final: false },
  { code: 2, key: 'SUCCESS', label: 'Paid out', final: true },
  { code: 3, key: 'FAILED', label: 'Failed', final: true },
  { code: -1, key: 'EXCEPTION', label: 'Exception, pending confirmation', final: false },
];

/** The payout statuses for which HaiPay sends a notification (reference §7.2): 2 and 3. */
export const PAYOUT_NOTIFY_STATUSES: readonly PayoutStatusCode[] = [2, 3];

/** Refund status (string) — reference §3.2, `/usd/refund/apply` and `/usd/refund/refundQuery`. */
export const REFUND_STATUS = {
  PROCESSING: '0',
  SUCCESS: '1',
  FAILED: '2',
} as const;
/** A documented refund status code. */
export type RefundStatusCode = (typeof REFUND_STATUS)[keyof typeof REFUND_STATUS];

/** Refund statuses with meaning and finality. */
export const REFUND_STATUS_TABLE: readonly StatusInfo<RefundStatusCode>[] = [
  { code: '0', key: 'PROCESSING', label: 'Refund processing', final: false },
  { code: '1', key: 'SUCCESS', label: 'Refunded', final: true },
  { code: '2', key: 'FAILED', label: 'Refund failed', final: true },
];

/**
 * Subscription status (string) — reference §3.5, §7.4. `"2"` (active) is not final: the subscription
 * can still be cancelled (`"4"`); only failed and cancelled are terminal.
 */
export const SUBSCRIPTION_STATUS = {
  EXCEPTION: '-1',
  PROCESSING: '1',
  ACTIVE: '2',
  FAILED: '3',
  CANCELLED: '4',
} as const;
/** A documented subscription status code. */
export type SubscriptionStatusCode = (typeof SUBSCRIPTION_STATUS)[keyof typeof SUBSCRIPTION_STATUS];

/** Subscription statuses with meaning and finality. */
export const SUBSCRIPTION_STATUS_TABLE: readonly StatusInfo<SubscriptionStatusCode>[] = [
  { code: '-1', key: 'EXCEPTION', label: 'Subscription exception', final: false },
  { code: '1', key: 'PROCESSING', label: 'Processing', final: false },
  { code: '2', key: 'ACTIVE', label: 'Subscribed', final: false },
  { code: '3', key: 'FAILED', label: 'Subscription failed', final: true },
  { code: '4', key: 'CANCELLED', label: 'Cancelled', final: true },
];

/** Subscription deduction status (integer) — reference §3.5 `deductList`, §7.4 `SUBSCRIPTIONS_DEDUCT`. */
export const DEDUCTION_STATUS = {
  NOT_STARTED: 0,
  PROCESSING: 1,
  SUCCESS: 2,
  FAILED: 3,
} as const;
/** A documented deduction status code. */
export type DeductionStatusCode = (typeof DEDUCTION_STATUS)[keyof typeof DEDUCTION_STATUS];

/** Deduction statuses with meaning and finality. */
export const DEDUCTION_STATUS_TABLE: readonly StatusInfo<DeductionStatusCode>[] = [
  { code: 0, key: 'NOT_STARTED', label: 'Not started', final: false },
  { code: 1, key: 'PROCESSING', label: 'In progress', final: false },
  { code: 2, key: 'SUCCESS', label: 'Deducted', final: true },
  { code: 3, key: 'FAILED', label: 'Deduction failed', final: true },
];

// Codes may arrive as numbers, numeric strings or lossless numbers; compare by their text. Anything
// else (absent, null, an object, an array — `[2]` is not the code 2) has no row.
function findRow<C extends string | number>(
  table: readonly StatusInfo<C>[],
  code: unknown,
): StatusInfo<C> | undefined {
  const text = scalarText(code);
  if (text === '') return undefined;
  return table.find((row) => String(row.code) === text);
}

/** The collection status row for `code` (number or numeric string), or `undefined` if undocumented. */
export function collectStatusInfo(code: unknown): StatusInfo<CollectStatusCode> | undefined {
  return findRow(COLLECT_STATUS_TABLE, code);
}
/** True for a final collection status (2, 3, 4, 5); false for 0, 1, -1 and unknown codes. */
export function isFinalCollectStatus(code: unknown): boolean {
  return collectStatusInfo(code)?.final === true;
}
/** True for a final payout status (2, 3); false for 0, 1, -1 and unknown codes. */
export function isFinalPayoutStatus(code: unknown): boolean {
  return findRow(PAYOUT_STATUS_TABLE, code)?.final === true;
}
/** True for a final refund status (`"1"`, `"2"`); false for `"0"` and unknown codes. */
export function isFinalRefundStatus(code: unknown): boolean {
  return findRow(REFUND_STATUS_TABLE, code)?.final === true;
}
/** True for a terminal subscription status (`"3"` failed, `"4"` cancelled). */
export function isFinalSubscriptionStatus(code: unknown): boolean {
  return findRow(SUBSCRIPTION_STATUS_TABLE, code)?.final === true;
}
/** True for a final deduction status (2, 3). */
export function isFinalDeductionStatus(code: unknown): boolean {
  return findRow(DEDUCTION_STATUS_TABLE, code)?.final === true;
}

/** Every kit-level payment status, as the companion reports it (docs/contracts.md `PaymentView`). */
export const PAYMENT_STATUSES = [
  'pending',
  'processing',
  'succeeded',
  'failed',
  'expired',
  'review',
  'unknown',
] as const;

/**
 * The payment status the companion shows the browser. `unknown` means the gateway outcome is not known
 * (timeout, `1003`/`1004`, an undocumented code) and the reconciler must query. `review` means money
 * arrived for an order the companion had already closed (`expired` or `failed`): it is not credited
 * automatically; the merchant decides (fulfil or refund), and the order stays in `review`.
 */
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Final kit statuses: they never change, except `expired`/`failed` → `review` when money arrives late. */
export const FINAL_PAYMENT_STATUSES: readonly PaymentStatus[] = ['succeeded', 'failed', 'expired', 'review'];

/** True when `status` is one of {@link FINAL_PAYMENT_STATUSES}. */
export function isFinalPaymentStatus(status: PaymentStatus): boolean {
  return FINAL_PAYMENT_STATUSES.includes(status);
}

/**
 * Maps a HaiPay collection status to the kit status (docs/protocol.md "Status mapping"):
 * `0` → pending, `1` → processing, `-1` → processing (HaiPay is still confirming; keep querying),
 * `2` → succeeded, `3` → failed, `4` (partial) → failed — the order was not paid in full, so it must not
 * be fulfilled; the merchant settles the partial amount by hand — and `5` (excess) → succeeded, since at
 * least the full amount arrived. 4/5 are documented for stablecoin only. Anything else → unknown.
 * `expired` is never produced here: it is the companion's own verdict on a pending order past its window.
 */
export function paymentStatusFromCollectCode(code: unknown): PaymentStatus {
  switch (collectStatusInfo(code)?.code) {
    case 0:
      return 'pending';
    case 1:
    case -1:
      return 'processing';
    case 2:
    case 5:
      return 'succeeded';
    case 3:
    case 4:
      return 'failed';
    default:
      return 'unknown';
  }
}
