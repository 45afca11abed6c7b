/**
 * The request validator shared by the sandbox and the companion, over the {@link ENDPOINTS} registry.
 *
 * {@link validateRequest} applies the field rules per currency and per method and returns
 * {@link FieldIssue}s: the companion turns them into a `400 validation_error`, the sandbox into HaiPay's
 * `1001 param is null` (a `required` issue) or `1002 Illegal Param` (anything else) via
 * {@link gatewayErrorForIssues}. Decisions: docs/protocol.md ("Field rules", "Error codes").
 */
import type { z } from 'zod';
import type { Currency } from './rules/currency.js';
import type { FieldIssue, IssueCode } from './rules/issues.js';
import { LosslessNumber } from './lossless-json.js';
import { GATEWAY_ERROR, haipayErrorMessage, type GatewayErrorCode } from './errors.js';
import { isOmittedFromSign, renderSignValue, UNSIGNED_KEYS } from './sign-string.js';
import { isSignSafe } from './rules/safety.js';
import { ENDPOINTS, type EndpointDefinition, type EndpointId } from './endpoints.js';
import {
  collectApplyFieldsFor,
  collectApplyIssues,
  collectQueryRequestSchema,
  type CheckOptions,
} from './schemas/collect.js';
import { refundApplyRequestSchema, refundQueryRequestSchema } from './schemas/refund.js';
import {
  accountLedgerRequestSchema,
  payApplyFieldsFor,
  payApplyIssues,
  payQueryRequestSchema,
  type PayoutCurrency,
} from './schemas/payout.js';
import {
  subscriptionApplyFields,
  subscriptionApplyIssues,
  subscriptionNoRequestSchema,
} from './schemas/subscription.js';
import { cashierApplyFields, cashierApplyIssues, cashierQueryRequestSchema } from './schemas/cashier.js';

/** Options of {@link validateRequest}. */
export interface ValidateRequestOptions extends CheckOptions {
  /** Also require a non-empty `sign` (the sandbox does; the companion validates before signing). */
  requireSign?: boolean;
  /**
   * Also refuse any value holding `&`, `=` or a control character (`not_allowed`), which would make
   * the string to sign ambiguous (docs/protocol.md §2.5). The companion sets it on everything it signs;
   * the sandbox does not, since HaiPay itself accepts such values.
   */
  signSafe?: boolean;
}

type Spec = {
  fields(currency: Currency | null, body: Record<string, unknown>): z.ZodType;
  check?(currency: Currency | null, body: Record<string, unknown>, options: CheckOptions): FieldIssue[];
};

const SPECS: Record<EndpointId, Spec> = {
  collectApply: {
    fields: (c, body) =>
      collectApplyFieldsFor(
        c as Currency,
        typeof body.inBankCode === 'string' ? body.inBankCode : undefined,
        body,
      ),
    check: (c, body, o) => collectApplyIssues(c as Currency, body, o),
  },
  collectQuery: { fields: () => collectQueryRequestSchema },
  refundApply: { fields: () => refundApplyRequestSchema },
  refundQuery: { fields: () => refundQueryRequestSchema },
  payApply: {
    fields: (c) => payApplyFieldsFor(c as PayoutCurrency),
    check: (c, body) => payApplyIssues(body, c as PayoutCurrency),
  },
  payQuery: { fields: () => payQueryRequestSchema },
  accountLedger: { fields: () => accountLedgerRequestSchema },
  subscriptionApply: {
    fields: () => subscriptionApplyFields,
    check: (_c, body, o) => subscriptionApplyIssues(body, o),
  },
  subscriptionQuery: { fields: () => subscriptionNoRequestSchema },
  subscriptionCancel: { fields: () => subscriptionNoRequestSchema },
  cashierApply: { fields: () => cashierApplyFields, check: (_c, body) => cashierApplyIssues(body) },
  cashierQuery: { fields: () => cashierQueryRequestSchema },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof LosslessNumber)
  );
}

/**
 * The body as HaiPay sees it: `null` and `""` are dropped (they are left out of the string to sign,
 * docs/protocol.md §2.2, so a required field sent empty is "null" to HaiPay), and lossless numbers
 * become plain numbers.
 */
function normalizeBody(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (v === null || v === undefined || v === '') continue;
    out[k] = v instanceof LosslessNumber ? v.valueOf() : v;
  }
  return out;
}

function zodIssueCode(issue: z.core.$ZodIssue): IssueCode {
  switch (issue.code) {
    case 'invalid_value':
      return 'not_allowed';
    case 'too_big':
      return 'too_long';
    case 'too_small':
      return 'too_short';
    default:
      return 'invalid_format';
  }
}

function toFieldIssue(issue: z.core.$ZodIssue, body: Record<string, unknown>): FieldIssue {
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)';
  const top = issue.path[0];
  if (top !== undefined && body[String(top)] === undefined) {
    return { field, code: 'required', message: `${field} is required` };
  }
  if (issue.code === 'custom') {
    const rule = (issue.params as { rule?: FieldIssue } | undefined)?.rule;
    if (rule) {
      const { code, message, params } = rule;
      return params === undefined ? { field, code, message } : { field, code, message, params };
    }
  }
  return { field, code: zodIssueCode(issue), message: `${field}: ${issue.message}` };
}

/**
 * Validates a request body for an endpoint the way the sandbox answers and the companion pre-checks:
 * required fields (`required`), types and patterns per path currency, the method from
 * `COLLECT_METHODS` and its amount limits, card fields for the card method, `orderId` ≤ 48, and the
 * endpoint's other cross-field rules. At most one issue per field, in field order.
 *
 * `null` and `""` count as missing; `appId` must be a JSON integer and amounts strings. The signature
 * itself is not checked (only its presence, with `requireSign`).
 *
 * @param currency - the path currency (`null`/`undefined` for `/subscription/…` and `/global/cashier/…`);
 *   a currency the endpoint does not serve gives one `not_allowed` issue on field `(path)`
 * @param body - the parsed JSON body (plain or lossless values)
 * @returns the issues; empty when the request is acceptable
 */
export function validateRequest(
  endpointId: EndpointId,
  currency: Currency | null | undefined,
  body: unknown,
  options: ValidateRequestOptions = {},
): FieldIssue[] {
  const def: EndpointDefinition | undefined = ENDPOINTS[endpointId];
  const spec = SPECS[endpointId];
  if (def === undefined || spec === undefined)
    throw new TypeError(`validateRequest: unknown endpoint ${endpointId}`);
  if (!isRecord(body)) {
    return [{ field: '(body)', code: 'invalid_format', message: 'The request body must be a JSON object' }];
  }
  let pathCurrency: Currency | null = null;
  if (def.currencies !== null) {
    if (currency === null || currency === undefined || !def.currencies.includes(currency)) {
      return [
        {
          field: '(path)',
          code: 'not_allowed',
          message: `${endpointId} is not available for currency ${String(currency)}`,
          params: { currencies: def.currencies.join(',') },
        },
      ];
    }
    pathCurrency = currency;
  }
  const clean = normalizeBody(body);
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  const add = (issue: FieldIssue) => {
    if (seen.has(issue.field)) return;
    seen.add(issue.field);
    issues.push(issue);
  };
  const parsed = spec.fields(pathCurrency, clean).safeParse(clean);
  if (!parsed.success) for (const i of parsed.error.issues) add(toFieldIssue(i, clean));
  if (options.requireSign && typeof clean.sign !== 'string') {
    add({ field: 'sign', code: 'required', message: 'sign is required' });
  }
  for (const issue of spec.check?.(pathCurrency, clean, options) ?? []) add(issue);
  if (options.signSafe) for (const issue of signSafetyIssues(clean)) add(issue);
  return issues;
}

/**
 * One `not_allowed` issue per key or value of a flat parameter map that could not sit in HaiPay's
 * string to sign unambiguously: a key or value holding `&` or `=`, or a control character
 * (docs/protocol.md §2.5). Nested values are rendered as the signer renders them.
 */
export function signSafetyIssues(params: Readonly<Record<string, unknown>>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (UNSIGNED_KEYS.includes(key) || isOmittedFromSign(value)) continue;
    if (!isSignSafe(key)) {
      issues.push({
        field: key,
        code: 'not_allowed',
        message: `The field name ${JSON.stringify(key)} cannot be signed`,
      });
      continue;
    }
    if (!isSignSafe(renderSignValue(value))) {
      issues.push({
        field: key,
        code: 'not_allowed',
        message: `${key} must not contain "&", "=" or control characters (HaiPay's string to sign would be ambiguous)`,
      });
    }
  }
  return issues;
}

/**
 * The keys of a received map (a notification, or a response's `data`) whose key or value holds `&` or
 * `=`. Such a message is never believed, even when its signature verifies: its string to sign can be
 * cut into other key/value pairs, so the signature may have been made for different fields
 * (docs/protocol.md §2.5). Empty when the map is unambiguous.
 */
export function ambiguousSignedKeys(params: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (UNSIGNED_KEYS.includes(key) || isOmittedFromSign(value)) continue;
    if (/[&=]/.test(key) || /[&=]/.test(renderSignValue(value))) out.push(key);
  }
  return out;
}

/**
 * The HaiPay envelope error for a list of request issues (what the sandbox answers): any `required`
 * issue → `1001 param is null`; any other issue → `1002 Illegal Param`; no issue → `null`.
 */
export function gatewayErrorForIssues(
  issues: readonly FieldIssue[],
): { error: GatewayErrorCode; msg: string } | null {
  if (issues.length === 0) return null;
  const error = issues.some((i) => i.code === 'required')
    ? GATEWAY_ERROR.PARAM_NULL
    : GATEWAY_ERROR.ILLEGAL_PARAM;
  return { error, msg: haipayErrorMessage(error) ?? '' };
}
