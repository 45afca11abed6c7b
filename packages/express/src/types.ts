/** Types shared by the client, the store and the router (the browser contract lives in docs/contracts.md). */

/** Status of a payment as the browser sees it. Final: `succeeded`, `failed`, `expired`. */
export const PAYMENT_STATUSES = [
  'unknown',
  'pending',
  'processing',
  'succeeded',
  'failed',
  'expired',
] as const;
/** One of {@link PAYMENT_STATUSES}. */
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Status of a subscription. Final: `failed`, `cancelled`. */
export const SUBSCRIPTION_STATUSES = ['unknown', 'pending', 'active', 'failed', 'cancelled'] as const;
/** One of {@link SUBSCRIPTION_STATUSES}. */
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** Any status a stored record can hold. */
export type RecordStatus = PaymentStatus | SubscriptionStatus;

/**
 * Rank of each status: a transition is allowed only to a strictly higher rank, so final states (rank 3)
 * never change and two notifications cannot race a state backwards.
 */
export const STATUS_RANK: Readonly<Record<RecordStatus, number>> = {
  unknown: 0,
  pending: 1,
  processing: 2,
  active: 2,
  succeeded: 3,
  failed: 3,
  expired: 3,
  cancelled: 3,
};

/** True for a status that never changes again. */
export function isFinalStatus(status: RecordStatus): boolean {
  return STATUS_RANK[status] === 3;
}

/** Statuses from which `to` may be reached (strictly lower rank). */
export function statusesBefore(to: RecordStatus): RecordStatus[] {
  const rank = STATUS_RANK[to];
  return (Object.keys(STATUS_RANK) as RecordStatus[]).filter((s) => STATUS_RANK[s] < rank);
}

/** Payment methods the browser may ask for (docs/contracts.md). */
export const PAYMENT_METHODS = [
  'card',
  'promptpay',
  'truemoney',
  'bank-transfer',
  'twd-atm',
  'twd-store-ibon',
  'twd-store-fami',
  'twd-store-hilife',
  'twd-store-okgo',
  'jkopay',
  'cashier',
] as const;
/** One of {@link PAYMENT_METHODS}. */
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** What the browser should do next (docs/contracts.md `next`). */
export type NextAction =
  | { type: 'redirect'; url: string }
  | { type: 'qr'; payload: string }
  | {
      type: 'bank';
      bankNo: string;
      bankCode: string;
      bankName?: string;
      accountName?: string;
      reference?: string;
    }
  | { type: 'wait' };

/** The sanitized view of a payment sent to the browser (docs/contracts.md `PaymentView`). */
export interface PaymentView {
  orderId: string;
  orderNo: string | null;
  status: PaymentStatus;
  method: string;
  amount: string;
  currency: string;
  subject: string;
  expiresAt?: string;
  next: NextAction;
  failureReason: string | null;
  updatedAt: string;
}

/** The sanitized view of a subscription sent to the browser. */
export interface SubscriptionView {
  subscriptionId: string;
  subscriptionNo: string | null;
  status: SubscriptionStatus;
  amount: string;
  currency: string;
  subject: string;
  next: NextAction;
  failureReason: string | null;
  updatedAt: string;
}

/** A per-field validation issue (same shape as `FieldIssue` of `@haipay-kit/protocol/rules`). */
export interface FieldIssueLike {
  field: string;
  code: string;
  message: string;
}
