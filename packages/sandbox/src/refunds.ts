/**
 * Refunds (docs/protocol.md §3.2): a full refund of a successful USD card order, or of a successful
 * subscription deduction (by the deduction's `orderNo`: a card charge too). `refund/apply` freezes
 * the order amount (the collection fee is not returned) and completes after `refundDelayMs`;
 * `refund/refundQuery` finds it by `refundNo` or by the refund's own `orderId`. HaiPay documents no
 * refund notification (§7.5), so none is sent.
 */
import type { MerchantConfig } from './config.js';
import type { Deduction, Refund } from './records.js';
import { Room } from './state.js';
import { REFUSE, str, type ApiResult } from './wire.js';

/** The refund endpoints and lifecycle. */
export class Refunds extends Room {
  /** `POST /usd/refund/apply`: full refund of a successful card order (docs/protocol.md §3.2). */
  apply(merchant: MerchantConfig, body: Record<string, unknown>): ApiResult {
    const orderId = String(body.orderId);
    if (this.state.findRefund(merchant.appId, orderId)) return REFUSE.duplicateOrderId;
    const original =
      this.state.findOrder('collect', merchant.appId, undefined, String(body.orderNo)) ??
      this.#deduction(merchant.appId, String(body.orderNo));
    if (!original) return REFUSE.unknownOrder;
    if ('flow' in original && original.flow !== 'card' && original.flow !== 'card-3ds')
      return REFUSE.noProduct;
    if (original.refundNo || original.status === 3) return REFUSE.alreadyFinal;
    if (original.status !== 2) return REFUSE.illegalParam;
    const currency = 'currency' in original ? original.currency : 'USD';
    if (!this.ledger.freeze(merchant.appId, currency, original.amount)) return REFUSE.insufficientBalance;
    const now = this.state.clock.now();
    const refund: Refund = {
      kind: 'refund',
      refundNo: this.state.mint('8', 7, currency),
      orderId,
      orderNo: original.orderNo,
      appId: merchant.appId,
      currency,
      amount: original.amount,
      status: '0',
      createdAt: now,
      updatedAt: now,
    };
    original.refundNo = refund.refundNo;
    this.state.addRefund(refund);
    this.state.schedule(
      `refund:${refund.refundNo}`,
      now + this.state.options.refundDelayMs,
      `refund ${refund.refundNo}`,
      () => this.complete(refund, 'success'),
    );
    return { data: this.#data(refund) };
  }

  /** Final state of a refund: success debits the frozen amount, failure releases it and the order can be refunded again. */
  complete(refund: Refund, outcome: 'success' | 'failure', errorMsg?: string): boolean {
    if (refund.status !== '0') return false;
    this.state.unschedule(`refund:${refund.refundNo}`);
    this.ledger.settleFrozen(refund.appId, refund.currency, refund.amount, outcome);
    if (outcome === 'success') refund.status = '1';
    else {
      refund.status = '2';
      refund.errorMsg = errorMsg ?? 'Refund failed';
      const original = this.state.orders.get(refund.orderNo);
      if (original?.kind === 'collect') delete original.refundNo;
      else delete this.#deduction(refund.appId, refund.orderNo)?.refundNo;
    }
    refund.updatedAt = this.state.clock.now();
    return true;
  }

  /** A subscription deduction of this appId by its own `orderNo`. */
  #deduction(appId: number, orderNo: string): Deduction | undefined {
    for (const sub of this.state.subscriptions.values()) {
      if (sub.appId !== appId) continue;
      const d = sub.deductions.find((x) => x.orderNo === orderNo);
      if (d) return d;
    }
    return undefined;
  }

  /** `POST /usd/refund/refundQuery`: `refundNo` takes priority over `orderId`. */
  query(merchant: MerchantConfig, body: Record<string, unknown>): ApiResult {
    const refundNo = str(body.refundNo);
    const orderId = str(body.orderId);
    if (!refundNo && !orderId) return REFUSE.missingParam;
    const refund = refundNo
      ? this.state.refunds.get(refundNo)
      : this.state.findRefund(merchant.appId, orderId!);
    if (!refund || refund.appId !== merchant.appId) return REFUSE.unknownOrder;
    return { data: this.#data(refund) };
  }

  #data(r: Refund): Record<string, unknown> {
    return {
      appId: r.appId,
      orderNo: r.orderNo,
      orderId: r.orderId,
      refundNo: r.refundNo,
      status: r.status,
      ...(r.errorMsg ? { errorMsg: r.errorMsg } : {}),
    };
  }
}
