/**
 * The `haipay_transfers` table of the PostgreSQL store: refunds and payouts. One INSERT decides a key
 * (`UNIQUE (kind, idempotency_key)`), the partial unique index `haipay_transfers_live_refund` allows one
 * refund per order that has not failed across every instance, and a transition is one conditional
 * UPDATE on `status_rank` that adds its hook event in the same transaction.
 */
import type pg from 'pg';
import {
  LIVE_REFUND_INDEX,
  TRANSFER_PATCH_COLUMNS,
  existingKeyOutcome,
  transferFromRow,
  transferInsertValues,
  transferRank,
} from './express.js';
import type * as Store from './express.js';
import { Table, stampOf, type Run } from './sql.js';

type Event = Omit<Store.HookEvent, 'createdAt' | 'done'>;

/** The transfer statements. */
export class TransferTable extends Table {
  async #one(text: string, params: unknown[]): Promise<Store.TransferRecord | null> {
    const { rows } = await this.query<Store.TransferRow>(text, params);
    return rows[0] ? transferFromRow(rows[0]) : null;
  }

  async create(input: Store.NewTransferRecord): Promise<Store.TransferCreate> {
    const values = transferInsertValues(input, transferRank(input.status));
    const cols = Object.keys(values);
    const params = [...Object.values(values), stampOf(this.clock())];
    const at = `COALESCE($${params.length}::timestamptz, now())`;
    try {
      const created = await this.#one(
        `INSERT INTO ${this.table} (${cols.join(', ')}, created_at, updated_at)
         VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}, ${at}, ${at})
         ON CONFLICT (kind, idempotency_key) DO NOTHING RETURNING *`,
        params,
      );
      if (created) return { outcome: 'created', record: created };
    } catch (err) {
      const e = err as { code?: string; constraint?: string };
      if (e.code !== '23505' || e.constraint !== LIVE_REFUND_INDEX) throw err;
      const live = await this.#one(
        `SELECT * FROM ${this.table} WHERE kind = 'refund' AND payment_order_id = $1 AND status <> 'failed'`,
        [input.paymentOrderId],
      );
      if (live) return { outcome: 'active_refund', record: live };
      throw err;
    }
    const existing = await this.#one(`SELECT * FROM ${this.table} WHERE kind = $1 AND idempotency_key = $2`, [
      input.kind,
      input.idempotencyKey,
    ]);
    return existingKeyOutcome(existing!, input.requestHash);
  }

  get(transferId: string): Promise<Store.TransferRecord | null> {
    return this.#one(`SELECT * FROM ${this.table} WHERE transfer_id = $1`, [transferId]);
  }

  /**
   * The conditional move, and its hook event in the same transaction on one connection from `connect`
   * (`addEvent` writes the event with the statement runner it is given).
   */
  async transition(
    connect: () => Promise<pg.PoolClient>,
    addEvent: (event: Event, run: Run) => Promise<unknown>,
    transferId: string,
    to: Store.TransferStatus,
    patch: Store.TransferPatch,
    event: Event | undefined,
  ): Promise<Store.TransferTransition> {
    const params: unknown[] = [transferId, to, transferRank(to), stampOf(this.clock())];
    const sets: string[] = [];
    for (const [key, col] of Object.entries(TRANSFER_PATCH_COLUMNS) as [
      keyof Store.TransferPatch,
      string,
    ][]) {
      if (patch[key] === undefined) continue;
      params.push(patch[key]);
      sets.push(`${col} = $${params.length}`);
    }
    const client = await connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<Store.TransferRow>(
        `UPDATE ${this.table} SET status = $2, status_rank = $3, ${[...sets, ''].join(', ')}
           updated_at = COALESCE($4::timestamptz, now())
         WHERE transfer_id = $1 AND status_rank < $3 RETURNING *`,
        params,
      );
      if (rows[0] && event) await addEvent(event, (text, values) => client.query(text, values));
      await client.query('COMMIT');
      if (rows[0]) return { changed: true, record: transferFromRow(rows[0]) };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    return { changed: false, record: await this.get(transferId) };
  }

  async markChecked(transferId: string, at: number): Promise<void> {
    await this.query(`UPDATE ${this.table} SET checked_at = $2 WHERE transfer_id = $1`, [transferId, at]);
  }

  async listUnsettled(limit: number): Promise<Store.TransferRecord[]> {
    const { rows } = await this.query<Store.TransferRow>(
      `SELECT * FROM ${this.table} WHERE status_rank < 2 ORDER BY COALESCE(checked_at, 0), created_at LIMIT $1`,
      [limit],
    );
    return rows.map(transferFromRow);
  }

  async list(options: {
    kind?: Store.TransferKind;
    paymentOrderId?: string;
    limit?: number;
  }): Promise<Store.TransferRecord[]> {
    const { rows } = await this.query<Store.TransferRow>(
      `SELECT * FROM ${this.table} WHERE ($1::text IS NULL OR kind = $1)
         AND ($2::text IS NULL OR payment_order_id = $2)
       ORDER BY created_at DESC, seq DESC LIMIT $3`,
      [options.kind ?? null, options.paymentOrderId ?? null, options.limit ?? 100],
    );
    return rows.map(transferFromRow);
  }
}
