/**
 * Collections (docs/protocol.md §3.1, §4–§6): `collect/apply` on every currency path and the global
 * cashier, what each method hands the shopper (QR payload, virtual account, hosted page, a card charged
 * in the call), the hosted pages' outcome (card page, 3-D Secure, wallets, bank app), expiry on the
 * clock, the final state with its fee and ledger credit, its notification, and `collect/query`.
 */
import { scalarText } from '@haipay-kit/protocol';
import { findCollectMethod, type CollectMethod } from '@haipay-kit/protocol/rules';
import {
  cardBehaviour,
  cardFromBody,
  cardSummary,
  checkCardForm,
  type CardIssue,
  type TypedCard,
} from './cards.js';
import type { MerchantConfig } from './config.js';
import { buildQrPayload } from './emv.js';
import { computeFee, convert, formatAmount, fxRate, parseAmount, scheduleFor } from './money.js';
import { isFinal, type CollectOrder } from './records.js';
import { Room } from './state.js';
import { orderAnswer, presentText, REFUSE, str, type ApiResult } from './wire.js';

/** What `apply` answers besides `orderId` and `orderNo`, when the order has it. */
const HANDED_TO_SHOPPER = [
  'payUrl',
  'qrCode',
  'bankNo',
  'bankCode',
  'bankUserName',
  'bankName',
  'description',
] as const;

/** The virtual account a bank-transfer order shows: VND at Vietcombank, THB (the sandbox's own `THB_VA`) at KBank. */
function bankDetails(order: CollectOrder): Partial<CollectOrder> {
  const digits = order.orderNo.slice(-7);
  if (order.currency === 'VND') {
    return {
      bankNo: `9704${digits.padStart(8, '0')}`,
      bankCode: 'VCB',
      bankName: 'Vietcombank',
      bankUserName: 'CONG TY HAIPAY SANDBOX',
      description: `HP${order.orderNo}`,
    };
  }
  // THB virtual account — the sandbox's own extension (payType VA, inBankCode THB_VA).
  return {
    bankNo: `888${digits}`,
    bankCode: 'KBANK',
    bankName: 'Kasikornbank',
    bankUserName: 'HAIPAY SANDBOX CO LTD',
  };
}

/** The collection endpoints, the hosted pages' outcomes and the collection lifecycle. */
export class Collections extends Room {
  /** `POST /{currency}/collect/apply` and `/global/cashier/collect/apply`. */
  apply(
    merchant: MerchantConfig,
    currency: string,
    endpoint: string,
    body: Record<string, unknown>,
    cashier: boolean,
  ): ApiResult {
    const orderId = String(body.orderId);
    const amount = parseAmount(body.amount);
    if (amount === undefined) return REFUSE.illegalParam;
    let method: CollectMethod | undefined;
    if (!cashier) {
      method = findCollectMethod(currency, String(body.payType), String(body.inBankCode));
      if (!method) return REFUSE.illegalParam;
      if (merchant.methods && !merchant.methods.includes(method.inBankCode)) return REFUSE.noProduct;
    }
    if (this.state.findOrder('collect', merchant.appId, orderId)) return REFUSE.duplicateOrderId;

    const orderNo = this.state.mint('6', 7, currency);
    // docs/protocol.md §5: on the TWD path `currency` may name USD, the currency of `amount` (validated
    // upstream). The order stays in that currency everywhere HaiPay shows it; only the ledger is TWD.
    const amountCurrency =
      !cashier && typeof body.currency === 'string' && body.currency ? body.currency : currency;
    const order: CollectOrder = {
      kind: 'collect',
      orderNo,
      orderId,
      appId: merchant.appId,
      currency: amountCurrency,
      settlementCurrency: currency,
      endpoint,
      amount,
      fee: 0,
      status: 0,
      payType: cashier ? 'CASHIER' : String(body.payType),
      inBankCode: cashier ? '' : String(body.inBankCode),
      flow: cashier ? 'cashier' : method!.result,
      name: scalarText(body.name),
      email: scalarText(body.email),
      subject: scalarText(body.subject),
      partnerUserId: scalarText(body.partnerUserId),
      ...this.state.opened(0),
      ...presentText(body, ['phone', 'callBackUrl', 'callBackFailUrl', 'notifyUrl']),
      ...(cashier ? { region: String(body.region) } : {}),
    };
    this.state.addOrder(order);
    const page = `${this.state.options.baseUrl()}/pay/${orderNo}`;
    const exp = this.state.options.expiry;
    const data: Record<string, unknown> = { orderId, orderNo };

    if (cashier) {
      order.payUrl = page;
      this.#expireAfter(order, exp.cashier);
    } else if (order.flow === 'card') {
      const card = cardFromBody(body);
      if (card) return this.#chargeInCall(order, card, data, page);
      // Hosted (non-PCI) card mode, reference §6 style 1: no card data in the request; `payUrl` is the
      // card page, where the shopper types the card (then 3-D Secure when the card asks for it).
      order.payUrl = page;
      this.#expireAfter(order, exp.card3ds);
    } else if (order.flow === 'qr') {
      // The QR is priced in its own currency: THB for PromptPay (`TH_QR_USD` at the sandbox's rate), VND for VietQR.
      const qrCurrency = currency === 'THB' || order.inBankCode === 'TH_QR_USD' ? 'THB' : 'VND';
      const qrAmount = formatAmount(convert(amount, currency, qrCurrency), qrCurrency);
      order.qrCode = buildQrPayload({ reference: orderNo, amount: qrAmount, currency: qrCurrency });
      this.#expireAfter(order, exp.qr);
    } else if (order.flow === 'bank') {
      Object.assign(order, bankDetails(order));
      this.state.addBankAccount(order);
      this.#expireAfter(order, exp.bank);
    } else {
      order.payUrl = page;
      if (currency === 'TWD' && scalarText(body.country) === '158') order.cashierMode = true;
      const offline = /^(ATM|STORE_)/.test(order.inBankCode);
      this.#expireAfter(order, offline ? exp.twdOffline : exp.wallet);
    }
    for (const k of HANDED_TO_SHOPPER) if (order[k] !== undefined) data[k] = order[k];
    return { data };
  }

  /**
   * The PCI-direct card API: the card is charged during the call, as HaiPay's `payUrl: ""` example
   * implies (§6), unless it asks for 3-D Secure: then `payUrl` is the challenge page.
   */
  #chargeInCall(
    order: CollectOrder,
    card: TypedCard,
    data: Record<string, unknown>,
    page: string,
  ): ApiResult {
    if (this.#charge(order, card) === 'challenge') {
      order.payUrl = page;
      data.payUrl = page;
      this.#expireAfter(order, this.state.options.expiry.card3ds);
    } else {
      data.payUrl = '';
    }
    return { data };
  }

  /**
   * The hosted card page's Pay (README "Hosted card page"): checks the typed card (cards.ts), then
   * charges it like the PCI-direct call does — at once, or after 3-D Secure when the card asks for a
   * challenge (the order then shows the 3-D Secure page at the same `payUrl`).
   *
   * @returns the field issues to show again on the page, or what happened: `final` or `challenge`
   */
  submitHostedCard(
    order: CollectOrder,
    form: { accountNo: string; expiryMonth: string; expiryYear: string; cvv: string },
  ): { issues: CardIssue[] } | { result: 'final' | 'challenge' } {
    const checked = checkCardForm(form, this.state.clock.date());
    if ('issues' in checked) return checked;
    return { result: this.#charge(order, checked.card) };
  }

  /** Charges a card on a collection: final at once, or `challenge` (the order waits for 3-D Secure). */
  #charge(order: CollectOrder, card: TypedCard): 'final' | 'challenge' {
    const { behaviour, reason } = cardBehaviour(card);
    order.card = {
      ...cardSummary(card.pan),
      expMonth: card.month,
      expYear: card.year,
      is3DS: behaviour === 'challenge',
    };
    this.touch(order);
    if (behaviour === 'challenge') {
      order.flow = 'card-3ds';
      return 'challenge';
    }
    this.complete(order, behaviour === 'decline' ? 'failure' : 'success', reason);
    return 'final';
  }

  /** Fails the order with "Order expired" `ms` after it was created, unless it is final by then. */
  #expireAfter(order: CollectOrder, ms: number): void {
    const at = order.createdAt + ms;
    order.expiresAt = at;
    this.state.schedule(`expire:${order.orderNo}`, at, `expire ${order.orderNo}`, () => {
      if (!isFinal(order.status)) this.complete(order, 'failure', 'Order expired');
    });
  }

  /** Marks a collection as being paid (shopper opened the page / scanned the QR): 0 → 1. */
  touch(order: CollectOrder): void {
    if (order.status === 0) this.state.setStatus(order, 1);
  }

  /**
   * Final state of a collection: success credits the ledger (amount − fee), failure records the
   * reason; either way a notification goes out. Returns false when the order was already final.
   */
  complete(
    order: CollectOrder,
    outcome: 'success' | 'failure',
    errorMsg?: string,
    inBankCode?: string,
  ): boolean {
    if (isFinal(order.status)) return false;
    this.state.unschedule(`expire:${order.orderNo}`);
    this.touch(order);
    if (inBankCode) order.inBankCode = inBankCode;
    if (outcome === 'success') {
      // The fee is taken in the order's currency at the rate of the path's product (its fixed part,
      // kept in the path currency, converted); the net is converted into the ledger's currency.
      const rate = fxRate(order.currency, order.settlementCurrency);
      const schedule = scheduleFor(this.state.options.collectFees, order.settlementCurrency);
      const fees = { rateBps: schedule.rateBps, fixed: Math.round(schedule.fixed / rate) };
      order.fee = computeFee(order.amount, fees, order.currency);
      order.payTime = this.state.clock.now();
      const settled = convert(order.amount - order.fee, order.currency, order.settlementCurrency);
      if (order.settlementCurrency !== order.currency) order.settlementAmount = settled;
      this.ledger.credit(order.appId, order.settlementCurrency, settled, order.orderNo);
      this.state.setStatus(order, 2);
    } else {
      order.errorMsg = errorMsg ?? 'Payment failed';
      this.state.setStatus(order, 3);
    }
    this.#notify(order);
    return true;
  }

  /** What the order collected: its amount once paid, nothing before or on failure. */
  #paid(order: CollectOrder): number {
    return order.status === 2 ? order.amount : 0;
  }

  #notify(order: CollectOrder): void {
    const card = order.card;
    this.state.notifyOrder(order, { amount: this.#paid(order), fee: order.fee }, order.settlementCurrency, {
      inBankCode: order.inBankCode || undefined,
      bankNo: order.bankNo,
      cardNo: card ? `${card.first6}******${card.last4}` : undefined,
      name: order.name,
      email: order.email,
      expMonth: card?.expMonth,
      expYear: card?.expYear,
      is3DS: card ? String(card.is3DS) : undefined,
    });
  }

  /** `POST /{currency}/collect/query` and `/global/cashier/collect/query`. */
  query(merchant: MerchantConfig, body: Record<string, unknown>): ApiResult {
    const order = this.state.findOrder('collect', merchant.appId, str(body.orderId), str(body.orderNo));
    if (!order) return REFUSE.unknownOrder;
    const amounts = { amount: order.amount, actualAmount: this.#paid(order), fee: order.fee };
    return orderAnswer(order, amounts, order.settlementCurrency);
  }
}
