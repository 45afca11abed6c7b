/**
 * Payouts made through the kit (`payout()`, reference §3.3): checked by the protocol's field rules for
 * the currency before anything is written, recorded with the caller's idempotency key, applied once
 * with `notifyUrl` pointing at the router's `/notify`, and settled by HaiPay's notification (payouts.ts)
 * or the reconciler's pay query, whichever comes first. `onPayoutSucceeded` / `onPayoutFailed` run once.
 */
import { ENDPOINTS, validateRequest } from '@haipay-kit/protocol';
import type { HaiPayClient, HaiPayData } from '../client.js';
import { HaiPayConfigError, HaiPayValidationError } from '../errors.js';
import type { TransferRecord } from '../store/types.js';
import type { CheckoutContext } from './context.js';
import { payoutEvent, payoutHookEvent, readPayout } from './payouts.js';
import type { TransferDriver, TransferFlow } from './refunds-and-payouts.js';
import { str } from './text.js';
import { mintOrderId, requestHash } from './wire.js';

/**
 * A payout: who is paid, how much, in which currency. The fields are HaiPay's (reference §3.3, §4.3):
 * their rules depend on the currency (docs/protocol.md "Refund and payout currencies").
 */
export interface PayoutRequest {
  /** `THB`, `USD` or `VND` (TWD has no payout product). */
  currency: string;
  /** Decimal text in the currency's format (`"250.00"`; VND whole dong). */
  amount: string;
  /** `BANK_ACCOUNT` or `EWALLET` (VND: bank accounts only). */
  accountType: string;
  /** The bank or wallet code (THB: from HaiPay's list for the `accountType`; USD `ACH`, `ECASHAPP`, …). */
  bankCode: string;
  /** The beneficiary's account number (PayPal: the e-mail). Kept masked (last four) in the store. */
  accountNo: string;
  /** The beneficiary's name. */
  name: string;
  phone: string;
  email: string;
  /** Your id for the beneficiary (HaiPay `partnerUserId`). */
  partnerUserId: string;
  subject?: string;
  /** USD `ECASHAPP`: required. */
  body?: string;
  /** USD `ACH` recipient fields (required for ACH): routing number, address, bank. */
  identifyType?: string;
  country?: string;
  address1?: string;
  address2?: string;
  address3?: string;
  postalCode?: string;
  bankName?: string;
  swiftCode?: string;
}

/**
 * Every field of {@link PayoutRequest}, for code that takes one from outside (the admin API accepts these
 * and no others). Checked against the interface when compiled: a field added there must be added here.
 */
export const PAYOUT_REQUEST_FIELDS = Object.keys({
  currency: 1,
  amount: 1,
  accountType: 1,
  bankCode: 1,
  accountNo: 1,
  name: 1,
  phone: 1,
  email: 1,
  partnerUserId: 1,
  subject: 1,
  body: 1,
  identifyType: 1,
  country: 1,
  address1: 1,
  address2: 1,
  address3: 1,
  postalCode: 1,
  bankName: 1,
  swiftCode: 1,
} satisfies Record<keyof PayoutRequest, 1>) as readonly (keyof PayoutRequest)[];

/** The payout driver over the client. */
export function payoutDriver(client: HaiPayClient): TransferDriver {
  return {
    query: (t) =>
      client.payQuery(t.merchant, {
        orderId: t.transferId,
        ...(t.gatewayNo ? { orderNo: t.gatewayNo } : {}),
      }),
    read: readPayout,
    event: (t, data) => {
      const answer: HaiPayData = {
        ...data,
        orderId: t.transferId,
        amount: str(data.amount) || t.amount,
        status: t.status === 'succeeded' ? 2 : 3,
      };
      if (t.status === 'failed' && !str(data.errorMsg)) answer.errorMsg = t.failureReason;
      return payoutHookEvent(
        t.merchant,
        t.transferId,
        payoutEvent(t.merchant, answer, { ...answer, currency: t.currency }),
      );
    },
  };
}

/** The currencies with a payout product, from the protocol's endpoint registry. */
const PAYOUT_CURRENCIES: readonly string[] = ENDPOINTS.payApply.currencies;

/** Payout fields that are not sent as given: the currency picks the path and the appId. */
const LOCAL_FIELDS = new Set(['currency']);

/**
 * Pays out once per key. Throws {@link HaiPayValidationError} (field rules, before anything is written)
 * or `HaiPayIdempotencyError` (the key was used for another payout). Resolves with the payout as stored.
 */
export async function createPayout(
  ctx: CheckoutContext,
  client: HaiPayClient,
  flow: TransferFlow,
  request: PayoutRequest,
  options: { idempotencyKey: string },
): Promise<TransferRecord> {
  const key = options?.idempotencyKey;
  if (typeof key !== 'string' || key.length === 0 || key.length > 255)
    throw new HaiPayValidationError('The payout options are invalid.', [
      { field: 'idempotencyKey', code: 'required', message: 'idempotencyKey: 1–255 characters' },
    ]);
  const currency = String(request?.currency ?? '').toUpperCase();
  if (!PAYOUT_CURRENCIES.includes(currency))
    throw new HaiPayValidationError(`HaiPay pays out in ${PAYOUT_CURRENCIES.join(', ')} only.`, [
      { field: 'currency', code: 'not_allowed', message: `currency: one of ${PAYOUT_CURRENCIES.join(', ')}` },
    ]);
  if (!client.hasMerchant(currency))
    throw new HaiPayConfigError(
      `No HaiPay merchant configured for ${currency}; add client merchants.${currency}.`,
    );
  const transferId = mintOrderId('hpo_');
  const params: Record<string, unknown> = { orderId: transferId };
  for (const [k, v] of Object.entries(request)) if (!LOCAL_FIELDS.has(k) && v !== undefined) params[k] = v;
  params.notifyUrl = `${ctx.options.publicBaseUrl}/notify`;
  const issues = validateRequest(
    'payApply',
    currency as Parameters<typeof validateRequest>[1],
    { appId: client.appIdOf(currency), ...params },
    {
      signSafe: true,
    },
  );
  if (issues.length > 0) throw new HaiPayValidationError('Some payout fields are invalid.', issues);
  const accountNo = String(request.accountNo);
  return flow.create(
    {
      transferId,
      kind: 'payout',
      merchant: currency,
      currency,
      amount: request.amount,
      paymentOrderId: null,
      gatewayNo: null,
      status: 'unknown',
      reason: request.subject ?? null,
      failureReason: null,
      fee: null,
      details: {
        accountType: String(request.accountType),
        bankCode: String(request.bankCode),
        accountNo: `****${accountNo.slice(-4)}`,
        name: String(request.name),
      },
      idempotencyKey: key,
      requestHash: requestHash('payouts', { ...request, currency }),
    },
    (sendAfter) => client.payApply(currency, params, { sendAfter }),
  );
}
