/**
 * The sandbox's business core: orders, payouts, refunds, subscriptions and the ledger, answering
 * each API call the way HaiPay does (docs/protocol.md §3) and moving orders on the virtual clock.
 * HTTP, envelopes and faults live in server.ts; this module only sees validated, verified bodies.
 */
import type { HaipayErrorCode } from '@haipay-kit/protocol';
import { createSigner, type Signer } from '@haipay-kit/protocol/node';
import {
  findCollectMethod,
  validateCardNumber,
  validateCvv,
  validateExpiry,
  type CollectMethod,
} from '@haipay-kit/protocol/rules';
import { formatLocalTime, type TaskHandle, type VirtualClock } from './clock.js';
import { buildQrPayload } from './emv.js';
import type { MerchantConfig, SandboxConfig } from './config.js';
import type { FaultBook } from './faults.js';
import {
  CURRENCY_SCALE,
  computeFee,
  formatAmount,
  isSandboxCurrency,
  parseAmount,
  type FeeSchedule,
} from './money.js';
import type { Notifier } from './notifier.js';

/** A HaiPay error code the sandbox can answer (messages: `haipayErrorMessage`, docs/protocol.md §8.1). */
export type ErrorCode = Exclude<HaipayErrorCode, '00000000'>;

/** A handler's answer: business `data` (to be signed) or an error code. */
export type ApiResult = { data: Record<string, unknown> } | { error: ErrorCode };

/** Collection statuses (docs/protocol.md §3.1): 0 not started, 1 processing, 2 success, 3 failed. */
export type OrderStatus = 0 | 1 | 2 | 3;

/** What a collection order hands the shopper (the protocol's method result, or the global cashier). */
export type OrderFlow = 'qr' | 'redirect' | 'bank' | 'card' | 'card-3ds' | 'cashier';

/** A collection order as the sandbox keeps it (`GET /_sandbox/orders/:orderNo`). */
export interface CollectOrder {
  kind: 'collect';
  orderNo: string;
  orderId: string;
  appId: number;
  /**
   * Currency of `amount`: the body `currency` when sent (the global cashier; a TWD-path order in USD,
   * docs/protocol.md §5), otherwise the path currency.
   */
  currency: string;
  /**
   * The ledger the order is credited to: the path currency's (reference §5: `/twd/collect/apply` is
   * "appId TWD, settles in TWD"). Equal to `currency` except for a USD amount on the TWD path.
   */
  settlementCurrency: string;
  /** Hundredths of `settlementCurrency` credited (amount − fee, converted); set when the order succeeds. */
  settlementAmount?: number;
  /** Request path that created it (fault matching, logs). */
  endpoint: string;
  /** Hundredths. */
  amount: number;
  /** Hundredths; set when the order succeeds. */
  fee: number;
  status: OrderStatus;
  payType: string;
  inBankCode: string;
  flow: OrderFlow;
  name: string;
  email: string;
  phone?: string;
  subject: string;
  partnerUserId: string;
  callBackUrl?: string;
  callBackFailUrl?: string;
  notifyUrl?: string;
  region?: string;
  /** TWD local-cashier mode (`country=158`): the shopper picks the method on the page. */
  cashierMode?: boolean;
  createdAt: number;
  updatedAt: number;
  expiresAt?: number;
  payTime?: number;
  errorMsg?: string;
  payUrl?: string;
  qrCode?: string;
  bankNo?: string;
  bankCode?: string;
  bankName?: string;
  bankUserName?: string;
  description?: string;
  /** Card orders: never the PAN or CVV (ARCHITECTURE.md safety lines), only what a receipt shows. */
  card?: { first6: string; last4: string; expMonth: string; expYear: string; is3DS: boolean };
  /** `refundNo` once refunded. */
  refundNo?: string;
  history: { status: OrderStatus; at: string }[];
}

/** A payout order (docs/protocol.md §3.3). */
export interface PayoutOrder {
  kind: 'payout';
  orderNo: string;
  orderId: string;
  appId: number;
  currency: string;
  endpoint: string;
  amount: number;
  fee: number;
  status: OrderStatus;
  accountType: string;
  bankCode: string;
  /** Masked: last four digits only. */
  accountNo: string;
  name: string;
  notifyUrl?: string;
  createdAt: number;
  updatedAt: number;
  payTime?: number;
  errorMsg?: string;
  history: { status: OrderStatus; at: string }[];
}

/** A USD card refund (docs/protocol.md §3.2). Status strings: `"0"` processing, `"1"` success, `"2"` failed. */
export interface Refund {
  kind: 'refund';
  refundNo: string;
  orderId: string;
  orderNo: string;
  appId: number;
  currency: string;
  amount: number;
  status: '0' | '1' | '2';
  errorMsg?: string;
  createdAt: number;
  updatedAt: number;
}

/** One deduction of a subscription (docs/protocol.md §3.5). */
export interface Deduction {
  deductNo: string;
  orderNo: string;
  amount: number;
  status: 0 | 1 | 2 | 3;
  startTime: number;
  endTime: number;
  attempts: number;
  fee: number;
}

/** A subscription. Status strings: `-1` error, `1` processing, `2` active, `3` failed, `4` cancelled. */
export interface Subscription {
  kind: 'subscription';
  subscriptionNo: string;
  subscriptionOrderId: string;
  appId: number;
  currency: 'USD';
  amount: number;
  subject: string;
  payType: string;
  inBankCode: string;
  interval: 'D' | 'W' | 'M' | 'Y';
  intervalCount: number;
  maxNumber?: number;
  retryTimes: number;
  status: '-1' | '1' | '2' | '3' | '4';
  card?: { first6: string; last4: string; behaviour: CardBehaviour };
  callBackUrl?: string;
  cancelUrl?: string;
  notifyUrl?: string;
  payUrl: string;
  endpoint: string;
  createdAt: number;
  activatedAt?: number;
  deductions: Deduction[];
  nextDeductionAt?: number;
}

/** Ledger balances of one appId in one currency, in hundredths. */
export interface Ledger {
  available: number;
  frozen: number;
  unsettled: number;
}

/** Timing and fee knobs (documented in the README). */
export interface GatewayOptions {
  /** Base URL of hosted pages, known once the server listens. */
  baseUrl: () => string;
  /** Collection fee per currency. */
  collectFees: Record<string, FeeSchedule>;
  /** Payout fee per currency. */
  payoutFees: Record<string, FeeSchedule>;
  /** Virtual ms before a payout settles (default 60 s). */
  payoutDelayMs: number;
  /** Virtual ms before a refund completes (default 60 s). */
  refundDelayMs: number;
  /** Virtual ms before collected money becomes available (default 0: at once). */
  settlementDelayMs: number;
  /** Expiry windows by flow. */
  expiry: ExpiryWindows;
}

/** How long an unpaid order stays payable, virtual ms (README "Expiry windows"). */
export interface ExpiryWindows {
  qr: number;
  bank: number;
  wallet: number;
  twdOffline: number;
  card3ds: number;
  cashier: number;
}

/** Default expiry windows: QR 15 min, bank transfer 24 h, wallets 30 min, TWD ATM/store 3 days, 3DS 30 min, cashier 1 h. */
export const DEFAULT_EXPIRY: ExpiryWindows = {
  qr: 15 * 60_000,
  bank: 24 * 3_600_000,
  wallet: 30 * 60_000,
  twdOffline: 3 * 24 * 3_600_000,
  card3ds: 30 * 60_000,
  cashier: 60 * 60_000,
};

/** Default collection fees: THB 1.5 %, TWD 2.5 %, USD 3.5 % + 0.30, VND 1.8 %. */
export const DEFAULT_COLLECT_FEES: Record<string, FeeSchedule> = {
  THB: { rateBps: 150, fixed: 0 },
  TWD: { rateBps: 250, fixed: 0 },
  USD: { rateBps: 350, fixed: 30 },
  VND: { rateBps: 180, fixed: 0 },
};

/** Default payout fees: THB 10.00, VND 5,000, USD 1.00 per payout (TWD has no payout product). */
export const DEFAULT_PAYOUT_FEES: Record<string, FeeSchedule> = {
  THB: { rateBps: 0, fixed: 1_000 },
  VND: { rateBps: 0, fixed: 500_000 },
  USD: { rateBps: 0, fixed: 100 },
  TWD: { rateBps: 0, fixed: 0 },
};

/** Local time zone per currency for `payTime`, `startTime`… (UTC offset hours). USD: Singapore, HaiPay's home. */
export const LOCAL_UTC_OFFSET: Record<string, number> = { THB: 7, VND: 7, TWD: 8, USD: 8 };

/** USD → THB rate used to price USD-settled PromptPay QRs (`TH_QR_USD`). */
export const SANDBOX_USD_THB_RATE = 35;

/**
 * USD → TWD rate used to settle a USD-amount order of the TWD path into the TWD ledger (reference §3.1:
 * a `currency` other than the path's "triggers FX"; HaiPay's own rate is not published).
 */
export const SANDBOX_USD_TWD_RATE = 32;

/** Units of `to` per unit of `from` (the sandbox's fixed rates); 1 for the same currency. */
function fxRate(from: string, to: string): number {
  if (from === to) return 1;
  if (from === 'USD' && to === 'TWD') return SANDBOX_USD_TWD_RATE;
  if (from === 'USD' && to === 'THB') return SANDBOX_USD_THB_RATE;
  throw new Error(`no sandbox rate from ${from} to ${to}`);
}

/** How a test card behaves (README "Test cards"). */
export type CardBehaviour = 'success' | 'decline' | 'challenge' | 'deduct-fail';

/** Card numbers with a documented behaviour (docs/protocol.md §6 plus the sandbox's own choices). */
export const TEST_CARDS: Readonly<Record<string, CardBehaviour>> = {
  '4242424242424242': 'success',
  '4000000000009995': 'decline',
  '4000056655665556': 'challenge',
  '4000002500003155': 'challenge',
  '4000000000003220': 'challenge',
  '4000000000000341': 'deduct-fail',
};

/** Decides a card's outcome; month `13` and CVV `99` are HaiPay's documented failing test values. */
export function cardBehaviour(
  pan: string,
  month: string,
  cvv: string,
): { behaviour: CardBehaviour; reason?: string } {
  if (month === '13') return { behaviour: 'decline', reason: "Your card's expiration month is invalid." };
  if (cvv === '99') return { behaviour: 'decline', reason: "Your card's security code is invalid." };
  const b = TEST_CARDS[pan.replace(/\s+/g, '')] ?? 'success';
  return b === 'decline' ? { behaviour: b, reason: 'Your card has insufficient funds.' } : { behaviour: b };
}

const FINAL = new Set<number>([2, 3]);

/** Rounds hundredths half up to the currency's wire precision (whole TWD/VND). */
function toPrecision(hundredths: number, currency: string): number {
  const unit = isSandboxCurrency(currency) && CURRENCY_SCALE[currency] === 0 ? 100 : 1;
  return Math.round(hundredths / unit) * unit;
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return String(v);
}

/** Adds `n` intervals to `start` (calendar months/years clamp to the month's last day). */
export function addInterval(start: number, unit: 'D' | 'W' | 'M' | 'Y', n: number): number {
  if (unit === 'D') return start + n * 86_400_000;
  if (unit === 'W') return start + n * 7 * 86_400_000;
  const d = new Date(start);
  const months = unit === 'M' ? n : n * 12;
  const day = d.getUTCDate();
  const target = new Date(d.getTime());
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, last));
  return target.getTime();
}

/** The sandbox state and the business rules of every endpoint. */
export class Gateway {
  readonly orders = new Map<string, CollectOrder | PayoutOrder>();
  readonly refunds = new Map<string, Refund>();
  readonly subscriptions = new Map<string, Subscription>();
  readonly ledgers = new Map<string, Ledger>();
  readonly merchants: ReadonlyMap<number, MerchantConfig>;
  #signers = new Map<number, Signer>();
  #tasks = new Map<string, TaskHandle>();
  #seq = 0;

  constructor(
    readonly config: SandboxConfig,
    readonly clock: VirtualClock,
    readonly notifier: Notifier,
    readonly faults: FaultBook,
    readonly options: GatewayOptions,
  ) {
    this.merchants = new Map(config.merchants.map((m) => [m.appId, m]));
    for (const m of config.merchants) {
      this.#signers.set(
        m.appId,
        createSigner({ privateKey: config.platform.privateKey, secretKey: m.secretKey }),
      );
      const opening = parseAmount(m.openingBalance ?? '0');
      if (opening && m.currency !== 'CASHIER') this.ledger(m.appId, m.currency).available = opening;
    }
  }

  /** The platform signer for a merchant (platform private key + that merchant's secret, §2.3). */
  signer(appId: number): Signer {
    const s = this.#signers.get(appId);
    if (!s) throw new Error(`no merchant ${appId}`);
    return s;
  }

  /** The ledger of an appId in a currency (created empty). */
  ledger(appId: number, currency: string): Ledger {
    const key = `${appId}:${currency}`;
    let l = this.ledgers.get(key);
    if (!l) {
      l = { available: 0, frozen: 0, unsettled: 0 };
      this.ledgers.set(key, l);
    }
    return l;
  }

  // ---------------------------------------------------------------- numbers and time

  #no(prefix: string, digits: number, currency = 'USD'): string {
    const stamp = formatLocalTime(this.clock.now(), LOCAL_UTC_OFFSET[currency] ?? 8)
      .replace(/\D/g, '')
      .slice(2, 10);
    return `${prefix}${stamp}${String(++this.#seq).padStart(digits, '0')}`;
  }

  #local(ms: number | undefined, currency: string): string | undefined {
    return ms === undefined ? undefined : formatLocalTime(ms, LOCAL_UTC_OFFSET[currency] ?? 8);
  }

  #iso(): string {
    return this.clock.date().toISOString();
  }

  #setStatus(order: CollectOrder | PayoutOrder, status: OrderStatus): void {
    // Statuses only move forward: 0 → 1 → 2|3 (docs/protocol.md §3.1).
    if (status <= order.status && !(order.status === 0 && status === 0)) return;
    order.status = status;
    order.updatedAt = this.clock.now();
    order.history.push({ status, at: this.#iso() });
  }

  #schedule(key: string, at: number, label: string, run: () => unknown): void {
    this.#tasks.get(key)?.cancel();
    this.#tasks.set(
      key,
      this.clock.schedule(at, label, () => {
        this.#tasks.delete(key);
        return run();
      }),
    );
  }

  #unschedule(key: string): void {
    this.#tasks.get(key)?.cancel();
    this.#tasks.delete(key);
  }

  // ---------------------------------------------------------------- lookups

  /** A collection or payout order of `appId` by `orderId` and/or `orderNo`. */
  findOrder(
    kind: 'collect' | 'payout',
    appId: number,
    orderId?: string,
    orderNo?: string,
  ): CollectOrder | PayoutOrder | undefined {
    if (orderNo) {
      const o = this.orders.get(orderNo);
      if (!o || o.kind !== kind || o.appId !== appId || (orderId && o.orderId !== orderId)) return undefined;
      return o;
    }
    for (const o of this.orders.values())
      if (o.kind === kind && o.appId === appId && o.orderId === orderId) return o;
    return undefined;
  }

  // ---------------------------------------------------------------- collection

  /** `POST /{currency}/collect/apply` and `/global/cashier/collect/apply`. */
  collectApply(
    merchant: MerchantConfig,
    currency: string,
    endpoint: string,
    body: Record<string, unknown>,
    cashier: boolean,
  ): ApiResult {
    const orderId = String(body.orderId);
    const amount = parseAmount(body.amount);
    if (amount === undefined) return { error: '1002' };
    let method: CollectMethod | undefined;
    if (!cashier) {
      method = findCollectMethod(currency, String(body.payType), String(body.inBankCode));
      if (!method) return { error: '1002' };
      if (merchant.methods && !merchant.methods.includes(method.inBankCode)) return { error: '4012' };
    }
    if (this.findOrder('collect', merchant.appId, orderId)) return { error: '4005' };

    const now = this.clock.now();
    const orderNo = this.#no('6', 7, currency);
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
      flow: cashier ? 'cashier' : (method!.result as OrderFlow),
      name: String(body.name ?? ''),
      email: String(body.email ?? ''),
      subject: String(body.subject ?? ''),
      partnerUserId: String(body.partnerUserId ?? ''),
      createdAt: now,
      updatedAt: now,
      history: [{ status: 0, at: this.#iso() }],
      ...(str(body.phone) ? { phone: str(body.phone)! } : {}),
      ...(str(body.callBackUrl) ? { callBackUrl: str(body.callBackUrl)! } : {}),
      ...(str(body.callBackFailUrl) ? { callBackFailUrl: str(body.callBackFailUrl)! } : {}),
      ...(str(body.notifyUrl) ? { notifyUrl: str(body.notifyUrl)! } : {}),
      ...(cashier ? { region: String(body.region) } : {}),
    };
    this.orders.set(orderNo, order);
    const page = `${this.options.baseUrl()}/pay/${orderNo}`;
    const exp = this.options.expiry;
    const data: Record<string, unknown> = { orderId, orderNo };

    if (cashier) {
      order.payUrl = page;
      this.#expireAt(order, now + exp.cashier);
    } else if (order.flow === 'card') {
      if (str(body.accountNo)) return this.#cardDirect(order, body, data, page);
      // Hosted (non-PCI) card mode, reference §6 style 1: no card data in the request; `payUrl` is the
      // card page, where the shopper types the card (then 3-D Secure when the card asks for it).
      order.payUrl = page;
      this.#expireAt(order, now + exp.card3ds);
    } else if (order.flow === 'qr') {
      const thai = currency === 'THB' || order.inBankCode === 'TH_QR_USD';
      const qrAmount =
        order.inBankCode === 'TH_QR_USD'
          ? formatAmount(amount * SANDBOX_USD_THB_RATE, 'THB')
          : formatAmount(amount, currency);
      order.qrCode = buildQrPayload({ reference: orderNo, amount: qrAmount, currency: thai ? 'THB' : 'VND' });
      this.#expireAt(order, now + exp.qr);
    } else if (order.flow === 'bank') {
      Object.assign(order, this.#bankDetails(order));
      this.#expireAt(order, now + exp.bank);
    } else {
      order.payUrl = page;
      if (currency === 'TWD' && String(body.country ?? '') === '158') order.cashierMode = true;
      const offline = /^(ATM|STORE_)/.test(order.inBankCode);
      this.#expireAt(order, now + (offline ? exp.twdOffline : exp.wallet));
    }
    for (const k of [
      'payUrl',
      'qrCode',
      'bankNo',
      'bankCode',
      'bankUserName',
      'bankName',
      'description',
    ] as const) {
      if (order[k] !== undefined) data[k] = order[k];
    }
    return { data };
  }

  #bankDetails(order: CollectOrder): Partial<CollectOrder> {
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

  #cardDirect(
    order: CollectOrder,
    body: Record<string, unknown>,
    data: Record<string, unknown>,
    page: string,
  ): ApiResult {
    const pan = String(body.accountNo).replace(/\s+/g, '');
    const month = String(body.expiryMonth ?? '');
    const { behaviour, reason } = cardBehaviour(pan, month, String(body.cvv ?? ''));
    order.card = {
      first6: pan.slice(0, 6),
      last4: pan.slice(-4),
      expMonth: month,
      expYear: String(body.expiryYear ?? ''),
      is3DS: behaviour === 'challenge',
    };
    this.#setStatus(order, 1);
    if (behaviour === 'challenge') {
      order.flow = 'card-3ds';
      order.payUrl = page;
      data.payUrl = page;
      this.#expireAt(order, this.clock.now() + this.options.expiry.card3ds);
    } else {
      // No challenge: the charge is decided during the call, as HaiPay's `payUrl: ""` example implies (§6).
      data.payUrl = '';
      this.completeCollect(order, behaviour === 'decline' ? 'failure' : 'success', reason);
    }
    return { data };
  }

  /**
   * The hosted card page's Pay (README "Hosted card page"): checks the typed card with the protocol's
   * rules (HaiPay's failing test values month `13` and CVV `99` pass, as on the API), then charges it
   * like the PCI-direct call does — at once, or after 3-D Secure when the card asks for a challenge
   * (the order then shows the 3-D Secure page at the same `payUrl`).
   *
   * @returns the field issues to show again on the page, or what happened: `final` or `challenge`
   */
  submitHostedCard(
    order: CollectOrder,
    card: { accountNo: string; expiryMonth: string; expiryYear: string; cvv: string },
  ): { issues: { field: string; message: string }[] } | { result: 'final' | 'challenge' } {
    const pan = card.accountNo.replace(/[\s-]+/g, '');
    const month = card.expiryMonth.trim();
    const year = card.expiryYear.trim();
    const cvv = card.cvv.trim();
    const issues: { field: string; message: string }[] = [];
    const number = validateCardNumber(pan);
    if (number) issues.push({ field: 'accountNo', message: number.message });
    if (month !== '13') {
      const expiry = validateExpiry(month, year, this.clock.date());
      if (expiry)
        issues.push({
          field: expiry.params?.part === 'year' ? 'expiryYear' : 'expiryMonth',
          message: expiry.message,
        });
    } else if (!/^\d{4}$/.test(year)) {
      issues.push({ field: 'expiryYear', message: 'Expiry year must be four digits' });
    }
    if (cvv !== '99') {
      const c = validateCvv(cvv);
      if (c) issues.push({ field: 'cvv', message: c.message });
    }
    if (issues.length > 0) return { issues };
    const { behaviour, reason } = cardBehaviour(pan, month, cvv);
    order.card = {
      first6: pan.slice(0, 6),
      last4: pan.slice(-4),
      expMonth: month,
      expYear: year,
      is3DS: behaviour === 'challenge',
    };
    this.touch(order);
    if (behaviour === 'challenge') {
      order.flow = 'card-3ds';
      return { result: 'challenge' };
    }
    this.completeCollect(order, behaviour === 'decline' ? 'failure' : 'success', reason);
    return { result: 'final' };
  }

  #expireAt(order: CollectOrder, at: number): void {
    order.expiresAt = at;
    this.#schedule(`expire:${order.orderNo}`, at, `expire ${order.orderNo}`, () => {
      if (!FINAL.has(order.status)) this.completeCollect(order, 'failure', 'Order expired');
    });
  }

  /** Marks a collection as being paid (shopper opened the page / scanned the QR): 0 → 1. */
  touch(order: CollectOrder): void {
    if (order.status === 0) this.#setStatus(order, 1);
  }

  /**
   * Final state of a collection: success credits the ledger (amount − fee), failure records the
   * reason; either way a notification goes out. Returns false when the order was already final.
   */
  completeCollect(
    order: CollectOrder,
    outcome: 'success' | 'failure',
    errorMsg?: string,
    inBankCode?: string,
  ): boolean {
    if (FINAL.has(order.status)) return false;
    this.#unschedule(`expire:${order.orderNo}`);
    if (order.status === 0) this.#setStatus(order, 1);
    if (inBankCode) order.inBankCode = inBankCode;
    if (outcome === 'success') {
      // The fee is taken in the order's currency at the rate of the path's product (its fixed part,
      // kept in the path currency, converted); the net is converted into the ledger's currency.
      const rate = fxRate(order.currency, order.settlementCurrency);
      const schedule = this.options.collectFees[order.settlementCurrency] ?? { rateBps: 0, fixed: 0 };
      const fees = { rateBps: schedule.rateBps, fixed: Math.round(schedule.fixed / rate) };
      order.fee = computeFee(order.amount, fees, order.currency);
      order.payTime = this.clock.now();
      const settled = toPrecision((order.amount - order.fee) * rate, order.settlementCurrency);
      if (order.settlementCurrency !== order.currency) order.settlementAmount = settled;
      this.#credit(order.appId, order.settlementCurrency, settled, order.orderNo);
      this.#setStatus(order, 2);
    } else {
      order.errorMsg = errorMsg ?? 'Payment failed';
      this.#setStatus(order, 3);
    }
    this.#notifyCollect(order);
    return true;
  }

  #credit(appId: number, currency: string, net: number, ref: string): void {
    const l = this.ledger(appId, currency);
    if (this.options.settlementDelayMs <= 0) {
      l.available += net;
      return;
    }
    l.unsettled += net;
    this.#schedule(
      `settle:${ref}`,
      this.clock.now() + this.options.settlementDelayMs,
      `settle ${ref}`,
      () => {
        l.unsettled -= net;
        l.available += net;
      },
    );
  }

  #notifyCollect(order: CollectOrder): void {
    const payload: Record<string, unknown> = {
      appId: order.appId,
      currency: order.currency,
      orderId: order.orderId,
      orderNo: order.orderNo,
      amount: formatAmount(order.status === 2 ? order.amount : 0, order.currency),
      fee: formatAmount(order.fee, order.currency),
      status: order.status,
      payTime: this.#local(order.payTime, order.settlementCurrency),
      errorMsg: order.errorMsg,
      inBankCode: order.inBankCode || undefined,
      bankNo: order.bankNo,
      cardNo: order.card ? `${order.card.first6}******${order.card.last4}` : undefined,
      name: order.name,
      email: order.email,
      expMonth: order.card?.expMonth,
      expYear: order.card?.expYear,
      is3DS: order.card ? String(order.card.is3DS) : undefined,
    };
    this.#notify('collect', order.orderNo, order.appId, order.notifyUrl, order.endpoint, payload);
  }

  #notify(
    kind: 'collect' | 'payout' | 'subscription' | 'deduction',
    orderNo: string,
    appId: number,
    url: string | undefined,
    endpoint: string,
    payload: Record<string, unknown>,
    refs: string[] = [],
  ): void {
    for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
    this.notifier.notify({
      kind,
      orderNo,
      refs,
      appId,
      url,
      payload,
      signer: this.signer(appId),
      faults: this.faults.takeNotificationFaults(endpoint),
    });
  }

  /** `POST /{currency}/collect/query` and `/global/cashier/collect/query`. */
  collectQuery(merchant: MerchantConfig, body: Record<string, unknown>): ApiResult {
    const order = this.findOrder('collect', merchant.appId, str(body.orderId), str(body.orderNo)) as
      CollectOrder | undefined;
    if (!order) return { error: '4013' };
    return {
      data: {
        orderId: order.orderId,
        orderNo: order.orderNo,
        amount: formatAmount(order.amount, order.currency),
        actualAmount: formatAmount(order.status === 2 ? order.amount : 0, order.currency),
        fee: formatAmount(order.fee, order.currency),
        status: order.status,
        ...(order.payTime !== undefined
          ? { payTime: this.#local(order.payTime, order.settlementCurrency) }
          : {}),
        ...(order.errorMsg ? { errorMsg: order.errorMsg } : {}),
      },
    };
  }

  // ---------------------------------------------------------------- payouts

  /** `POST /{currency}/pay/apply`: freeze amount + fee, settle on the clock. */
  payApply(
    merchant: MerchantConfig,
    currency: string,
    endpoint: string,
    body: Record<string, unknown>,
  ): ApiResult {
    // docs/protocol.md §5: TWD has no payout product.
    if (currency === 'TWD' || merchant.payouts === false) return { error: '4012' };
    const amount = parseAmount(body.amount);
    if (amount === undefined) return { error: '1002' };
    const orderId = String(body.orderId);
    if (this.findOrder('payout', merchant.appId, orderId)) return { error: '4005' };
    const fee = computeFee(amount, this.options.payoutFees[currency] ?? { rateBps: 0, fixed: 0 }, currency);
    const l = this.ledger(merchant.appId, currency);
    if (l.available < amount + fee) return { error: '4016' };
    l.available -= amount + fee;
    l.frozen += amount + fee;
    const now = this.clock.now();
    const accountNo = String(body.accountNo);
    const order: PayoutOrder = {
      kind: 'payout',
      orderNo: this.#no('5', 7, currency),
      orderId,
      appId: merchant.appId,
      currency,
      endpoint,
      amount,
      fee,
      status: 1,
      accountType: String(body.accountType),
      bankCode: String(body.bankCode),
      accountNo: `****${accountNo.slice(-4)}`,
      name: String(body.name),
      createdAt: now,
      updatedAt: now,
      history: [{ status: 1, at: this.#iso() }],
      ...(str(body.notifyUrl) ? { notifyUrl: str(body.notifyUrl)! } : {}),
    };
    this.orders.set(order.orderNo, order);
    // Account numbers starting 999 fail at the "bank" (README, "Payouts").
    const fails = accountNo.startsWith('999');
    this.#schedule(
      `payout:${order.orderNo}`,
      now + this.options.payoutDelayMs,
      `payout ${order.orderNo}`,
      () =>
        this.completePayout(
          order,
          fails ? 'failure' : 'success',
          fails ? 'Bank Account is not found' : undefined,
        ),
    );
    return { data: { orderId, orderNo: order.orderNo } };
  }

  /** Final state of a payout: success debits the frozen money, failure releases it. */
  completePayout(order: PayoutOrder, outcome: 'success' | 'failure', errorMsg?: string): boolean {
    if (FINAL.has(order.status)) return false;
    this.#unschedule(`payout:${order.orderNo}`);
    const l = this.ledger(order.appId, order.currency);
    l.frozen -= order.amount + order.fee;
    if (outcome === 'success') {
      order.payTime = this.clock.now();
      this.#setStatus(order, 2);
    } else {
      l.available += order.amount + order.fee;
      order.errorMsg = errorMsg ?? 'Manual processing failed';
      this.#setStatus(order, 3);
    }
    this.#notify('payout', order.orderNo, order.appId, order.notifyUrl, order.endpoint, {
      appId: order.appId,
      currency: order.currency,
      orderId: order.orderId,
      orderNo: order.orderNo,
      amount: formatAmount(order.amount, order.currency),
      fee: formatAmount(order.status === 2 ? order.fee : 0, order.currency),
      status: order.status,
      payTime: this.#local(order.payTime, order.currency),
      errorMsg: order.errorMsg,
    });
    return true;
  }

  /** `POST /{currency}/pay/query`. */
  payQuery(merchant: MerchantConfig, body: Record<string, unknown>): ApiResult {
    const order = this.findOrder('payout', merchant.appId, str(body.orderId), str(body.orderNo)) as
      PayoutOrder | undefined;
    if (!order) return { error: '4013' };
    return {
      data: {
        orderId: order.orderId,
        orderNo: order.orderNo,
        amount: formatAmount(order.amount, order.currency),
        fee: formatAmount(order.status === 3 ? 0 : order.fee, order.currency),
        status: order.status,
        ...(order.payTime !== undefined ? { payTime: this.#local(order.payTime, order.currency) } : {}),
        ...(order.errorMsg ? { errorMsg: order.errorMsg } : {}),
      },
    };
  }

  /** `POST /{currency}/account/ledger`: `bal` = available + frozen + unsettled. */
  ledgerQuery(merchant: MerchantConfig, currency: string): ApiResult {
    const l = this.ledger(merchant.appId, currency);
    return {
      data: {
        bal: formatAmount(l.available + l.frozen + l.unsettled, currency),
        availableBal: formatAmount(l.available, currency),
        frzBal: formatAmount(l.frozen, currency),
        unSettleBal: formatAmount(l.unsettled, currency),
      },
    };
  }

  // ---------------------------------------------------------------- refunds

  /** `POST /usd/refund/apply`: full refund of a successful card order (docs/protocol.md §3.2). */
  refundApply(merchant: MerchantConfig, body: Record<string, unknown>): ApiResult {
    const orderId = String(body.orderId);
    for (const r of this.refunds.values())
      if (r.appId === merchant.appId && r.orderId === orderId) return { error: '4005' };
    const original = this.findOrder('collect', merchant.appId, undefined, String(body.orderNo)) as
      CollectOrder | undefined;
    if (!original) return { error: '4013' };
    if (original.flow !== 'card' && original.flow !== 'card-3ds') return { error: '4012' };
    if (original.refundNo || original.status === 3) return { error: '4014' };
    if (original.status !== 2) return { error: '1002' };
    const l = this.ledger(merchant.appId, original.currency);
    if (l.available < original.amount) return { error: '4016' };
    l.available -= original.amount;
    l.frozen += original.amount;
    const now = this.clock.now();
    const refund: Refund = {
      kind: 'refund',
      refundNo: this.#no('8', 7, original.currency),
      orderId,
      orderNo: original.orderNo,
      appId: merchant.appId,
      currency: original.currency,
      amount: original.amount,
      status: '0',
      createdAt: now,
      updatedAt: now,
    };
    original.refundNo = refund.refundNo;
    this.refunds.set(refund.refundNo, refund);
    this.#schedule(
      `refund:${refund.refundNo}`,
      now + this.options.refundDelayMs,
      `refund ${refund.refundNo}`,
      () => this.completeRefund(refund, 'success'),
    );
    return { data: this.#refundData(refund) };
  }

  /** Final state of a refund (no notification: HaiPay documents none, §7.5). */
  completeRefund(refund: Refund, outcome: 'success' | 'failure', errorMsg?: string): boolean {
    if (refund.status !== '0') return false;
    this.#unschedule(`refund:${refund.refundNo}`);
    const l = this.ledger(refund.appId, refund.currency);
    l.frozen -= refund.amount;
    if (outcome === 'success') refund.status = '1';
    else {
      l.available += refund.amount;
      refund.status = '2';
      refund.errorMsg = errorMsg ?? 'Refund failed';
      const original = this.orders.get(refund.orderNo);
      if (original?.kind === 'collect') delete original.refundNo;
    }
    refund.updatedAt = this.clock.now();
    return true;
  }

  #refundData(r: Refund): Record<string, unknown> {
    return {
      appId: r.appId,
      orderNo: r.orderNo,
      orderId: r.orderId,
      refundNo: r.refundNo,
      status: r.status,
      ...(r.errorMsg ? { errorMsg: r.errorMsg } : {}),
    };
  }

  /** `POST /usd/refund/refundQuery`: `refundNo` takes priority over `orderId`. */
  refundQuery(merchant: MerchantConfig, body: Record<string, unknown>): ApiResult {
    const refundNo = str(body.refundNo);
    const orderId = str(body.orderId);
    if (!refundNo && !orderId) return { error: '1001' };
    let refund = refundNo ? this.refunds.get(refundNo) : undefined;
    if (!refundNo)
      for (const r of this.refunds.values())
        if (r.orderId === orderId && r.appId === merchant.appId) refund = r;
    if (!refund || refund.appId !== merchant.appId) return { error: '4013' };
    return { data: this.#refundData(refund) };
  }

  // ---------------------------------------------------------------- subscriptions

  /** `POST /subscription/apply`: status `1`, authorization `payUrl`. */
  subscriptionApply(merchant: MerchantConfig, endpoint: string, body: Record<string, unknown>): ApiResult {
    if (merchant.currency !== 'USD') return { error: '4012' };
    const amount = parseAmount(body.amount);
    const interval = String(body.recurringInterval);
    const count = Number(String(body.recurringIntervalCount));
    const max =
      str(body.recurringMaxNumber) === undefined ? undefined : Number(String(body.recurringMaxNumber));
    const retry = str(body.retryTimes) === undefined ? 3 : Number(String(body.retryTimes));
    if (
      amount === undefined ||
      !['D', 'W', 'M', 'Y'].includes(interval) ||
      !Number.isSafeInteger(count) ||
      count < 1 ||
      (max !== undefined && (!Number.isSafeInteger(max) || max < 1)) ||
      !Number.isSafeInteger(retry) ||
      retry < 0
    ) {
      return { error: '1002' };
    }
    const orderId = String(body.subscriptionOrderId);
    for (const s of this.subscriptions.values())
      if (s.appId === merchant.appId && s.subscriptionOrderId === orderId) return { error: '4005' };
    const subscriptionNo = this.#no('40', 9);
    const pan = str(body.accountNo)?.replace(/\s+/g, '');
    const sub: Subscription = {
      kind: 'subscription',
      subscriptionNo,
      subscriptionOrderId: orderId,
      appId: merchant.appId,
      currency: 'USD',
      amount,
      subject: String(body.subject ?? ''),
      payType: String(body.payType ?? 'SUBSCRIPTION'),
      inBankCode: String(body.inBankCode ?? 'CREDIT_CARD'),
      interval: interval as Subscription['interval'],
      intervalCount: count,
      retryTimes: retry,
      status: '1',
      payUrl: `${this.options.baseUrl()}/pay/${subscriptionNo}`,
      endpoint,
      createdAt: this.clock.now(),
      deductions: [],
      ...(max !== undefined ? { maxNumber: max } : {}),
      ...(pan
        ? {
            card: {
              first6: pan.slice(0, 6),
              last4: pan.slice(-4),
              behaviour: cardBehaviour(pan, String(body.expiryMonth ?? ''), String(body.cvv ?? '')).behaviour,
            },
          }
        : {}),
      ...(str(body.callBackUrl) ? { callBackUrl: str(body.callBackUrl)! } : {}),
      ...(str(body.cancelUrl) ? { cancelUrl: str(body.cancelUrl)! } : {}),
      ...(str(body.notifyUrl) ? { notifyUrl: str(body.notifyUrl)! } : {}),
    };
    this.subscriptions.set(subscriptionNo, sub);
    return { data: { ...this.#subscriptionData(sub), payUrl: sub.payUrl } };
  }

  #subscriptionData(s: Subscription): Record<string, unknown> {
    return {
      subscriptionOrderId: s.subscriptionOrderId,
      subscriptionNo: s.subscriptionNo,
      appId: s.appId,
      subject: s.subject,
      payType: s.payType,
      inBankCode: s.inBankCode,
      amount: formatAmount(s.amount, 'USD'),
      recurringInterval: s.interval,
      recurringIntervalCount: s.intervalCount,
      status: s.status,
    };
  }

  #notifySubscription(s: Subscription): void {
    this.#notify('subscription', s.subscriptionNo, s.appId, s.notifyUrl, s.endpoint, {
      type: 'SUBSCRIPTION',
      appId: s.appId,
      currency: s.currency,
      subscriptionOrderId: s.subscriptionOrderId,
      subscriptionNo: s.subscriptionNo,
      status: s.status,
      recurringInterval: s.interval,
      recurringIntervalCount: s.intervalCount,
      subject: s.subject,
    });
  }

  /**
   * Ends the authorization step (3DS-like page or control API). Approval with a good card makes the
   * subscription active (`2`) and takes the first deduction at once; a decline makes it failed (`3`).
   */
  authorizeSubscription(s: Subscription, outcome: 'success' | 'failure'): boolean {
    if (s.status !== '1') return false;
    const ok = outcome === 'success' && s.card?.behaviour !== 'decline';
    s.status = ok ? '2' : '3';
    this.#notifySubscription(s);
    if (ok) {
      s.activatedAt = this.clock.now();
      this.#deduct(s, 0, 0);
    }
    return true;
  }

  #periodStart(s: Subscription, k: number): number {
    return addInterval(s.activatedAt ?? s.createdAt, s.interval, s.intervalCount * k);
  }

  #deduct(s: Subscription, index: number, attempt: number): void {
    if (s.status !== '2') return;
    if (s.maxNumber !== undefined && index >= s.maxNumber) {
      // docs/protocol.md §3.5: the subscription cancels itself after recurringMaxNumber deductions.
      s.status = '4';
      delete s.nextDeductionAt;
      this.#notifySubscription(s);
      return;
    }
    let d = s.deductions[index];
    if (!d) {
      d = {
        deductNo: this.#no('9', 7),
        orderNo: this.#no('6', 7),
        amount: s.amount,
        status: 1,
        startTime: this.#periodStart(s, index),
        endTime: this.#periodStart(s, index + 1),
        attempts: 0,
        fee: 0,
      };
      s.deductions.push(d);
    }
    d.attempts++;
    const ok = s.card?.behaviour !== 'deduct-fail';
    const deductNotify = () =>
      this.#notify(
        'deduction',
        d.orderNo,
        s.appId,
        s.notifyUrl,
        s.endpoint,
        {
          type: 'SUBSCRIPTIONS_DEDUCT',
          appId: s.appId,
          currency: s.currency,
          subscriptionOrderId: s.subscriptionOrderId,
          subscriptionNo: s.subscriptionNo,
          deductNo: d.deductNo,
          orderNo: d.orderNo,
          amount: formatAmount(d.amount, 'USD'),
          status: d.status,
          startTime: this.#local(d.startTime, 'USD'),
          endTime: this.#local(d.endTime, 'USD'),
        },
        [s.subscriptionNo],
      );
    if (ok) {
      d.status = 2;
      d.fee = computeFee(d.amount, this.options.collectFees.USD ?? { rateBps: 0, fixed: 0 }, 'USD');
      this.#credit(s.appId, 'USD', d.amount - d.fee, d.orderNo);
      deductNotify();
      const next = this.#periodStart(s, index + 1);
      s.nextDeductionAt = next;
      this.#schedule(`sub:${s.subscriptionNo}`, next, `deduct ${s.subscriptionNo} #${index + 1}`, () =>
        this.#deduct(s, index + 1, 0),
      );
    } else if (attempt < s.retryTimes) {
      // A failed charge is retried daily, up to retryTimes (README "Subscriptions").
      const next = this.clock.now() + 86_400_000;
      s.nextDeductionAt = next;
      this.#schedule(`sub:${s.subscriptionNo}`, next, `retry ${s.subscriptionNo} #${index}`, () =>
        this.#deduct(s, index, attempt + 1),
      );
    } else {
      d.status = 3;
      deductNotify();
      s.status = '3';
      delete s.nextDeductionAt;
      this.#notifySubscription(s);
    }
  }

  /** `POST /subscription/query`: the subscription plus `deductList`. */
  subscriptionQuery(merchant: MerchantConfig, body: Record<string, unknown>): ApiResult {
    const s = this.subscriptions.get(String(body.subscriptionNo));
    if (!s || s.appId !== merchant.appId) return { error: '4013' };
    return {
      data: {
        ...this.#subscriptionData(s),
        currency: s.currency,
        deductList: s.deductions.map((d) => ({
          deductNo: d.deductNo,
          amount: formatAmount(d.amount, 'USD'),
          status: d.status,
          orderNo: d.orderNo,
          startTime: this.#local(d.startTime, 'USD'),
          endTime: this.#local(d.endTime, 'USD'),
        })),
      },
    };
  }

  /** `POST /subscription/cancel` → status `4`; a failed or cancelled subscription answers `4014`. */
  subscriptionCancel(merchant: MerchantConfig, body: Record<string, unknown>): ApiResult {
    const s = this.subscriptions.get(String(body.subscriptionNo));
    if (!s || s.appId !== merchant.appId) return { error: '4013' };
    if (s.status === '3' || s.status === '4') return { error: '4014' };
    s.status = '4';
    delete s.nextDeductionAt;
    this.#unschedule(`sub:${s.subscriptionNo}`);
    this.#notifySubscription(s);
    return {
      data: {
        subscriptionNo: s.subscriptionNo,
        appId: s.appId,
        payType: s.payType,
        inBankCode: s.inBankCode,
        status: '4',
      },
    };
  }

  /** Stops every scheduled task (sandbox close). */
  stop(): void {
    for (const t of this.#tasks.values()) t.cancel();
    this.#tasks.clear();
  }
}
