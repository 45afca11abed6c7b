/**
 * The rows SQL stores keep — payments, idempotency keys, hook events, notifications — and their mapping
 * to the records of the `PaymentStore` contract. Shared by the SQLite store here and the PostgreSQL
 * store (`@haipay-kit/postgres`), so a column added to one schema is read the same way by both. Drivers
 * differ only in how timestamps, booleans and 64-bit integers arrive, which the mappings normalize.
 */
import type { RecordStatus } from '../types.js';
import type {
  HookEvent,
  IdempotencyRecord,
  NotificationLogEntry,
  PaymentPatch,
  PaymentRecord,
} from './types.js';

/** A timestamp as a driver returns it: ISO text (SQLite) or a `Date` (node-postgres `timestamptz`). */
type Timestamp = string | Date;

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
  created_at: Timestamp;
  updated_at: Timestamp;
  version: number;
  /** Milliseconds; node-postgres returns BIGINT as a string. */
  checked_at: number | string | null;
  hook_status: string | null;
}

/**
 * The order columns `haipay_payments` begins with, declared alike in SQLite and PostgreSQL (the columns
 * after them differ by dialect). Both schemas' first migration creates them from this text, so it is
 * never edited: a new column is a new migration in each store.
 */
export const PAYMENT_ORDER_COLUMNS: string = `
        order_id       TEXT PRIMARY KEY,
        kind           TEXT NOT NULL,
        merchant       TEXT NOT NULL,
        method         TEXT NOT NULL,
        amount         TEXT NOT NULL,
        currency       TEXT NOT NULL,
        subject        TEXT NOT NULL,
        order_ref      TEXT,
        buyer_id       TEXT NOT NULL,
        status         TEXT NOT NULL,`;

/** The columns a `PaymentPatch` may set, by record field. */
export const PATCH_COLUMNS = {
  orderNo: 'order_no',
  next: 'next_json',
  expiresAt: 'expires_at',
  failureReason: 'failure_reason',
} as const;

/** The value a patch field is stored as: JSON text for `next`, otherwise the value or NULL. */
export function patchColumnValue(key: keyof PaymentPatch, value: unknown): unknown {
  if (key === 'next') return value ? JSON.stringify(value) : null;
  return value ?? null;
}

const iso = (v: Timestamp): string => (v instanceof Date ? v.toISOString() : v);

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

/** A `haipay_idempotency_keys` row. */
export interface IdempotencyKeyRow {
  scope: string;
  key: string;
  request_hash: string;
  order_id: string;
  response_status: number | null;
  created_at: Timestamp;
}

/** Maps an {@link IdempotencyKeyRow} to an {@link IdempotencyRecord}. */
export function idempotencyRecordFromRow(row: IdempotencyKeyRow): IdempotencyRecord {
  return {
    scope: row.scope,
    key: row.key,
    requestHash: row.request_hash,
    orderId: row.order_id,
    responseStatus: row.response_status,
    createdAt: iso(row.created_at),
  };
}

/** A `haipay_hook_events` row; `done` is 0/1 in SQLite, a boolean in PostgreSQL. */
export interface HookEventRow {
  order_id: string;
  event_key: string;
  kind: string;
  payload_json: string;
  created_at: Timestamp;
  done: number | boolean;
}

/** Maps a {@link HookEventRow} to a {@link HookEvent}. */
export function hookEventFromRow(row: HookEventRow): HookEvent {
  return {
    orderId: row.order_id,
    key: row.event_key,
    kind: row.kind,
    payload: JSON.parse(row.payload_json) as Record<string, unknown>,
    createdAt: iso(row.created_at),
    done: row.done === true || row.done === 1,
  };
}

/** A `haipay_notifications` row; `verified` is 0/1 in SQLite, and `id` a BIGINT string in PostgreSQL. */
export interface NotificationRow {
  id: number | string;
  order_id: string | null;
  received_at: Timestamp;
  verified: number | boolean;
  outcome: string;
  body: string;
}

/** Maps a {@link NotificationRow} to a {@link NotificationLogEntry}. */
export function notificationFromRow(row: NotificationRow): NotificationLogEntry {
  return {
    id: Number(row.id),
    orderId: row.order_id,
    receivedAt: iso(row.received_at),
    verified: row.verified === true || row.verified === 1,
    outcome: row.outcome,
    body: row.body,
  };
}
