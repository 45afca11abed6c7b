/**
 * The `haipay_idempotency_keys` table of the PostgreSQL store. The `(scope, key)` primary key is the
 * arbiter between racing requests; {@link IdempotencyTable.create} writes a key and its order in one
 * statement, so a racing instance's insert waits for the first to commit, then reads the committed key
 * — and its order.
 */
import { idempotencyRecordFromRow } from './express.js';
import type {
  IdempotencyKeyInput,
  IdempotencyKeyRow,
  IdempotencyRecord,
  IdempotencyReservation,
  PaymentRow,
} from './express.js';
import { Table, stampOf, type InsertParts, type Run } from './sql.js';

/** The idempotency-key statements. */
export class IdempotencyTable extends Table {
  #insertKey(run: Run, scope: string, key: string, requestHash: string, orderId: string) {
    return run(
      `INSERT INTO ${this.table} (scope, key, request_hash, order_id, created_at)
       VALUES ($1, $2, $3, $4, COALESCE($5::timestamptz, now()))
       ON CONFLICT (scope, key) DO NOTHING`,
      [scope, key, requestHash, orderId, stampOf(this.clock())],
    );
  }

  async #read(run: Run, scope: string, key: string): Promise<IdempotencyRecord> {
    const { rows } = await run(`SELECT * FROM ${this.table} WHERE scope = $1 AND key = $2`, [scope, key]);
    return idempotencyRecordFromRow(rows[0] as IdempotencyKeyRow);
  }

  /** The key alone (no order): `reserved`, or the existing key as `replay`/`conflict`. */
  async reserve(
    input: Omit<IdempotencyRecord, 'responseStatus' | 'createdAt'>,
  ): Promise<IdempotencyReservation> {
    const inserted = await this.#insertKey(
      this.query,
      input.scope,
      input.key,
      input.requestHash,
      input.orderId,
    );
    if (inserted.rowCount === 1) return { outcome: 'reserved' };
    const record = await this.#read(this.query, input.scope, input.key);
    return { outcome: record.requestHash === input.requestHash ? 'replay' : 'conflict', record };
  }

  /**
   * The key and its order in one statement (one round trip, one commit): the order is inserted only if
   * the key was. Of two racing instances, the second's key insert waits for the first's statement to
   * commit and then inserts nothing, so it reads the committed key — and its order. Answers the new
   * order's row, or the key that was already there.
   */
  async create(
    key: IdempotencyKeyInput,
    orderId: string,
    order: InsertParts,
  ): Promise<{ row: PaymentRow } | { existing: IdempotencyRecord }> {
    const n = order.params.length;
    const { rows } = await this.query<PaymentRow>(
      `WITH k AS (
         INSERT INTO ${this.table} (scope, key, request_hash, order_id, created_at)
         VALUES ($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, COALESCE($${n + 5}::timestamptz, now()))
         ON CONFLICT (scope, key) DO NOTHING
         RETURNING 1
       )
       INSERT INTO ${order.table} (${order.columns})
       SELECT ${order.values} WHERE EXISTS (SELECT 1 FROM k)
       RETURNING *`,
      [...order.params, key.scope, key.key, key.requestHash, orderId, stampOf(this.clock())],
    );
    if (rows[0]) return { row: rows[0] };
    return { existing: await this.#read(this.query, key.scope, key.key) };
  }

  /** Stores the first answer's outcome for a key. */
  async finish(scope: string, key: string, responseStatus: number): Promise<void> {
    await this.query(
      `UPDATE ${this.table} SET response_status = $3 WHERE scope = $1 AND key = $2 AND response_status IS NULL`,
      [scope, key, responseStatus],
    );
  }
}
