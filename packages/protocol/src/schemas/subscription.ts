/**
 * Card subscription schemas: `POST /subscription/apply`, `/subscription/query`, `/subscription/cancel`
 * (seeds 001 and 003, reference §3.5; no currency segment in the path; USD only, 0.99–1000).
 *
 * HaiPay's own examples disagree with its field tables: the examples omit `retryTimes`,
 * `recurringMaxNumber` and `website` and send `recurringIntervalCount` as a number. The field tables
 * decide requiredness (seed 001 marks `retryTimes` "Yes"; seed 003 lists all three among the required
 * fields), while `recurringIntervalCount` is accepted as either — see docs/protocol.md "Subscriptions".
 */
import { z } from 'zod';
import type { FieldIssue } from '../rules/issues.js';
import { validateCardNumber, validateCvv, validateExpiry } from '../rules/card.js';
import { validateCouponPeriod, validateSubscriptionDuration } from '../rules/subscription.js';
import {
  validateAmount,
  validateEmail,
  validateName,
  validateOrderId,
  validatePartnerUserId,
  validatePhone,
} from '../rules/fields.js';
import type { CheckOptions } from './collect.js';
import { CARD_DATA_FIELDS, CLIENT_TYPES } from './collect.js';
import {
  anyText,
  appIdSchema,
  decimalText,
  httpUrlSchema,
  intLike,
  intValue,
  ipSchema,
  nonEmpty,
  optText,
  ruled,
  idText,
} from './common.js';

/** Subscription payment methods (reference §3.5). */
export const SUBSCRIPTION_METHODS = ['CREDIT_CARD', 'GOOGLE_PAY', 'APPLE_PAY'] as const;
/** Recurring interval units: day, week, month, year. */
export const RECURRING_INTERVALS = ['D', 'W', 'M', 'Y'] as const;
/** Subscription amount limits, USD (reference §3.5). */
export const SUBSCRIPTION_LIMITS = { min: '0.99', max: '1000.00' } as const;

/** The PCI-direct card data fields: all or none. */
/** Required with card data (browser facts for risk control). */
const CARD_CONTEXT_FIELDS = ['clientType', 'referer', 'userAgent', 'customerIp'] as const;

/** Subscription-apply fields; amount, method choice and card group are checked by {@link subscriptionApplyIssues}. */
export const subscriptionApplyFields = z.object({
  appId: appIdSchema,
  subscriptionOrderId: ruled(validateOrderId),
  amount: z.string(),
  name: ruled((v) => validateName('USD', v)),
  phone: ruled((v) => validatePhone('USD', v)).optional(),
  email: ruled(validateEmail),
  subject: nonEmpty,
  body: z.string().optional(),
  payType: z.literal('SUBSCRIPTION'),
  inBankCode: z.enum(SUBSCRIPTION_METHODS).optional(),
  paymentMethods: z.string().optional(),
  callBackUrl: httpUrlSchema,
  notifyUrl: httpUrlSchema,
  cancelUrl: httpUrlSchema.optional(),
  country: z.string().optional(),
  currency: z.literal('USD').optional(),
  partnerUserId: ruled(validatePartnerUserId),
  recurringInterval: z.enum(RECURRING_INTERVALS),
  recurringIntervalCount: intLike(1),
  // Seed 003 lists these three among the required fields; seed 001 marks retryTimes "Yes" although
  // seed 003 says "default 3" (docs/protocol.md "Subscriptions").
  recurringMaxNumber: intLike(1),
  retryTimes: intLike(0),
  website: httpUrlSchema,
  couponPeriod: intLike(1).optional(),
  couponAmountPerPeriod: z
    .string()
    .regex(/^\d+\.\d{2}$/)
    .optional(),
  clientType: z.enum(CLIENT_TYPES).optional(),
  accountNo: ruled(validateCardNumber).optional(),
  expiryMonth: z.string().optional(),
  expiryYear: z.string().optional(),
  cvv: ruled(validateCvv).optional(),
  referer: httpUrlSchema.optional(),
  userAgent: nonEmpty.optional(),
  customerIp: ipSchema.optional(),
  sign: z.string().optional(),
});

/**
 * Cross-field checks of a subscription apply: amount USD 0.99–1000.00; exactly one of `inBankCode` and
 * `paymentMethods` (a comma list of {@link SUBSCRIPTION_METHODS}); at most three years in all
 * (`validateSubscriptionDuration`, reported on `recurringMaxNumber`); `couponPeriod` 1 or
 * `recurringMaxNumber` (`validateCouponPeriod`); card data all-or-nothing, and with it `clientType`,
 * `referer`, `userAgent`, `customerIp` and a valid, unexpired expiry.
 */
export function subscriptionApplyIssues(
  body: Record<string, unknown>,
  options: CheckOptions = {},
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const amount = validateAmount(
    'USD',
    typeof body.amount === 'string' ? body.amount : '',
    SUBSCRIPTION_LIMITS,
  );
  if (amount) issues.push({ field: 'amount', ...amount });
  const present = (k: string) => body[k] !== undefined && body[k] !== null && body[k] !== '';
  const duration = validateSubscriptionDuration(
    body.recurringInterval,
    body.recurringIntervalCount,
    body.recurringMaxNumber,
  );
  if (duration) issues.push({ field: 'recurringMaxNumber', ...duration });
  const coupon = validateCouponPeriod(body.couponPeriod, body.recurringMaxNumber);
  if (coupon) issues.push({ field: 'couponPeriod', ...coupon });
  if (present('inBankCode') && present('paymentMethods')) {
    issues.push({
      field: 'paymentMethods',
      code: 'not_allowed',
      message: 'Send either inBankCode or paymentMethods, not both',
    });
  } else if (!present('inBankCode') && !present('paymentMethods')) {
    issues.push({ field: 'inBankCode', code: 'required', message: 'inBankCode is required' });
  } else if (present('paymentMethods')) {
    const list = String(body.paymentMethods).split(',');
    if (!list.every((m) => (SUBSCRIPTION_METHODS as readonly string[]).includes(m))) {
      issues.push({
        field: 'paymentMethods',
        code: 'not_allowed',
        message: `paymentMethods must be a comma list of ${SUBSCRIPTION_METHODS.join(', ')}`,
      });
    }
  }
  if (CARD_DATA_FIELDS.some(present)) {
    for (const k of [...CARD_DATA_FIELDS, ...CARD_CONTEXT_FIELDS]) {
      if (!present(k))
        issues.push({ field: k, code: 'required', message: `${k} is required with card data` });
    }
    if (present('expiryMonth') && present('expiryYear')) {
      const expiry = validateExpiry(String(body.expiryMonth), String(body.expiryYear), options.now);
      if (expiry)
        issues.push({ field: expiry.params?.part === 'month' ? 'expiryMonth' : 'expiryYear', ...expiry });
    }
  }
  return issues;
}

/** Full subscription-apply request schema. */
export const subscriptionApplyRequestSchema = subscriptionApplyFields.superRefine((body, ctx) => {
  for (const issue of subscriptionApplyIssues(body)) {
    ctx.addIssue({ code: 'custom', path: [issue.field], message: issue.message, params: { rule: issue } });
  }
});
/** A subscription-apply request body. */
export type SubscriptionApplyRequest = z.input<typeof subscriptionApplyRequestSchema>;

/**
 * `data` of a subscription-apply response. `amount` arrives as a JSON number (`0.5`, `999.99`) and is
 * read as text; `status` is a string subscription status (`SUBSCRIPTION_STATUS`); `payUrl` is the
 * authorization page (absent for PCI-direct without challenge).
 */
export const subscriptionApplyResponseSchema = z.looseObject({
  subscriptionOrderId: optText,
  subscriptionNo: idText,
  appId: optText,
  subject: optText,
  payType: optText,
  inBankCode: optText,
  amount: decimalText.nullish(),
  recurringInterval: optText,
  recurringIntervalCount: optText,
  status: anyText,
  payUrl: optText,
  clientToken: optText,
  sign: z.string().optional(),
});
/** Parsed `data` of a subscription-apply response. */
export type SubscriptionApplyResponse = z.output<typeof subscriptionApplyResponseSchema>;

/** Subscription query and cancel request: `appId` and the platform `subscriptionNo`. */
export const subscriptionNoRequestSchema = z.object({
  appId: appIdSchema,
  subscriptionNo: nonEmpty,
  sign: z.string().optional(),
});
/** A subscription query/cancel request body. */
export type SubscriptionNoRequest = z.input<typeof subscriptionNoRequestSchema>;

/** One deduction in a subscription query's `deductList`; `status` is an integer `DEDUCTION_STATUS`. */
export const deductionSchema = z.looseObject({
  deductNo: optText,
  amount: decimalText.nullish(),
  status: intValue,
  orderNo: optText,
  startTime: optText,
  endTime: optText,
});

/** `data` of a subscription-query response: the apply fields plus `currency` and `deductList`. */
export const subscriptionQueryResponseSchema = subscriptionApplyResponseSchema.extend({
  currency: optText,
  deductList: z.array(deductionSchema).nullish(),
});
/** Parsed `data` of a subscription-query response. */
export type SubscriptionQueryResponse = z.output<typeof subscriptionQueryResponseSchema>;

/** `data` of a subscription-cancel response (`status` `"4"` once cancelled). */
export const subscriptionCancelResponseSchema = z.looseObject({
  subscriptionNo: idText,
  appId: optText,
  payType: optText,
  inBankCode: optText,
  status: anyText,
  sign: z.string().optional(),
});
/** Parsed `data` of a subscription-cancel response. */
export type SubscriptionCancelResponse = z.output<typeof subscriptionCancelResponseSchema>;
