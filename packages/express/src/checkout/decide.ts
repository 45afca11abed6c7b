/**
 * The money decision: what a status HaiPay reports (in a verified notification or a query answer) does
 * to a stored payment. A pure function of its inputs — no store, no clock, no I/O — so its table of
 * cases is tested case by case (test/decide.test.ts) and the checkout only carries the decision out.
 *
 * The rules (ARCHITECTURE "Status truth", docs/protocol.md §7.1):
 * - states move forward only; a final state is never overwritten by another final state;
 * - money is credited only when HaiPay's `orderNo`, amount and currency match the stored order;
 *   a disagreement is confirmed by query (notifications) and otherwise held for review, never credited;
 * - money reported for an order the kit already closed (`expired`, `failed`) is *late money*: it moves
 *   the order to `review`, and the merchant's `onLatePayment` hook is told, exactly once;
 * - `expired` is the kit's own verdict: only a query that still says "not started" past the payment
 *   window (plus a grace period) produces it.
 */
import { compareDecimal } from '@haipay-kit/protocol';
import { str } from './text.js';
import type { PaymentPatch, PaymentRecord } from '../store/types.js';
import { isFinalStatus, STATUS_RANK, type RecordStatus } from '../types.js';

/** The stored facts a decision depends on. */
export type StoredPayment = Pick<
  PaymentRecord,
  'status' | 'amount' | 'currency' | 'orderNo' | 'expiresAt' | 'failureReason'
>;

/** The reported facts a decision depends on (a verified notification or query `data`). */
export interface ReportedPayment {
  status?: unknown;
  orderNo?: unknown;
  amount?: unknown;
  actualAmount?: unknown;
  currency?: unknown;
  errorMsg?: unknown;
}

/** What to do with a report. */
export type Decision =
  /** Move the order to `to` (forward only), writing `patch` with it. */
  | { action: 'move'; to: RecordStatus; patch: PaymentPatch }
  /** Money reported that does not match the order (or a partial payment): keep it unpaid, flag it for review. */
  | { action: 'hold'; reason: string }
  /** Money reported for an order the kit already closed: move it to `review` and tell the merchant. */
  | { action: 'late'; reason: string }
  /** Do not believe the notification yet: ask HaiPay by query, then decide on the answer. */
  | { action: 'confirm'; reason: string }
  /** Nothing to change. */
  | { action: 'ignore'; outcome: 'duplicate' | 'stale' | 'ignored_status' | 'identity_mismatch' };

/** Options of {@link decide}. */
export interface DecideOptions {
  /** Where the report comes from. Only a query can expire an order; a notification may need confirming. */
  source: 'notification' | 'query';
  /** Current time, ms since the epoch. */
  now: number;
  /** How far past `expiresAt` a "not started" query must be before the kit expires the order. Default 5000. */
  expiryGraceMs?: number;
  /** Confirm every success notification by query before crediting (`confirmByQuery: 'always'`). */
  confirmSuccess?: boolean;
}

/** The reported status as an integer code, or NaN. */
function codeOf(status: unknown): number {
  const n = Number(str(status));
  return str(status).trim() !== '' && Number.isInteger(n) ? n : NaN;
}

/** Why the report does not describe this order (a different HaiPay `orderNo`), or null. */
function identityMismatch(stored: StoredPayment, reported: ReportedPayment): string | null {
  const orderNo = str(reported.orderNo);
  if (stored.orderNo && orderNo && orderNo !== stored.orderNo)
    return `orderNo ${orderNo} is not the order's ${stored.orderNo}`;
  return null;
}

/** Why the reported money does not match the stored order (currency, amount), or null. */
function moneyMismatch(stored: StoredPayment, reported: ReportedPayment): string | null {
  const currency = str(reported.currency);
  if (currency && currency.toUpperCase() !== stored.currency.toUpperCase())
    return `currency ${currency} does not match the order's ${stored.currency}`;
  // `actualAmount` (query) is what really arrived; "0.00" there means HaiPay has not filled it in.
  const actual = str(reported.actualAmount);
  const amount = actual && codeOf(reported.status) === 2 && actual !== '0.00' ? actual : str(reported.amount);
  if (!amount) return 'no amount reported';
  try {
    if (compareDecimal(amount, stored.amount) !== 0)
      return `amount ${amount} does not match the order's ${stored.amount}`;
  } catch {
    return `amount ${amount} is not a decimal`;
  }
  return null;
}

/** `hold` for an open order, `late` for one the kit closed, `ignore` for one already paid or in review. */
function holdOrLate(stored: StoredPayment, reason: string): Decision {
  if (stored.status === 'expired' || stored.status === 'failed')
    return { action: 'late', reason: `paid after the order was ${stored.status}; ${reason}` };
  if (isFinalStatus(stored.status)) return { action: 'ignore', outcome: 'stale' };
  return { action: 'hold', reason };
}

/**
 * Decides what a reported collection status does to a stored payment. See the module comment for the
 * rules; every branch is a row of the table in test/decide.test.ts.
 */
export function decide(stored: StoredPayment, reported: ReportedPayment, options: DecideOptions): Decision {
  const code = codeOf(reported.status);
  const identity = identityMismatch(stored, reported);

  if (code === 2 || code === 4 || code === 5) {
    const reason = identity ?? moneyMismatch(stored, reported) ?? (code === 4 ? 'partial collection' : null);
    if (reason) {
      // A disagreeing notification is confirmed by query; a partial payment is what it says it is.
      if (options.source === 'notification' && code !== 4) return { action: 'confirm', reason };
      return holdOrLate(stored, reason);
    }
    if (stored.status === 'expired' || stored.status === 'failed') {
      if (options.source === 'notification' && options.confirmSuccess)
        return { action: 'confirm', reason: 'query does not confirm the notification' };
      return holdOrLate(stored, `HaiPay reports it paid (status ${code})`);
    }
    if (isFinalStatus(stored.status)) return { action: 'ignore', outcome: 'duplicate' };
    if (options.source === 'notification' && options.confirmSuccess)
      return { action: 'confirm', reason: 'query does not confirm the notification' };
    return { action: 'move', to: 'succeeded', patch: {} };
  }

  if (code === 3) {
    // A failure that names another HaiPay order must not close this one.
    if (identity) return { action: 'ignore', outcome: 'identity_mismatch' };
    const msg = str(reported.errorMsg);
    const to: RecordStatus = /expire/i.test(msg) ? 'expired' : 'failed';
    if (isFinalStatus(stored.status))
      return { action: 'ignore', outcome: stored.status === to ? 'duplicate' : 'stale' };
    return { action: 'move', to, patch: { failureReason: msg || 'failed' } };
  }

  if (code === 0 || code === 1 || code === -1) {
    if (isFinalStatus(stored.status)) return { action: 'ignore', outcome: 'stale' };
    if (identity) return { action: 'ignore', outcome: 'identity_mismatch' };
    const grace = options.expiryGraceMs ?? 5_000;
    if (
      code === 0 &&
      options.source === 'query' &&
      stored.expiresAt &&
      Date.parse(stored.expiresAt) + grace < options.now
    ) {
      return { action: 'move', to: 'expired', patch: { failureReason: 'expired' } };
    }
    const to: RecordStatus = code === 0 ? 'pending' : 'processing';
    if (STATUS_RANK[to] <= STATUS_RANK[stored.status]) return { action: 'ignore', outcome: 'duplicate' };
    return { action: 'move', to, patch: {} };
  }

  return { action: 'ignore', outcome: 'ignored_status' };
}
