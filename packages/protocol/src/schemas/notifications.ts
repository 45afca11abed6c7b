/**
 * Asynchronous notification bodies (reference §7): collection, payout, subscription status and
 * subscription deduction. All are flat, signed by HaiPay, and may grow new fields at any time, so every
 * schema keeps unknown fields (they take part in signature verification — verify before parsing).
 */
import { z } from 'zod';
import { COLLECT_NOTIFY_STATUSES, PAYOUT_NOTIFY_STATUSES, SUBSCRIPTION_STATUS_TABLE } from '../status.js';
import { anyText, decimalText, intValue, optText, idText } from './common.js';

const collectNotifyCodes: readonly number[] = COLLECT_NOTIFY_STATUSES;
const payoutNotifyCodes: readonly number[] = PAYOUT_NOTIFY_STATUSES;
const subscriptionCodes: readonly string[] = SUBSCRIPTION_STATUS_TABLE.map((r) => r.code);

/**
 * Collection notification (reference §7.1, also collection-link orders §7.3): `status` 2 success,
 * 3 failure, 4 partial, 5 excess — all final.
 */
export const collectNotificationSchema = z.looseObject({
  appId: intValue,
  currency: z.string(),
  orderId: idText,
  orderNo: idText,
  amount: decimalText,
  fee: decimalText.nullish(),
  status: intValue.refine((s) => collectNotifyCodes.includes(s), {
    message: 'A collection notification carries status 2, 3, 4 or 5',
  }),
  payTime: optText,
  errorMsg: optText,
  originalCurrency: optText,
  originalAmount: decimalText.nullish(),
  inBankCode: optText,
  bankNo: optText,
  description: optText,
  cardNo: optText,
  tokenID: optText,
  name: optText,
  email: optText,
  expMonth: optText,
  expYear: optText,
  ip: optText,
  is3DS: optText,
  sign: z.string(),
});
/** A parsed collection notification. */
export type CollectNotification = z.output<typeof collectNotificationSchema>;

/** Payout notification (reference §7.2): `status` 2 success or 3 failure. */
export const payoutNotificationSchema = z.looseObject({
  appId: intValue,
  currency: z.string(),
  orderId: idText,
  orderNo: idText,
  amount: decimalText,
  fee: decimalText.nullish(),
  status: intValue.refine((s) => payoutNotifyCodes.includes(s), {
    message: 'A payout notification carries status 2 or 3',
  }),
  payTime: optText,
  errorMsg: optText,
  hash: optText,
  sign: z.string(),
});
/** A parsed payout notification. */
export type PayoutNotification = z.output<typeof payoutNotificationSchema>;

// What both subscription notifications (§7.4) say about the subscription they concern.
const subscriptionIds = {
  appId: intValue,
  currency: optText,
  subscriptionOrderId: idText,
  subscriptionNo: idText,
};

/** Subscription status-change notification (reference §7.4): `type` `SUBSCRIPTION`, string status. */
export const subscriptionNotificationSchema = z.looseObject({
  type: z.literal('SUBSCRIPTION'),
  ...subscriptionIds,
  status: anyText.refine((s) => subscriptionCodes.includes(s), {
    message: 'Unknown subscription status',
  }),
  recurringInterval: optText,
  recurringIntervalCount: optText,
  subject: optText,
  sign: z.string(),
});
/** A parsed subscription status notification. */
export type SubscriptionNotification = z.output<typeof subscriptionNotificationSchema>;

/** Subscription deduction notification (reference §7.4): `type` `SUBSCRIPTIONS_DEDUCT`, status 0–3. */
export const deductionNotificationSchema = z.looseObject({
  type: z.literal('SUBSCRIPTIONS_DEDUCT'),
  ...subscriptionIds,
  deductNo: idText,
  orderNo: idText,
  amount: decimalText,
  status: intValue.refine((s) => s >= 0 && s <= 3, { message: 'A deduction status is 0, 1, 2 or 3' }),
  startTime: optText,
  endTime: optText,
  sign: z.string(),
});
/** A parsed subscription deduction notification. */
export type DeductionNotification = z.output<typeof deductionNotificationSchema>;

/** Either subscription notification, told apart by `type`. */
export const subscriptionEventNotificationSchema = z.discriminatedUnion('type', [
  subscriptionNotificationSchema,
  deductionNotificationSchema,
]);
/** A parsed subscription status or deduction notification. */
export type SubscriptionEventNotification = z.output<typeof subscriptionEventNotificationSchema>;

/** The notification schemas by kind. */
export const NOTIFICATIONS = {
  collect: collectNotificationSchema,
  payout: payoutNotificationSchema,
  subscription: subscriptionNotificationSchema,
  deduction: deductionNotificationSchema,
} as const;
