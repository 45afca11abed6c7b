/**
 * Refunds and payouts in the bundled stores: the `haipay_transfers` row, its mapping to a
 * {@link TransferRecord}, and the memory store's transfers (the SQL stores hold the same rules in their
 * statements: one insert decides the key, a partial unique index allows one live refund per order, and
 * a transition is one conditional update on `status_rank`).
 */
import {
  TRANSFER_STATUS_RANK,
  type HookEvent,
  type NewTransferRecord,
  type TransferCreate,
  type TransferKind,
  type TransferPatch,
  type TransferRecord,
  type TransferStatus,
  type TransferTransition,
} from './types.js';

/** A `haipay_transfers` row as a SQL driver returns it. */
export interface TransferRow {
  transfer_id: string;
  kind: string;
  merchant: string;
  currency: string;
  amount: string;
  payment_order_id: string | null;
  gateway_no: string | null;
  status: string;
  reason: string | null;
  failure_reason: string | null;
  fee: string | null;
  details_json: string;
  idempotency_key: string;
  request_hash: string;
  created_at: string | Date;
  updated_at: string | Date;
  /** Milliseconds; node-postgres returns BIGINT as a string. */
  checked_at: number | string | null;
}

/** The columns a {@link TransferPatch} sets, by field. */
export const TRANSFER_PATCH_COLUMNS = {
  gatewayNo: 'gateway_no',
  failureReason: 'failure_reason',
  fee: 'fee',
} as const satisfies Record<keyof TransferPatch, string>;

/** The name of the index that allows one refund per order that has not failed (both SQL schemas). */
export const LIVE_REFUND_INDEX = 'haipay_transfers_live_refund';

/** The rank of a transfer status; throws on a status the contract does not know. */
export function transferRank(status: TransferStatus): number {
  const rank = TRANSFER_STATUS_RANK[status];
  if (rank === undefined) throw new TypeError(`unknown transfer status "${String(status)}"`);
  return rank;
}

const iso = (v: string | Date): string => (v instanceof Date ? v.toISOString() : v);

/** Maps a {@link TransferRow} to a {@link TransferRecord}. */
export function transferFromRow(row: TransferRow): TransferRecord {
  return {
    transferId: row.transfer_id,
    kind: row.kind as TransferKind,
    merchant: row.merchant,
    currency: row.currency,
    amount: row.amount,
    paymentOrderId: row.payment_order_id,
    gatewayNo: row.gateway_no,
    status: row.status as TransferStatus,
    reason: row.reason,
    failureReason: row.failure_reason,
    fee: row.fee,
    details: JSON.parse(row.details_json) as Record<string, string>,
    idempotencyKey: row.idempotency_key,
    requestHash: row.request_hash,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    checkedAt: row.checked_at === null ? null : Number(row.checked_at),
  };
}

/** The parameters of a transfer insert, by column (SQLite binds them by name, PostgreSQL in order). */
export function transferInsertValues(input: NewTransferRecord, rank: number): Record<string, unknown> {
  return {
    transfer_id: input.transferId,
    kind: input.kind,
    merchant: input.merchant,
    currency: input.currency,
    amount: input.amount,
    payment_order_id: input.paymentOrderId,
    gateway_no: input.gatewayNo,
    status: input.status,
    status_rank: rank,
    reason: input.reason,
    failure_reason: input.failureReason,
    fee: input.fee,
    details_json: JSON.stringify(input.details ?? {}),
    idempotency_key: input.idempotencyKey,
    request_hash: input.requestHash,
  };
}

/** The outcome for an existing transfer under the same key: `replay` when the hash matches. */
export function existingKeyOutcome(existing: TransferRecord, requestHash: string): TransferCreate {
  return existing.requestHash === requestHash
    ? { outcome: 'replay', record: existing }
    : { outcome: 'conflict', record: existing };
}

/** The memory store's transfers: synchronous between awaits, so each method is atomic in one process. */
export class MemoryTransfers {
  readonly #rows = new Map<string, TransferRecord>();
  readonly #stamp: () => string;
  readonly #addEvent: (event: Omit<HookEvent, 'createdAt' | 'done'>) => void;

  constructor(stamp: () => string, addEvent: (event: Omit<HookEvent, 'createdAt' | 'done'>) => void) {
    this.#stamp = stamp;
    this.#addEvent = addEvent;
  }

  create(input: NewTransferRecord): TransferCreate {
    const all = [...this.#rows.values()];
    const sameKey = all.find((t) => t.kind === input.kind && t.idempotencyKey === input.idempotencyKey);
    if (sameKey) return existingKeyOutcome(structuredClone(sameKey), input.requestHash);
    if (this.#rows.has(input.transferId)) throw new Error(`transfer ${input.transferId} already exists`);
    const live =
      input.kind === 'refund' && input.status !== 'failed'
        ? all.find(
            (t) => t.kind === 'refund' && t.paymentOrderId === input.paymentOrderId && t.status !== 'failed',
          )
        : undefined;
    if (live) return { outcome: 'active_refund', record: structuredClone(live) };
    const now = this.#stamp();
    const record: TransferRecord = {
      ...structuredClone(input),
      createdAt: now,
      updatedAt: now,
      checkedAt: null,
    };
    this.#rows.set(record.transferId, record);
    return { outcome: 'created', record: structuredClone(record) };
  }

  get(transferId: string): TransferRecord | null {
    const t = this.#rows.get(transferId);
    return t ? structuredClone(t) : null;
  }

  transition(
    transferId: string,
    to: TransferStatus,
    patch: TransferPatch,
    event: Omit<HookEvent, 'createdAt' | 'done'> | undefined,
  ): TransferTransition {
    const t = this.#rows.get(transferId);
    if (!t) return { changed: false, record: null };
    if (transferRank(t.status) >= transferRank(to)) return { changed: false, record: structuredClone(t) };
    t.status = to;
    for (const key of Object.keys(TRANSFER_PATCH_COLUMNS) as (keyof TransferPatch)[])
      if (patch[key] !== undefined) t[key] = patch[key];
    t.updatedAt = this.#stamp();
    if (event) this.#addEvent(event);
    return { changed: true, record: structuredClone(t) };
  }

  markChecked(transferId: string, at: number): void {
    const t = this.#rows.get(transferId);
    if (t) t.checkedAt = at;
  }

  listUnsettled(limit: number): TransferRecord[] {
    return [...this.#rows.values()]
      .filter((t) => transferRank(t.status) < 2)
      .sort((a, b) => (a.checkedAt ?? 0) - (b.checkedAt ?? 0) || a.createdAt.localeCompare(b.createdAt))
      .slice(0, limit)
      .map((t) => structuredClone(t));
  }

  list(options: { kind?: TransferKind; paymentOrderId?: string; limit?: number }): TransferRecord[] {
    return [...this.#rows.values()]
      .filter(
        (t) =>
          (options.kind === undefined || t.kind === options.kind) &&
          (options.paymentOrderId === undefined || t.paymentOrderId === options.paymentOrderId),
      )
      .reverse()
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, options.limit ?? 100)
      .map((t) => structuredClone(t));
  }
}
