/**
 * Refunds (reference §3.2): a full refund of a paid USD card payment, or of one paid deduction of a
 * USD card subscription (by its `deductNo`) — HaiPay's refund has no amount. Refused with
 * {@link HaiPayRefundError} before any refund call when the order is unknown, not paid, already
 * refunded (or being refunded), or not a USD card payment (HaiPay refunds nothing else:
 * docs/protocol.md "Refund and payout currencies"); a deduction is first looked up with HaiPay's
 * subscription query. HaiPay sends no refund notification (§3), so a
 * refund is settled by `refundQuery`: at once when HaiPay's apply answer is final, else by the
 * reconciler. `onRefundSucceeded` / `onRefundFailed` run once per refund.
 */
import { ENDPOINTS, type FieldIssue } from '@haipay-kit/protocol';
import type { HaiPayClient, HaiPayData } from '../client.js';
import { HaiPayRefundError, HaiPayValidationError } from '../errors.js';
import type { PaymentRecord, TransferRecord } from '../store/types.js';
import type { CheckoutContext } from './context.js';
import { HOOK_EVENT } from './hooks.js';
import { TransferFlow, type TransferDriver, type TransferVerdict } from './refunds-and-payouts.js';
import { str } from './text.js';
import { mintOrderId, requestHash } from './wire.js';

/** Options of `refund()`. */
export interface RefundOptions {
  /**
   * Your key for this refund (1–255 characters): the same key gives back the same refund, never a
   * second one; the same key for another order or reason is `HaiPayIdempotencyError`.
   */
  idempotencyKey: string;
  /** Why you refund (kept with the refund, never sent to HaiPay). At most 500 characters. */
  reason?: string;
  /**
   * A subscription is refunded one deduction at a time: its `deductNo`, as `onSubscriptionDeduction`
   * received it. Required for a subscription; not allowed for a payment.
   */
  deductNo?: string;
}

/** HaiPay's refund statuses (text): `"0"` processing, `"1"` success, `"2"` failed (docs/protocol.md §6). */
function readRefund(data: HaiPayData): TransferVerdict | null {
  const status = str(data.status);
  const patch = { ...(str(data.refundNo) ? { gatewayNo: str(data.refundNo) } : {}) };
  if (status === '1') return { status: 'succeeded', patch };
  if (status === '2')
    return { status: 'failed', patch: { ...patch, failureReason: str(data.errorMsg) || 'failed' } };
  if (status === '0') return { status: 'pending', patch };
  return null;
}

/** The refund driver over the client. */
export function refundDriver(client: HaiPayClient): TransferDriver {
  return {
    query: (t) => client.refundQuery(t.gatewayNo ? { refundNo: t.gatewayNo } : { orderId: t.transferId }),
    read: readRefund,
    event: (t) => ({
      orderId: t.transferId,
      key: `refund:${t.status}`,
      kind: HOOK_EVENT.refund,
      payload: {},
    }),
  };
}

const isText = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;

/** The checks on `refund()`'s options: a usable key, a reason of reasonable length. */
function optionIssues(options: RefundOptions): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!isText(options?.idempotencyKey, 255))
    issues.push({ field: 'idempotencyKey', code: 'required', message: 'idempotencyKey: 1–255 characters' });
  if (options?.deductNo !== undefined && !isText(options.deductNo, 64))
    issues.push({ field: 'deductNo', code: 'invalid_format', message: 'deductNo: 1–64 characters' });
  if (options?.reason !== undefined && (typeof options.reason !== 'string' || options.reason.length > 500))
    issues.push({ field: 'reason', code: 'too_long', message: 'reason: a string of at most 500 characters' });
  return issues;
}

/**
 * Refunds a paid order in full, once per key (see {@link RefundOptions}). Resolves with the refund as
 * stored: `pending` (HaiPay accepted it), `succeeded`/`failed`, or `unknown` (HaiPay's answer was lost;
 * the reconciler settles it by query — calling again with the same key is safe).
 */
export async function refundOrder(
  ctx: CheckoutContext,
  client: HaiPayClient,
  flow: TransferFlow,
  orderId: string,
  options: RefundOptions,
): Promise<TransferRecord> {
  const issues = optionIssues(options);
  if (issues.length > 0) throw new HaiPayValidationError('The refund options are invalid.', issues);
  const order = typeof orderId === 'string' ? await ctx.store.get(orderId) : null;
  if (!order) throw new HaiPayRefundError('not_found', `No order ${String(orderId)}.`);
  const refundable: readonly string[] = ENDPOINTS.refundApply.currencies;
  const subscription = order.kind === 'subscription';
  if (
    order.method !== 'card' ||
    !refundable.includes(order.currency) ||
    (!subscription && !refundable.includes(order.merchant))
  ) {
    throw new HaiPayRefundError(
      'not_refundable',
      `Order ${orderId} is a ${order.currency} ${order.method} ${order.kind}: HaiPay refunds USD card payments only.`,
    );
  }
  if (!subscription && options.deductNo !== undefined)
    throw new HaiPayValidationError('Only a subscription has deductions.', [
      { field: 'deductNo', code: 'not_allowed', message: 'deductNo: only for a subscription' },
    ]);
  const { orderNo, amount } = subscription ? await deduction(client, order, options) : paid(order);
  const transferId = mintOrderId('hpr_');
  return flow.create(
    {
      transferId,
      kind: 'refund',
      // Subscriptions are charged through the USD appId, whose refund endpoint refunds them.
      merchant: subscription ? 'USD' : order.merchant,
      currency: order.currency,
      amount,
      // One live refund per charge: the order, or one deduction of the subscription.
      paymentOrderId: subscription ? `${order.orderId}:${options.deductNo}` : order.orderId,
      gatewayNo: null,
      status: 'unknown',
      reason: options.reason ?? null,
      failureReason: null,
      fee: null,
      details: subscription ? { deductNo: String(options.deductNo) } : {},
      idempotencyKey: options.idempotencyKey,
      requestHash: requestHash('refunds', {
        orderId,
        reason: options.reason ?? null,
        deductNo: options.deductNo ?? null,
      }),
    },
    (sendAfter) => client.refundApply({ orderId: transferId, orderNo }, { sendAfter }),
  );
}

/** The charge of a paid payment: its `orderNo` and amount. */
function paid(order: PaymentRecord): { orderNo: string; amount: string } {
  // `review`: money arrived after the kit closed the order; refunding it is one of the merchant's choices.
  if ((order.status !== 'succeeded' && order.status !== 'review') || !order.orderNo)
    throw new HaiPayRefundError(
      'not_paid',
      `Order ${order.orderId} is ${order.status}, not paid: nothing to refund.`,
    );
  return { orderNo: order.orderNo, amount: order.amount };
}

/**
 * The charge of one subscription deduction, as HaiPay's subscription query reports it (HaiPay refunds
 * a deduction by its own `orderNo`). That query is the only call made before a refusal here.
 */
async function deduction(
  client: HaiPayClient,
  order: PaymentRecord,
  options: RefundOptions,
): Promise<{ orderNo: string; amount: string }> {
  const deductNo = options.deductNo;
  if (!deductNo)
    throw new HaiPayValidationError('A subscription is refunded one deduction at a time.', [
      { field: 'deductNo', code: 'required', message: 'deductNo: the deduction to refund' },
    ]);
  if (!order.orderNo)
    throw new HaiPayRefundError('not_paid', `Subscription ${order.orderId} is not confirmed by HaiPay.`);
  const data = await client.subscriptionQuery({ subscriptionNo: order.orderNo });
  const list = Array.isArray(data.deductList) ? (data.deductList as HaiPayData[]) : [];
  const d = list.find((x) => str(x.deductNo) === deductNo);
  if (!d)
    throw new HaiPayRefundError('not_found', `Subscription ${order.orderId} has no deduction ${deductNo}.`);
  if (Number(d.status) !== 2 || !str(d.orderNo) || !str(d.amount))
    throw new HaiPayRefundError('not_paid', `Deduction ${deductNo} is not paid: nothing to refund.`);
  return { orderNo: str(d.orderNo), amount: str(d.amount) };
}
