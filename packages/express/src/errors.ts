/**
 * The error tree of `@haipay-kit/express` (after stripe-node's `Error.ts`): one base class from
 * `@haipay-kit/protocol` (shared with `HaiPayKeyError`) and a few subclasses, each raised in exactly one
 * kind of situation with its own stable `code`, so callers can branch on `err.code` or with `instanceof`.
 */
import { HaiPayError } from '@haipay-kit/protocol';
import type { FieldIssueLike } from './types.js';

export { HaiPayError };
export type { HaiPayErrorCode } from '@haipay-kit/protocol';
export { HaiPayKeyError } from '@haipay-kit/protocol/node';

/** Raised when HaiPay answers `status:"0"`: carries HaiPay's `error` code and `msg` verbatim. */
export class HaiPayApiError extends HaiPayError {
  override name = 'HaiPayApiError';
  override readonly code = 'gateway_error';
  /** HaiPay's envelope `error` code, e.g. `"4012"` (see `GATEWAY_ERRORS` in `@haipay-kit/protocol`). */
  readonly gatewayCode: string;
  /** HaiPay's envelope `msg`, e.g. `"order not exit"` (HaiPay's spelling). */
  readonly msg: string;
  /** The HTTP status of the gateway answer. */
  readonly httpStatus: number;
  constructor(gatewayCode: string, msg: string, httpStatus = 200) {
    super(`HaiPay error ${gatewayCode}: ${msg || '(no message)'}`);
    this.gatewayCode = gatewayCode;
    this.msg = msg;
    this.httpStatus = httpStatus;
  }
}

/** Raised when a response's `data.sign` or a notification's `sign` does not verify: do not believe it. */
export class HaiPaySignatureError extends HaiPayError {
  override name = 'HaiPaySignatureError';
  override readonly code = 'signature_invalid';
}

/**
 * Raised when a verified answer or notification does not have the shape HaiPay documents (a missing
 * `orderNo`, a status that is not a number): the kit does not act on it. On an apply it is wrapped in
 * {@link HaiPayOutcomeUnknownError}, since the order may exist.
 */
export class HaiPayProtocolError extends HaiPayError {
  override name = 'HaiPayProtocolError';
  override readonly code = 'protocol_error';
}

/** Raised when the gateway could not be reached or dropped the connection (no answer was read). */
export class HaiPayConnectionError extends HaiPayError {
  override name = 'HaiPayConnectionError';
  override readonly code = 'connection_error';
}

/** Raised when the gateway did not answer within `timeoutMs`. */
export class HaiPayTimeoutError extends HaiPayError {
  override name = 'HaiPayTimeoutError';
  override readonly code = 'timeout';
}

/** Raised when a request fails the protocol field rules before any gateway call; carries per-field issues. */
export class HaiPayValidationError extends HaiPayError {
  override name = 'HaiPayValidationError';
  override readonly code = 'validation_error';
  /** One entry per offending field, with a stable `code` from `@haipay-kit/protocol/rules`. */
  readonly issues: readonly FieldIssueLike[];
  constructor(message: string, issues: readonly FieldIssueLike[]) {
    super(message);
    this.issues = issues;
  }
}

/**
 * Raised by an apply call (collect, payout, refund, subscription, cashier) when the order *may* exist at
 * HaiPay: error `1003`/`1004`, a timeout, a dropped connection, an unreadable or badly signed answer.
 * Never re-send under a new `orderId`; the order is settled by query (the reconciler does this).
 * docs/protocol.md §1 "Idempotency".
 */
export class HaiPayOutcomeUnknownError extends HaiPayError {
  override name = 'HaiPayOutcomeUnknownError';
  override readonly code = 'outcome_unknown';
  /** The merchant `orderId` (or `subscriptionOrderId`) whose outcome is unknown. */
  readonly orderId: string;
  constructor(orderId: string, cause: unknown) {
    super(
      `The outcome of order ${orderId} is unknown (${cause instanceof Error ? cause.message : String(cause)}); ` +
        'it will be settled by query — do not re-create it under a new orderId.',
      { cause },
    );
    this.orderId = orderId;
  }
}

/** Raised when the kit is configured wrongly; the message names the option and the fix. */
export class HaiPayConfigError extends HaiPayError {
  override name = 'HaiPayConfigError';
  override readonly code = 'config_error';
}

/**
 * Throw it from `resolveOrder` or `resolvePlan` to refuse a checkout with a message the shopper may
 * read (`400 order_rejected`, e.g. "This item is sold out."). Any other error thrown there is treated
 * as a server fault: logged, and answered `500` with a generic message, so a database error or a stack
 * detail never reaches the browser.
 */
export class HaiPayOrderRejectedError extends HaiPayError {
  override name = 'HaiPayOrderRejectedError';
  override readonly code = 'order_rejected';
}

/** Raised when the order or subscription named is not in the store (`404 not_found` on a route). */
export class HaiPayNotFoundError extends HaiPayError {
  override name = 'HaiPayNotFoundError';
  override readonly code = 'not_found';
}

/** Raised when an Idempotency-Key is used again with a different request body (`409`). */
export class HaiPayIdempotencyError extends HaiPayError {
  override name = 'HaiPayIdempotencyError';
  override readonly code = 'idempotency_conflict';
}

/**
 * Raised when an action needs HaiPay's number for an order or subscription that HaiPay has not confirmed
 * yet (e.g. `cancelSubscription()` while the subscription's apply is still being settled by query):
 * nothing was sent to HaiPay; try again once it is confirmed (`409 not_confirmed` on a route).
 */
export class HaiPayNotConfirmedError extends HaiPayError {
  override name = 'HaiPayNotConfirmedError';
  override readonly code = 'not_confirmed';
}

/** Why the kit refused a refund before calling HaiPay (see {@link HaiPayRefundError}). */
export type RefundRefusal = 'not_found' | 'not_paid' | 'already_refunded' | 'not_refundable';

/**
 * Raised by `refund()` before any gateway call when the order cannot be refunded: `reason` is
 * `not_found` (no such order), `not_paid` (not paid, or not confirmed by HaiPay), `already_refunded`
 * (a refund of it succeeded or is still in progress) or `not_refundable` (HaiPay refunds only USD card
 * payments).
 */
export class HaiPayRefundError extends HaiPayError {
  override name = 'HaiPayRefundError';
  override readonly code = 'refund_refused';
  /** Why the refund was refused. */
  readonly reason: RefundRefusal;
  /** For `already_refunded`: the refund that exists. */
  readonly refundId: string | null;
  constructor(reason: RefundRefusal, message: string, refundId: string | null = null) {
    super(message);
    this.reason = reason;
    this.refundId = refundId;
  }
}
