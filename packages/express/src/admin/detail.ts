/**
 * `GET /orders/:orderId` of the admin API: one order with what the store knows of its life — the
 * notifications HaiPay sent (verified bodies, without `sign`), its refunds, how its creation at HaiPay
 * went and when the kit last asked HaiPay about it (`attempts`), and for a subscription each deduction
 * HaiPay notified with that deduction's refunds. Everything is read from the store; nothing here calls
 * HaiPay.
 */
import { DEDUCTION_STATUS_TABLE } from '@haipay-kit/protocol';
import type { NotificationLogEntry, PaymentRecord, PaymentStore, TransferRecord } from '../store/types.js';
import { isFinalStatus } from '../types.js';

/** An order as the admin API shows it: the stored record (it holds no card data) and whether it is final. */
export function orderView(r: PaymentRecord) {
  return { ...r, final: isFinalStatus(r.status) };
}

/** A notification as the admin API shows it: the verified body as JSON (HaiPay masks card numbers). */
function notificationView(n: NotificationLogEntry) {
  let body: unknown = n.body.slice(0, 4096);
  try {
    const parsed = JSON.parse(n.body) as Record<string, unknown>;
    delete parsed.sign;
    body = parsed;
  } catch {
    // Kept as (truncated) text.
  }
  return { id: n.id ?? null, receivedAt: n.receivedAt, verified: n.verified, outcome: n.outcome, body };
}

/**
 * How the order's creation at HaiPay went, as the record shows it: `accepted` (HaiPay answered with
 * the order, or a query or notification found it), `refused` (HaiPay answered an error; `failureReason`
 * is its code and message), `unknown` (no answer yet, or it was lost: the reconciler asks HaiPay), or
 * `not_created` (HaiPay still had no such order after the grace period: it never arrived).
 */
export type CreateAttempt = 'accepted' | 'refused' | 'unknown' | 'not_created';

function createAttempt(r: PaymentRecord): CreateAttempt {
  if (r.orderNo) return 'accepted';
  if (r.status === 'unknown') return 'unknown';
  if (r.status === 'failed' && r.failureReason?.startsWith('not_created:')) return 'not_created';
  if (r.status === 'failed' && /^\d+: /.test(r.failureReason ?? '')) return 'refused';
  return 'accepted';
}

/** A deduction's status in the kit's words, from HaiPay's code (reference §7.4). */
const DEDUCTION_WORDS: Readonly<Record<number, string>> = {
  0: 'not_started',
  1: 'processing',
  2: 'succeeded',
  3: 'failed',
};

/** One deduction of a subscription, as its notifications say, with its refunds. */
interface DeductionView {
  deductNo: string;
  orderNo: string | null;
  amount: string | null;
  status: string;
  /** When the notification of the status shown arrived. */
  notifiedAt: string;
  refunds: TransferRecord[];
}

const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);

/**
 * The deductions HaiPay notified for a subscription (verified `SUBSCRIPTIONS_DEDUCT` bodies), one per
 * `deductNo`, each at the furthest status notified (a final status is never replaced by an earlier one
 * that arrives late), oldest first.
 */
function deductionsOf(notifications: readonly NotificationLogEntry[]): Omit<DeductionView, 'refunds'>[] {
  const byNo = new Map<string, Omit<DeductionView, 'refunds'> & { rank: number }>();
  for (const n of notifications) {
    if (!n.verified) continue;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(n.body) as Record<string, unknown>;
    } catch {
      continue;
    }
    const deductNo = text(body.deductNo);
    if (body.type !== 'SUBSCRIPTIONS_DEDUCT' || !deductNo) continue;
    const code = Number(body.status);
    const row = DEDUCTION_STATUS_TABLE.find((s) => s.code === code);
    const rank = row ? (row.final ? 2 : code === 1 ? 1 : 0) : -1;
    const seen = byNo.get(deductNo);
    if (seen && seen.rank >= rank) continue;
    byNo.set(deductNo, {
      deductNo,
      orderNo: text(body.orderNo),
      amount: text(body.amount),
      status: DEDUCTION_WORDS[code] ?? 'unknown',
      notifiedAt: n.receivedAt,
      rank,
    });
  }
  return [...byNo.values()].map(({ rank: _rank, ...d }) => d);
}

/** The answer of `GET /orders/:orderId` for a stored record. */
export async function orderDetail(store: PaymentStore, record: PaymentRecord) {
  const notifications = await store.listNotifications(record.orderId);
  const attempts = {
    create: createAttempt(record),
    lastQueriedAt: record.checkedAt === null ? null : new Date(record.checkedAt).toISOString(),
  };
  const base = { order: orderView(record), notifications: notifications.map(notificationView), attempts };
  if (record.kind !== 'subscription') {
    const refunds = await store.listTransfers({ kind: 'refund', paymentOrderId: record.orderId });
    return { ...base, refunds };
  }
  // A subscription's refunds are per deduction: refunds.ts records them against `<orderId>:<deductNo>`.
  const deductions: DeductionView[] = [];
  for (const d of deductionsOf(notifications)) {
    const paymentOrderId = `${record.orderId}:${d.deductNo}`;
    deductions.push({ ...d, refunds: await store.listTransfers({ kind: 'refund', paymentOrderId }) });
  }
  return { ...base, refunds: deductions.flatMap((d) => d.refunds), deductions };
}
