/**
 * `haipay orders` — lists and searches the orders in a router's SQLite store file, newest first, with
 * the same filters as the admin API (status, method, kind, creation time, text) and its keyset pages.
 * It only reads: it opens the file and answers from `PaymentStore.listOrders`.
 */
import { existsSync } from 'node:fs';
import { SqlitePaymentStore } from './store/sqlite.js';
import type { OrderQuery } from './store/order-query.js';
import type { PaymentRecord } from './store/types.js';
import { STATUS_RANK, type RecordStatus } from './types.js';

const STATUSES = Object.keys(STATUS_RANK) as RecordStatus[];

/** What `orders` reads from the command line. */
export interface OrdersFlags {
  store?: string;
  status?: string;
  method?: string;
  kind?: string;
  from?: string;
  before?: string;
  text?: string;
  limit?: string;
  json?: boolean;
}

/** The CLI's output streams and its error for a usage mistake. */
export interface OrdersIo {
  stdout: (text: string) => void;
  usage: (message: string) => Error;
}

const MAX_LIMIT = 500;

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** An ISO 8601 instant from a flag, or a usage error naming the flag. */
function instant(value: string | undefined, flag: string, io: OrdersIo): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw io.usage(`${flag} must be a date or time, e.g. 2026-11-01 or 2026-11-01T09:00:00Z.`);
  return new Date(ms).toISOString();
}

/** The query the flags ask for, checked (usage errors name the flag and the fix). */
function ordersQuery(flags: OrdersFlags, io: OrdersIo): OrderQuery {
  const status = list(flags.status);
  const unknown = status?.filter((s) => !(STATUSES as readonly string[]).includes(s));
  if (unknown?.length) throw io.usage(`--status: unknown ${unknown.join(', ')}; use ${STATUSES.join(', ')}.`);
  if (flags.kind !== undefined && flags.kind !== 'payment' && flags.kind !== 'subscription')
    throw io.usage('--kind must be payment or subscription.');
  const limit = flags.limit === undefined ? 50 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw io.usage(`--limit must be a whole number from 1 to ${MAX_LIMIT}.`);
  const query: OrderQuery = { limit };
  if (status?.length) query.status = status as RecordStatus[];
  const method = list(flags.method);
  if (method?.length) query.method = method;
  if (flags.kind) query.kind = flags.kind;
  const from = instant(flags.from, '--from', io);
  const before = instant(flags.before, '--before', io);
  if (from) query.createdFrom = from;
  if (before) query.createdBefore = before;
  if (flags.text) query.text = flags.text;
  return query;
}

/** One line per order for people: when, id, status, amount, method, HaiPay's number and the subject. */
function line(r: PaymentRecord): string {
  return [
    r.createdAt,
    r.orderId,
    r.status,
    `${r.amount} ${r.currency}`,
    r.method,
    r.orderNo ?? '-',
    r.subject,
  ].join('  ');
}

/** Runs `orders`; resolves with the exit code. */
export async function runOrdersCommand(flags: OrdersFlags, io: OrdersIo): Promise<number> {
  if (!flags.store) throw io.usage('--store <file> is required: the SQLite store the router uses.');
  if (!existsSync(flags.store)) throw io.usage(`--store: no file ${flags.store}.`);
  const query = ordersQuery(flags, io);
  const store = new SqlitePaymentStore({ filename: flags.store });
  try {
    const orders = await store.listOrders(query);
    if (flags.json) io.stdout(`${JSON.stringify(orders, null, 2)}\n`);
    else if (orders.length === 0) io.stdout('No orders match.\n');
    else io.stdout(`${orders.map(line).join('\n')}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
