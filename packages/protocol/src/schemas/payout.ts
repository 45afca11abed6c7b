/**
 * Payout (disbursement) and balance schemas: `POST /{currency}/pay/apply`, `POST /{currency}/pay/query`
 * (reference §3.3, §3.6, §4.3) and `POST /{currency}/account/ledger` (reference §3.4).
 *
 * Payouts exist in THB, USD and VND ({@link PAYOUT_CURRENCIES}), each with its own fields: THB bank and
 * e-wallet codes and name rule (§4.3), VND bank accounts only (§3.6), USD with the ACH fields and
 * `body` for `ECASHAPP` (§3.3). TWD has no payout product (§5): `validateRequest` reports the path. The
 * decisions are in docs/protocol.md ("Refund and payout currencies").
 */
import { z } from 'zod';
import type { FieldIssue } from '../rules/issues.js';
import {
  validateAmount,
  validateEmail,
  validateOrderId,
  validatePartnerUserId,
  validatePayoutName,
  validatePhone,
} from '../rules/fields.js';
import {
  THB_PAYOUT_BANK_CODES,
  THB_PAYOUT_EWALLET_CODES,
  THB_PAYOUT_LIMITS,
  type AmountLimits,
} from '../rules/methods.js';
import {
  appIdSchema,
  decimalText,
  httpUrlSchema,
  intValue,
  nonEmpty,
  optText,
  ruled,
  idText,
} from './common.js';

/** The path currencies with a payout product (reference §3.3, §3.6, §4.3; none for TWD, §5). */
export const PAYOUT_CURRENCIES = ['THB', 'USD', 'VND'] as const;

/** A currency the kit pays out in. */
export type PayoutCurrency = (typeof PAYOUT_CURRENCIES)[number];

/** Payout account types for THB and USD (reference §3.3, §4.3). */
export const PAYOUT_ACCOUNT_TYPES = ['BANK_ACCOUNT', 'EWALLET'] as const;

/** The `accountType`s each payout currency takes: VND pays out to bank accounts only (reference §3.6). */
const PAYOUT_ACCOUNT_TYPES_BY_CURRENCY = {
  THB: PAYOUT_ACCOUNT_TYPES,
  USD: PAYOUT_ACCOUNT_TYPES,
  VND: ['BANK_ACCOUNT'],
} as const satisfies Record<PayoutCurrency, readonly string[]>;

/**
 * Per-order payout limits: THB 1.00–8000.00 (reference §4.1), VND 50000–10000000 (reference §3.6),
 * USD 1.00–800.00 (HaiPay's USD payout page; the reference gives none).
 */
const PAYOUT_LIMITS: Readonly<Record<PayoutCurrency, AmountLimits>> = {
  THB: THB_PAYOUT_LIMITS,
  USD: { min: '1.00', max: '800.00' },
  VND: { min: '50000', max: '10000000' },
};

/** USD `bankCode` of an ACH transfer, which needs {@link USD_ACH_FIELDS} (ASSUMPTION: the code's name). */
const USD_ACH_BANK_CODE = 'ACH';
/** USD `bankCode` of a Cash App payout, which needs `body` (reference §3.3). */
const USD_CASHAPP_BANK_CODE = 'ECASHAPP';
/**
 * The recipient fields a USD ACH payout requires (reference §3.3): `identifyType` is the bank routing
 * number, `address1`–`address3` street, city and state.
 */
const USD_ACH_FIELDS = [
  'identifyType',
  'country',
  'address1',
  'address2',
  'address3',
  'postalCode',
  'bankName',
  'swiftCode',
] as const;

/** The fields every payout takes, whatever the currency (reference §3.3). */
const common = {
  appId: appIdSchema,
  orderId: ruled(validateOrderId),
  // Format and limits depend on the currency: checked by payApplyIssues.
  amount: z.string(),
  bankCode: nonEmpty,
  accountNo: nonEmpty,
  email: ruled(validateEmail),
  partnerUserId: ruled(validatePartnerUserId),
  notifyUrl: httpUrlSchema.optional(),
  subject: z.string().optional(),
  body: z.string().optional(),
  sign: z.string().optional(),
};

/** THB pay-apply fields (reference §4.3); amount and bank code are checked by {@link payApplyIssues}. */
const payApplyFields = z.object({
  ...common,
  accountType: z.enum(PAYOUT_ACCOUNT_TYPES),
  name: ruled((v) => validatePayoutName('THB', v)),
  phone: ruled((v) => validatePhone('THB', v)),
});

/** USD pay-apply fields (reference §3.3): the ACH recipient fields are optional here, required for ACH. */
const usdPayApplyFields = z.object({
  ...common,
  accountType: z.enum(PAYOUT_ACCOUNT_TYPES),
  name: ruled((v) => validatePayoutName('USD', v)),
  phone: ruled((v) => validatePhone('USD', v)),
  ...(Object.fromEntries(USD_ACH_FIELDS.map((f) => [f, z.string().optional()])) as Record<
    (typeof USD_ACH_FIELDS)[number],
    z.ZodOptional<z.ZodString>
  >),
});

/** VND pay-apply fields (reference §3.6): bank accounts only. */
const vndPayApplyFields = z.object({
  ...common,
  accountType: z.enum(PAYOUT_ACCOUNT_TYPES_BY_CURRENCY.VND),
  name: ruled((v) => validatePayoutName('VND', v)),
  phone: ruled((v) => validatePhone('VND', v)),
});

/** The pay-apply field schema of a payout currency. */
export function payApplyFieldsFor(currency: PayoutCurrency): z.ZodObject {
  switch (currency) {
    case 'THB':
      return payApplyFields;
    case 'USD':
      return usdPayApplyFields;
    case 'VND':
      return vndPayApplyFields;
  }
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '';

/**
 * Cross-field checks of a payout for its path currency: the amount's format and the currency's payout
 * limits ({@link PAYOUT_LIMITS}); for THB, `bankCode` in the list for the `accountType` (banks incl.
 * both `LHB` and `LHFG`; e-wallets); for USD, the ACH fields when `bankCode` is `ACH` and `body` when it
 * is `ECASHAPP` (a missing one is `required`).
 *
 * @param currency - the path currency; default `THB` (the only one before USD and VND were modelled)
 */
export function payApplyIssues(
  body: Record<string, unknown>,
  currency: PayoutCurrency = 'THB',
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const amount = validateAmount(
    currency,
    typeof body.amount === 'string' ? body.amount : '',
    PAYOUT_LIMITS[currency],
  );
  if (amount) issues.push({ field: 'amount', ...amount });
  if (currency === 'THB') {
    const codes: readonly string[] =
      body.accountType === 'EWALLET' ? THB_PAYOUT_EWALLET_CODES : THB_PAYOUT_BANK_CODES;
    if (!codes.includes(String(body.bankCode))) {
      issues.push({
        field: 'bankCode',
        code: 'not_allowed',
        message: `bankCode ${String(body.bankCode)} is not a THB ${String(body.accountType)} code`,
        params: { accountType: String(body.accountType) },
      });
    }
  }
  if (currency === 'USD') {
    const needed =
      body.bankCode === USD_ACH_BANK_CODE
        ? USD_ACH_FIELDS
        : body.bankCode === USD_CASHAPP_BANK_CODE
          ? (['body'] as const)
          : [];
    for (const field of needed) {
      if (!present(body[field])) {
        issues.push({
          field,
          code: 'required',
          message: `${field} is required for a USD ${String(body.bankCode)} payout`,
        });
      }
    }
  }
  return issues;
}

function withPayoutChecks(fields: z.ZodObject, currency: PayoutCurrency) {
  return fields.superRefine((body, ctx) => {
    for (const issue of payApplyIssues(body, currency)) {
      ctx.addIssue({ code: 'custom', path: [issue.field], message: issue.message, params: { rule: issue } });
    }
  });
}

/** Full THB pay-apply request schema (fields + amount and bank-code checks). */
export const payApplyRequestSchema = withPayoutChecks(payApplyFields, 'THB');
/** Full USD pay-apply request schema (fields + amount limits and the ACH / Cash App fields). */
const usdPayApplyRequestSchema = withPayoutChecks(usdPayApplyFields, 'USD');
/** Full VND pay-apply request schema (fields + amount limits). */
const vndPayApplyRequestSchema = withPayoutChecks(vndPayApplyFields, 'VND');

/** The full pay-apply request schema of a payout currency. */
export function payApplyRequestSchemaFor(currency: PayoutCurrency) {
  switch (currency) {
    case 'THB':
      return payApplyRequestSchema;
    case 'USD':
      return usdPayApplyRequestSchema;
    case 'VND':
      return vndPayApplyRequestSchema;
  }
}

/** A pay-apply request body. */
export type PayApplyRequest = z.input<typeof payApplyRequestSchema>;

/** `data` of a pay-apply response: acceptance only; the result comes by notification or query. */
export const payApplyResponseSchema = z.looseObject({
  orderId: idText,
  orderNo: idText,
  sign: z.string().optional(),
});
/** Parsed `data` of a pay-apply response. */
export type PayApplyResponse = z.output<typeof payApplyResponseSchema>;

/** Pay-query request: `orderId` required, `orderNo` optional. */
export const payQueryRequestSchema = z.object({
  appId: appIdSchema,
  orderId: ruled(validateOrderId),
  orderNo: z.string().optional(),
  sign: z.string().optional(),
});
/** A pay-query request body. */
export type PayQueryRequest = z.input<typeof payQueryRequestSchema>;

/** `data` of a pay-query response; `status` is an integer payout status (`PAYOUT_STATUS`). */
export const payQueryResponseSchema = z.looseObject({
  orderId: idText,
  orderNo: idText,
  amount: decimalText,
  fee: decimalText.nullish(),
  status: intValue,
  payTime: optText,
  errorMsg: optText,
  sign: z.string().optional(),
});
/** Parsed `data` of a pay-query response. */
export type PayQueryResponse = z.output<typeof payQueryResponseSchema>;

/** Account-ledger (balance) request: only `appId` and `sign`. */
export const accountLedgerRequestSchema = z.object({
  appId: appIdSchema,
  sign: z.string().optional(),
});
/** An account-ledger request body. */
export type AccountLedgerRequest = z.input<typeof accountLedgerRequestSchema>;

/** `data` of an account-ledger response: balances as decimal text. */
export const accountLedgerResponseSchema = z.looseObject({
  bal: decimalText,
  availableBal: decimalText,
  frzBal: decimalText,
  unSettleBal: decimalText,
  sign: z.string().optional(),
});
/** Parsed `data` of an account-ledger response. */
export type AccountLedgerResponse = z.output<typeof accountLedgerResponseSchema>;
