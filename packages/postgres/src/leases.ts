/**
 * The `haipay_leases` table of the PostgreSQL store: named leases (one row per name: `name`, `holder`,
 * `expires_at`) so that one instance at a time does a singleton job such as reconciling. Timed on the
 * database clock, so instances whose clocks differ still agree on who holds a lease — unless the store
 * was given a clock (`now`) or the caller passes its own time.
 */
import { Table, type Clock, type Query } from './sql.js';

/** The time a lease statement compares with: the given ms as a `timestamptz`, else the database's. */
const AT = (param: string) => `COALESCE(to_timestamp(${param}::bigint / 1000.0), clock_timestamp())`;

/** The lease statements, for one holder (a store instance). */
export class LeaseTable extends Table {
  readonly #holder: string;

  constructor(query: Query, table: string, clock: Clock, holder: string) {
    super(query, table, clock);
    this.#holder = holder;
  }

  /** A named lease's unexpired holder, or null. */
  async holder(name: string, now = this.clock()): Promise<{ holder: string; expiresAt: string } | null> {
    const { rows } = await this.query<{ holder: string; expires_at: Date }>(
      `SELECT holder, expires_at FROM ${this.table} WHERE name = $1 AND expires_at >= ${AT('$2')}`,
      [name, now],
    );
    const row = rows[0];
    return row ? { holder: row.holder, expiresAt: new Date(row.expires_at).toISOString() } : null;
  }

  /** Takes or renews the named lease for `leaseMs`; true when this holder has it now. */
  async tryAcquire(name: string, leaseMs: number, now = this.clock()): Promise<boolean> {
    // INSERT … ON CONFLICT DO UPDATE locks the row, so of two instances racing for a free lease exactly
    // one sees its WHERE hold; the loser gets no row back.
    const { rowCount } = await this.query(
      `INSERT INTO ${this.table} AS l (name, holder, expires_at)
       VALUES ($1, $2, ${AT('$4')} + $3 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
        WHERE l.holder = EXCLUDED.holder OR l.expires_at < ${AT('$4')}`,
      [name, this.#holder, Math.max(0, Math.floor(leaseMs)), now],
    );
    return rowCount === 1;
  }

  /** Gives up a lease this instance holds, so another instance can take it at once. */
  async release(name: string): Promise<void> {
    await this.query(`DELETE FROM ${this.table} WHERE name = $1 AND holder = $2`, [name, this.#holder]);
  }

  /** Gives up every lease this instance holds (when its store closes). */
  async releaseAll(): Promise<void> {
    await this.query(`DELETE FROM ${this.table} WHERE holder = $1`, [this.#holder]);
  }
}
