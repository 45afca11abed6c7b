/** Types shared by the client, the store and the router (the browser contract lives in docs/contracts.md). */
import type { PaymentStatus, SubscriptionStatus } from '@haipay-kit/protocol/rules';

// The browser contract is defined once, in @haipay-kit/protocol/rules, and re-exported here.
export {
  PAYMENT_METHODS,
  type PaymentStatus,
  type PaymentMethod,
  type SubscriptionStatus,
  type NextAction,
  type PaymentView,
  type SubscriptionView,
} from '@haipay-kit/protocol/rules';

/** Any status a stored record can hold. */
export type RecordStatus = PaymentStatus | SubscriptionStatus;

/**
 * Rank of each status: a transition is allowed only to a strictly higher rank, so final states (rank 3)
 * never change into one another and two notifications cannot race a state backwards. `review` (rank 4)
 * is reached only from `expired` or `failed`, when money arrives for an order the kit had closed
 * (decide.ts); nothing leaves it.
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
  review: 4,
};

/** True for a final status: it changes no more, except `expired`/`failed` → `review` on late money. */
export function isFinalStatus(status: RecordStatus): boolean {
  return STATUS_RANK[status] >= 3;
}

/** Statuses from which `to` may be reached (strictly lower rank). */
export function statusesBefore(to: RecordStatus): RecordStatus[] {
  const rank = STATUS_RANK[to];
  return (Object.keys(STATUS_RANK) as RecordStatus[]).filter((s) => STATUS_RANK[s] < rank);
}

/** A per-field validation issue (same shape as `FieldIssue` of `@haipay-kit/protocol/rules`). */
export interface FieldIssueLike {
  field: string;
  code: string;
  message: string;
}
