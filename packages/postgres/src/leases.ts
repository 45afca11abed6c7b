/**
 * The `haipay_leases` table of the PostgreSQL store: named leases (one row per name: `name`, `holder`,
 * `expires_at`) so that one instance at a time does a singleton job such as reconciling. Timed on the
 * database clock, so instances whose clocks differ still agree on who holds a lease.
 */
import type { Query } from './sql.js';

/** The lease statements, for one holder (a store instance). */
export class LeaseTable {
  readonly #query: Query;
  readonly #table: string;
  readonly #holder: string;

  constructor(query: Query, table: string, holder: string) {
    this.#query = query;
    this.#table = table;
    this.#holder = holder;
  }

  /** A named lease's unexpired holder, or null. */
  async holder(name: string): Promise<{ holder: string; expiresAt: string } | null> {
    const { rows } = await this.#query<{ holder: string; expires_at: Date }>(
      `SELECT holder, expires_at FROM ${this.#table} WHERE name = $1 AND expires_at >= clock_timestamp()`,
      [name],
    );
    const row = rows[0];
    return row ? { holder: row.holder, expiresAt: new Date(row.expires_at).toISOString() } : null;
  }

  /** Takes or renews the named lease for `leaseMs`; true when this holder has it now. */
  async tryAcquire(name: string, leaseMs: number): Promise<boolean> {
    // INSERT … ON CONFLICT DO UPDATE locks the row, so of two instances racing for a free lease exactly
    // one sees its WHERE hold; the loser gets no row back.
    const { rowCount } = await this.#query(
      `INSERT INTO ${this.#table} AS l (name, holder, expires_at)
       VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
        WHERE l.holder = EXCLUDED.holder OR l.expires_at < clock_timestamp()`,
      [name, this.#holder, Math.max(0, Math.floor(leaseMs))],
    );
    return rowCount === 1;
  }

  /** Gives up a lease this instance holds, so another instance can take it at once. */
  async release(name: string): Promise<void> {
    await this.#query(`DELETE FROM ${this.#table} WHERE name = $1 AND holder = $2`, [name, this.#holder]);
  }
}
