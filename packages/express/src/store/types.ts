/**
 * `PaymentStore` — where the router keeps orders, idempotency keys and the notification log.
 *
 * The store itself enforces forward-only transitions (a conditional update: "set status to X where the
 * current status ranks below X"), so two processes or two notifications can never move a final state
 * backwards. Implementations: {@link MemoryPaymentStore} (tests), {@link SqlitePaymentStore} (default).
 * A new implementation passes when it passes the shared contract suite (packages/test-support,
 * `runPaymentStoreContract`), which gives it a clock (`now`) the tests move.
 */
import type { NextAction, RecordStatus } from '../types.js';
import type { OrderQuery } from './order-query.js';

/** What a record is: a one-off payment or a subscription. */
export type RecordKind = 'payment' | 'subscription';

/** A stored order. Never holds card number, CVV or expiry: those are forwarded once and dropped. */
export interface PaymentRecord {
  /** Merchant order id minted by the kit (`hp_…`); HaiPay's `orderId` / `subscriptionOrderId`. */
  orderId: string;
  kind: RecordKind;
  /** Which configured merchant (appId) the order was made with, e.g. `THB`, `USD`, `CASHIER`. */
  merchant: string;
  method: string;
  /** Amount as the decimal string sent to HaiPay, e.g. `"100.00"`. */
  amount: string;
  currency: string;
  subject: string;
  /** The merchant's own reference from the browser (`orderRef`/`planRef`). */
  orderRef: string | null;
  /** Buyer id from `resolveOrder` (HaiPay `partnerUserId`). */
  buyerId: string;
  status: RecordStatus;
  /** HaiPay's platform order number, once known. */
  orderNo: string | null;
  next: NextAction | null;
  expiresAt: string | null;
  failureReason: string | null;
  /** Where the return route sends the browser. */
  returnUrl: string | null;
  /** Merchant data from `resolveOrder` (strings only). */
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  /** Increases by one on every visible change; the SSE event id. */
  version: number;
  /** Last time (ms since epoch) the gateway was queried for this order, or null. */
  checkedAt: number | null;
  /** The last status whose merchant hook completed, or null. */
  hookStatus: RecordStatus | null;
}

/** Fields given when a record is created. */
export type NewPaymentRecord = Omit<
  PaymentRecord,
  'createdAt' | 'updatedAt' | 'version' | 'checkedAt' | 'hookStatus'
> & { createdAt?: string };

/** Fields that may change without a status change. */
export interface PaymentPatch {
  orderNo?: string | null;
  next?: NextAction | null;
  expiresAt?: string | null;
  failureReason?: string | null;
}

/** What {@link PaymentStore.listRecheckDue} is asked for: times in milliseconds since the epoch. */
export interface RecheckQuery {
  /** The reconciler's time. */
  now: number;
  /** How long after closing an order is asked about again. */
  windowMs: number;
  /** The shortest gap between two checks of one order. */
  minGapMs: number;
  limit?: number;
}

/** Options of {@link PaymentStore.transition}. */
export interface TransitionOptions {
  /**
   * Also claim the new status's merchant hook, in the same write, as {@link PaymentStore.claimHook}
   * would (at `now`, ms, else the store's own clock): only when this call moves the order and that
   * status's hook has not completed. `hookClaimed` reports it. Saves the write of a separate claim. A
   * store that does not implement it leaves `hookClaimed` unset and the caller claims with `claimHook`.
   */
  claimHook?: { now?: number };
}

/** Result of {@link PaymentStore.transition}. */
export interface TransitionResult {
  /** True only for the one caller whose update moved the status. */
  changed: boolean;
  /** The record after the attempt (null when no such order). */
  record: PaymentRecord | null;
  /** True when the same write claimed the new status's hook (`options.claimHook`). */
  hookClaimed?: boolean;
}

/** A stored idempotency key. Holds a hash of the request body — never the body. */
export interface IdempotencyRecord {
  scope: string;
  key: string;
  requestHash: string;
  orderId: string;
  /** HTTP status of the first answer, or null while that request is still in flight. */
  responseStatus: number | null;
  createdAt: string;
}

/** Result of {@link PaymentStore.reserveIdempotencyKey}. */
export type IdempotencyReservation =
  | { outcome: 'reserved' }
  | { outcome: 'replay'; record: IdempotencyRecord }
  | { outcome: 'conflict'; record: IdempotencyRecord };

/** The key half of {@link PaymentStore.createIdempotent}: the order id comes from the record. */
export interface IdempotencyKeyInput {
  scope: string;
  key: string;
  /** Hash of the request body the key was first used with. */
  requestHash: string;
}

/** Result of {@link PaymentStore.createIdempotent}. */
export type IdempotentCreate =
  /** The key was new: it and the order were written together. */
  | { outcome: 'created'; record: PaymentRecord }
  /** The key exists with the same request hash: answer with its order (`key.orderId`). */
  | { outcome: 'replay'; key: IdempotencyRecord }
  /** The key exists with another request hash. */
  | { outcome: 'conflict'; key: IdempotencyRecord };

/**
 * A merchant hook call that is not a payment's status change — a subscription deduction — kept in the
 * store until the hook has completed, so it runs exactly once across retries, instances and crashes.
 */
export interface HookEvent {
  /** The order (subscription) it belongs to. */
  orderId: string;
  /** Unique per order, e.g. `deduction:<deductNo>:<status>`. */
  key: string;
  /** Which hook it is for, e.g. `subscription_deduction`. */
  kind: string;
  /** The verified data the hook receives. */
  payload: Record<string, unknown>;
  createdAt: string;
  /** True once the hook completed. */
  done: boolean;
}

/** One received notification, kept for audit (the body has no card data: HaiPay masks `cardNo`). */
export interface NotificationLogEntry {
  id?: number;
  orderId: string | null;
  receivedAt: string;
  verified: boolean;
  /** What the kit did: `applied`, `duplicate`, `rejected_signature`, `amount_mismatch`, … */
  outcome: string;
  body: string;
}

/** What a transfer is: a refund of a paid order, or a payout to a beneficiary. */
export type TransferKind = 'refund' | 'payout';

/**
 * A transfer's state, forward only ({@link TRANSFER_STATUS_RANK}): `unknown` (reserved; HaiPay's answer
 * not known yet), `pending` (HaiPay accepted it), then `succeeded` or `failed` (final).
 */
export type TransferStatus = 'unknown' | 'pending' | 'succeeded' | 'failed';

/** The forward-only order of {@link TransferStatus}: a transfer moves only to a higher rank. */
export const TRANSFER_STATUS_RANK: Readonly<Record<TransferStatus, number>> = {
  unknown: 0,
  pending: 1,
  succeeded: 2,
  failed: 2,
};

/**
 * A refund or payout the kit made: recorded before HaiPay hears of it, so a crash between the apply
 * and the answer leaves it `unknown` for the reconciler to settle by query, never applied twice.
 * Holds no secret; a payout keeps its beneficiary's account number masked.
 */
export interface TransferRecord {
  /** The kit's id for it, sent to HaiPay as `orderId` (`hpr_…` refunds, `hpo_…` payouts). */
  transferId: string;
  kind: TransferKind;
  /** The configured merchant (appId) it went through, e.g. `USD`, `THB`. */
  merchant: string;
  currency: string;
  /** Decimal text, as sent to or reported by HaiPay (`"25.00"`). */
  amount: string;
  /** Refunds: the refunded order's `orderId`. Null for payouts. */
  paymentOrderId: string | null;
  /** HaiPay's number once known: the `refundNo` of a refund, the `orderNo` of a payout. */
  gatewayNo: string | null;
  status: TransferStatus;
  /** Refunds: the merchant's reason. Payouts: the `subject`, if any. */
  reason: string | null;
  /** Why it failed (HaiPay's `errorMsg`, or `code: msg` of a refused apply). */
  failureReason: string | null;
  /** HaiPay's fee, when reported (payouts). */
  fee: string | null;
  /** Descriptive strings kept with it (payouts: `accountType`, `bankCode`, masked `accountNo`, `name`). */
  details: Record<string, string>;
  /** The caller's idempotency key (unique per kind) and the hash of the request it was first used with. */
  idempotencyKey: string;
  requestHash: string;
  createdAt: string;
  updatedAt: string;
  /** Last time (ms since epoch) HaiPay was queried for it, or null. */
  checkedAt: number | null;
}

/** Fields given when a transfer is created. */
export type NewTransferRecord = Omit<TransferRecord, 'createdAt' | 'updatedAt' | 'checkedAt'>;

/** Fields a transition may set with the status. */
export interface TransferPatch {
  gatewayNo?: string | null;
  failureReason?: string | null;
  fee?: string | null;
}

/** Result of {@link PaymentStore.createTransfer}. */
export type TransferCreate =
  /** Written. */
  | { outcome: 'created'; record: TransferRecord }
  /** The key exists (same kind) with the same request hash: this is its transfer. */
  | { outcome: 'replay'; record: TransferRecord }
  /** The key exists with another request hash. */
  | { outcome: 'conflict'; record: TransferRecord }
  /** A refund of that order exists that has not failed: nothing written; `record` is it. */
  | { outcome: 'active_refund'; record: TransferRecord };

/** Result of {@link PaymentStore.transitionTransfer}. */
export interface TransferTransition {
  /** True only for the one caller whose update moved the status. */
  changed: boolean;
  record: TransferRecord | null;
}

/** Storage for the router. Every method is async so a networked database fits the same interface. */
export interface PaymentStore {
  /** Creates a record; rejects if `orderId` exists. */
  create(record: NewPaymentRecord): Promise<PaymentRecord>;
  /** The record, or null. */
  get(orderId: string): Promise<PaymentRecord | null>;
  /** Sets non-status fields; bumps `version` when anything visible changed. Null when no such order. */
  patch(orderId: string, patch: PaymentPatch): Promise<PaymentRecord | null>;
  /**
   * Moves the status to `to` only if the current status ranks strictly below it (`STATUS_RANK`), in
   * one conditional update, applying `patch` in the same write, and frees a hook claim of the old
   * status ({@link claimHook}) — or, with `options.claimHook`, claims the new status's hook in that
   * same write. `changed` is true for exactly one caller.
   */
  transition(
    orderId: string,
    to: RecordStatus,
    patch?: PaymentPatch,
    options?: TransitionOptions,
  ): Promise<TransitionResult>;
  /** Records that the gateway was just queried for this order. */
  markChecked(orderId: string, at: number): Promise<void>;
  /** Non-final records, least recently checked first. */
  listUnsettled(options?: { limit?: number; checkedBefore?: number }): Promise<PaymentRecord[]>;
  /**
   * Optional (the bundled stores have it): closed payments to ask HaiPay about again, for late money
   * whose notification was lost. A store that has it records, in every {@link transition} of a
   * `payment` to `expired` or `failed`, the time it closed (its own clock); {@link endRecheck} clears
   * that mark. Listed: `payment` records in `expired` or `failed` whose mark is set and at most
   * `windowMs` old at `now`, and that are due — never checked, or checked at least `minGapMs` ago *and*
   * at least as long ago as they had been closed when last checked (so the gaps double with age).
   * Least recently checked first (`checkedAt`, then the close time), at most `limit` (default 100).
   * Without it (and {@link endRecheck}) the reconciler does not ask about closed orders again.
   */
  listRecheckDue?(options: RecheckQuery): Promise<PaymentRecord[]>;
  /**
   * Optional, with {@link listRecheckDue}: HaiPay reported a final state for this closed order (its own
   * close, or money), or has no such order; {@link listRecheckDue} never lists it again.
   */
  endRecheck?(orderId: string): Promise<void>;
  /**
   * Optional (the bundled stores have it; the admin router needs it): orders matching every filter of
   * `query`, newest first (`createdAt`, then `orderId`), at most `query.limit`.
   */
  listOrders?(query: OrderQuery): Promise<PaymentRecord[]>;
  /**
   * Claims the right to run the merchant hook for the record's current `status`. True for one caller
   * until {@link completeHook} (then never again for that status) or until the lease expires. `now` (ms
   * since the epoch) is the caller's clock when one was injected; without it the store times the lease on
   * its own clock (its `now` option; the PostgreSQL store's default is the database's clock). A claim is
   * for one status: {@link transition} frees it, so the new status's hook can be claimed at once.
   */
  claimHook(orderId: string, status: RecordStatus, leaseMs: number, now?: number): Promise<boolean>;
  /**
   * Marks the hook for `status` as done and frees the claim, only while the order is still in `status`:
   * a hook of an earlier status that ends late must not mark the new status done or free its claim.
   */
  completeHook(orderId: string, status: RecordStatus): Promise<void>;
  /**
   * Gives a claim back (the hook threw), so a retry can run it. With `status` (the kit always passes it),
   * only while the order is still in `status`, for the same reason as {@link completeHook}.
   */
  releaseHook(orderId: string, status?: RecordStatus): Promise<void>;
  /**
   * Renews a hook claim that is still held (its hook is still running), so the lease does not expire
   * under a hook that is merely slow. Does nothing when the hook completed or was released.
   */
  renewHookClaim(orderId: string, status: RecordStatus, now?: number): Promise<void>;
  /** Adds a hook event unless one with the same `(orderId, key)` exists; true when it was added. */
  addHookEvent(event: Omit<HookEvent, 'createdAt' | 'done'>): Promise<boolean>;
  /** Claims a pending hook event for `leaseMs` (like {@link claimHook}); true for one caller at a time. */
  claimHookEvent(orderId: string, key: string, leaseMs: number, now?: number): Promise<boolean>;
  /** Renews the claim of a hook event whose hook is still running. */
  renewHookEventClaim(orderId: string, key: string, now?: number): Promise<void>;
  /** Marks a hook event done: it is never claimed again. */
  completeHookEvent(orderId: string, key: string): Promise<void>;
  /** Gives a hook event's claim back (its hook threw), so a retry can run it. */
  releaseHookEvent(orderId: string, key: string): Promise<void>;
  /** Hook events not done yet, oldest first. */
  listPendingHookEvents(limit?: number): Promise<HookEvent[]>;
  /** Records whose current status is in `statuses` and whose hook for it has not completed. */
  listHookPending(statuses: readonly RecordStatus[], limit?: number): Promise<PaymentRecord[]>;
  /**
   * Stores an idempotency key (unique per scope) pointing at `orderId`. When the key exists: `replay`
   * if the request hash matches, `conflict` otherwise.
   */
  reserveIdempotencyKey(
    record: Omit<IdempotencyRecord, 'responseStatus' | 'createdAt'>,
  ): Promise<IdempotencyReservation>;
  /**
   * Stores an idempotency key and creates its order in one atomic step (`record.orderId` is the key's
   * order): a key is never visible without its order, so a concurrent duplicate on any instance always
   * finds the order it refers to. When the key exists, nothing is written: `replay` if the request hash
   * matches, `conflict` otherwise.
   */
  createIdempotent(key: IdempotencyKeyInput, record: NewPaymentRecord): Promise<IdempotentCreate>;
  /**
   * Stores the HTTP status of the first answer given for a key (a key already finished keeps its
   * first). A created order's key is finished beside the transition that records HaiPay's answer, in
   * the same turn: a store that groups writes may commit the two together.
   */
  finishIdempotencyKey(scope: string, key: string, responseStatus: number): Promise<void>;
  /** Appends to the notification log. */
  appendNotification(entry: Omit<NotificationLogEntry, 'id'>): Promise<void>;
  /** The notification log of one order, oldest first. */
  listNotifications(orderId: string): Promise<NotificationLogEntry[]>;
  /**
   * Records a new refund or payout with its idempotency key, in one atomic step: `replay`/`conflict`
   * when the key exists for that kind (nothing written), `active_refund` when a refund of the same
   * `paymentOrderId` exists that has not failed (at most one live refund per order, whoever races).
   */
  createTransfer(record: NewTransferRecord): Promise<TransferCreate>;
  /** The transfer, or null. */
  getTransfer(transferId: string): Promise<TransferRecord | null>;
  /**
   * Moves a transfer's status to `to` only if its rank is strictly below (`TRANSFER_STATUS_RANK`),
   * applying `patch` in the same write; when it moves and `event` is given, the hook event is added in
   * the same transaction (so a final state never exists without its hook event). `changed` is true for
   * exactly one caller.
   */
  transitionTransfer(
    transferId: string,
    to: TransferStatus,
    patch?: TransferPatch,
    event?: Omit<HookEvent, 'createdAt' | 'done'>,
  ): Promise<TransferTransition>;
  /** Records that HaiPay was just queried for this transfer. */
  markTransferChecked(transferId: string, at: number): Promise<void>;
  /** Transfers not final yet (`unknown`, `pending`), least recently checked first. */
  listUnsettledTransfers(options?: { limit?: number }): Promise<TransferRecord[]>;
  /** Transfers, newest first, optionally only of one kind or of one refunded order. */
  listTransfers(options?: {
    kind?: TransferKind;
    paymentOrderId?: string;
    limit?: number;
  }): Promise<TransferRecord[]>;
  /** Releases resources (closes the database). */
  close(): Promise<void>;
  /**
   * Optional: makes every write this store has committed so far durable (survives a power cut), for
   * stores whose commits are durable against a process crash but not yet against a power cut (the
   * SQLite store: WAL with `synchronous = NORMAL`). The checkout awaits it before it promises anything
   * outside the process: before the apply call to HaiPay (the reserved order) and before answering
   * `SUCCESS` to a notification. Concurrent callers may share one sync, but never one that
   * started before their call. Absent or a no-op when every commit is already durable when it resolves
   * (memory: nothing is durable; PostgreSQL: its own commit durability).
   */
  sync?(): Promise<void>;
  /**
   * Optional: watch one record for changes committed by ANY process (e.g. PostgreSQL LISTEN/NOTIFY).
   * When present, the SSE stream uses it in addition to its own in-process events and store polling.
   * Listeners re-read the record; delivery may repeat a version. Returns the function that stops watching.
   */
  subscribe?(orderId: string, listener: (change: { orderId: string; version: number }) => void): () => void;
  /**
   * Optional: whether any other process (another connection to the same database) has committed a
   * change since the previous call. The status streams poll watched orders for other processes' writes
   * only while this says so, so streams cost nothing while nobody else writes. Absent means "unknown":
   * the streams poll on their budget. The SQLite store answers from `PRAGMA data_version`; a store
   * only this process writes (memory) answers false.
   */
  changedElsewhere?(): boolean;
  /**
   * Optional: take or renew a lease so only one instance reconciles at a time. When present, the
   * reconciler skips a pass unless it holds the lease. `now` (ms since the epoch) is the reconciler's
   * clock when one was injected; without it the store times the lease on its own clock.
   */
  tryAcquireReconcilerLease?(leaseMs: number, now?: number): Promise<boolean>;
}
