/**
 * The SQLite store's refunds and payouts (`haipay_transfers`): each method is one statement or one
 * IMMEDIATE transaction, so two processes on one file cannot both create a key, both start a refund of
 * one order, or both move a transfer.
 */
import type Database from 'better-sqlite3';
import {
  TRANSFER_PATCH_COLUMNS,
  existingKeyOutcome,
  transferFromRow,
  transferInsertValues,
  transferRank,
  type TransferRow,
} from './transfer-row.js';
import type {
  HookEvent,
  NewTransferRecord,
  TransferCreate,
  TransferKind,
  TransferPatch,
  TransferRecord,
  TransferStatus,
  TransferTransition,
} from './types.js';

/** What the transfers need from their store: the handle, its statement cache and its clock. */
export interface SqliteTransferHost {
  db: Database.Database;
  stmt(sql: string): Database.Statement;
  stamp(): string;
  addHookEvent(event: Omit<HookEvent, 'createdAt' | 'done'>): void;
}

/** The transfer statements of one SQLite store. */
export class SqliteTransfers {
  readonly #h: SqliteTransferHost;

  constructor(host: SqliteTransferHost) {
    this.#h = host;
  }

  #row(sql: string, ...params: unknown[]): TransferRecord | null {
    const row = this.#h.stmt(sql).get(...params) as TransferRow | undefined;
    return row ? transferFromRow(row) : null;
  }

  create(input: NewTransferRecord): TransferCreate {
    const tx = this.#h.db.transaction((): TransferCreate => {
      const sameKey = this.#row(
        'SELECT * FROM haipay_transfers WHERE kind = ? AND idempotency_key = ?',
        input.kind,
        input.idempotencyKey,
      );
      if (sameKey) return existingKeyOutcome(sameKey, input.requestHash);
      if (input.kind === 'refund') {
        // The writers are serialized by the IMMEDIATE transaction; the partial unique index
        // (haipay_transfers_live_refund) holds the same rule for anything else writing the file.
        const live = this.#row(
          `SELECT * FROM haipay_transfers WHERE kind = 'refund' AND payment_order_id = ? AND status <> 'failed'`,
          input.paymentOrderId,
        );
        if (live) return { outcome: 'active_refund', record: live };
      }
      const values = transferInsertValues(input, transferRank(input.status));
      const cols = Object.keys(values);
      const row = this.#h
        .stmt(
          `INSERT INTO haipay_transfers (${cols.join(', ')}, created_at, updated_at)
           VALUES (${cols.map((c) => `@${c}`).join(', ')}, @now, @now) RETURNING *`,
        )
        .get({ ...values, now: this.#h.stamp() }) as TransferRow;
      return { outcome: 'created', record: transferFromRow(row) };
    });
    return tx.immediate();
  }

  get(transferId: string): TransferRecord | null {
    return this.#row('SELECT * FROM haipay_transfers WHERE transfer_id = ?', transferId);
  }

  transition(
    transferId: string,
    to: TransferStatus,
    patch: TransferPatch,
    event: Omit<HookEvent, 'createdAt' | 'done'> | undefined,
  ): TransferTransition {
    const sets: string[] = [];
    const params: Record<string, unknown> = {};
    for (const [key, col] of Object.entries(TRANSFER_PATCH_COLUMNS) as [keyof TransferPatch, string][]) {
      if (patch[key] === undefined) continue;
      sets.push(`${col} = @p_${key}`);
      params[`p_${key}`] = patch[key];
    }
    const tx = this.#h.db.transaction((): TransferTransition => {
      const moved = this.#h
        .stmt(
          `UPDATE haipay_transfers SET status = @to, status_rank = @rank, ${[...sets, ''].join(', ')}updated_at = @now
           WHERE transfer_id = @transferId AND status_rank < @rank RETURNING *`,
        )
        .get({ ...params, to, rank: transferRank(to), now: this.#h.stamp(), transferId }) as
        TransferRow | undefined;
      if (!moved) return { changed: false, record: this.get(transferId) };
      if (event) this.#h.addHookEvent(event);
      return { changed: true, record: transferFromRow(moved) };
    });
    return tx.immediate();
  }

  markChecked(transferId: string, at: number): void {
    this.#h.stmt('UPDATE haipay_transfers SET checked_at = ? WHERE transfer_id = ?').run(at, transferId);
  }

  listUnsettled(limit: number): TransferRecord[] {
    const rows = this.#h
      .stmt(
        `SELECT * FROM haipay_transfers WHERE status_rank < 2
         ORDER BY COALESCE(checked_at, 0), created_at LIMIT ?`,
      )
      .all(limit) as TransferRow[];
    return rows.map(transferFromRow);
  }

  list(options: { kind?: TransferKind; paymentOrderId?: string; limit?: number }): TransferRecord[] {
    const rows = this.#h
      .stmt(
        `SELECT * FROM haipay_transfers WHERE (@kind IS NULL OR kind = @kind)
           AND (@paymentOrderId IS NULL OR payment_order_id = @paymentOrderId)
         ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
      )
      .all({
        kind: options.kind ?? null,
        paymentOrderId: options.paymentOrderId ?? null,
        limit: options.limit ?? 100,
      }) as TransferRow[];
    return rows.map(transferFromRow);
  }
}
