/**
 * The root of the kit's error tree (after stripe-node's `StripeError`). Every error any package raises
 * on purpose — a gateway refusal, a bad signature, a key that cannot be used, a misconfigured option —
 * is a `HaiPayError` with a stable {@link HaiPayErrorCode}, so callers can branch on `err.code` (stable
 * across versions and across realms) or on `instanceof` the subclass.
 */

/**
 * The stable code of each kind of kit error. The message may be reworded between versions; the code
 * will not. Where a browser route answers an error, its `error.type` uses the same word.
 *
 * | code | raised as | when |
 * | --- | --- | --- |
 * | `gateway_error` | `HaiPayApiError` | HaiPay answered `status:"0"` (its own code is `gatewayCode`) |
 * | `signature_invalid` | `HaiPaySignatureError` | an answer or notification did not verify |
 * | `protocol_error` | `HaiPayProtocolError` | a verified message is not shaped as HaiPay documents |
 * | `connection_error` | `HaiPayConnectionError` | the gateway could not be reached, or the answer was cut off |
 * | `timeout` | `HaiPayTimeoutError` | no answer within `timeoutMs` |
 * | `validation_error` | `HaiPayValidationError` | a request failed the field rules before any gateway call |
 * | `outcome_unknown` | `HaiPayOutcomeUnknownError` | an apply whose order may exist: settle it by query |
 * | `config_error` | `HaiPayConfigError` | an option is wrong; the message names it and the fix |
 * | `key_error` | `HaiPayKeyError` | a key cannot be used; the message says how to fix it |
 * | `order_rejected` | `HaiPayOrderRejectedError` | the merchant's `resolveOrder`/`resolvePlan` refused |
 * | `idempotency_conflict` | `HaiPayIdempotencyError` | an Idempotency-Key reused with another request |
 * | `refund_refused` | `HaiPayRefundError` | a refund the kit refuses before any gateway call (its `reason` says why) |
 * | `not_found` | `HaiPayNotFoundError` | the order or subscription named is not in the store |
 * | `not_confirmed` | `HaiPayNotConfirmedError` | an action needs an order HaiPay has not confirmed yet; try again later |
 * | `haipay_error` | `HaiPayError` | anything else the kit refuses on purpose |
 */
export type HaiPayErrorCode =
  | 'gateway_error'
  | 'signature_invalid'
  | 'protocol_error'
  | 'connection_error'
  | 'timeout'
  | 'validation_error'
  | 'outcome_unknown'
  | 'config_error'
  | 'key_error'
  | 'order_rejected'
  | 'idempotency_conflict'
  | 'refund_refused'
  | 'not_found'
  | 'not_confirmed'
  | 'haipay_error';

/** Base class of every error the kit raises on purpose. */
export class HaiPayError extends Error {
  override name = 'HaiPayError';
  /** What kind of error this is; stable across versions (see {@link HaiPayErrorCode}). */
  readonly code: HaiPayErrorCode = 'haipay_error';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
