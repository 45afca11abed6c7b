/**
 * What the browser sees: the views of a stored payment and subscription (no buyer data, no metadata,
 * no secrets), the `next` step derived from HaiPay's apply answer, and HaiPay's subscription status in
 * the kit's words.
 */
import { isFollowableUrl } from '@haipay-kit/protocol/rules';
import type { HaiPayData } from '../client.js';
import type { PaymentRecord } from '../store/types.js';
import {
  isFinalStatus,
  type NextAction,
  type PaymentStatus,
  type PaymentView,
  type SubscriptionStatus,
  type SubscriptionView,
} from '../types.js';
import { str } from './text.js';

/**
 * Derives `next` from an apply answer: QR payload, bank details, redirect URL, or wait. A `payUrl` is
 * offered as a redirect only when the browser may follow it (`isFollowableUrl`: `https:`, or `http:`
 * when `allowHttp`); a `javascript:` or otherwise unsafe address becomes `wait`, never a redirect.
 */
export function nextFromApply(data: HaiPayData, allowHttp = false): NextAction {
  const qr = str(data.qrCode);
  if (qr) return { type: 'qr', payload: qr };
  const bankNo = str(data.bankNo);
  if (bankNo) {
    const next: NextAction = { type: 'bank', bankNo, bankCode: str(data.bankCode) };
    if (str(data.bankName)) next.bankName = str(data.bankName);
    if (str(data.bankUserName)) next.accountName = str(data.bankUserName);
    const reference = str(data.description) || str(data.referenceCode);
    if (reference) next.reference = reference;
    return next;
  }
  const payUrl = str(data.payUrl);
  if (payUrl && isFollowableUrl(payUrl, allowHttp)) return { type: 'redirect', url: payUrl };
  return { type: 'wait' };
}

/** The browser view of a stored payment (no buyer data, no metadata, no secrets). */
export function toPaymentView(r: PaymentRecord): PaymentView {
  const view: PaymentView = {
    orderId: r.orderId,
    orderNo: r.orderNo,
    status: r.status as PaymentStatus,
    method: r.method,
    amount: r.amount,
    currency: r.currency,
    subject: r.subject,
    next: isFinalStatus(r.status) ? { type: 'wait' } : (r.next ?? { type: 'wait' }),
    failureReason: r.failureReason,
    updatedAt: r.updatedAt,
  };
  if (r.expiresAt) view.expiresAt = r.expiresAt;
  return view;
}

/** The browser view of a stored subscription. */
export function toSubscriptionView(r: PaymentRecord): SubscriptionView {
  return {
    subscriptionId: r.orderId,
    subscriptionNo: r.orderNo,
    status: r.status as SubscriptionStatus,
    amount: r.amount,
    currency: r.currency,
    subject: r.subject,
    next: isFinalStatus(r.status) || r.status === 'active' ? { type: 'wait' } : (r.next ?? { type: 'wait' }),
    failureReason: r.failureReason,
    updatedAt: r.updatedAt,
  };
}

/** HaiPay subscription status (string) → kit status. */
export function subscriptionStatusFromCode(code: unknown): SubscriptionStatus {
  switch (str(code)) {
    case '1':
    case '-1':
      return 'pending';
    case '2':
      return 'active';
    case '3':
      return 'failed';
    case '4':
      return 'cancelled';
    default:
      return 'unknown';
  }
}
