/**
 * Payouts (docs/protocol.md §3.3): `pay/apply` freezes amount + fee and settles on the clock after
 * `payoutDelayMs` (an account number starting `999` fails at the "bank"), `pay/query` answers, and the
 * final state is notified. THB, USD and VND only: TWD has no payout product (§5).
 */
import type { MerchantConfig } from './config.js';
import { computeFee, parseAmount, scheduleFor } from './money.js';
import { isFinal, type PayoutOrder } from './records.js';
import { Room } from './state.js';
import { orderAnswer, presentText, REFUSE, str, type ApiResult } from './wire.js';

/** The payout endpoints and lifecycle. */
export class Payouts extends Room {
  /** `POST /{currency}/pay/apply`: freeze amount + fee, settle on the clock. */
  apply(
    merchant: MerchantConfig,
    currency: string,
    endpoint: string,
    body: Record<string, unknown>,
  ): ApiResult {
    // docs/protocol.md §5: TWD has no payout product.
    if (currency === 'TWD' || merchant.payouts === false) return REFUSE.noProduct;
    const amount = parseAmount(body.amount);
    if (amount === undefined) return REFUSE.illegalParam;
    const orderId = String(body.orderId);
    if (this.state.findOrder('payout', merchant.appId, orderId)) return REFUSE.duplicateOrderId;
    const fee = computeFee(amount, scheduleFor(this.state.options.payoutFees, currency), currency);
    if (!this.ledger.freeze(merchant.appId, currency, amount + fee)) return REFUSE.insufficientBalance;
    const accountNo = String(body.accountNo);
    const order: PayoutOrder = {
      kind: 'payout',
      orderNo: this.state.mint('5', 7, currency),
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
      ...this.state.opened(1),
      ...presentText(body, ['notifyUrl']),
    };
    this.state.addOrder(order);
    // Account numbers starting 999 fail at the "bank" (README, "Payouts").
    const fails = accountNo.startsWith('999');
    this.state.schedule(
      `payout:${order.orderNo}`,
      order.createdAt + this.state.options.payoutDelayMs,
      `payout ${order.orderNo}`,
      () =>
        this.complete(order, fails ? 'failure' : 'success', fails ? 'Bank Account is not found' : undefined),
    );
    return { data: { orderId, orderNo: order.orderNo } };
  }

  /** Final state of a payout: success debits the frozen money, failure releases it. */
  complete(order: PayoutOrder, outcome: 'success' | 'failure', errorMsg?: string): boolean {
    if (isFinal(order.status)) return false;
    this.state.unschedule(`payout:${order.orderNo}`);
    this.ledger.settleFrozen(order.appId, order.currency, order.amount + order.fee, outcome);
    if (outcome === 'success') {
      order.payTime = this.state.clock.now();
      this.state.setStatus(order, 2);
    } else {
      order.errorMsg = errorMsg ?? 'Manual processing failed';
      this.state.setStatus(order, 3);
    }
    this.state.notifyOrder(order, this.#amounts(order), order.currency);
    return true;
  }

  /** `POST /{currency}/pay/query`. */
  query(merchant: MerchantConfig, body: Record<string, unknown>): ApiResult {
    const order = this.state.findOrder('payout', merchant.appId, str(body.orderId), str(body.orderNo));
    if (!order) return REFUSE.unknownOrder;
    return orderAnswer(order, this.#amounts(order), order.currency);
  }

  /** A failed payout took no fee (its money was released). */
  #amounts(order: PayoutOrder): Record<string, number> {
    return { amount: order.amount, fee: order.status === 3 ? 0 : order.fee };
  }
}
