/**
 * What refunds and payouts share: recorded before HaiPay hears of them, applied once per idempotency
 * key, settled by query, and handed to the merchant's hooks once per final state. The record is written
 * (and synced) before the apply call, so a crash between the apply and its answer leaves it `unknown`
 * for the reconciler to settle by query — it is never applied again (docs/protocol.md §1). A final
 * state and its hook event are one store write, so a crash between them cannot lose the hook.
 */
import { orderMayExist } from '@haipay-kit/protocol';
import type { HaiPayData } from '../client.js';
import {
  HaiPayApiError,
  HaiPayIdempotencyError,
  HaiPayOutcomeUnknownError,
  HaiPayRefundError,
  HaiPaySignatureError,
} from '../errors.js';
import type {
  HookEvent,
  NewTransferRecord,
  TransferPatch,
  TransferRecord,
  TransferStatus,
} from '../store/types.js';
import type { CheckoutContext } from './context.js';
import { applyWhenDurable } from './create.js';
import type { HookRunner } from './hooks.js';
import { str } from './text.js';

/** HaiPay's "no such order" (`4013 order not exit`). */
const NOT_FOUND = '4013';

/** A status HaiPay reported, and what it sets with it. */
export interface TransferVerdict {
  status: TransferStatus;
  patch: TransferPatch;
}

/** How one kind of transfer talks to HaiPay. */
export interface TransferDriver {
  /** Asks HaiPay for the transfer's state (a refund query, a pay query). */
  query(transfer: TransferRecord): Promise<HaiPayData>;
  /** What an apply or query answer says, or null when it says nothing the kit acts on. */
  read(data: HaiPayData): TransferVerdict | null;
  /** The hook event of a final state (`transfer` already holds it), from the answer that reported it. */
  event(transfer: TransferRecord, data: HaiPayData): Omit<HookEvent, 'createdAt' | 'done'>;
}

/** Creating and settling the transfers of one kind. */
export class TransferFlow {
  readonly #ctx: CheckoutContext;
  readonly #hooks: HookRunner;
  readonly #driver: TransferDriver;

  constructor(ctx: CheckoutContext, hooks: HookRunner, driver: TransferDriver) {
    this.#ctx = ctx;
    this.#hooks = hooks;
    this.#driver = driver;
  }

  /**
   * Records `record` with its key and applies it once. A repeated key answers the transfer it made (as
   * it is now, asked of HaiPay when not final); the same key with another request is
   * {@link HaiPayIdempotencyError}; a second live refund of one order is {@link HaiPayRefundError}.
   * HaiPay refusing it makes it `failed`; an unknown outcome leaves it `unknown` for the reconciler.
   */
  async create(
    record: NewTransferRecord,
    apply: (sendAfter: Promise<void>) => Promise<HaiPayData>,
  ): Promise<TransferRecord> {
    const { store, options } = this.#ctx;
    const res = await store.createTransfer(record);
    if (res.outcome === 'conflict')
      throw new HaiPayIdempotencyError('This idempotency key was already used with a different request.');
    if (res.outcome === 'active_refund')
      throw new HaiPayRefundError(
        'already_refunded',
        `Order ${str(record.paymentOrderId)} is already refunded, or its refund is in progress.`,
        res.record.transferId,
      );
    if (res.outcome === 'replay') return this.settleQuietly(res.record);
    // Durable before HaiPay hears of it: a retry after a crash or power cut finds it and never re-applies.
    const { answer } = await applyWhenDurable(store, apply);
    const id = record.transferId;
    try {
      const data = await answer;
      const verdict = this.#driver.read(data) ?? { status: 'pending', patch: {} };
      return await this.move(res.record, verdict.status, verdict.patch, data);
    } catch (err) {
      if (err instanceof HaiPayApiError && !orderMayExist(err.gatewayCode) && err.gatewayCode !== '4005') {
        options.logger.warn(`haipay ${record.kind} refused`, { id, code: err.gatewayCode, msg: err.msg });
        return this.move(res.record, 'failed', { failureReason: `${err.gatewayCode}: ${err.msg}` }, {});
      }
      if (
        err instanceof HaiPayOutcomeUnknownError ||
        err instanceof HaiPaySignatureError ||
        err instanceof HaiPayApiError
      ) {
        options.logger.warn(`haipay ${record.kind} outcome unknown`, { id, error: err.name });
        return (await store.getTransfer(id)) ?? res.record;
      }
      // Refused before anything was sent (a value unsafe to sign, a merchant not configured).
      await this.move(res.record, 'failed', { failureReason: (err as Error).message }, {});
      throw err;
    }
  }

  /**
   * Moves the transfer to `status` (forward only) with its hook event when final, and starts the hook
   * when this call moved it. Returns the transfer as stored.
   */
  async move(
    transfer: TransferRecord,
    status: TransferStatus,
    patch: TransferPatch,
    data: HaiPayData,
  ): Promise<TransferRecord> {
    const final = status === 'succeeded' || status === 'failed';
    const event = final ? this.#driver.event({ ...transfer, ...defined(patch), status }, data) : undefined;
    const t = await this.#ctx.store.transitionTransfer(transfer.transferId, status, patch, event);
    if (t.changed && event) void this.#hooks.event(event, 0).catch(() => undefined);
    return t.record ?? transfer;
  }

  /**
   * Asks HaiPay about a transfer and applies the answer. One HaiPay does not know, still `unknown`
   * after `unknownGraceMs`, was never applied: it fails (its key may then be used for nothing else).
   */
  async settle(transfer: TransferRecord): Promise<TransferRecord> {
    const { store, options } = this.#ctx;
    const now = this.#ctx.now();
    await store.markTransferChecked(transfer.transferId, now);
    let data: HaiPayData;
    try {
      data = await this.#driver.query(transfer);
    } catch (err) {
      const unknownToHaiPay = err instanceof HaiPayApiError && err.gatewayCode === NOT_FOUND;
      if (
        unknownToHaiPay &&
        transfer.status === 'unknown' &&
        now - Date.parse(transfer.createdAt) > options.unknownGraceMs
      ) {
        return this.move(transfer, 'failed', { failureReason: 'HaiPay has no record of it' }, {});
      }
      throw err;
    }
    const verdict = this.#driver.read(data);
    return verdict ? this.move(transfer, verdict.status, verdict.patch, data) : transfer;
  }

  /** {@link settle} for a transfer that is not final; on an error, the transfer as it is. */
  async settleQuietly(transfer: TransferRecord): Promise<TransferRecord> {
    if (transfer.status === 'succeeded' || transfer.status === 'failed') return transfer;
    return this.settle(transfer).catch(() => transfer);
  }
}

/** A patch without its undefined fields (they leave the record as it is). */
function defined(patch: TransferPatch): TransferPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
}

/**
 * Settles up to `limit` transfers that are not final, least recently checked first (the reconciler's
 * pass calls it); returns how many were checked.
 */
export async function settleTransfers(
  ctx: CheckoutContext,
  flows: Readonly<Record<TransferRecord['kind'], TransferFlow>>,
  limit: number,
): Promise<number> {
  const due = await ctx.store.listUnsettledTransfers({ limit });
  for (const t of due) {
    try {
      await flows[t.kind].settle(t);
    } catch (err) {
      ctx.options.logger.warn(`haipay reconcile failed for a ${t.kind}`, {
        id: t.transferId,
        message: (err as Error).message,
      });
    }
  }
  return due.length;
}
