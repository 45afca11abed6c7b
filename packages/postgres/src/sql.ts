/**
 * SQL pieces the PostgreSQL store's tables share: the query function, the clock and the claim rule
 * they run on, how a patch becomes SET clauses, the status ranks, and the notification log.
 */
import type pg from 'pg';
import { PATCH_COLUMNS, STATUS_RANK, notificationFromRow, patchColumnValue } from './express.js';
import type { NotificationLogEntry, NotificationRow, PaymentPatch, RecordStatus } from './express.js';

export type Query = <R extends pg.QueryResultRow>(
  text: string,
  params?: unknown[],
) => Promise<pg.QueryResult<R>>;

/**
 * An INSERT in parts, so that another statement can carry it: its table, columns, value expressions
 * ($1…) and their parameters.
 */
export interface InsertParts {
  table: string;
  columns: string;
  values: string;
  params: unknown[];
}

/** Runs one statement: the store's query function, or a transaction's connection. */
export type Run = (text: string, params: unknown[]) => Promise<pg.QueryResult>;

/**
 * The store's clock: milliseconds since the epoch from the `now` option, or null when there is none and
 * the database's clock decides (the same for every instance).
 */
export type Clock = () => number | null;

/** Milliseconds since the epoch on the database clock, so every instance measures leases on one clock. */
export const DB_NOW_MS = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;

/** A clock reading as a `timestamptz` parameter: ISO text, or null for the database's `now()`. */
export function stampOf(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/**
 * One table's statements, over the store's query function, the table's quoted name and the store's
 * clock. The store's tables (payment hooks, hook events, idempotency keys, leases) extend it.
 */
export abstract class Table {
  protected readonly query: Query;
  protected readonly table: string;
  protected readonly clock: Clock;

  constructor(query: Query, table: string, clock: Clock) {
    this.query = query;
    this.table = table;
    this.clock = clock;
  }

  /**
   * The lease rule of every hook claim, as one conditional UPDATE: sets `column` to the claim time `$4`
   * (the database clock when NULL) where `where` holds — over `$1` and `$2` — and the column is empty or
   * older than the lease of `leaseMs`. True for the one caller that got the claim.
   */
  protected async claim(
    column: string,
    where: string,
    keys: [string, string],
    leaseMs: number,
    now: number | null,
  ): Promise<boolean> {
    const { rowCount } = await this.query(
      `WITH clock AS (SELECT COALESCE($4::bigint, ${DB_NOW_MS}) AS now)
       UPDATE ${this.table} SET ${column} = clock.now
         FROM clock
        WHERE ${where} AND (${column} IS NULL OR ${column} < clock.now - $3::bigint)`,
      [...keys, Math.max(0, Math.floor(leaseMs)), now],
    );
    return rowCount === 1;
  }

  /** Renews a claim still held in `column` — where `where` holds, over `$1` and `$2` — to the time `$3`. */
  protected async renewClaim(column: string, where: string, keys: [string, string], now: number | null) {
    await this.query(
      `UPDATE ${this.table} SET ${column} = COALESCE($3::bigint, ${DB_NOW_MS})
        WHERE ${where} AND ${column} IS NOT NULL`,
      [...keys, now],
    );
  }
}

/** The columns a patch sets, each with its `$n` placeholder; the values are appended to `params`. */
export function patchSets(patch: PaymentPatch, params: unknown[]): { col: string; ref: string }[] {
  const out: { col: string; ref: string }[] = [];
  for (const [key, col] of Object.entries(PATCH_COLUMNS) as [keyof PaymentPatch, string][]) {
    if (!(key in patch) || patch[key] === undefined) continue;
    params.push(patchColumnValue(key, patch[key]));
    out.push({ col, ref: `$${params.length}` });
  }
  return out;
}

export function rankOf(status: RecordStatus): number {
  const rank = STATUS_RANK[status];
  if (rank === undefined) throw new TypeError(`PostgresPaymentStore: unknown status "${String(status)}".`);
  return rank;
}

export async function appendNotification(
  query: Query,
  table: string,
  entry: Omit<NotificationLogEntry, 'id'>,
): Promise<void> {
  await query(
    `INSERT INTO ${table} (order_id, received_at, verified, outcome, body) VALUES ($1, $2, $3, $4, $5)`,
    [entry.orderId, entry.receivedAt, entry.verified, entry.outcome, entry.body],
  );
}

export async function listNotifications(
  query: Query,
  table: string,
  orderId: string,
): Promise<NotificationLogEntry[]> {
  const { rows } = await query<NotificationRow>(`SELECT * FROM ${table} WHERE order_id = $1 ORDER BY id`, [
    orderId,
  ]);
  return rows.map(notificationFromRow);
}
