/**
 * SQL pieces of the PostgreSQL store that are not its races: how a patch becomes SET clauses, the
 * status ranks, and the notification log.
 */
import type pg from 'pg';
import { PATCH_COLUMNS, STATUS_RANK } from './express.js';
import type { NotificationLogEntry, PaymentPatch, RecordStatus } from './express.js';

export type Query = <R extends pg.QueryResultRow>(
  text: string,
  params?: unknown[],
) => Promise<pg.QueryResult<R>>;

/** The value a patch field is stored as (JSON text for `next`, as the SQLite store does). */
function patchValue(key: keyof PaymentPatch, value: unknown): unknown {
  if (key === 'next') return value ? JSON.stringify(value) : null;
  return value ?? null;
}

/** The columns a patch sets, each with its `$n` placeholder; the values are appended to `params`. */
export function patchSets(patch: PaymentPatch, params: unknown[]): { col: string; ref: string }[] {
  const out: { col: string; ref: string }[] = [];
  for (const [key, col] of Object.entries(PATCH_COLUMNS) as [keyof PaymentPatch, string][]) {
    if (!(key in patch) || patch[key] === undefined) continue;
    params.push(patchValue(key, patch[key]));
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
  const { rows } = await query<{
    id: string;
    order_id: string | null;
    received_at: Date;
    verified: boolean;
    outcome: string;
    body: string;
  }>(`SELECT * FROM ${table} WHERE order_id = $1 ORDER BY id`, [orderId]);
  return rows.map((r) => ({
    id: Number(r.id),
    orderId: r.order_id,
    receivedAt: r.received_at.toISOString(),
    verified: r.verified,
    outcome: r.outcome,
    body: r.body,
  }));
}
