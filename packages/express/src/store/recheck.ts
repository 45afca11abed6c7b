/**
 * Asking HaiPay again about orders the kit closed (`PaymentStore.listRecheckDue`): money can still
 * arrive for an order the kit expired or failed on its own verdict, and if HaiPay's notification is
 * lost, only a query finds it. Which transitions mark an order for that, and the one rule of when a
 * marked order is due, shared by the three bundled stores: in memory as a filter, in SQL as one
 * statement built here for SQLite and PostgreSQL alike. Every value is a bound parameter.
 *
 * The rule: within `windowMs` of closing, an order is due when it was never checked, or when it was
 * checked at least `minGapMs` ago *and* at least as long ago as it had been closed at that check. So
 * the gaps double with age (about 1, 2, 4, … minutes at a one-minute `minGapMs`): a closed order costs
 * about log2(windowMs / minGapMs) queries in all, 13 over 72 hours.
 */
import type { RecordStatus } from '../types.js';
import type { RecheckQuery } from './types.js';

/** The statuses the kit closes a payment with that late money can still follow (decide.ts). */
const RECHECKED: readonly RecordStatus[] = ['expired', 'failed'];

/** Whether a transition of a record of `kind` to `to` marks it to be asked about again. */
export function marksRecheck(kind: string, to: RecordStatus): boolean {
  return kind === 'payment' && RECHECKED.includes(to);
}

/** Whether a payment closed at `closedAt` (ms), last checked at `checkedAt`, is due (memory store). */
export function recheckDue(
  status: RecordStatus,
  closedAt: number,
  checkedAt: number | null,
  q: RecheckQuery,
): boolean {
  if (!RECHECKED.includes(status) || closedAt < q.now - q.windowMs) return false;
  if (checkedAt === null) return true;
  const since = q.now - checkedAt;
  return since >= q.minGapMs && since >= checkedAt - closedAt;
}

/**
 * The `listRecheckDue` statement over `table`, whose `recheck_since` column (ms, NULL when unmarked)
 * holds the close time; `?` placeholders for SQLite, `$n` for PostgreSQL. The partial index on
 * `recheck_since` keeps it to the orders closed within the window.
 */
export function recheckSql(
  table: string,
  q: RecheckQuery,
  dialect: 'sqlite' | 'postgres',
): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return dialect === 'sqlite' ? '?' : `$${params.length}::bigint`;
  };
  const statuses = RECHECKED.map((s) => `'${s}'`).join(', ');
  const text = `SELECT * FROM ${table}
     WHERE recheck_since IS NOT NULL AND recheck_since >= ${p(q.now - q.windowMs)}
       AND kind = 'payment' AND status IN (${statuses})
       AND (checked_at IS NULL
         OR (checked_at <= ${p(q.now - q.minGapMs)} AND 2 * checked_at - recheck_since <= ${p(q.now)}))
     ORDER BY COALESCE(checked_at, 0), recheck_since, order_id${dialect === 'postgres' ? ' COLLATE "C"' : ''}
     LIMIT ${p(Math.max(0, Math.floor(q.limit ?? 100)))}`;
  return { text, params };
}
