// The companion contract is defined once, in @haipay-kit/protocol/rules (types only: nothing is bundled).
import type {
  PaymentStatus,
  NextAction,
  PaymentView as ContractPaymentView,
  ApiFieldIssue,
  ApiErrorBody,
} from '@haipay-kit/protocol/rules';

export type { PaymentStatus, ApiErrorBody };
/** One per-field issue of a `400 validation_error` answer. */
export type FieldIssue = ApiFieldIssue;
/** What to do next (`next` of a payment view). */
export type PaymentNext = NextAction;
/**
 * The companion's view of one payment (docs/contracts.md "PaymentView"). The elements also build one
 * from attributes (`payload`, `expires-at`, `amount`) without a server, so only the core is required.
 */
export type PaymentView = Pick<
  ContractPaymentView,
  'orderId' | 'status' | 'method' | 'amount' | 'currency'
> & {
  [K in 'orderNo' | 'subject' | 'expiresAt' | 'next' | 'failureReason' | 'updatedAt']?:
    ContractPaymentView[K] | null;
};

/** `review`: money arrived after the order had closed; the merchant decides (docs/contracts.md). */
const FINAL_STATUSES: readonly PaymentStatus[] = ['succeeded', 'failed', 'expired', 'review'];
export type FinalStatus = 'succeeded' | 'failed' | 'expired' | 'review';
export const isFinal = (status: PaymentStatus | null | undefined): status is FinalStatus =>
  FINAL_STATUSES.includes(status!);

export type Theme = 'light' | 'dark' | 'auto';
