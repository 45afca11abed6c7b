/**
 * PostgreSQL {@link PaymentStore}: the same contract and semantics as the SQLite store, for several
 * server instances sharing one database.
 *
 * Every race is decided by one statement in the database, never by a read-then-write in the process:
 * transitions are `UPDATE … WHERE status_rank < $n RETURNING *`, idempotency keys are
 * `INSERT … ON CONFLICT DO NOTHING`, hook claims and the reconciler lease are conditional writes with
 * an expiry. Identifiers (the schema) are quoted once at construction; every value is a parameter.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ChangeFeed, type ChangeFeedState, type PaymentChangeListener } from './change-feed.js';
import { listenerConfig, openPool, type PostgresPaymentStoreOptions } from './connection.js';
import { recordFromRow, type PaymentStore, type RecordStatus } from './express.js';
// The contract's record types, as `Store.PaymentRecord` and so on.
import type * as Store from './express.js';
import { HookEventTable } from './hook-events.js';
import { IdempotencyTable } from './idempotency.js';
import { PaymentHookTable } from './payment-hooks.js';
import { PaymentTable } from './payments.js';
import { appendNotification, listNotifications } from './sql.js';
import { LeaseTable } from './leases.js';
import { TransferTable } from './transfers.js';
import { changeChannel, migrate } from './migrations.js';

/** Lease name of the reconciler: the instance holding it is the only one querying unsettled orders. */
export const RECONCILER_LEASE = 'reconciler';

/**
 * A {@link PaymentStore} in PostgreSQL, shared by any number of server instances. Migrations run on
 * first use (await {@link ready} to fail fast at start-up). Besides the `PaymentStore` methods it offers
 * {@link subscribe} (changes committed by any instance) and {@link tryAcquireReconcilerLease}.
 *
 * @example
 * const store = new PostgresPaymentStore({ connectionString: process.env.DATABASE_URL });
 * await store.ready();
 * app.use('/haipay', createHaiPayRouter({ ..., store }));
 */
export class PostgresPaymentStore implements PaymentStore {
  /** The pool every query runs on. */
  readonly pool: pg.Pool;
  /** The schema name (unquoted). */
  readonly schema: string;
  /**
   * This instance's id (random per store object): the `holder` of the lease rows it takes
   * (`haipay_leases`), and what the reconciler's debug log names as the instance reconciling.
   */
  readonly instanceId: string = randomUUID();
  readonly #ownsPool: boolean;
  /** The notification log's quoted name. */
  readonly #notifications: string;
  readonly #ready: Promise<void>;
  readonly #feed: ChangeFeed;
  readonly #payments: PaymentTable;
  readonly #hooks: PaymentHookTable;
  readonly #events: HookEventTable;
  readonly #leases: LeaseTable;
  readonly #keys: IdempotencyTable;
  readonly #transfers: TransferTable;
  #closed = false;

  constructor(options: PostgresPaymentStoreOptions) {
    const { schema, pool, ownsPool } = openPool(options);
    this.schema = schema;
    this.pool = pool;
    this.#ownsPool = ownsPool;
    const s = pg.escapeIdentifier(schema);
    const table = (name: string) => `${s}.haipay_${name}`;
    this.#notifications = table('notifications');
    this.#ready = migrate(this.pool, s, schema);
    // Methods await #ready and see its rejection; this only keeps an unused store from crashing the process.
    this.#ready.catch(() => {});
    const clientConfig = listenerConfig(pool);
    this.#feed = new ChangeFeed(
      () => new pg.Client(clientConfig),
      changeChannel(schema),
      (ids) => this.#payments.versions(ids),
      { ...options.changeFeed, onError: options.onError ?? (() => {}) },
    );
    const query = <R extends pg.QueryResultRow>(text: string, params?: unknown[]) =>
      this.#query<R>(text, params);
    // The `now` option's time, or null: the database's clock decides.
    const now = options.now;
    const clock = now ? () => now() : () => null;
    // A version bump tells this process's subscribers at once; other instances hear it through the
    // trigger's NOTIFY.
    this.#payments = new PaymentTable(query, table('payments'), clock, (record) =>
      this.#feed.publish({ orderId: record.orderId, version: record.version }),
    );
    this.#hooks = new PaymentHookTable(query, table('payments'), clock);
    this.#events = new HookEventTable(query, table('hook_events'), clock);
    this.#leases = new LeaseTable(query, table('leases'), clock, this.instanceId);
    this.#keys = new IdempotencyTable(query, table('idempotency_keys'), clock);
    this.#transfers = new TransferTable(query, table('transfers'), clock);
  }

  /** Resolves once the schema is migrated; rejects with the connection or migration error. */
  ready(): Promise<void> {
    return this.#ready;
  }

  async #query<R extends pg.QueryResultRow>(
    text: string,
    params: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    await this.#open();
    return this.pool.query<R>(text, params);
  }

  /** A connection of its own from the pool, for a transaction (the caller releases it). */
  async #connect(): Promise<pg.PoolClient> {
    await this.#open();
    return this.pool.connect();
  }

  async #open(): Promise<void> {
    if (this.#closed) throw new Error('PostgresPaymentStore: the store is closed.');
    await this.#ready;
  }

  create(input: Store.NewPaymentRecord): Promise<Store.PaymentRecord> {
    return this.#payments.insert(input);
  }

  get(orderId: string): Promise<Store.PaymentRecord | null> {
    return this.#payments.get(orderId);
  }

  patch(orderId: string, patch: Store.PaymentPatch): Promise<Store.PaymentRecord | null> {
    return this.#payments.patch(orderId, patch);
  }

  transition(
    orderId: string,
    to: RecordStatus,
    patch: Store.PaymentPatch = {},
    options: Store.TransitionOptions = {},
  ): Promise<Store.TransitionResult> {
    return this.#payments.transition(orderId, to, patch, options);
  }

  markChecked(orderId: string, at: number): Promise<void> {
    return this.#payments.markChecked(orderId, at);
  }

  listUnsettled(options: { limit?: number; checkedBefore?: number } = {}): Promise<Store.PaymentRecord[]> {
    return this.#payments.listUnsettled(options.limit ?? 100, options.checkedBefore);
  }

  listRecheckDue(query: Store.RecheckQuery): Promise<Store.PaymentRecord[]> {
    return this.#payments.listRecheckDue(query);
  }

  endRecheck(orderId: string): Promise<void> {
    return this.#payments.endRecheck(orderId);
  }

  listOrders(query: Store.OrderQuery): Promise<Store.PaymentRecord[]> {
    return this.#payments.list(query);
  }

  claimHook(orderId: string, status: RecordStatus, leaseMs: number, now?: number): Promise<boolean> {
    return this.#hooks.claimHook(orderId, status, leaseMs, now);
  }

  completeHook(orderId: string, status: RecordStatus): Promise<void> {
    return this.#hooks.complete(orderId, status);
  }

  releaseHook(orderId: string, status?: RecordStatus): Promise<void> {
    return this.#hooks.release(orderId, status);
  }

  renewHookClaim(orderId: string, status: RecordStatus, now?: number): Promise<void> {
    return this.#hooks.renew(orderId, status, now);
  }

  addHookEvent(event: Omit<Store.HookEvent, 'createdAt' | 'done'>): Promise<boolean> {
    return this.#events.add(event);
  }

  claimHookEvent(orderId: string, key: string, leaseMs: number, now?: number): Promise<boolean> {
    return this.#events.claimEvent(orderId, key, leaseMs, now);
  }

  renewHookEventClaim(orderId: string, key: string, now?: number): Promise<void> {
    return this.#events.renew(orderId, key, now);
  }

  completeHookEvent(orderId: string, key: string): Promise<void> {
    return this.#events.complete(orderId, key);
  }

  releaseHookEvent(orderId: string, key: string): Promise<void> {
    return this.#events.release(orderId, key);
  }

  listPendingHookEvents(limit = 100): Promise<Store.HookEvent[]> {
    return this.#events.listPending(limit);
  }

  listHookPending(statuses: readonly RecordStatus[], limit = 100): Promise<Store.PaymentRecord[]> {
    return this.#hooks.listPending(statuses, limit);
  }

  reserveIdempotencyKey(
    input: Omit<Store.IdempotencyRecord, 'responseStatus' | 'createdAt'>,
  ): Promise<Store.IdempotencyReservation> {
    return this.#keys.reserve(input);
  }

  async createIdempotent(
    key: Store.IdempotencyKeyInput,
    record: Store.NewPaymentRecord,
  ): Promise<Store.IdempotentCreate> {
    const created = await this.#keys.create(key, record.orderId, this.#payments.insertParts(record));
    if ('row' in created) return { outcome: 'created', record: recordFromRow(created.row) };
    const { existing } = created;
    return { outcome: existing.requestHash === key.requestHash ? 'replay' : 'conflict', key: existing };
  }

  finishIdempotencyKey(scope: string, key: string, responseStatus: number): Promise<void> {
    return this.#keys.finish(scope, key, responseStatus);
  }

  appendNotification(entry: Omit<Store.NotificationLogEntry, 'id'>): Promise<void> {
    return appendNotification(this.#query.bind(this), this.#notifications, entry);
  }

  listNotifications(orderId: string): Promise<Store.NotificationLogEntry[]> {
    return listNotifications(this.#query.bind(this), this.#notifications, orderId);
  }

  /**
   * Calls `listener` whenever any instance commits a change (a version bump) to `orderId`: at once for
   * this process's own writes, within milliseconds through `LISTEN/NOTIFY` for other instances', and
   * within the polling interval (default 500 ms) while the listener connection is down. At least once
   * per version, never an older version after a newer one; the listener should re-read the record.
   * Returns the function that stops the subscription.
   */
  subscribe(orderId: string, listener: PaymentChangeListener): () => void {
    return this.#feed.subscribe(orderId, listener);
  }

  /** State of the cross-instance change feed (`listening`, or polling in any other state). */
  get changeFeedState(): ChangeFeedState {
    return this.#feed.state;
  }

  /** Backend pid of the `LISTEN` connection while listening (diagnostics; tests terminate it). */
  get listenerPid(): number | null {
    return this.#feed.listenerPid;
  }

  /**
   * True when this instance ({@link instanceId}) holds the reconciler lease for the next `leaseMs`
   * (taking it when it is free or expired, renewing it when already held). Call it on every reconciler
   * tick with a lease longer than the tick; an instance that dies stops renewing and another takes over
   * at its first tick after the lease expired. Timed on the database clock, unless `now` (ms since the
   * epoch) is given or the store has a `now` option.
   *
   * The lease is one row of `haipay_leases` (`name` = {@link RECONCILER_LEASE}, `holder` = the holding
   * store's {@link instanceId}, `expires_at`), taken or renewed by a single conditional upsert.
   */
  tryAcquireReconcilerLease(leaseMs: number, now?: number): Promise<boolean> {
    return this.tryAcquireLease(RECONCILER_LEASE, leaseMs, now);
  }

  /** Who holds the reconciler lease and until when (ISO 8601), or null when nobody does. For logs. */
  reconcilerLeaseHolder(): Promise<{ holder: string; expiresAt: string } | null> {
    return this.leaseHolder(RECONCILER_LEASE);
  }

  /** {@link reconcilerLeaseHolder} for any named lease: its unexpired holder, or null. */
  leaseHolder(name: string): Promise<{ holder: string; expiresAt: string } | null> {
    return this.#leases.holder(name);
  }

  /** {@link tryAcquireReconcilerLease} for any named singleton job. */
  tryAcquireLease(name: string, leaseMs: number, now?: number): Promise<boolean> {
    return this.#leases.tryAcquire(name, leaseMs, now);
  }

  /** Gives up a lease this instance holds, so another instance can take it at once. */
  releaseLease(name: string = RECONCILER_LEASE): Promise<void> {
    return this.#leases.release(name);
  }

  createTransfer(input: Store.NewTransferRecord): Promise<Store.TransferCreate> {
    return this.#transfers.create(input);
  }

  getTransfer(transferId: string): Promise<Store.TransferRecord | null> {
    return this.#transfers.get(transferId);
  }

  transitionTransfer(
    transferId: string,
    to: Store.TransferStatus,
    patch: Store.TransferPatch = {},
    event?: Omit<Store.HookEvent, 'createdAt' | 'done'>,
  ): Promise<Store.TransferTransition> {
    return this.#transfers.transition(
      () => this.#connect(),
      (e, run) => this.#events.add(e, run),
      transferId,
      to,
      patch,
      event,
    );
  }

  markTransferChecked(transferId: string, at: number): Promise<void> {
    return this.#transfers.markChecked(transferId, at);
  }

  listUnsettledTransfers(options: { limit?: number } = {}): Promise<Store.TransferRecord[]> {
    return this.#transfers.listUnsettled(options.limit ?? 100);
  }

  listTransfers(
    options: { kind?: Store.TransferKind; paymentOrderId?: string; limit?: number } = {},
  ): Promise<Store.TransferRecord[]> {
    return this.#transfers.list(options);
  }

  /** Nothing to sync: a PostgreSQL commit is durable when it resolves (the server's own `synchronous_commit`). */
  async sync(): Promise<void> {}

  /**
   * Stops the change feed, gives up leases this instance holds, and ends the pool if the store made it
   * (a pool given in the options stays open: its owner ends it).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#feed.close();
    await this.#leases.releaseAll().catch(() => {});
    this.#closed = true;
    if (this.#ownsPool) await this.pool.end();
  }
}
