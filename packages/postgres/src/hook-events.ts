/**
 * The `haipay_hook_events` table of the PostgreSQL store: merchant hook calls that are not a status
 * change (subscription deductions, payouts, payment mismatches), each claimed with a lease timed on the
 * database clock — unless the caller passes its own `now` — and marked done once its hook completed.
 */
import type { Query } from './sql.js';
import type { HookEvent } from './express.js';

/** Milliseconds since the epoch on the database clock, so every instance measures leases on one clock. */
export const DB_NOW_MS = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;

/** The hook-event statements, over the store's query function and its (quoted) table name. */
export class HookEventTable {
  readonly #query: Query;
  readonly #table: string;

  constructor(query: Query, table: string) {
    this.#query = query;
    this.#table = table;
  }

  async add(event: Omit<HookEvent, 'createdAt' | 'done'>): Promise<boolean> {
    const { rowCount } = await this.#query(
      `INSERT INTO ${this.#table} (order_id, event_key, kind, payload_json) VALUES ($1, $2, $3, $4)
       ON CONFLICT (order_id, event_key) DO NOTHING`,
      [event.orderId, event.key, event.kind, JSON.stringify(event.payload)],
    );
    return rowCount === 1;
  }

  async claim(orderId: string, key: string, leaseMs: number, now?: number): Promise<boolean> {
    const { rowCount } = await this.#query(
      `WITH clock AS (SELECT COALESCE($4::bigint, ${DB_NOW_MS}) AS now)
       UPDATE ${this.#table} SET claim_at = clock.now
         FROM clock
        WHERE order_id = $1 AND event_key = $2 AND NOT done
          AND (claim_at IS NULL OR claim_at < clock.now - $3::bigint)`,
      [orderId, key, Math.max(0, Math.floor(leaseMs)), now ?? null],
    );
    return rowCount === 1;
  }

  async renew(orderId: string, key: string, now?: number): Promise<void> {
    await this.#query(
      `UPDATE ${this.#table} SET claim_at = COALESCE($3::bigint, ${DB_NOW_MS})
        WHERE order_id = $1 AND event_key = $2 AND NOT done AND claim_at IS NOT NULL`,
      [orderId, key, now ?? null],
    );
  }

  async complete(orderId: string, key: string): Promise<void> {
    await this.#query(
      `UPDATE ${this.#table} SET done = true, claim_at = NULL WHERE order_id = $1 AND event_key = $2`,
      [orderId, key],
    );
  }

  async release(orderId: string, key: string): Promise<void> {
    await this.#query(`UPDATE ${this.#table} SET claim_at = NULL WHERE order_id = $1 AND event_key = $2`, [
      orderId,
      key,
    ]);
  }

  async listPending(limit = 100): Promise<HookEvent[]> {
    const { rows } = await this.#query<{
      order_id: string;
      event_key: string;
      kind: string;
      payload_json: string;
      created_at: Date;
      done: boolean;
    }>(`SELECT * FROM ${this.#table} WHERE NOT done ORDER BY created_at, order_id, event_key LIMIT $1`, [
      limit,
    ]);
    return rows.map((r) => ({
      orderId: r.order_id,
      key: r.event_key,
      kind: r.kind,
      payload: JSON.parse(r.payload_json) as Record<string, unknown>,
      createdAt: r.created_at.toISOString(),
      done: r.done,
    }));
  }
}
