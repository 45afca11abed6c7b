/**
 * Global cashier schemas: `POST /global/cashier/collect/apply` and `/global/cashier/collect/query`
 * (reference §3.5). The cashier has its own "CASHIER" appId and no currency segment; the shopper picks
 * a method on HaiPay's page for the `region`.
 */
import { z } from 'zod';
import { scalarText } from '../lossless-json.js';
import { compareDecimal } from '../rules/decimal.js';
import type { FieldIssue } from '../rules/issues.js';
import { CASHIER_REGIONS, isCashierCurrencyAllowed } from '../rules/methods.js';
import { validateEmail, validateName, validateOrderId, validatePartnerUserId } from '../rules/fields.js';
import { appIdSchema, httpUrlSchema, nonEmpty, optText, ruled, idText } from './common.js';
import { collectQueryResponseSchema } from './collect.js';

/** Smallest USD amount the global cashier accepts (reference §3.5). */
export const CASHIER_USD_MIN = '0.99';

/** Cashier-apply fields; region/currency and amount are checked by {@link cashierApplyIssues}. */
export const cashierApplyFields = z.object({
  appId: appIdSchema,
  orderId: ruled(validateOrderId),
  // No seed describes the cashier's `name`; it follows the USD rule, first and last name included
  // (ASSUMPTION: the cashier's regions TH, TW and US all require both — docs/protocol.md "Names").
  name: ruled((v) => validateName('USD', v)),
  email: ruled(validateEmail),
  phone: z.string().optional(),
  amount: z.string(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  region: z.string().regex(/^[A-Z]{2}$/),
  callBackUrl: httpUrlSchema,
  callBackFailUrl: httpUrlSchema,
  notifyUrl: httpUrlSchema.optional(),
  subject: nonEmpty,
  body: z.string().optional(),
  partnerUserId: ruled(validatePartnerUserId),
  sign: z.string().optional(),
});

/**
 * Cross-field checks of a cashier apply: `region` in `CASHIER_REGIONS`, `currency` allowed for it,
 * `amount` `^\d+\.\d{2}$` for every currency (reference §3.5 — even TWD), USD at least 0.99.
 */
export function cashierApplyIssues(body: Record<string, unknown>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const region = scalarText(body.region);
  const currency = scalarText(body.currency);
  if (!Object.hasOwn(CASHIER_REGIONS, region)) {
    issues.push({
      field: 'region',
      code: 'not_allowed',
      message: `region must be one of ${Object.keys(CASHIER_REGIONS).join(', ')}`,
    });
  } else if (!isCashierCurrencyAllowed(region, currency)) {
    issues.push({
      field: 'currency',
      code: 'not_allowed',
      message: `currency ${currency} is not available in region ${region}`,
      params: { region },
    });
  }
  const amount = typeof body.amount === 'string' ? body.amount : '';
  if (!/^\d+\.\d{2}$/.test(amount)) {
    issues.push({
      field: 'amount',
      code: 'invalid_amount',
      message: 'Amount must have exactly two decimals',
    });
  } else if (currency === 'USD' && compareDecimal(amount, CASHIER_USD_MIN) < 0) {
    issues.push({
      field: 'amount',
      code: 'amount_below_min',
      message: `Amount must be at least ${CASHIER_USD_MIN} USD`,
      params: { min: CASHIER_USD_MIN, currency: 'USD' },
    });
  } else if (compareDecimal(amount, '0') === 0) {
    issues.push({
      field: 'amount',
      code: 'amount_below_min',
      message: 'Amount must be more than 0',
      params: { min: '0.01' },
    });
  }
  return issues;
}

/** Full cashier-apply request schema. */
export const cashierApplyRequestSchema = cashierApplyFields.superRefine((body, ctx) => {
  for (const issue of cashierApplyIssues(body)) {
    ctx.addIssue({ code: 'custom', path: [issue.field], message: issue.message, params: { rule: issue } });
  }
});
/** A cashier-apply request body. */
export type CashierApplyRequest = z.input<typeof cashierApplyRequestSchema>;

/** `data` of a cashier-apply response: `orderId`, `orderNo`, `payUrl` (HaiPay's cashier page). */
export const cashierApplyResponseSchema = z.looseObject({
  orderId: idText,
  orderNo: idText,
  payUrl: optText,
  sign: z.string().optional(),
});
/** Parsed `data` of a cashier-apply response. */
export type CashierApplyResponse = z.output<typeof cashierApplyResponseSchema>;

/** Cashier-query request: both `orderId` and `orderNo` are required (reference §3.5). */
export const cashierQueryRequestSchema = z.object({
  appId: appIdSchema,
  orderId: ruled(validateOrderId),
  orderNo: nonEmpty,
  sign: z.string().optional(),
});
/** A cashier-query request body. */
export type CashierQueryRequest = z.input<typeof cashierQueryRequestSchema>;

/** `data` of a cashier-query response: as a collect query (v2 FX fields optional). */
export const cashierQueryResponseSchema = collectQueryResponseSchema;
