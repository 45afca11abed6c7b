/**
 * Collection (pay-in) schemas: `POST /{currency}/collect/apply` per currency and method family, and
 * `POST /{currency}/collect/query` (reference §3.1, §4.2, §5, §6, §3.6).
 *
 * `collect/apply` differs per path currency (name/phone/amount rules, `callBackFailUrl`, TWD cashier
 * `country`) and per method (the USD card takes PCI-direct card fields instead of `callBackFailUrl`,
 * or, in hosted mode, no card fields at all),
 * so each family has its own schema; {@link collectApplyRequestSchemaFor} picks one, and
 * {@link collectApplyRequestSchema} is the loose generic shape used by the endpoint registry.
 */
import { z } from 'zod';
import { scalarText } from '../lossless-json.js';
import type { Currency } from '../rules/currency.js';
import { type FieldIssue } from '../rules/issues.js';
import { findCollectMethod } from '../rules/methods.js';
import {
  validateAmount,
  validateEmail,
  validateName,
  validateOrderId,
  validatePartnerUserId,
  validatePhone,
} from '../rules/fields.js';
import { validateCardNumber, validateCvv, validateExpiry } from '../rules/card.js';
import {
  appIdSchema,
  decimalText,
  httpUrlSchema,
  intValue,
  ipSchema,
  nonEmpty,
  optText,
  ruled,
  idText,
} from './common.js';

/** Client types accepted with PCI-direct card data (reference §6). */
export const CLIENT_TYPES = ['APP', 'WEB', 'WAP', 'MINIAPP', 'OTHERS'] as const;

/** The fields every collect-apply request has, whatever the currency (reference §3.1). */
const common = {
  appId: appIdSchema,
  orderId: ruled(validateOrderId),
  email: ruled(validateEmail),
  // Amount format and limits depend on the method and the amount currency: checked by collectApplyIssues.
  amount: z.string(),
  payType: nonEmpty,
  inBankCode: nonEmpty,
  callBackUrl: httpUrlSchema,
  notifyUrl: httpUrlSchema.optional(),
  subject: nonEmpty,
  body: z.string().optional(),
  partnerUserId: ruled(validatePartnerUserId),
  sign: z.string().optional(),
};

const nameFor = (c: Currency) => ruled((v) => validateName(c, v));
const phoneFor = (c: Currency) => ruled((v) => validatePhone(c, v));

/** THB collect apply (reference §4.2): THB name/phone rules, `callBackFailUrl` required. */
const thbCollectApplyFields = z.object({
  ...common,
  name: nameFor('THB'),
  phone: phoneFor('THB'),
  callBackFailUrl: httpUrlSchema,
});

/**
 * TWD collect apply (reference §5): `country` only `"158"` (cashier mode), `currency` `TWD` or `USD`
 * (the amount currency; TWD amounts are integers).
 */
const twdCollectApplyFields = z.object({
  ...common,
  name: nameFor('TWD'),
  phone: phoneFor('TWD'),
  callBackFailUrl: httpUrlSchema,
  country: z.literal('158').optional(),
  currency: z.enum(['TWD', 'USD']).optional(),
});

/** USD-settled Thai and Taiwanese methods on `/usd/collect/apply` (reference §4.2, §5). */
const usdLocalCollectApplyFields = z.object({
  ...common,
  name: nameFor('USD'),
  phone: phoneFor('USD'),
  callBackFailUrl: httpUrlSchema,
  country: z.string().optional(),
  currency: z.literal('USD').optional(),
});

/**
 * USD card, PCI-direct (seed 001, reference §6): card data and browser facts required, `phone`
 * optional, no `callBackFailUrl`, and `notifyUrl` required (seed 001: "notifyUrl Yes String
 * Asynchronous notification URL", although its example omits it).
 */
const usdCardCollectApplyFields = z.object({
  ...common,
  notifyUrl: httpUrlSchema,
  name: nameFor('USD'),
  phone: phoneFor('USD').optional(),
  country: z.string().optional(),
  currency: z.literal('USD').optional(),
  clientType: z.enum(CLIENT_TYPES),
  accountNo: ruled(validateCardNumber),
  expiryMonth: z.string(),
  expiryYear: z.string(),
  cvv: ruled(validateCvv),
  referer: httpUrlSchema,
  userAgent: nonEmpty,
  customerIp: ipSchema,
});

/**
 * USD card, hosted (non-PCI) mode (reference §6, "two integration styles on the same URL"): the body
 * of §3.1 with no card data — HaiPay answers with a `payUrl` to its own card page. `callBackFailUrl` is
 * required (the card page sends a declined shopper there), `phone` and `notifyUrl` optional,
 * `clientIp` optional.
 */
const usdHostedCardCollectApplyFields = z.object({
  ...common,
  name: nameFor('USD'),
  phone: phoneFor('USD').optional(),
  callBackFailUrl: httpUrlSchema,
  country: z.string().optional(),
  currency: z.literal('USD').optional(),
  clientIp: ipSchema.optional(),
});

/** The card data of a PCI-direct card request; a card request with none of them is hosted mode. */
export const CARD_DATA_FIELDS = ['accountNo', 'expiryMonth', 'expiryYear', 'cvv'] as const;

/**
 * True when a USD `CREDIT_CARD` collect apply is HaiPay's hosted (non-PCI) mode: none of
 * {@link CARD_DATA_FIELDS} is given (missing, `null` or `""`). Card data is all or nothing: a body with
 * some of it is PCI direct, and the missing fields are `required`.
 */
export function isHostedCardBody(body: Record<string, unknown>): boolean {
  return CARD_DATA_FIELDS.every((k) => body[k] === undefined || body[k] === null || body[k] === '');
}

/** VND collect apply (reference §3.6). */
const vndCollectApplyFields = z.object({
  ...common,
  name: nameFor('VND'),
  phone: phoneFor('VND'),
  callBackFailUrl: httpUrlSchema,
});

/** Options for the checks that depend on the clock. */
export interface CheckOptions {
  /** Current time for card expiry checks; defaults to now. */
  now?: Date;
}

/**
 * The cross-field checks of a collect-apply body for the path currency: the method must exist in
 * `COLLECT_METHODS` (else `not_allowed` on `inBankCode`), the amount must match the amount currency's
 * format and the method's limits, and card expiry must be valid and not past. Only call it on a body
 * whose fields already passed the currency's field schema.
 *
 * When the body's `currency` differs from the path currency (TWD path with USD amounts), the amount is
 * checked against that currency's format and widest range — the method limits are in the path
 * currency and HaiPay's FX rate is unknown (docs/protocol.md "Field rules").
 */
export function collectApplyIssues(
  currency: Currency,
  body: Record<string, unknown>,
  options: CheckOptions = {},
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const payType = scalarText(body.payType);
  const inBankCode = scalarText(body.inBankCode);
  const method = findCollectMethod(currency, payType, inBankCode);
  // A missing payType/inBankCode is already a field issue (`required`); only look up complete pairs.
  if (!method && payType !== '' && inBankCode !== '') {
    issues.push({
      field: 'inBankCode',
      code: 'not_allowed',
      message: `No ${currency} payment method with payType ${payType} and inBankCode ${inBankCode}`,
      params: { currency, payType, inBankCode },
    });
  }
  // Only TWD accepts another amount currency (USD, reference §5); elsewhere `currency`, when sent,
  // must equal the path currency.
  let amountCurrency: Currency = currency;
  const bodyCurrency = body.currency;
  if (
    bodyCurrency !== undefined &&
    bodyCurrency !== null &&
    bodyCurrency !== '' &&
    bodyCurrency !== currency
  ) {
    if (currency === 'TWD' && bodyCurrency === 'USD') {
      amountCurrency = 'USD';
    } else {
      issues.push({
        field: 'currency',
        code: 'not_allowed',
        message: `currency ${scalarText(bodyCurrency)} is not allowed on the ${currency} endpoint`,
        params: { currency },
      });
    }
  }
  const amount = typeof body.amount === 'string' ? body.amount : '';
  const amountIssue =
    amountCurrency === currency
      ? validateAmount(currency, amount, method)
      : validateAmount(amountCurrency, amount);
  if (amountIssue) issues.push({ field: 'amount', ...amountIssue });
  if (method?.result === 'card' && !isHostedCardBody(body)) {
    const expiry = validateExpiry(scalarText(body.expiryMonth), scalarText(body.expiryYear), options.now);
    if (expiry) {
      issues.push({ field: expiry.params?.part === 'month' ? 'expiryMonth' : 'expiryYear', ...expiry });
    }
  }
  return issues;
}

/**
 * The field schema for a collect-apply body: by path currency, and for USD by card vs local method —
 * and for the card, by PCI direct vs hosted mode when the `body` is given ({@link isHostedCardBody};
 * without it, PCI direct).
 */
export function collectApplyFieldsFor(
  currency: Currency,
  inBankCode?: string,
  body?: Record<string, unknown>,
): z.ZodObject {
  switch (currency) {
    case 'THB':
      return thbCollectApplyFields;
    case 'TWD':
      return twdCollectApplyFields;
    case 'VND':
      return vndCollectApplyFields;
    case 'USD':
      if (inBankCode !== 'CREDIT_CARD') return usdLocalCollectApplyFields;
      return body && isHostedCardBody(body) ? usdHostedCardCollectApplyFields : usdCardCollectApplyFields;
  }
}

function withMethodChecks<T extends z.ZodObject>(fields: T, currency: Currency) {
  return fields.superRefine((body, ctx) => {
    for (const issue of collectApplyIssues(currency, body)) {
      ctx.addIssue({ code: 'custom', path: [issue.field], message: issue.message, params: { rule: issue } });
    }
  });
}

/** Full THB collect-apply request schema (fields + method and amount limits). */
export const thbCollectApplyRequestSchema = withMethodChecks(thbCollectApplyFields, 'THB');
/** Full TWD collect-apply request schema (fields + method and amount limits). */
export const twdCollectApplyRequestSchema = withMethodChecks(twdCollectApplyFields, 'TWD');
/** Full USD card (PCI-direct) collect-apply request schema. */
export const usdCardCollectApplyRequestSchema = withMethodChecks(usdCardCollectApplyFields, 'USD');
/** Full USD card (hosted, non-PCI) collect-apply request schema. */
export const usdHostedCardCollectApplyRequestSchema = withMethodChecks(
  usdHostedCardCollectApplyFields,
  'USD',
);
/** Full request schema for the USD-settled Thai and Taiwanese methods on `/usd/collect/apply`. */
export const usdLocalCollectApplyRequestSchema = withMethodChecks(usdLocalCollectApplyFields, 'USD');
/** Full VND collect-apply request schema. */
export const vndCollectApplyRequestSchema = withMethodChecks(vndCollectApplyFields, 'VND');

/**
 * The full collect-apply request schema for a path currency (and, for USD, the `inBankCode`:
 * `CREDIT_CARD` selects the PCI-direct card schema, or the hosted one for a `body` without card data).
 */
export function collectApplyRequestSchemaFor(
  currency: Currency,
  inBankCode?: string,
  body?: Record<string, unknown>,
) {
  switch (currency) {
    case 'THB':
      return thbCollectApplyRequestSchema;
    case 'TWD':
      return twdCollectApplyRequestSchema;
    case 'VND':
      return vndCollectApplyRequestSchema;
    case 'USD':
      if (inBankCode !== 'CREDIT_CARD') return usdLocalCollectApplyRequestSchema;
      return body && isHostedCardBody(body)
        ? usdHostedCardCollectApplyRequestSchema
        : usdCardCollectApplyRequestSchema;
  }
}

/**
 * The generic collect-apply shape of reference §3.1 (any currency, any method): types and
 * currency-independent rules only. Use {@link collectApplyRequestSchemaFor} or `validateRequest` for
 * the per-currency and per-method rules.
 */
export const collectApplyRequestSchema = z.object({
  ...common,
  name: nonEmpty,
  phone: z.string().optional(),
  callBackFailUrl: httpUrlSchema.optional(),
  currency: z.string().optional(),
  country: z.string().optional(),
  clientType: z.enum(CLIENT_TYPES).optional(),
  accountNo: z.string().optional(),
  expiryMonth: z.string().optional(),
  expiryYear: z.string().optional(),
  cvv: z.string().optional(),
  referer: z.string().optional(),
  userAgent: z.string().optional(),
  customerIp: z.string().optional(),
  clientIp: z.string().optional(),
});

/** A collect-apply request body (generic shape). */
export type CollectApplyRequest = z.input<typeof collectApplyRequestSchema>;

/**
 * `data` of a collect-apply response (reference §3.1): `orderId`, `orderNo`, and whichever of `payUrl`,
 * `qrCode` (QR payload text), `bankNo`/`bankCode`/`bankUserName`/`bankName`/`description` (bank
 * transfer) or `clientToken` the method uses. Unknown fields are kept.
 */
export const collectApplyResponseSchema = z.looseObject({
  orderId: idText,
  orderNo: idText,
  payUrl: optText,
  qrCode: optText,
  bankNo: optText,
  bankCode: optText,
  bankUserName: optText,
  bankName: optText,
  description: optText,
  clientToken: optText,
  amount: decimalText.nullish(),
  exchangeRate: optText,
  orderAmount: decimalText.nullish(),
  sign: z.string().optional(),
});
/** Parsed `data` of a collect-apply response. */
export type CollectApplyResponse = z.output<typeof collectApplyResponseSchema>;

/** Collect-query request (reference §3.1): `orderId` required, `orderNo` optional ("faster"). */
export const collectQueryRequestSchema = z.object({
  appId: appIdSchema,
  orderId: ruled(validateOrderId),
  orderNo: z.string().optional(),
  sign: z.string().optional(),
});
/** A collect-query request body. */
export type CollectQueryRequest = z.input<typeof collectQueryRequestSchema>;

/**
 * `data` of a collect-query response (reference §3.1, also `/query/v2` fields): `status` is an integer
 * collection status (see `COLLECT_STATUS`); amounts are read as text.
 */
export const collectQueryResponseSchema = z.looseObject({
  orderId: idText,
  orderNo: idText,
  amount: decimalText,
  actualAmount: decimalText.nullish(),
  fee: decimalText.nullish(),
  status: intValue,
  payTime: optText,
  errorMsg: optText,
  inBankCode: optText,
  currency: optText,
  originalCurrency: optText,
  floatExchangeRate: optText,
  originalAmount: decimalText.nullish(),
  sign: z.string().optional(),
});
/** Parsed `data` of a collect-query response. */
export type CollectQueryResponse = z.output<typeof collectQueryResponseSchema>;
