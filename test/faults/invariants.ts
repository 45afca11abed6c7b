/**
 * The money invariants the fault and crash suites check, as one pure function over three views of
 * the same run: the companion's store, the sandbox gateway's own orders (`GET /_sandbox/orders`) and
 * the merchant hooks that completed. Kept pure so a unit test can plant each kind of mismatch and see
 * it reported (a checker that cannot fail proves nothing).
 */

/** A collection order as the sandbox control API lists it (amounts as HaiPay's decimal strings). */
export interface GatewayOrder {
  kind: string;
  orderId: string;
  orderNo: string;
  appId: number;
  currency: string;
  amount: string;
  status: number;
  errorMsg?: string;
}

/** The parts of a stored record the comparison needs. */
export interface StoredOrder {
  orderId: string;
  orderNo: string | null;
  status: string;
  amount: string;
  currency: string;
  failureReason: string | null;
}

/** A row of the SQLite store's `haipay_payments` table, as the suites read it back. */
export interface PaymentRow {
  order_id: string;
  order_no: string | null;
  status: string;
  amount: string;
  currency: string;
  failure_reason: string | null;
}

/** A `haipay_payments` row as the comparison takes it. */
export function storedOrder(r: PaymentRow): StoredOrder {
  return {
    orderId: r.order_id,
    orderNo: r.order_no,
    status: r.status,
    amount: r.amount,
    currency: r.currency,
    failureReason: r.failure_reason,
  };
}

/** One completed merchant hook run: `succeeded`, `failed`, `expired` or `mismatch`. */
export interface HookRun {
  hook: string;
  orderId: string;
}

/** What {@link compareWithGateway} found. */
export interface Comparison {
  mismatches: string[];
  figures: {
    gatewayOrders: number;
    storeOrders: number;
    succeeded: number;
    failed: number;
    expired: number;
    /** Store orders the gateway never recorded (apply lost before HaiPay: failed locally). */
    neverAtGateway: number;
    hookRuns: number;
  };
}

const FINAL = new Set(['succeeded', 'failed', 'expired', 'cancelled']);

/** Wire amount text → hundredths (`"100.00"` → 10000, TWD `"1500"` → 150000). */
export function toHundredths(amount: string): number {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(amount);
  if (!m) return NaN;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** The kit status a final gateway order must have in the store. */
function expectedStatus(g: GatewayOrder): string | null {
  if (g.status === 2) return 'succeeded';
  if (g.status === 3) return /expire/i.test(g.errorMsg ?? '') ? 'expired' : 'failed';
  return null;
}

/**
 * Compares the store with the gateway after a run has gone quiet. Every violation is one line in
 * `mismatches`:
 * - an orderId applied more than once at the gateway;
 * - a gateway order missing from the store, or with another orderNo, amount, currency or final state;
 * - a gateway order or a store order that is not final;
 * - a store order the gateway never recorded that is anything but `failed` (above all: credited);
 * - a hook that ran more than once for an order, ran for the wrong state, or never ran for a final order;
 * - any `onPaymentMismatch` (nothing in these runs tampers with amounts).
 */
export function compareWithGateway(input: {
  store: readonly StoredOrder[];
  gateway: readonly GatewayOrder[];
  hooks: readonly HookRun[];
}): Comparison {
  const mismatches: string[] = [];
  const gateway = input.gateway.filter((g) => g.kind === 'collect');
  const byOrderId = new Map<string, GatewayOrder[]>();
  for (const g of gateway) {
    const list = byOrderId.get(g.orderId) ?? [];
    list.push(g);
    byOrderId.set(g.orderId, list);
  }
  for (const [orderId, list] of byOrderId) {
    if (list.length > 1) mismatches.push(`${orderId}: applied ${list.length} times at the gateway`);
  }
  const store = new Map(input.store.map((r) => [r.orderId, r]));
  const hooks = new Map<string, string[]>();
  for (const h of input.hooks) {
    const list = hooks.get(h.orderId) ?? [];
    list.push(h.hook);
    hooks.set(h.orderId, list);
  }

  for (const [orderId, [g]] of byOrderId) {
    const r = store.get(orderId);
    if (!r) {
      mismatches.push(`${orderId}: at the gateway (${g!.orderNo}, status ${g!.status}) but not in the store`);
      continue;
    }
    const want = expectedStatus(g!);
    if (want === null) mismatches.push(`${orderId}: gateway order ${g!.orderNo} is not final (${g!.status})`);
    else if (r.status !== want)
      mismatches.push(`${orderId}: store says ${r.status}, gateway says ${want} (${g!.orderNo})`);
    if (r.orderNo !== g!.orderNo)
      mismatches.push(`${orderId}: store orderNo ${r.orderNo} ≠ gateway orderNo ${g!.orderNo}`);
    if (toHundredths(r.amount) !== toHundredths(g!.amount) || r.currency !== g!.currency)
      mismatches.push(`${orderId}: store ${r.amount} ${r.currency} ≠ gateway ${g!.amount} ${g!.currency}`);
  }

  let neverAtGateway = 0;
  for (const r of input.store) {
    if (!FINAL.has(r.status)) mismatches.push(`${r.orderId}: store order not final (${r.status})`);
    if (byOrderId.has(r.orderId)) continue;
    neverAtGateway++;
    if (r.status !== 'failed')
      mismatches.push(
        `${r.orderId}: the gateway has no such order but the store says ${r.status}` +
          (r.status === 'succeeded' ? ' (credited without a collection)' : ''),
      );
  }

  for (const [orderId, list] of hooks) {
    const r = store.get(orderId);
    if (!r) {
      mismatches.push(`${orderId}: hooks ${list.join(',')} ran for an order the store does not have`);
      continue;
    }
    if (list.includes('mismatch')) mismatches.push(`${orderId}: onPaymentMismatch ran (${list.join(',')})`);
    if (list.length > 1) mismatches.push(`${orderId}: ${list.length} hook runs (${list.join(',')})`);
    if (!list.includes(r.status))
      mismatches.push(`${orderId}: hooks ${list.join(',')} but status ${r.status}`);
  }
  for (const r of input.store) {
    if (FINAL.has(r.status) && !hooks.has(r.orderId))
      mismatches.push(`${r.orderId}: final (${r.status}) but its hook never completed`);
  }

  const count = (s: string) => input.store.filter((r) => r.status === s).length;
  return {
    mismatches,
    figures: {
      gatewayOrders: gateway.length,
      storeOrders: input.store.length,
      succeeded: count('succeeded'),
      failed: count('failed'),
      expired: count('expired'),
      neverAtGateway,
      hookRuns: input.hooks.length,
    },
  };
}

/**
 * The crash suite's hook log (`begin|end <hook> <orderId> <pid>`, `completed <status> <orderId> <pid>`)
 * as completed runs. A second `end` for an order is folded away only when the earlier run's process was
 * killed before it committed the hook (`completed`); any other repeat is a violation and stays in `runs`.
 */
export function hookRunsFromLog(
  log: string,
  killed: ReadonlySet<number>,
): { runs: HookRun[]; rerunsAfterCrash: number; interrupted: number; violations: string[] } {
  const ends = new Map<string, { hook: string; pid: number }[]>();
  const completed = new Set<string>();
  const begins = new Map<string, number>();
  for (const line of log.split('\n')) {
    const [kind, a, b, pid] = line.split(' ');
    if (kind === 'begin') begins.set(`${b}`, (begins.get(`${b}`) ?? 0) + 1);
    if (kind === 'end') {
      const list = ends.get(b!) ?? [];
      list.push({ hook: a!, pid: Number(pid) });
      ends.set(b!, list);
    }
    if (kind === 'completed') completed.add(`${b} ${a} ${pid}`);
  }
  const runs: HookRun[] = [];
  const violations: string[] = [];
  let rerunsAfterCrash = 0;
  let interrupted = 0;
  for (const [orderId, n] of begins) interrupted += n - (ends.get(orderId)?.length ?? 0);
  for (const [orderId, list] of ends) {
    for (let i = 0; i < list.length - 1; i++) {
      const e = list[i]!;
      const legit = killed.has(e.pid) && !completed.has(`${orderId} ${e.hook} ${e.pid}`);
      if (legit) rerunsAfterCrash++;
      else {
        violations.push(`${orderId}: hook ${e.hook} ran again after pid ${e.pid} had completed it`);
        runs.push({ hook: e.hook, orderId });
      }
    }
    runs.push({ hook: list.at(-1)!.hook, orderId });
  }
  return { runs, rerunsAfterCrash, interrupted, violations };
}

/** Reads every collection order from the sandbox's control API (its own truth, over HTTP). */
export async function gatewayOrders(sandboxUrl: string): Promise<GatewayOrder[]> {
  const res = await fetch(`${sandboxUrl}/_sandbox/orders?kind=collect`);
  if (res.status !== 200) throw new Error(`GET /_sandbox/orders answered ${res.status}`);
  return ((await res.json()) as { orders: GatewayOrder[] }).orders;
}

/** A small seeded PRNG (mulberry32), so runs are reproducible from the printed seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
