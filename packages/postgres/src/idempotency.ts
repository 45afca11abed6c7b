/**
 * The `haipay_idempotency_keys` table of the PostgreSQL store. The `(scope, key)` primary key is the
 * arbiter between racing requests; {@link IdempotencyTable.create} writes a key and its order in one
 * READ COMMITTED transaction, so a racing instance's insert waits for the first to commit, then reads
 * the committed key — and its order.
 */
import type pg from 'pg';
import { idempotencyRecordFromRow } from './express.js';
import type {
  IdempotencyKeyInput,
  IdempotencyKeyRow,
  IdempotencyRecord,
  IdempotencyReservation,
  IdempotentCreate,
  PaymentRecord,
} from './express.js';
import { Table, stampOf, type Run } from './sql.js';

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
   * The key and its order in one transaction on one connection from `connect`; `insertOrder` writes the
   * order on that connection.
   */
  async create(
    connect: () => Promise<pg.PoolClient>,
    key: IdempotencyKeyInput,
    orderId: string,
    insertOrder: (run: Run) => Promise<PaymentRecord>,
  ): Promise<IdempotentCreate> {
    const client = await connect();
    const run: Run = (text, params) => client.query(text, params);
    try {
      await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      let result: IdempotentCreate;
      if ((await this.#insertKey(run, key.scope, key.key, key.requestHash, orderId)).rowCount === 1) {
        result = { outcome: 'created', record: await insertOrder(run) };
      } else {
        const existing = await this.#read(run, key.scope, key.key);
        result =
          existing.requestHash === key.requestHash
            ? { outcome: 'replay', key: existing }
            : { outcome: 'conflict', key: existing };
      }
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Stores the first answer's outcome for a key. */
  async finish(scope: string, key: string, responseStatus: number): Promise<void> {
    await this.query(
      `UPDATE ${this.table} SET response_status = $3 WHERE scope = $1 AND key = $2 AND response_status IS NULL`,
      [scope, key, responseStatus],
    );
  }
}
