/**
 * The back office's state and its reads of the kit's admin API (`/api/admin`): one page of orders with
 * each one's detail, the balances, the payouts and the sandbox's clock, read again every 2.5 s while
 * the page is open.
 */
import { api, type AdminOrder, type AdminOrderDetail, type AdminTransfer, type Balance } from '../api.js';
import { app, t } from '../app.js';
import type { StringKey } from '../i18n.js';

export type Order = AdminOrder & { detail?: AdminOrderDetail };

/** Orders per page of the back office's list. */
const PAGE_SIZE = 20;

/** The list's filter: which statuses each choice asks the admin API for (`all`: no filter). */
export const FILTERS = {
  all: '',
  paid: 'succeeded',
  open: 'pending,processing,unknown',
  closed: 'failed,expired,cancelled',
} as const;
export type Filter = keyof typeof FILTERS;

export const s = {
  orders: [] as Order[],
  /**
   * Keyset paging: the cursors that opened each page so far (the first page has none), and the next
   * page's cursor from the last answer (null on the last page). Going back pops a cursor, so a page
   * always shows the orders that followed the one before it, whatever was created meanwhile.
   */
  cursors: [] as string[],
  nextCursor: null as string | null,
  filter: 'all' as Filter,
  /** Each order's detail (notifications, refunds), read again only when the order's version changes. */
  details: new Map<string, { version: number; detail: AdminOrderDetail }>(),
  balances: [] as Balance[],
  payouts: [] as AdminTransfer[],
  clock: '',
  loaded: false,
  error: '',
  busy: new Set<string>(),
  /** The order whose refund awaits confirmation, with the idempotency key minted when it was asked. */
  confirming: null as { orderId: string; key: string } | null,
  /** The outcome of the last action, already in the reviewer's language. */
  message: '',
  timer: undefined as ReturnType<typeof setTimeout> | undefined,
  active: false,
};

const unfinished = (t: AdminTransfer) => t.status === 'pending' || t.status === 'unknown';

/** An order's detail: cached by version; a refund still in progress is asked about at HaiPay. */
async function detailOf(o: AdminOrder): Promise<AdminOrderDetail> {
  const cached = s.details.get(o.orderId);
  const open = cached?.detail.refunds.some(unfinished);
  if (cached && cached.version === o.version && !open) return cached.detail;
  const detail = await api.admin.order(o.orderId);
  detail.refunds = await Promise.all(
    detail.refunds.map(async (r) => (unfinished(r) ? (await api.admin.transfer(r.transferId)).transfer : r)),
  );
  s.details.set(o.orderId, { version: o.version, detail });
  return detail;
}

export async function load(): Promise<void> {
  clearTimeout(s.timer);
  try {
    const [orders, balances, payouts, clock] = await Promise.all([
      api.admin.orders(PAGE_SIZE, s.cursors.at(-1), FILTERS[s.filter]),
      api.admin.balances(),
      api.admin.payouts(),
      fetch('/api/admin/clock', { cache: 'no-store' }).then((r) => r.json() as Promise<{ now: string }>),
    ]);
    s.orders = await Promise.all(orders.data.map(async (o) => ({ ...o, detail: await detailOf(o) })));
    s.nextCursor = orders.nextCursor;
    s.balances = balances.data;
    s.payouts = await Promise.all(
      payouts.data.map(async (p) => (unfinished(p) ? (await api.admin.transfer(p.transferId)).transfer : p)),
    );
    s.clock = clock.now;
    s.error = '';
  } catch (err) {
    s.error = (err as Error).message;
  }
  s.loaded = true;
  app.rerender();
  if (s.active) s.timer = setTimeout(() => void load(), 2500);
}

/**
 * Runs one action of the page (`key` marks it busy meanwhile), then reads everything again. `done` is
 * the message shown when it worked; a failure shows `failed` with the server's reason as `{message}`.
 */
export async function act(
  key: string,
  fn: () => Promise<unknown>,
  done: string,
  failed: StringKey,
): Promise<void> {
  s.busy.add(key);
  s.message = '';
  app.rerender();
  try {
    await fn();
    s.message = done;
  } catch (err) {
    s.message = t(failed, { message: (err as Error).message });
  }
  s.busy.delete(key);
  // A refund changes no order field (it is a record of its own): read this order's detail again.
  s.details.delete(key);
  await load();
}

/** Opens the page of the list that `cursors` lead to (`[]`: the first). */
export function goToPage(cursors: string[]): void {
  s.cursors = cursors;
  s.loaded = false;
  app.rerender();
  void load();
}
