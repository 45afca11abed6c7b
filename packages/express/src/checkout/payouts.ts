/**
 * Payout notifications (reference §7.2). A verified notification for an order this shop does not know
 * as a payment, which HaiPay's collect query does not know either, is asked of HaiPay's pay query;
 * what the query confirms goes to `onPayoutSucceeded`/`onPayoutFailed` (and settles the payout when
 * `payout()` recorded it), what it contradicts to `onPayoutMismatch` — once per payout and status,
 * through stored hook events.
 */
import {
  compareDecimal,
  ENDPOINTS,
  isDecimalString,
  payoutNotificationSchema,
  toPlain,
  type LosslessObject,
} from '@haipay-kit/protocol';
import type { HaiPayClient, HaiPayData } from '../client.js';
import { HaiPayApiError } from '../errors.js';
import type { HookEvent } from '../store/types.js';
import type { CheckoutContext } from './context.js';
import { HOOK_EVENT, type HookRunner, type PayoutMismatchPayload } from './hooks.js';
import type { TransferVerdict } from './refunds-and-payouts.js';
import { schemaDetail, str } from './text.js';
import type { NotificationResult, PayoutEvent } from './types.js';

/**
 * A verified notification for an order this shop does not know, which HaiPay does not know as a
 * collection either: asks HaiPay's pay query whether it is a payout (ARCHITECTURE "Status truth":
 * confirmed before it is believed). A payout the query confirms (final, same status, amount,
 * `orderNo` and currency) is stored as a hook event and handed to `onPayoutSucceeded` /
 * `onPayoutFailed` once per (payout, status); one the query contradicts goes to `onPayoutMismatch`
 * instead (once per reason), never to those hooks; one the query does not yet report final is not
 * acknowledged, so HaiPay delivers it again.
 *
 * @returns the answer, or — when the pay query does not know it either (or cannot be asked) — what it
 *   said, for the unknown-order log line
 */
export async function payoutNotification(
  ctx: CheckoutContext,
  client: HaiPayClient,
  hooks: HookRunner,
  merchant: string,
  orderId: string,
  raw: LosslessObject,
  log: (orderId: string | null, outcome: string) => Promise<void>,
): Promise<NotificationResult | string> {
  let queried: HaiPayData;
  try {
    queried = await client.payQuery(merchant, { orderId });
  } catch (e) {
    return e instanceof HaiPayApiError ? `payout gateway_${e.gatewayCode}` : 'payout query_failed';
  }
  const parsed = payoutNotificationSchema.safeParse(raw);
  if (!parsed.success) {
    const detail = schemaDetail(parsed.error.issues);
    ctx.options.logger.error('haipay payout notification does not have the documented shape', {
      orderId,
      detail,
    });
    await log(orderId, 'rejected_schema');
    return { ack: false, outcome: 'rejected_schema', orderId };
  }
  const notified = toPlain(parsed.data as LosslessObject) as HaiPayData;
  delete notified.sign;
  const wait = ctx.options.hookWaitMs;
  const queryStatus = Number(queried.status);
  if (queryStatus !== 2 && queryStatus !== 3) {
    // HaiPay's own query does not report it final yet: not believed now; its next delivery is.
    const outcome = `payout_unconfirmed (HaiPay says status ${str(queried.status)})`;
    ctx.options.logger.warn('haipay payout notification not confirmed by query; not acknowledged', {
      orderId,
      notified: notified.status,
      queried: queried.status,
    });
    await log(orderId, outcome);
    return { ack: false, outcome: 'payout_unconfirmed', orderId };
  }
  const reasons: string[] = [];
  const compare = (field: string, said: string, says: string) => {
    if (said !== says)
      reasons.push(`${field} ${said || '(none)'} but HaiPay's query says ${says || '(none)'}`);
  };
  compare('status', str(notified.status), str(queried.status));
  const amountsAgree =
    isDecimalString(notified.amount) &&
    isDecimalString(queried.amount) &&
    compareDecimal(str(notified.amount), str(queried.amount)) === 0;
  if (!amountsAgree) compare('amount', str(notified.amount), str(queried.amount));
  compare('orderNo', str(notified.orderNo), str(queried.orderNo));
  const recorded = await ctx.store.getTransfer(orderId);
  const ours = recorded?.kind === 'payout' && recorded.merchant === merchant ? recorded : null;
  if (ours && !(isDecimalString(queried.amount) && compareDecimal(str(queried.amount), ours.amount) === 0))
    reasons.push(`amount ${str(queried.amount)} but the payout was made for ${ours.amount}`);
  if (str(notified.currency).toUpperCase() !== merchant)
    reasons.push(`currency ${str(notified.currency)} but the appId is the ${merchant} business`);

  let event: Omit<HookEvent, 'createdAt' | 'done'>;
  let outcome: string;
  if (reasons.length === 0) {
    const payout = payoutEvent(merchant, notified, notified);
    event = payoutHookEvent(merchant, orderId, payout);
    outcome = `payout_${payout.status}`;
    ctx.options.logger.info('haipay payout notified', { orderId, merchant, status: payout.status });
  } else {
    const reason = reasons.join('; ');
    const payload: PayoutMismatchPayload = {
      payout: payoutEvent(merchant, queried, notified),
      notified,
      reason,
    };
    event = {
      orderId,
      key: `payout_mismatch:${merchant}:${str(notified.status)}:${reason}`,
      kind: HOOK_EVENT.payoutMismatch,
      payload: { ...payload },
    };
    outcome = 'payout_mismatch';
    ctx.options.logger.error('haipay payout notification disagrees with the pay query: needs review', {
      orderId,
      merchant,
      reason,
    });
  }
  // A payout made with payout(): its final state and this hook event are one write.
  const verdict = ours && reasons.length === 0 ? readPayout(queried) : null;
  const settled = verdict
    ? (await ctx.store.transitionTransfer(orderId, verdict.status, verdict.patch, event)).changed
    : false;
  // Stored first, then hooked: exactly once per payout and status, across retries and instances.
  const { added, state: hooked } = await hooks.event(event, wait);
  if (!added && !settled) outcome = 'duplicate';
  await log(orderId, hooked === 'failed' ? `${outcome} (hook failed)` : outcome);
  return hooked === 'failed'
    ? { ack: false, outcome: 'hook_failed', orderId }
    : { ack: true, outcome, orderId };
}

/**
 * True when the protocol's registry serves `payQuery` for this merchant's currency (read on every call,
 * so a wider list in `@haipay-kit/protocol` is picked up without a change here).
 */
export function servesPayQuery(merchant: string): boolean {
  const currencies: readonly string[] | null = ENDPOINTS.payQuery.currencies;
  return currencies !== null && currencies.includes(merchant.toUpperCase());
}

/** HaiPay's payout statuses (docs/protocol.md §6): 2 success, 3 failed (final); 0, 1, -1 in progress. */
export function readPayout(data: HaiPayData): TransferVerdict | null {
  const patch = {
    ...(str(data.orderNo) ? { gatewayNo: str(data.orderNo) } : {}),
    ...(str(data.fee) ? { fee: str(data.fee) } : {}),
  };
  // An apply answer carries no status: accepted.
  if (data.status === undefined || data.status === null) return { status: 'pending', patch };
  const status = Number(data.status);
  if (status === 2) return { status: 'succeeded', patch };
  if (status === 3)
    return { status: 'failed', patch: { ...patch, failureReason: str(data.errorMsg) || 'failed' } };
  if (status === 0 || status === 1 || status === -1) return { status: 'pending', patch };
  return null;
}

/** The hook event of a payout's final state: the key the notification path uses too, so it runs once. */
export function payoutHookEvent(merchant: string, orderId: string, payout: PayoutEvent) {
  return {
    orderId,
    key: `payout:${merchant}:${payout.status}`,
    kind: HOOK_EVENT.payout,
    payload: { ...payout },
  };
}

/** A {@link PayoutEvent} from a payout's reported facts (`from`: the notification, or the pay query). */
export function payoutEvent(merchant: string, from: HaiPayData, notified: HaiPayData): PayoutEvent {
  return {
    orderId: str(notified.orderId),
    orderNo: str(from.orderNo) || str(notified.orderNo),
    merchant,
    currency: str(notified.currency) || merchant,
    amount: str(from.amount),
    fee: str(from.fee) || null,
    status: Number(from.status) === 2 ? 'succeeded' : 'failed',
    payTime: str(from.payTime) || null,
    errorMsg: str(from.errorMsg) || null,
    notified,
  };
}
