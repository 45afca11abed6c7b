/**
 * The endpoint registry and the request validator shared by the sandbox and the companion.
 *
 * Every HaiPay endpoint the kit uses is listed once in {@link ENDPOINTS} with its path, request schema
 * and response-`data` schema. {@link validateRequest} applies the field rules per currency and per
 * method and returns {@link FieldIssue}s: the companion turns them into a `400 validation_error`, the
 * sandbox into HaiPay's `1001 param is null` (a `required` issue) or `1002 Illegal Param` (anything
 * else) via {@link gatewayErrorForIssues}. Decisions: docs/protocol.md ("Field rules", "Error codes").
 */
import type { z } from 'zod';
import { CURRENCIES, type Currency } from './rules/currency.js';
import type { FieldIssue, IssueCode } from './rules/issues.js';
import { LosslessNumber } from './lossless-json.js';
import { GATEWAY_ERROR, haipayErrorMessage, type GatewayErrorCode } from './errors.js';
import { isOmittedFromSign, renderSignValue, UNSIGNED_KEYS } from './sign-string.js';
import { isSignSafe } from './rules/safety.js';
import {
  collectApplyFieldsFor,
  collectApplyIssues,
  collectApplyRequestSchema,
  collectApplyResponseSchema,
  collectQueryRequestSchema,
  collectQueryResponseSchema,
  type CheckOptions,
} from './schemas/collect.js';
import {
  REFUND_CURRENCIES,
  refundApplyRequestSchema,
  refundQueryRequestSchema,
  refundResponseSchema,
} from './schemas/refund.js';
import {
  PAYOUT_CURRENCIES,
  accountLedgerRequestSchema,
  accountLedgerResponseSchema,
  payApplyFieldsFor,
  payApplyIssues,
  payApplyRequestSchema,
  payApplyResponseSchema,
  payQueryRequestSchema,
  payQueryResponseSchema,
  type PayoutCurrency,
} from './schemas/payout.js';
import {
  subscriptionApplyFields,
  subscriptionApplyIssues,
  subscriptionApplyRequestSchema,
  subscriptionApplyResponseSchema,
  subscriptionCancelResponseSchema,
  subscriptionNoRequestSchema,
  subscriptionQueryResponseSchema,
} from './schemas/subscription.js';
import {
  cashierApplyFields,
  cashierApplyIssues,
  cashierApplyRequestSchema,
  cashierApplyResponseSchema,
  cashierQueryRequestSchema,
  cashierQueryResponseSchema,
} from './schemas/cashier.js';

/** One endpoint of the registry. */
export interface EndpointDefinition {
  /** The registry key. */
  readonly id: EndpointId;
  /** Path currencies the endpoint exists for, or `null` when the path has no currency segment. */
  readonly currencies: readonly Currency[] | null;
  /**
   * The request path. Endpoints with a currency segment need `currency` (any case; rendered lower
   * case) unless only one currency exists; a currency the endpoint does not serve throws a TypeError.
   */
  path(currency?: string): string;
  /** The request body schema (generic shape for `collectApply`; see `collectApplyRequestSchemaFor`). */
  readonly request: z.ZodType;
  /** The schema of the response envelope's `data`. */
  readonly response: z.ZodType;
  /**
   * True for an endpoint that creates something at HaiPay (an apply): never sent twice — when its
   * outcome is unknown, the order is settled by query (docs/protocol.md §1 "Idempotency"). Queries (and
   * a subscription cancel, which is harmless to repeat: `4014 already end status`) may be retried.
   */
  readonly creates: boolean;
  /** The request field holding the merchant's id of what an apply creates (`orderId`, `subscriptionOrderId`). */
  readonly orderIdField?: string;
}

function currencyPath(suffix: string, currencies: readonly Currency[]) {
  return (currency?: string): string => {
    const c =
      currency === undefined ? (currencies.length === 1 ? currencies[0] : undefined) : currency.toUpperCase();
    if (c === undefined || !(currencies as readonly string[]).includes(c)) {
      throw new TypeError(
        `/${suffix} needs a path currency among ${currencies.join(', ')} (got ${JSON.stringify(currency)})`,
      );
    }
    return `/${c.toLowerCase()}/${suffix}`;
  };
}

const fixedPath = (path: string) => (): string => path;

/**
 * Every endpoint the kit uses, by id (reference §3). `collectQuery` serves every currency; refunds are
 * USD only (card, reference §3.2); payouts are THB, USD and VND (TWD has no payout product, §5);
 * subscriptions and the global cashier have no currency segment. docs/protocol.md "Refund and payout
 * currencies".
 */
export const ENDPOINTS = {
  collectApply: {
    id: 'collectApply',
    currencies: CURRENCIES,
    path: currencyPath('collect/apply', CURRENCIES),
    request: collectApplyRequestSchema,
    response: collectApplyResponseSchema,
    creates: true,
    orderIdField: 'orderId',
  },
  collectQuery: {
    id: 'collectQuery',
    currencies: CURRENCIES,
    path: currencyPath('collect/query', CURRENCIES),
    request: collectQueryRequestSchema,
    response: collectQueryResponseSchema,
    creates: false,
  },
  refundApply: {
    id: 'refundApply',
    currencies: REFUND_CURRENCIES,
    path: currencyPath('refund/apply', REFUND_CURRENCIES),
    request: refundApplyRequestSchema,
    response: refundResponseSchema,
    creates: true,
    orderIdField: 'orderId',
  },
  refundQuery: {
    id: 'refundQuery',
    currencies: REFUND_CURRENCIES,
    path: currencyPath('refund/refundQuery', REFUND_CURRENCIES),
    request: refundQueryRequestSchema,
    response: refundResponseSchema,
    creates: false,
  },
  payApply: {
    id: 'payApply',
    currencies: PAYOUT_CURRENCIES,
    path: currencyPath('pay/apply', PAYOUT_CURRENCIES),
    request: payApplyRequestSchema,
    response: payApplyResponseSchema,
    creates: true,
    orderIdField: 'orderId',
  },
  payQuery: {
    id: 'payQuery',
    currencies: PAYOUT_CURRENCIES,
    path: currencyPath('pay/query', PAYOUT_CURRENCIES),
    request: payQueryRequestSchema,
    response: payQueryResponseSchema,
    creates: false,
  },
  accountLedger: {
    id: 'accountLedger',
    currencies: CURRENCIES,
    path: currencyPath('account/ledger', CURRENCIES),
    request: accountLedgerRequestSchema,
    response: accountLedgerResponseSchema,
    creates: false,
  },
  subscriptionApply: {
    id: 'subscriptionApply',
    currencies: null,
    path: fixedPath('/subscription/apply'),
    request: subscriptionApplyRequestSchema,
    response: subscriptionApplyResponseSchema,
    creates: true,
    orderIdField: 'subscriptionOrderId',
  },
  subscriptionQuery: {
    id: 'subscriptionQuery',
    currencies: null,
    path: fixedPath('/subscription/query'),
    request: subscriptionNoRequestSchema,
    response: subscriptionQueryResponseSchema,
    creates: false,
  },
  subscriptionCancel: {
    id: 'subscriptionCancel',
    currencies: null,
    path: fixedPath('/subscription/cancel'),
    request: subscriptionNoRequestSchema,
    response: subscriptionCancelResponseSchema,
    creates: false,
  },
  cashierApply: {
    id: 'cashierApply',
    currencies: null,
    path: fixedPath('/global/cashier/collect/apply'),
    request: cashierApplyRequestSchema,
    response: cashierApplyResponseSchema,
    creates: true,
    orderIdField: 'orderId',
  },
  cashierQuery: {
    id: 'cashierQuery',
    currencies: null,
    path: fixedPath('/global/cashier/collect/query'),
    request: cashierQueryRequestSchema,
    response: cashierQueryResponseSchema,
    creates: false,
  },
} as const satisfies Record<string, EndpointDefinition>;

/** The id of an endpoint in {@link ENDPOINTS}. */
export type EndpointId =
  | 'collectApply'
  | 'collectQuery'
  | 'refundApply'
  | 'refundQuery'
  | 'payApply'
  | 'payQuery'
  | 'accountLedger'
  | 'subscriptionApply'
  | 'subscriptionQuery'
  | 'subscriptionCancel'
  | 'cashierApply'
  | 'cashierQuery';

/** Every endpoint id, in registry order. */
export const ENDPOINT_IDS = Object.keys(ENDPOINTS) as EndpointId[];

/**
 * Finds the endpoint served at a request path (`/thb/collect/apply`, `/subscription/query`, …), with
 * its path currency (upper case). Query strings and a trailing slash are ignored; the currency segment
 * is matched case-insensitively.
 *
 * @returns `undefined` when no endpoint of the registry lives there
 */
export function matchEndpointPath(path: string): { id: EndpointId; currency: Currency | null } | undefined {
  const trimmed = path.split(/[?#]/)[0]?.replace(/\/+$/, '') ?? '';
  // Only the currency segment is case-insensitive (`/USD/refund/refundQuery`); the rest is exact.
  const clean = trimmed.replace(/^\/([A-Za-z]{3})\//, (_m, c: string) => `/${c.toLowerCase()}/`);
  for (const id of ENDPOINT_IDS) {
    const def: EndpointDefinition = ENDPOINTS[id];
    if (def.currencies === null) {
      if (def.path() === clean) return { id, currency: null };
      continue;
    }
    for (const c of def.currencies) {
      if (def.path(c) === clean) return { id, currency: c };
    }
  }
  return undefined;
}

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
      collectApplyFieldsFor(c as Currency, typeof body.inBankCode === 'string' ? body.inBankCode : undefined),
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
