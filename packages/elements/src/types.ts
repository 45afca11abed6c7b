/** The companion's view of one payment — docs/contracts.md "PaymentView". */
export const PAYMENT_STATUSES = [
  'pending',
  'processing',
  'succeeded',
  'failed',
  'expired',
  'unknown',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const FINAL_STATUSES: readonly PaymentStatus[] = ['succeeded', 'failed', 'expired'];
export type FinalStatus = 'succeeded' | 'failed' | 'expired';
export const isFinal = (status: PaymentStatus | null | undefined): status is FinalStatus =>
  FINAL_STATUSES.includes(status!);

export type PaymentNext =
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

export interface PaymentView {
  orderId: string;
  orderNo?: string | null;
  status: PaymentStatus;
  method: string;
  amount: string;
  currency: string;
  subject?: string;
  expiresAt?: string | null;
  next?: PaymentNext | null;
  failureReason?: string | null;
  updatedAt?: string;
}

/** One per-field issue of a `400 validation_error` answer. */
export interface FieldIssue {
  field: string;
  code: string;
  message: string;
  params?: Record<string, unknown>;
}

/** The companion's error body: `{ error: { type, message, ... } }`. */
export interface ApiErrorBody {
  error: { type: string; message: string; code?: string; fields?: FieldIssue[] };
}

export type Theme = 'light' | 'dark' | 'auto';
