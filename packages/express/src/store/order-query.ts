/**
 * Listing and searching orders for a back office (`PaymentStore.listOrders`): the query, and how each
 * bundled store answers it — in memory by filtering, in SQL with one statement built here for SQLite
 * and PostgreSQL alike, so the three stores agree on what a filter, the text search and a page mean.
 *
 * Pages are keyset pages (newest first, by `createdAt` then `orderId`): the next page starts after the
 * last order of this one, so orders created meanwhile never shift a page or show an order twice. Every
 * value is a bound parameter, never SQL text.
 */
import type { RecordStatus } from '../types.js';
import type { PaymentRecord, RecordKind } from './types.js';

/** What {@link PaymentStore.listOrders} returns: orders matching every given filter, newest first. */
export interface OrderQuery {
  /** Only these statuses. */
  status?: readonly RecordStatus[];
  /** Only these methods (`card`, `promptpay`, …). */
  method?: readonly string[];
  /** Only payments or only subscriptions. */
  kind?: RecordKind;
  /** Created at or after this instant (ISO 8601). */
  createdFrom?: string;
  /** Created before this instant (ISO 8601). */
  createdBefore?: string;
  /**
   * Text that `orderId`, `orderNo`, `orderRef`, `subject` or `buyerId` contains, ignoring the case of
   * ASCII letters. Matched literally (`%` and `_` are not wildcards).
   */
  text?: string;
  /** The page after this order: the last order of the previous page. */
  after?: { createdAt: string; orderId: string };
  /** At most this many orders. */
  limit: number;
}

const lowerAscii = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const ms = (iso: string) => Date.parse(iso);

/** Whether a record matches the query's filters and comes after its `after` order (memory store). */
function matches(r: PaymentRecord, q: OrderQuery): boolean {
  if (q.status && !q.status.includes(r.status)) return false;
  if (q.method && !q.method.includes(r.method)) return false;
  if (q.kind && r.kind !== q.kind) return false;
  const created = ms(r.createdAt);
  if (q.createdFrom && created < ms(q.createdFrom)) return false;
  if (q.createdBefore && created >= ms(q.createdBefore)) return false;
  if (q.after) {
    const at = ms(q.after.createdAt);
    if (created > at || (created === at && r.orderId >= q.after.orderId)) return false;
  }
  if (q.text) {
    const needle = lowerAscii(q.text);
    return [r.orderId, r.orderNo, r.orderRef, r.subject, r.buyerId].some(
      (v) => v !== null && lowerAscii(v).includes(needle),
    );
  }
  return true;
}

/** The memory store's answer: the matching records, newest first, at most `limit`. */
export function filterOrders(records: Iterable<PaymentRecord>, q: OrderQuery): PaymentRecord[] {
  return [...records]
    .filter((r) => matches(r, q))
    .sort((a, b) => ms(b.createdAt) - ms(a.createdAt) || (a.orderId < b.orderId ? 1 : -1))
    .slice(0, Math.max(0, q.limit));
}

/**
 * The SQL stores' statement: `SELECT * FROM <table> WHERE … ORDER BY … LIMIT …` with its parameters,
 * in the placeholder style of the dialect (`?` or `$1`). PostgreSQL keeps microseconds where the kit's
 * timestamps have milliseconds, so it compares and orders on `created_at` cut to milliseconds, the
 * precision a page's `after` carries.
 */
export function orderQuerySql(
  table: string,
  q: OrderQuery,
  dialect: 'sqlite' | 'postgres',
): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (value: unknown, cast = '') => {
    params.push(value);
    return dialect === 'sqlite' ? '?' : `$${params.length}${cast}`;
  };
  const ts = dialect === 'sqlite' ? '' : '::timestamptz';
  const at = (iso: string) => (dialect === 'sqlite' ? new Date(iso).toISOString() : iso);
  const created = dialect === 'sqlite' ? 'created_at' : "date_trunc('milliseconds', created_at)";
  const where: string[] = [];
  const anyOf = (column: string, values: readonly string[]) =>
    where.push(values.length === 0 ? 'FALSE' : `${column} IN (${values.map((v) => p(v)).join(', ')})`);
  if (q.status) anyOf('status', q.status);
  if (q.method) anyOf('method', q.method);
  if (q.kind) where.push(`kind = ${p(q.kind)}`);
  if (q.createdFrom) where.push(`${created} >= ${p(at(q.createdFrom), ts)}`);
  if (q.createdBefore) where.push(`${created} < ${p(at(q.createdBefore), ts)}`);
  if (q.after) {
    const a = at(q.after.createdAt);
    where.push(
      `(${created} < ${p(a, ts)} OR (${created} = ${p(a, ts)} AND order_id < ${p(q.after.orderId)}))`,
    );
  }
  if (q.text) {
    const like = dialect === 'sqlite' ? 'LIKE' : 'ILIKE';
    const pattern = `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const columns = ['order_id', 'order_no', 'order_ref', 'subject', 'buyer_id'];
    where.push(`(${columns.map((c) => `${c} ${like} ${p(pattern)} ESCAPE '\\'`).join(' OR ')})`);
  }
  const text =
    `SELECT * FROM ${table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}` +
    ` ORDER BY ${created} DESC, order_id DESC LIMIT ${p(Math.max(0, Math.floor(q.limit)))}`;
  return { text, params };
}
