/**
 * The `haipay_hook_events` table of the PostgreSQL store: merchant hook calls that are not a status
 * change (subscription deductions, payouts, payment mismatches), each claimed with a lease timed on the
 * store's clock (the database's unless the store was given `now`, or the caller passes its own time)
 * and marked done once its hook completed.
 */
import { Table, stampOf, type Run } from './sql.js';
import { hookEventFromRow, type HookEvent, type HookEventRow } from './express.js';

/** The event `$2` of order `$1`, while its hook has not completed. */
const PENDING = 'order_id = $1 AND event_key = $2 AND NOT done';

/** The hook-event statements. */
export class HookEventTable extends Table {
  /**
   * Adds an event unless the order already has one with its key; true when it was added. On `run` (a
   * transaction's connection, so the event commits with the change that caused it) or else the store's
   * query function.
   */
  async add(event: Omit<HookEvent, 'createdAt' | 'done'>, run: Run = this.query): Promise<boolean> {
    const { rowCount } = await run(
      `INSERT INTO ${this.table} (order_id, event_key, kind, payload_json, created_at)
       VALUES ($1, $2, $3, $4, COALESCE($5::timestamptz, now()))
       ON CONFLICT (order_id, event_key) DO NOTHING`,
      [event.orderId, event.key, event.kind, JSON.stringify(event.payload), stampOf(this.clock())],
    );
    return rowCount === 1;
  }

  claimEvent(orderId: string, key: string, leaseMs: number, now = this.clock()): Promise<boolean> {
    return this.claim('claim_at', PENDING, [orderId, key], leaseMs, now);
  }

  renew(orderId: string, key: string, now = this.clock()): Promise<void> {
    return this.renewClaim('claim_at', PENDING, [orderId, key], now);
  }

  async complete(orderId: string, key: string): Promise<void> {
    await this.query(
      `UPDATE ${this.table} SET done = true, claim_at = NULL WHERE order_id = $1 AND event_key = $2`,
      [orderId, key],
    );
  }

  async release(orderId: string, key: string): Promise<void> {
    await this.query(`UPDATE ${this.table} SET claim_at = NULL WHERE order_id = $1 AND event_key = $2`, [
      orderId,
      key,
    ]);
  }

  async listPending(limit = 100): Promise<HookEvent[]> {
    const { rows } = await this.query<HookEventRow>(
      `SELECT * FROM ${this.table} WHERE NOT done ORDER BY created_at, order_id, event_key LIMIT $1`,
      [limit],
    );
    return rows.map(hookEventFromRow);
  }
}
