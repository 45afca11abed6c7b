/**
 * The kit's own browser ⇄ companion contract (docs/contracts.md): what `POST {endpoint}/payments` and
 * the status routes answer, shared by the Express companion, the elements and the demo so the three
 * cannot drift. It lives in the browser-safe `rules` entry and is almost all types, so importing it
 * adds nothing to a bundle but the two small method/status lists.
 */
import type { PaymentStatus } from '../status.js';

/** A payment's status as the browser sees it (defined with the status tables, in `status.ts`). */
export type { PaymentStatus };

/** Payment methods the browser may ask for in `POST {endpoint}/payments` `method`. */
export const PAYMENT_METHODS = [
  'card',
  'promptpay',
  'truemoney',
  'bank-transfer',
  'twd-atm',
  'twd-store-ibon',
  'twd-store-fami',
  'twd-store-hilife',
  'twd-store-okgo',
  'jkopay',
  'cashier',
] as const;
/** One of {@link PAYMENT_METHODS}. */
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** A subscription's status as the browser sees it. Final: `failed`, `cancelled`. */
export const SUBSCRIPTION_STATUSES = ['unknown', 'pending', 'active', 'failed', 'cancelled'] as const;
/** One of {@link SUBSCRIPTION_STATUSES}. */
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** What the browser should do next: follow a redirect, draw a QR, show bank details, or wait. */
export type NextAction =
  | { type: 'redirect'; url: string }
  | { type: 'qr'; payload: string }
  | {
      type: 'bank';
      bankNo: string;
      bankCode: string;
      bankName?: string;
      accountName?: string;
      reference?: string;
    }
  | { type: 'wait' };

/** The sanitized view of a payment sent to the browser (`PaymentView` in docs/contracts.md). */
export interface PaymentView {
  orderId: string;
  orderNo: string | null;
  status: PaymentStatus;
  method: string;
  amount: string;
  currency: string;
  subject: string;
  expiresAt?: string;
  next: NextAction;
  failureReason: string | null;
  updatedAt: string;
}

/** The sanitized view of a subscription sent to the browser. */
export interface SubscriptionView {
  subscriptionId: string;
  subscriptionNo: string | null;
  status: SubscriptionStatus;
  amount: string;
  currency: string;
  subject: string;
  next: NextAction;
  failureReason: string | null;
  updatedAt: string;
}

/** One per-field issue of a `400 validation_error` answer; `code` is an `IssueCode` or a route code. */
export interface ApiFieldIssue {
  field: string;
  code: string;
  message: string;
  params?: Record<string, string | number>;
}

/** Every error answer of the companion's browser routes: `{ error: { type, message, … } }`. */
export interface ApiErrorBody {
  error: { type: string; message: string; code?: string; fields?: ApiFieldIssue[] };
}
