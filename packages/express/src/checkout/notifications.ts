/**
 * HaiPay's notifications, from raw text to a stored, acknowledged change: verify the signature, refuse
 * an ambiguous body (docs/protocol.md §2.5), check the documented shape (§8), find the order (or the
 * payout), apply the change forward-only, run the hook, log it. Only verified, well-formed notifications
 * are written to the store; a refused body is kept, truncated, in a small in-memory sample.
 */
import {
  ambiguousSignedKeys,
  collectNotificationSchema,
  deductionNotificationSchema,
  subscriptionNotificationSchema,
  toPlain,
  type LosslessObject,
} from '@haipay-kit/protocol';
import type { HaiPayClient, HaiPayData } from '../client.js';
import { HaiPayApiError } from '../errors.js';
import type { PaymentRecord } from '../store/types.js';
import type { CheckoutContext } from './context.js';
import { HOOK_EVENT, type HookRunner, type HookState } from './hooks.js';
import { payoutNotification, servesPayQuery } from './payouts.js';
import type { Applied, Settlement } from './settlement.js';
import { schemaDetail, str } from './text.js';
import type { NotificationResult, RejectedNotification } from './types.js';
import { subscriptionStatusFromCode } from './views.js';

/** How many refused notification bodies are kept, and how many characters of each. */
const REJECTED_SAMPLES = 20;
const REJECTED_SAMPLE_CHARS = 512;

/** The protocol schema a notification is checked against, chosen by its `type` (reference §7). */
function notificationSchemaFor(raw: LosslessObject) {
  if (raw.type === 'SUBSCRIPTION') return subscriptionNotificationSchema;
  if (raw.type === 'SUBSCRIPTIONS_DEDUCT') return deductionNotificationSchema;
  return collectNotificationSchema;
}

/** The notification room of one checkout. */
export class Notifications {
  readonly #ctx: CheckoutContext;
  readonly #client: HaiPayClient;
  readonly #hooks: HookRunner;
  readonly #settlement: Settlement;
  readonly #rejected: RejectedNotification[] = [];

  constructor(ctx: CheckoutContext, client: HaiPayClient, hooks: HookRunner, settlement: Settlement) {
    this.#ctx = ctx;
    this.#client = client;
    this.#hooks = hooks;
    this.#settlement = settlement;
  }

  /** The last refused bodies (in memory only, truncated). */
  get rejected(): readonly RejectedNotification[] {
    return [...this.#rejected];
  }

  #reject(rawBody: string, reason: string, orderId: string | null, message: string): NotificationResult {
    this.#rejected.push({
      receivedAt: new Date(this.#ctx.now()).toISOString(),
      reason,
      orderId,
      sample: rawBody.slice(0, REJECTED_SAMPLE_CHARS),
    });
    if (this.#rejected.length > REJECTED_SAMPLES) this.#rejected.shift();
    this.#ctx.options.logger.warn('haipay notification rejected', { orderId, reason, message });
    return { ack: false, outcome: reason, orderId };
  }

  /**
   * Handles one notification body (raw text). `ack` (answer `SUCCESS`) is true once the effect is
   * durably stored and its hook has completed, or is still running after `hookWaitMs` (it then
   * finishes in the background; if it throws or the process dies, the reconciler runs it again). A hook
   * that throws within the wait is not acknowledged, so HaiPay's retry runs it again too.
   */
  async handle(rawBody: string): Promise<NotificationResult> {
    const result = await this.#handle(rawBody);
    // SUCCESS tells HaiPay to stop retrying: what it confirmed must be on disk first (group commit).
    if (result.ack) await this.#ctx.store.sync?.();
    return result;
  }

  async #handle(rawBody: string): Promise<NotificationResult> {
    const { store, options } = this.#ctx;
    const receivedAt = new Date(this.#ctx.now()).toISOString();
    const named = /"(?:subscriptionOrderId|orderId)"\s*:\s*"([^"]{1,64})"/.exec(rawBody)?.[1] ?? null;
    let verified;
    try {
      verified = this.#client.verifyNotification(rawBody);
    } catch (err) {
      return this.#reject(rawBody, 'rejected_signature', named, (err as Error).message);
    }
    const { merchant, raw } = verified;
    const ambiguous = ambiguousSignedKeys(raw);
    if (ambiguous.length > 0) {
      // Not believed; a genuine change still arrives through a query of the named order.
      // Stryker disable next-line ConditionalExpression: refreshing no order reads no record and does nothing
      if (named) void this.#settlement.refresh(named, false).catch(() => undefined);
      return this.#reject(rawBody, 'rejected_ambiguous', named, `ambiguous fields: ${ambiguous.join(', ')}`);
    }
    const log = async (orderId: string | null, outcome: string) => {
      const body = rawBody.slice(0, 8192);
      await store.appendNotification({ orderId, receivedAt, verified: true, outcome, body });
    };
    const parsed = notificationSchemaFor(raw).safeParse(raw);
    if (!parsed.success) {
      options.logger.error('haipay notification does not have the documented shape', {
        orderId: named,
        detail: schemaDetail(parsed.error.issues),
      });
      await log(named, 'rejected_schema');
      return { ack: false, outcome: 'rejected_schema', orderId: named };
    }
    const data = toPlain(parsed.data as LosslessObject) as HaiPayData;
    const type = str(data.type);
    const orderId = str(type.startsWith('SUBSCRIPTION') ? data.subscriptionOrderId : data.orderId) || null;
    const record = orderId ? await store.get(orderId) : null;
    if (!record || record.merchant !== merchant || (type !== '') !== (record.kind === 'subscription'))
      return this.#unknownOrder(merchant, orderId, record, type, data, raw, log);

    const wait = options.hookWaitMs;
    let outcome: string;
    // Stryker disable next-line StringLiteral: the state is only ever compared with 'failed'
    let hooked: HookState = 'done';
    // What the settlement of a collection did: the order as this delivery last wrote or read it (the
    // hook runner need not read it again), and whether its own move already claimed that status's hook.
    let applied: Applied | null = null;
    if (type !== '' && record.orderNo && str(data.subscriptionNo) !== record.orderNo) {
      outcome = 'identity_mismatch';
    } else if (type === 'SUBSCRIPTIONS_DEDUCT') {
      // Stored first, then hooked: exactly once per deduction and status, across retries and instances.
      const event = {
        orderId: record.orderId,
        key: `deduction:${str(data.deductNo)}:${str(data.status)}`,
        kind: HOOK_EVENT.deduction,
        payload: data,
      };
      const result = await this.#hooks.event(event, wait);
      outcome = result.added ? 'deduction' : 'duplicate';
      hooked = result.state;
    } else if (type === 'SUBSCRIPTION') {
      outcome = await this.#subscriptionStatus(record, data);
    } else {
      applied = await this.#settlement.apply(record, data, 'notification');
      outcome = applied.outcome;
    }
    // The record handed over saves the hook runner a read of the same row. Unless this delivery's move
    // claimed the hook, the runner claims it, conditional on the status the record names: a record
    // another writer has since moved on claims nothing.
    const known = applied?.record ?? null;
    const claimed = applied?.hookClaimed === true;
    if (
      hooked !== 'failed' &&
      (await this.#hooks.forRecord(record.orderId, wait, known, claimed)) === 'failed'
    )
      hooked = 'failed';
    await log(record.orderId, hooked === 'failed' ? `${outcome} (hook failed)` : outcome);
    return hooked === 'failed'
      ? { ack: false, outcome: 'hook_failed', orderId: record.orderId }
      : { ack: true, outcome, orderId: record.orderId };
  }

  async #subscriptionStatus(record: PaymentRecord, data: HaiPayData): Promise<string> {
    const to = subscriptionStatusFromCode(data.status);
    // Stryker disable next-line StringLiteral: not reached while every code the protocol's schema admits (-1, 1-4) has a state
    if (to === 'unknown') return 'duplicate';
    const patch = record.orderNo ? {} : { orderNo: str(data.subscriptionNo) };
    const t = await this.#ctx.store.transition(record.orderId, to, patch);
    if (t.changed) this.#ctx.emit(t.record);
    return t.changed ? 'applied' : 'duplicate';
  }

  /**
   * An order we do not know (or from another appId, or of the other kind): never credited. A
   * collection is confirmed by query and logged; one HaiPay does not know as a collection either may
   * be a payout of this appId (reference §7.2).
   */
  async #unknownOrder(
    merchant: string,
    orderId: string | null,
    record: PaymentRecord | null,
    type: string,
    data: HaiPayData,
    raw: LosslessObject,
    log: (orderId: string | null, outcome: string) => Promise<void>,
  ): Promise<NotificationResult> {
    let confirmed = 'not_queried';
    // A payout this checkout recorded goes straight to the pay query: its id (`hpo_…`) is never a
    // collection's (`hp_…`), so a collect query could only answer 4013, and the pay query still
    // confirms the payout before anything is believed.
    if (orderId && !type && !record && servesPayQuery(merchant)) {
      const t = await this.#ctx.store.getTransfer(orderId);
      if (t?.kind === 'payout' && t.merchant === merchant) {
        const client = this.#client;
        const payout = await payoutNotification(this.#ctx, client, this.#hooks, merchant, orderId, raw, log);
        if (typeof payout !== 'string') return payout;
        confirmed = payout;
      }
    }
    if (orderId && !type && confirmed === 'not_queried') {
      const client = this.#client;
      const q = { orderId, orderNo: str(data.orderNo) || null };
      let code: string | null = null;
      confirmed = await (
        merchant === client.config.cashierMerchant ? client.cashierQuery(q) : client.collectQuery(merchant, q)
      )
        .then((answer) => `gateway_status_${answer.status}`)
        .catch((e: unknown) => {
          if (!(e instanceof HaiPayApiError)) return 'query_failed';
          code = e.gatewayCode;
          return `gateway_${e.gatewayCode}`;
        });
      if (!record && code === '4013' && servesPayQuery(merchant)) {
        const payout = await payoutNotification(this.#ctx, client, this.#hooks, merchant, orderId, raw, log);
        if (typeof payout !== 'string') return payout;
        confirmed = `${confirmed}; ${payout}`;
      }
    }
    this.#ctx.options.logger.warn('haipay notification for an unknown order', {
      orderId,
      merchant,
      confirmed,
    });
    await log(orderId, `unknown_order (${confirmed})`);
    return { ack: false, outcome: 'unknown_order', orderId };
  }
}
