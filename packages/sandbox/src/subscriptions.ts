/**
 * Subscriptions (docs/protocol.md §3.5, README "Subscriptions"), USD appId only: `subscription/apply`
 * (status `1` and an authorization page), the authorization's outcome, deductions on the clock every
 * `recurringIntervalCount × recurringInterval` (calendar months and years clamp to the month's end)
 * with daily retries, `subscription/query` and `subscription/cancel`, and the `SUBSCRIPTION` and
 * `SUBSCRIPTIONS_DEDUCT` notifications.
 */
import { scalarText } from '@haipay-kit/protocol';
import { cardBehaviour, cardFromBody, cardSummary } from './cards.js';
import type { MerchantConfig } from './config.js';
import { computeFee, formatAmount, parseAmount, scheduleFor } from './money.js';
import type { Deduction, Subscription } from './records.js';
import { Room } from './state.js';
import { localTime, presentText, REFUSE, str, type ApiResult } from './wire.js';

const DAY_MS = 86_400_000;

/** Adds `n` intervals to `start` (calendar months/years clamp to the month's last day). */
function addInterval(start: number, unit: 'D' | 'W' | 'M' | 'Y', n: number): number {
  if (unit === 'D') return start + n * DAY_MS;
  if (unit === 'W') return start + n * 7 * DAY_MS;
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

/** The subscription endpoints, the authorization and the deduction schedule. */
export class Subscriptions extends Room {
  /** `POST /subscription/apply`: status `1`, authorization `payUrl`. */
  apply(merchant: MerchantConfig, endpoint: string, body: Record<string, unknown>): ApiResult {
    if (merchant.currency !== 'USD') return REFUSE.noProduct;
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
      return REFUSE.illegalParam;
    }
    const orderId = String(body.subscriptionOrderId);
    if (this.state.findSubscription(merchant.appId, orderId)) return REFUSE.duplicateOrderId;
    const subscriptionNo = this.state.mint('40', 9);
    const card = cardFromBody(body);
    const sub: Subscription = {
      kind: 'subscription',
      subscriptionNo,
      subscriptionOrderId: orderId,
      appId: merchant.appId,
      currency: 'USD',
      amount,
      subject: scalarText(body.subject),
      payType: scalarText(body.payType ?? 'SUBSCRIPTION'),
      inBankCode: scalarText(body.inBankCode ?? 'CREDIT_CARD'),
      interval: interval as Subscription['interval'],
      intervalCount: count,
      retryTimes: retry,
      status: '1',
      payUrl: `${this.state.options.baseUrl()}/pay/${subscriptionNo}`,
      endpoint,
      createdAt: this.state.clock.now(),
      deductions: [],
      ...(max !== undefined ? { maxNumber: max } : {}),
      ...(card?.pan ? { card: { ...cardSummary(card.pan), behaviour: cardBehaviour(card).behaviour } } : {}),
      ...presentText(body, ['callBackUrl', 'cancelUrl', 'notifyUrl']),
    };
    this.state.addSubscription(sub);
    return { data: { ...this.#data(sub), payUrl: sub.payUrl } };
  }

  /**
   * Ends the authorization step (3DS-like page or control API). Approval with a good card makes the
   * subscription active (`2`) and takes the first deduction at once; a decline makes it failed (`3`).
   */
  authorize(s: Subscription, outcome: 'success' | 'failure'): boolean {
    if (s.status !== '1') return false;
    const ok = outcome === 'success' && s.card?.behaviour !== 'decline';
    s.status = ok ? '2' : '3';
    this.#notify(s);
    if (ok) {
      s.activatedAt = this.state.clock.now();
      this.#deduct(s, 0, 0);
    }
    return true;
  }

  /** `POST /subscription/query`: the subscription plus `deductList`. */
  query(merchant: MerchantConfig, body: Record<string, unknown>): ApiResult {
    const s = this.#own(merchant, body);
    if (!s) return REFUSE.unknownOrder;
    return {
      data: {
        ...this.#data(s),
        currency: s.currency,
        deductList: s.deductions.map((d) => ({
          deductNo: d.deductNo,
          amount: formatAmount(d.amount, s.currency),
          status: d.status,
          orderNo: d.orderNo,
          ...this.#period(d),
        })),
      },
    };
  }

  /** `POST /subscription/cancel` → status `4`; a failed or cancelled subscription answers `4014`. */
  cancel(merchant: MerchantConfig, body: Record<string, unknown>): ApiResult {
    const s = this.#own(merchant, body);
    if (!s) return REFUSE.unknownOrder;
    if (s.status === '3' || s.status === '4') return REFUSE.alreadyFinal;
    this.#end(s, '4');
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

  /** The merchant's subscription named by the body's `subscriptionNo`. */
  #own(merchant: MerchantConfig, body: Record<string, unknown>): Subscription | undefined {
    const s = this.state.subscriptions.get(String(body.subscriptionNo));
    return s?.appId === merchant.appId ? s : undefined;
  }

  #data(s: Subscription): Record<string, unknown> {
    return {
      subscriptionOrderId: s.subscriptionOrderId,
      subscriptionNo: s.subscriptionNo,
      appId: s.appId,
      subject: s.subject,
      payType: s.payType,
      inBankCode: s.inBankCode,
      amount: formatAmount(s.amount, s.currency),
      recurringInterval: s.interval,
      recurringIntervalCount: s.intervalCount,
      status: s.status,
    };
  }

  /** A deduction's period in local time. */
  #period(d: Deduction): { startTime: string; endTime: string } {
    return { startTime: localTime(d.startTime, 'USD'), endTime: localTime(d.endTime, 'USD') };
  }

  /** `SUBSCRIPTION`: the subscription's status changed. */
  #notify(s: Subscription): void {
    this.#send(s, 'subscription', s.subscriptionNo, 'SUBSCRIPTION', {
      status: s.status,
      recurringInterval: s.interval,
      recurringIntervalCount: s.intervalCount,
      subject: s.subject,
    });
  }

  /** `SUBSCRIPTIONS_DEDUCT`: a deduction's result, listed under the subscription's number too. */
  #notifyDeduction(s: Subscription, d: Deduction): void {
    this.#send(
      s,
      'deduction',
      d.orderNo,
      'SUBSCRIPTIONS_DEDUCT',
      {
        deductNo: d.deductNo,
        orderNo: d.orderNo,
        amount: formatAmount(d.amount, s.currency),
        status: d.status,
        ...this.#period(d),
      },
      [s.subscriptionNo],
    );
  }

  /** A notification about `s`: its `type`, the subscription's identity, then `fields`. */
  #send(
    s: Subscription,
    kind: 'subscription' | 'deduction',
    orderNo: string,
    type: string,
    fields: Record<string, unknown>,
    refs?: string[],
  ): void {
    this.state.notify({
      kind,
      orderNo,
      appId: s.appId,
      url: s.notifyUrl,
      endpoint: s.endpoint,
      refs,
      payload: {
        type,
        appId: s.appId,
        currency: s.currency,
        subscriptionOrderId: s.subscriptionOrderId,
        subscriptionNo: s.subscriptionNo,
        ...fields,
      },
    });
  }

  /** Ends a subscription (`3` failed, `4` cancelled or complete): nothing more is deducted. */
  #end(s: Subscription, status: '3' | '4'): void {
    s.status = status;
    delete s.nextDeductionAt;
    this.state.unschedule(`sub:${s.subscriptionNo}`);
    this.#notify(s);
  }

  /** Plans the subscription's next charge attempt: `deduct` deduction `index`, or `retry` it. */
  #plan(s: Subscription, at: number, what: 'deduct' | 'retry', index: number, attempt: number): void {
    s.nextDeductionAt = at;
    this.state.schedule(`sub:${s.subscriptionNo}`, at, `${what} ${s.subscriptionNo} #${index}`, () =>
      this.#deduct(s, index, attempt),
    );
  }

  #periodStart(s: Subscription, k: number): number {
    return addInterval(s.activatedAt ?? s.createdAt, s.interval, s.intervalCount * k);
  }

  #deduct(s: Subscription, index: number, attempt: number): void {
    if (s.status !== '2') return;
    if (s.maxNumber !== undefined && index >= s.maxNumber) {
      // docs/protocol.md §3.5: the subscription cancels itself after recurringMaxNumber deductions.
      this.#end(s, '4');
      return;
    }
    let d = s.deductions[index];
    if (!d) {
      d = {
        deductNo: this.state.mint('9', 7),
        orderNo: this.state.mint('6', 7),
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
    if (s.card?.behaviour !== 'deduct-fail') {
      d.status = 2;
      d.fee = computeFee(d.amount, scheduleFor(this.state.options.collectFees, s.currency), s.currency);
      this.ledger.credit(s.appId, s.currency, d.amount - d.fee, d.orderNo);
      this.#notifyDeduction(s, d);
      this.#plan(s, this.#periodStart(s, index + 1), 'deduct', index + 1, 0);
    } else if (attempt < s.retryTimes) {
      // A failed charge is retried daily, up to retryTimes (README "Subscriptions").
      this.#plan(s, this.state.clock.now() + DAY_MS, 'retry', index, attempt + 1);
    } else {
      d.status = 3;
      this.#notifyDeduction(s, d);
      this.#end(s, '3');
    }
  }
}
