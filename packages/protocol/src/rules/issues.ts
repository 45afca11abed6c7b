/**
 * Field-issue vocabulary shared by every layer of the kit.
 *
 * The browser elements, the Express companion and the sandbox all report invalid input with the same
 * small set of stable codes, so the elements can localize by code and the companion can forward issues
 * verbatim (docs/contracts.md, `400 validation_error`). Messages here are plain English defaults only.
 */

/** Every issue code a field rule can report, as a readonly list (see {@link IssueCode}). */
export const ISSUE_CODES = [
  'required',
  'too_long',
  'too_short',
  'invalid_format',
  'invalid_email',
  'invalid_phone',
  'invalid_name',
  'invalid_amount',
  'amount_below_min',
  'amount_above_max',
  'card_number_invalid',
  'card_brand_unsupported',
  'expiry_invalid',
  'card_expired',
  'cvv_invalid',
  'not_allowed',
] as const;

/**
 * A stable, machine-readable reason why a field value was rejected. `required` is what the sandbox
 * answers as HaiPay `1001 param is null`; every other code maps to `1002 Illegal Param`.
 */
export type IssueCode = (typeof ISSUE_CODES)[number];

/** The result of a field rule that rejected a value. */
export interface RuleIssue {
  /** Stable code; localize by this, never by `message`. */
  code: IssueCode;
  /** Plain English description, suitable for logs and as a last-resort display text. */
  message: string;
  /** Values a translation can interpolate (e.g. `{ min: '1.00', currency: 'THB' }`). */
  params?: Record<string, string | number>;
}

/** A {@link RuleIssue} attached to a request/body field (the body key, e.g. `cardNumber`, `amount`). */
export interface FieldIssue extends RuleIssue {
  /** The field the issue is about — the key in the request body that was checked. */
  field: string;
}

/** Builds a {@link RuleIssue}; `params` is left out when empty so issues compare cleanly in tests. */
export function ruleIssue(
  code: IssueCode,
  message: string,
  params?: Record<string, string | number>,
): RuleIssue {
  return params === undefined ? { code, message } : { code, message, params };
}
