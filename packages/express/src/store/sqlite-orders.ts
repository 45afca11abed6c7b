/**
 * The SQLite store's orders (`haipay_payments`): writing, reading and moving them, and the reconciler's
 * and back office's lists. A transition is one conditional `UPDATE … WHERE status IN (<lower ranks>)`,
 * so of two processes on one file the database lets exactly one move an order.
 */
import type Database from 'better-sqlite3';
import { statusesBefore, type RecordStatus } from '../types.js';
import { applyPatch } from './memory.js';
import { orderQuerySql, type OrderQuery } from './order-query.js';
import { marksRecheck, recheckSql } from './recheck.js';
import { PATCH_COLUMNS, patchColumnValue, recordFromRow, type PaymentRow } from './row.js';
import type {
  NewPaymentRecord,
  PaymentPatch,
  PaymentRecord,
  RecheckQuery,
  TransitionOptions,
  TransitionResult,
} from './types.js';

const FINAL: readonly RecordStatus[] = ['succeeded', 'failed', 'expired', 'cancelled', 'review'];

/** What the orders need from their store: the handle, its statement cache and its clock. */
export interface SqliteOrderHost {
  db: Database.Database;
  stmt(sql: string): Database.Statement;
  /** The store's clock, in ms since the epoch. */
  now(): number;
  /** The store's clock as an ISO 8601 timestamp. */
  stamp(): string;
}

/** The order statements of one SQLite store (the `PaymentStore` order methods, synchronously). */
export class SqliteOrders {
  readonly #h: SqliteOrderHost;

  constructor(host: SqliteOrderHost) {
    this.#h = host;
  }

  #getRow(orderId: string): PaymentRow | undefined {
    return this.#h.stmt('SELECT * FROM haipay_payments WHERE order_id = ?').get(orderId) as
      PaymentRow | undefined;
  }

  insert(input: NewPaymentRecord): PaymentRecord {
    const now = input.createdAt ?? this.#h.stamp();
    const row = this.#h
      .stmt(
        `INSERT INTO haipay_payments (order_id, kind, merchant, method, amount, currency, subject, order_ref, buyer_id,
           status, order_no, next_json, expires_at, failure_reason, return_url, metadata_json, created_at, updated_at)
         VALUES (@orderId, @kind, @merchant, @method, @amount, @currency, @subject, @orderRef, @buyerId,
           @status, @orderNo, @next, @expiresAt, @failureReason, @returnUrl, @metadata, @now, @now)
       RETURNING *`,
      )
      .get({
        ...input,
        next: input.next ? JSON.stringify(input.next) : null,
        metadata: JSON.stringify(input.metadata ?? {}),
        now,
      }) as PaymentRow;
    return recordFromRow(row);
  }

  get(orderId: string): PaymentRecord | null {
    const row = this.#getRow(orderId);
    return row ? recordFromRow(row) : null;
  }

  #patchColumns(patch: PaymentPatch): { sets: string[]; params: Record<string, unknown> } {
    const sets: string[] = [];
    const params: Record<string, unknown> = {};
    for (const [key, col] of Object.entries(PATCH_COLUMNS) as [keyof PaymentPatch, string][]) {
      if (!(key in patch) || patch[key] === undefined) continue;
      sets.push(`${col} = @p_${key}`);
      params[`p_${key}`] = patchColumnValue(key, patch[key]);
    }
    return { sets, params };
  }

  patch(orderId: string, patch: PaymentPatch): PaymentRecord | null {
    const tx = this.#h.db.transaction(() => {
      const row = this.#getRow(orderId);
      if (!row) return null;
      const record = recordFromRow(row);
      if (!applyPatch(record, patch)) return record;
      const { sets, params } = this.#patchColumns(patch);
      const updated = this.#h
        .stmt(
          `UPDATE haipay_payments SET ${sets.join(', ')}, version = version + 1, updated_at = @now
         WHERE order_id = @orderId RETURNING *`,
        )
        .get({ ...params, now: this.#h.stamp(), orderId }) as PaymentRow;
      return recordFromRow(updated);
    });
    return tx.immediate();
  }

  transition(
    orderId: string,
    to: RecordStatus,
    patch: PaymentPatch,
    options: TransitionOptions,
  ): TransitionResult {
    const from = statusesBefore(to);
    const { sets, params } = this.#patchColumns(patch);
    // A payment closed as expired or failed is marked, in the same write, to be asked about again.
    if (marksRecheck('payment', to)) {
      sets.push(`recheck_since = CASE WHEN kind = 'payment' THEN @closedAt ELSE recheck_since END`);
      params.closedAt = this.#h.now();
    }
    const placeholders = from.map((_, i) => `@from${i}`).join(', ');
    const fromParams = Object.fromEntries(from.map((s, i) => [`from${i}`, s]));
    // A claim is for one status's hook: the move frees the old one, and claims the new one if asked.
    const claimAt = options.claimHook ? (options.claimHook.now ?? this.#h.now()) : null;
    // RETURNING gives the moved record in the same statement; only a refused move reads it back.
    const moved = this.#h
      .stmt(
        `UPDATE haipay_payments SET status = @to, ${[...sets, ''].join(', ')}version = version + 1, updated_at = @now,
           hook_claim_at = CASE WHEN hook_status IS @to THEN NULL ELSE @claimAt END
       WHERE order_id = @orderId AND status IN (${placeholders}) RETURNING *`,
      )
      .get({ ...params, ...fromParams, to, now: this.#h.stamp(), orderId, claimAt }) as
      PaymentRow | undefined;
    if (moved) {
      const record = recordFromRow(moved);
      return { changed: true, record, hookClaimed: claimAt !== null && record.hookStatus !== to };
    }
    return { changed: false, record: this.get(orderId) };
  }

  markChecked(orderId: string, at: number): void {
    this.#h.stmt('UPDATE haipay_payments SET checked_at = ? WHERE order_id = ?').run(at, orderId);
  }

  listUnsettled(options: { limit?: number; checkedBefore?: number }): PaymentRecord[] {
    const { limit = 100, checkedBefore } = options;
    const rows = this.#h
      .stmt(
        `SELECT * FROM haipay_payments WHERE status NOT IN (${FINAL.map(() => '?').join(', ')})
           AND (? IS NULL OR checked_at IS NULL OR checked_at < ?)
         ORDER BY COALESCE(checked_at, 0), created_at LIMIT ?`,
      )
      .all(...FINAL, checkedBefore ?? null, checkedBefore ?? null, limit) as PaymentRow[];
    return rows.map(recordFromRow);
  }

  listRecheckDue(query: RecheckQuery): PaymentRecord[] {
    const { text, params } = recheckSql('haipay_payments', query, 'sqlite');
    return (this.#h.stmt(text).all(...params) as PaymentRow[]).map(recordFromRow);
  }

  endRecheck(orderId: string): void {
    this.#h.stmt('UPDATE haipay_payments SET recheck_since = NULL WHERE order_id = ?').run(orderId);
  }

  list(query: OrderQuery): PaymentRecord[] {
    // Not kept in the statement map: its text varies with the filters given, and a back office is rare.
    const { text, params } = orderQuerySql('haipay_payments', query, 'sqlite');
    return (this.#h.db.prepare(text).all(...params) as PaymentRow[]).map(recordFromRow);
  }
}
