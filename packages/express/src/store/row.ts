/**
 * The `haipay_payments` row as SQL stores keep it, and its mapping to a {@link PaymentRecord}. Shared by
 * the SQLite store here and the PostgreSQL store (`@haipay-kit/postgres`), so a column added to one
 * schema is read the same way by both. Drivers differ only in how timestamps and 64-bit integers
 * arrive, which {@link recordFromRow} normalizes.
 */
import type { RecordStatus } from '../types.js';
import type { PaymentRecord } from './types.js';

/** A payment row as a SQL driver returns it (snake_case columns; JSON in `*_json`). */
export interface PaymentRow {
  order_id: string;
  kind: string;
  merchant: string;
  method: string;
  amount: string;
  currency: string;
  subject: string;
  order_ref: string | null;
  buyer_id: string;
  status: string;
  order_no: string | null;
  next_json: string | null;
  expires_at: string | null;
  failure_reason: string | null;
  return_url: string | null;
  metadata_json: string;
  /** ISO text (SQLite) or a `Date` (node-postgres `timestamptz`). */
  created_at: string | Date;
  updated_at: string | Date;
  version: number;
  /** Milliseconds; node-postgres returns BIGINT as a string. */
  checked_at: number | string | null;
  hook_status: string | null;
}

/** The columns a `PaymentPatch` may set, by record field. */
export const PATCH_COLUMNS = {
  orderNo: 'order_no',
  next: 'next_json',
  expiresAt: 'expires_at',
  failureReason: 'failure_reason',
} as const;

const iso = (v: string | Date): string => (v instanceof Date ? v.toISOString() : v);

/** Maps a {@link PaymentRow} to a {@link PaymentRecord}. */
export function recordFromRow(row: PaymentRow): PaymentRecord {
  return {
    orderId: row.order_id,
    kind: row.kind as PaymentRecord['kind'],
    merchant: row.merchant,
    method: row.method,
    amount: row.amount,
    currency: row.currency,
    subject: row.subject,
    orderRef: row.order_ref,
    buyerId: row.buyer_id,
    status: row.status as RecordStatus,
    orderNo: row.order_no,
    next: row.next_json ? (JSON.parse(row.next_json) as PaymentRecord['next']) : null,
    expiresAt: row.expires_at,
    failureReason: row.failure_reason,
    returnUrl: row.return_url,
    metadata: JSON.parse(row.metadata_json) as Record<string, string>,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    version: row.version,
    checkedAt: row.checked_at === null ? null : Number(row.checked_at),
    hookStatus: (row.hook_status as RecordStatus | null) ?? null,
  };
}
