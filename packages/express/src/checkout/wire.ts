/**
 * The requests the kit sends HaiPay to create a payment or a subscription, built from what the
 * merchant decided (`resolveOrder`/`resolvePlan`), what the buyer typed, and the request's context —
 * plus the ids and hashes that go with them. Nothing here talks to the network or the store.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { isCashierCurrencyAllowed } from '@haipay-kit/protocol/rules';
import type { EndpointId } from '@haipay-kit/protocol';
import type { HaiPayClientConfig } from '../client.js';
import { HaiPayConfigError } from '../errors.js';
import { CASHIER_DEFAULT_REGION, wireMethodFor } from '../methods.js';
import type { PaymentMethod } from '../types.js';
import { str } from './text.js';
import type { CardMode, RequestContext, ResolvedOrder, ResolvedPlan } from './types.js';

/** Random bytes for ids, drawn from the CSPRNG 4 KB at a time (one call per 256 ids). */
const idEntropy = Buffer.alloc(4096);
let idEntropyUsed = idEntropy.length;

/**
 * Mints a merchant order id: `hp_` + the time in milliseconds (8 base-36 characters, so ids sort by
 * when they were made) + 22 url-safe random characters (128 bits): 33 characters, HaiPay allows 48.
 * Unguessable, so it doubles as a capability. Made in time order, new ids land next to each other in
 * the store's index instead of on a random page each, so an insert dirties fewer pages.
 */
export function mintOrderId(prefix = 'hp_'): string {
  if (idEntropyUsed + 16 > idEntropy.length) {
    randomFillSync(idEntropy);
    idEntropyUsed = 0;
  }
  const random = idEntropy.toString('base64url', idEntropyUsed, idEntropyUsed + 16);
  idEntropyUsed += 16;
  return prefix + Date.now().toString(36).padStart(8, '0') + random;
}

/**
 * Hash of a request body for idempotency matching. Card number and CVV are left out (only the last four
 * digits of the card count), so the stored hash can never be brute-forced back into a card.
 */
export function requestHash(scope: string, body: Record<string, unknown>): string {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(body).sort()) {
    if (key === 'cardNumber' || key === 'cvv') continue;
    copy[key] = body[key];
  }
  if (typeof body.cardNumber === 'string') copy.cardLast4 = body.cardNumber.replace(/\D/g, '').slice(-4);
  return createHash('sha256').update(scope).update('\u0000').update(JSON.stringify(copy)).digest('hex');
}

/** The router's URLs HaiPay is given for one order (no query string: docs/protocol.md §2.5). */
function orderUrls(
  publicBaseUrl: string,
  orderId: string,
): { notifyUrl: string; callBackUrl: string; callBackFailUrl: string } {
  return {
    notifyUrl: `${publicBaseUrl}/notify`,
    callBackUrl: `${publicBaseUrl}/return/${orderId}`,
    callBackFailUrl: `${publicBaseUrl}/return/${orderId}/fail`,
  };
}

/** The PCI-direct card fields (docs/protocol.md §6): the card as HaiPay wants it, and the buyer's context. */
function cardFields(body: Record<string, unknown>, ctx: RequestContext): Record<string, unknown> {
  const year = str(body.expiryYear);
  return {
    clientType: 'WEB',
    accountNo: str(body.cardNumber).replace(/[\s-]/g, ''),
    expiryMonth: str(body.expiryMonth).padStart(2, '0'),
    expiryYear: year.length === 2 ? `20${year}` : year,
    cvv: str(body.cvv),
    referer: ctx.referer,
    userAgent: ctx.userAgent,
    customerIp: ctx.ip,
  };
}

/** A create request, ready for the preflight check and the client. */
export interface WireRequest {
  endpoint: EndpointId;
  /** The configured merchant (appId) it is signed with, e.g. `THB`, `USD`, `CASHIER`. */
  merchant: string;
  /** The path currency, or null for endpoints without one. */
  pathCurrency: string | null;
  params: Record<string, unknown>;
}

/** Where a wire request is made: the buyer's input, the browser's body and context, and the order id. */
export interface RequestSite {
  /** The buyer's fields, with `buyer` from `resolveOrder` filled in. */
  input: Record<string, unknown>;
  /** The browser's body (card fields are read from here only). */
  body: Record<string, unknown>;
  ctx: RequestContext;
  orderId: string;
  publicBaseUrl: string;
  config: HaiPayClientConfig;
  /** `hosted`: the card is typed on HaiPay's page, so no card fields are sent; `direct`: PCI direct. */
  cardMode: CardMode;
}

/**
 * The collect (or global cashier) apply for a payment. `input` is the buyer's fields with `buyer`
 * filled in; card fields are read from the browser's `body` only.
 */
export function paymentRequest(method: PaymentMethod, order: ResolvedOrder, site: RequestSite): WireRequest {
  const { input, body, ctx, orderId, publicBaseUrl, config } = site;
  const currency = order.currency;
  const urls = orderUrls(publicBaseUrl, orderId);
  const common = {
    orderId,
    name: str(input.name),
    email: str(input.email),
    amount: order.amount,
    notifyUrl: urls.notifyUrl,
    callBackUrl: urls.callBackUrl,
    subject: order.subject,
    body: order.remark,
    partnerUserId: order.buyerId,
  };
  if (method === 'cashier') {
    const region = order.region ?? CASHIER_DEFAULT_REGION[currency];
    if (!region || !isCashierCurrencyAllowed(region, currency)) {
      throw new HaiPayConfigError(
        `resolveOrder: region "${region}" does not allow ${currency} for the global cashier.`,
      );
    }
    return {
      endpoint: 'cashierApply',
      merchant: config.cashierMerchant,
      pathCurrency: null,
      params: { ...common, currency, region, callBackFailUrl: urls.callBackFailUrl },
    };
  }
  const wire = wireMethodFor(method, currency)!;
  const method3 = { payType: wire.payType, inBankCode: wire.inBankCode };
  // docs/protocol.md §6 PCI direct: raw card fields and the buyer's context; phone optional; no
  // callBackFailUrl. Hosted mode: no card data, callBackFailUrl (the card page sends a decline there).
  const card =
    site.cardMode === 'hosted'
      ? { callBackFailUrl: urls.callBackFailUrl, clientIp: ctx.ip || undefined }
      : cardFields(body, ctx);
  const params =
    method === 'card'
      ? { ...common, phone: str(input.phone) || undefined, ...method3, ...card }
      : { ...common, phone: str(input.phone), ...method3, callBackFailUrl: urls.callBackFailUrl };
  return { endpoint: 'collectApply', merchant: wire.currency, pathCurrency: wire.currency, params };
}

/**
 * The `/subscription/apply` request (USD card; docs/protocol.md §3.5): with the PCI fields, or none of
 * them in hosted mode (HaiPay's card page takes the card).
 */
export function subscriptionRequest(plan: ResolvedPlan, site: RequestSite): WireRequest {
  const { input, body, ctx, orderId, publicBaseUrl, config } = site;
  const urls = orderUrls(publicBaseUrl, orderId);
  return {
    endpoint: 'subscriptionApply',
    merchant: config.subscriptionMerchant,
    pathCurrency: null,
    params: {
      subscriptionOrderId: orderId,
      amount: plan.amount,
      currency: plan.currency,
      name: str(input.name),
      phone: str(input.phone) || undefined,
      email: str(input.email),
      subject: plan.subject,
      body: plan.remark,
      payType: 'SUBSCRIPTION',
      inBankCode: 'CREDIT_CARD',
      callBackUrl: urls.callBackUrl,
      notifyUrl: urls.notifyUrl,
      country: plan.country ?? 'US',
      partnerUserId: plan.buyerId,
      recurringInterval: plan.recurringInterval,
      recurringIntervalCount: plan.recurringIntervalCount,
      recurringMaxNumber: plan.recurringMaxNumber,
      website: plan.website,
      retryTimes: plan.retryTimes ?? 3,
      ...(site.cardMode === 'hosted' ? {} : cardFields(body, ctx)),
    },
  };
}
