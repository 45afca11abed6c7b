/**
 * Creating an order at HaiPay exactly once, for payments and subscriptions alike: the idempotency key
 * and the order row are written in one atomic store step, the apply is sent once, and its outcome is
 * stored before anyone is answered. An apply whose outcome is unknown (a timeout, `1003`/`1004`, an
 * answer that did not verify, `4005` "already exists", an undocumented code) keeps the order `unknown`
 * for the reconciler to settle by query — never re-sent under a new id (docs/protocol.md §1).
 */
import { orderMayExist } from '@haipay-kit/protocol';
import type { HaiPayData } from '../client.js';
import {
  HaiPayApiError,
  HaiPayError,
  HaiPayOutcomeUnknownError,
  HaiPaySignatureError,
  HaiPayIdempotencyError,
} from '../errors.js';
import type { NewPaymentRecord, PaymentPatch, PaymentRecord, PaymentStore } from '../store/types.js';
import type { RecordStatus } from '../types.js';
import type { CheckoutContext } from './context.js';
import { hookDue, type HookRunner } from './hooks.js';
import { requestHash } from './wire.js';
import type { CreateResult } from './types.js';

/**
 * How an outcome is kept with its idempotency key (the store's `responseStatus`): the numbers earlier
 * versions stored, so keys written by them replay the same.
 */
const STORED: Readonly<Record<CreateResult<unknown>['outcome'], number>> = {
  created: 201,
  unknown: 202,
  refused: 502,
};

function storedOutcome(code: number | null): CreateResult<unknown>['outcome'] {
  return code === STORED.created ? 'created' : code === STORED.refused ? 'refused' : 'unknown';
}

/** One create: what to store, how to call HaiPay, and what its answer changes. */
export interface CreateSpec<V> {
  scope: 'payments' | 'subscriptions';
  idempotencyKey: string;
  /** The browser's body: the key stays bound to it. */
  body: Record<string, unknown>;
  /** The new order, `unknown` until HaiPay answers. */
  record: NewPaymentRecord;
  view: (record: PaymentRecord) => V;
  /** Sends the apply (once): signed at once, sent once `sendAfter` resolves (nothing sent if it rejects). */
  apply: (sendAfter: Promise<void>) => Promise<HaiPayData>;
  /** What an accepted apply writes: HaiPay's number, `next`, expiry, and the status it moves to. */
  accepted: (data: HaiPayData) => { patch: PaymentPatch; status: RecordStatus };
  /** Creates again under an orphaned key's reserved order id (see {@link createOnce}). */
  resume: (orderId: string) => Promise<CreateResult<V>>;
}

/**
 * Sends an apply only once what names it is durable, without waiting for the disk before signing:
 * starts the store's sync, calls `apply` with it as the gate (the request is signed at once and sent
 * once the sync resolves), and waits for the sync. A sync that fails throws here, and HaiPay heard
 * nothing. The apply's answer is in `answer`, to be awaited next.
 */
export async function applyWhenDurable(
  store: PaymentStore,
  apply: (sendAfter: Promise<void>) => Promise<HaiPayData>,
): Promise<{ answer: Promise<HaiPayData> }> {
  const durable = store.sync?.() ?? Promise.resolve();
  const answer = apply(durable);
  // Awaited by the caller; a sync that fails rejects it too, and is thrown below instead.
  answer.catch(() => undefined);
  await durable;
  return { answer };
}

/**
 * Runs one create. A duplicate racing on any instance finds the order its key names and is answered
 * with it: a replay of the first outcome, or `unknown` while the first request still waits for HaiPay.
 *
 * A key without its order can only be left by an older version of the kit that died between writing
 * the two (or by a store without an atomic create): no writer can still be about to add the order, so
 * the retry takes the key over under the reserved id — which HaiPay never saw — through `spec.resume`.
 * Of two retries taking over at once, one insert wins and the other replays.
 */
export async function createOnce<V>(
  ctx: CheckoutContext,
  hooks: HookRunner,
  spec: CreateSpec<V>,
): Promise<CreateResult<V>> {
  const { store, options } = ctx;
  const { scope, idempotencyKey, record } = spec;
  const key = { scope, key: idempotencyKey, requestHash: requestHash(scope, spec.body) };
  const res = await store.createIdempotent(key, record);
  if (res.outcome === 'conflict')
    throw new HaiPayIdempotencyError('This Idempotency-Key was already used with a different request body.');
  let created: PaymentRecord;
  if (res.outcome === 'created') {
    created = res.record;
  } else {
    if (await store.get(res.key.orderId)) return replay(ctx, res.key, spec.view);
    if (res.key.orderId !== record.orderId) return spec.resume(res.key.orderId);
    try {
      created = await store.create(record);
    } catch (err) {
      if (await store.get(record.orderId)) return replay(ctx, res.key, spec.view);
      throw err;
    }
  }
  ctx.emit(created);
  // The reserved order must be durable before HaiPay hears of it, so a retry after a crash or a power
  // cut finds it and never applies twice. What is written after the apply needs no sync of its own
  // before the browser's answer: a power cut that loses it leaves the reserved order `unknown`, the
  // state a crash during the apply leaves too, and the reconciler re-learns it from HaiPay. The apply
  // is signed while the sync runs (the two costliest steps overlap) and sent only once it is done.
  const { answer } = await applyWhenDurable(store, spec.apply);

  const orderId = record.orderId;
  let outcome: CreateResult<V>['outcome'];
  let gatewayError: CreateResult<V>['gatewayError'];
  // The order as this request last wrote or read it: the answer's view, and whether a hook may be due.
  let latest: PaymentRecord | null;
  try {
    const { patch, status } = spec.accepted(await answer);
    // One write: the status and what HaiPay answered, and the key's outcome beside it (one commit on
    // SQLite, one round trip on PostgreSQL). Only when the order has already moved on (a notification
    // or a query got there first) is the answer's data written on its own.
    const [t] = await Promise.all([
      store.transition(orderId, status, patch),
      store.finishIdempotencyKey(scope, idempotencyKey, STORED.created),
    ]);
    latest = t.changed ? t.record : await store.patch(orderId, patch);
    ctx.emit(latest);
    outcome = 'created';
  } catch (err) {
    const refused =
      err instanceof HaiPayApiError && !orderMayExist(err.gatewayCode) && err.gatewayCode !== '4005';
    if (refused) {
      const t = await store.transition(orderId, 'failed', {
        failureReason: `${err.gatewayCode}: ${err.msg}`,
      });
      latest = t.record;
      ctx.emit(t.record);
      options.logger.warn('haipay apply refused', { orderId, code: err.gatewayCode, msg: err.msg });
      outcome = 'refused';
      gatewayError = { code: err.gatewayCode, message: err.msg };
    } else if (
      err instanceof HaiPayOutcomeUnknownError ||
      err instanceof HaiPaySignatureError ||
      err instanceof HaiPayApiError
    ) {
      // The order may exist at HaiPay: keep it `unknown`; the reconciler settles it by query.
      options.logger.warn('haipay apply outcome unknown', {
        orderId,
        error: err.name,
        message: err.message,
      });
      latest = await store.patch(orderId, { next: { type: 'wait' } });
      ctx.emit(latest);
      outcome = 'unknown';
    } else {
      await store.finishIdempotencyKey(scope, idempotencyKey, STORED.unknown);
      throw err;
    }
  }
  if (outcome !== 'created') await store.finishIdempotencyKey(scope, idempotencyKey, STORED[outcome]);
  latest ??= await store.get(orderId);
  if (!latest) throw new HaiPayError('The order was removed while it was being created.');
  // A payment may already be final, its hook due (the shopper does not wait for it). One that gets
  // there later is moved by a notification or a query, and whoever moves it runs the hook.
  if (hookDue(latest)) void hooks.forRecord(orderId, 0, latest);
  return { outcome, replayed: false, view: spec.view(latest), ...(gatewayError ? { gatewayError } : {}) };
}

/** The answer to a repeated request: the first outcome again, with the order as it is now. */
async function replay<V>(
  ctx: CheckoutContext,
  key: { orderId: string; responseStatus: number | null },
  view: (r: PaymentRecord) => V,
): Promise<CreateResult<V>> {
  const record = await ctx.store.get(key.orderId);
  if (!record) throw new HaiPayError('Idempotency key points at a missing order.');
  // Still in flight on another request (or instance): `unknown`, with the order.
  const outcome = storedOutcome(key.responseStatus);
  const out: CreateResult<V> = { outcome, replayed: true, view: view(record) };
  if (outcome === 'refused') {
    const [code, ...rest] = (record.failureReason ?? 'gateway: error').split(': ');
    out.gatewayError = { code: code ?? 'gateway', message: rest.join(': ') };
  }
  return out;
}
