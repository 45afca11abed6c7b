/**
 * Payout (disbursement) and balance schemas: `POST /thb/pay/apply`, `POST /thb/pay/query`
 * (reference §3.3, §4.3) and `POST /{currency}/account/ledger` (reference §3.4).
 *
 * Only THB payouts are modelled: TWD has no payout product and the kit does not pay out in USD or VND.
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
import { THB_PAYOUT_BANK_CODES, THB_PAYOUT_EWALLET_CODES, THB_PAYOUT_LIMITS } from '../rules/methods.js';
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

/** Payout account types for THB (reference §4.3). */
export const PAYOUT_ACCOUNT_TYPES = ['BANK_ACCOUNT', 'EWALLET'] as const;

/** THB pay-apply fields (reference §4.3); amount and bank code are checked by {@link payApplyIssues}. */
export const payApplyFields = z.object({
  appId: appIdSchema,
  orderId: ruled(validateOrderId),
  amount: z.string(),
  accountType: z.enum(PAYOUT_ACCOUNT_TYPES),
  bankCode: nonEmpty,
  accountNo: nonEmpty,
  name: ruled((v) => validatePayoutName('THB', v)),
  phone: ruled((v) => validatePhone('THB', v)),
  email: ruled(validateEmail),
  partnerUserId: ruled(validatePartnerUserId),
  notifyUrl: httpUrlSchema.optional(),
  subject: z.string().optional(),
  body: z.string().optional(),
  sign: z.string().optional(),
});

/**
 * Cross-field checks of a THB payout: amount `^\d+\.\d{2}$` within 1.00–8000.00, and `bankCode` in the
 * list for the `accountType` (banks incl. both `LHB` and `LHFG`; e-wallets).
 */
export function payApplyIssues(body: Record<string, unknown>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const amount = validateAmount('THB', typeof body.amount === 'string' ? body.amount : '', THB_PAYOUT_LIMITS);
  if (amount) issues.push({ field: 'amount', ...amount });
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
  return issues;
}

/** Full THB pay-apply request schema (fields + amount and bank-code checks). */
export const payApplyRequestSchema = payApplyFields.superRefine((body, ctx) => {
  for (const issue of payApplyIssues(body)) {
    ctx.addIssue({ code: 'custom', path: [issue.field], message: issue.message, params: { rule: issue } });
  }
});
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
