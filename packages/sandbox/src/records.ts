/**
 * What the sandbox keeps: the collection orders, payouts, refunds, subscriptions and ledgers every room
 * reads and writes, the public API returns (amounts in hundredths) and the control API renders. Kept
 * apart from the rules so a page, a view or a test can know a record's shape without the rooms.
 */
import type { CardBehaviour } from './cards.js';

/** Collection statuses (docs/protocol.md §3.1): 0 not started, 1 processing, 2 success, 3 failed. */
export type OrderStatus = 0 | 1 | 2 | 3;

/** What a collection order hands the shopper (the protocol's method result, or the global cashier). */
type OrderFlow = 'qr' | 'redirect' | 'bank' | 'card' | 'card-3ds' | 'cashier';

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

/** An order of the `orders` map: a collection or a payout (they share the orderNo space). */
export type Order = CollectOrder | PayoutOrder;

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
  /** The refund of this deduction in progress or done (a failed refund clears it). */
  refundNo?: string;
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

/** Collection and payout statuses in words, as pages and the control API show them. */
export const STATUS_TEXT: Readonly<Record<OrderStatus, string>> = {
  0: 'not started',
  1: 'processing',
  2: 'success',
  3: 'failed',
};

/** Whether an order has reached its final state (2 success, 3 failed): statuses never move after it. */
export function isFinal(status: OrderStatus): boolean {
  return status === 2 || status === 3;
}
