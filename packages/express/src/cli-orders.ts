/**
 * `haipay orders` — lists and searches a router's orders, newest first, with the same filters as the
 * admin API (status, method, kind, creation time, text) and its keyset pages. It only reads: from the
 * SQLite store file (`--store`, through `PaymentStore.listOrders`) or from a running admin API
 * (`--url`, cli-admin.ts), and prints the same lines or JSON either way.
 */
import { existsSync } from 'node:fs';
import { adminSource, fetchOrders, type AdminSourceFlags } from './cli-admin.js';
import { SqlitePaymentStore } from './store/sqlite.js';
import type { OrderQuery } from './store/order-query.js';
import type { PaymentRecord } from './store/types.js';
import { STATUS_RANK, type RecordStatus } from './types.js';

const STATUSES = Object.keys(STATUS_RANK) as RecordStatus[];

/** What `orders` reads from the command line. */
export interface OrdersFlags extends AdminSourceFlags {
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
  env: NodeJS.ProcessEnv;
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

/** The orders the flags ask for, from the store file or the admin API. */
async function readOrders(flags: OrdersFlags, io: OrdersIo): Promise<PaymentRecord[]> {
  if (flags.store !== undefined && flags.url !== undefined)
    throw io.usage('give --store <file> or --url <admin API>, not both.');
  if (flags.url !== undefined) {
    const source = adminSource(flags, io.env, io.usage);
    return fetchOrders(source, ordersQuery(flags, io));
  }
  if (flags.header || flags['allow-http']) throw io.usage('--header and --allow-http go with --url.');
  if (!flags.store)
    throw io.usage(
      '--store <file> (the SQLite store the router uses) or --url <admin API address> is required.',
    );
  if (!existsSync(flags.store)) throw io.usage(`--store: no file ${flags.store}.`);
  const query = ordersQuery(flags, io);
  const store = new SqlitePaymentStore({ filename: flags.store });
  try {
    return await store.listOrders(query);
  } finally {
    await store.close();
  }
}

/** Runs `orders`; resolves with the exit code. */
export async function runOrdersCommand(flags: OrdersFlags, io: OrdersIo): Promise<number> {
  const orders = await readOrders(flags, io);
  if (flags.json) io.stdout(`${JSON.stringify(orders, null, 2)}\n`);
  else if (orders.length === 0) io.stdout('No orders match.\n');
  else io.stdout(`${orders.map(line).join('\n')}\n`);
  return 0;
}
