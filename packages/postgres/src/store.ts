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
import {
  ChangeFeed,
  type ChangeFeedState,
  type PaymentChange,
  type PaymentChangeListener,
} from './change-feed.js';
import { listenerConfig, openPool, type PostgresPaymentStoreOptions } from './connection.js';
import {
  STATUS_RANK,
  isFinalStatus,
  orderQuerySql,
  recordFromRow,
  type PaymentRow,
  type RecordStatus,
} from './express.js';
import type { PaymentStore } from './express.js';
// The contract's record types, as `Store.PaymentRecord` and so on.
import type * as Store from './express.js';
import { HookEventTable } from './hook-events.js';
import { IdempotencyTable } from './idempotency.js';
import { PaymentHookTable } from './payment-hooks.js';
import { appendNotification, listNotifications, patchSets, rankOf, stampOf } from './sql.js';
import { LeaseTable } from './leases.js';
import { TransferTable } from './transfers.js';
import { changeChannel, migrate } from './migrations.js';

/** Lease name of the reconciler: the instance holding it is the only one querying unsettled orders. */
export const RECONCILER_LEASE = 'reconciler';

const FINAL_STATUSES = (Object.keys(STATUS_RANK) as RecordStatus[]).filter(isFinalStatus);

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
  readonly #t: {
    payments: string;
    keys: string;
    notifications: string;
    leases: string;
    events: string;
    transfers: string;
  };
  readonly #ready: Promise<void>;
  readonly #feed: ChangeFeed;
  readonly #hooks: PaymentHookTable;
  readonly #events: HookEventTable;
  readonly #leases: LeaseTable;
  readonly #keys: IdempotencyTable;
  readonly #transfers: TransferTable;
  /** The `now` option's time, or null: the database's clock decides. */
  readonly #clock: () => number | null;
  #closed = false;

  constructor(options: PostgresPaymentStoreOptions) {
    const { schema, pool, ownsPool } = openPool(options);
    this.schema = schema;
    this.pool = pool;
    this.#ownsPool = ownsPool;
    const s = pg.escapeIdentifier(schema);
    this.#t = {
      payments: `${s}.haipay_payments`,
      keys: `${s}.haipay_idempotency_keys`,
      notifications: `${s}.haipay_notifications`,
      leases: `${s}.haipay_leases`,
      events: `${s}.haipay_hook_events`,
      transfers: `${s}.haipay_transfers`,
    };
    this.#ready = migrate(this.pool, s, schema);
    // Methods await #ready and see its rejection; this only keeps an unused store from crashing the process.
    this.#ready.catch(() => {});
    const clientConfig = listenerConfig(pool);
    this.#feed = new ChangeFeed(
      () => new pg.Client(clientConfig),
      changeChannel(schema),
      (ids) => this.#readVersions(ids),
      { ...options.changeFeed, onError: options.onError ?? (() => {}) },
    );
    const query = <R extends pg.QueryResultRow>(text: string, params?: unknown[]) =>
      this.#query<R>(text, params);
    const now = options.now;
    this.#clock = now ? () => now() : () => null;
    this.#hooks = new PaymentHookTable(query, this.#t.payments, this.#clock);
    this.#events = new HookEventTable(query, this.#t.events, this.#clock);
    this.#leases = new LeaseTable(query, this.#t.leases, this.#clock, this.instanceId);
    this.#keys = new IdempotencyTable(query, this.#t.keys, this.#clock);
    this.#transfers = new TransferTable(query, this.#t.transfers, this.#clock);
  }

  /** Resolves once the schema is migrated; rejects with the connection or migration error. */
  ready(): Promise<void> {
    return this.#ready;
  }

  async #query<R extends pg.QueryResultRow>(
    text: string,
    params: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    if (this.#closed) throw new Error('PostgresPaymentStore: the store is closed.');
    await this.#ready;
    return this.pool.query<R>(text, params);
  }

  /** Tells this process's subscribers at once; other instances hear it through the trigger's NOTIFY. */
  #changed(record: Store.PaymentRecord | null): void {
    if (record) this.#feed.publish({ orderId: record.orderId, version: record.version });
  }

  async create(input: Store.NewPaymentRecord): Promise<Store.PaymentRecord> {
    return this.#insert(input, (text, params) => this.#query<PaymentRow>(text, params));
  }

  async #insert(
    input: Store.NewPaymentRecord,
    run: (text: string, params: unknown[]) => Promise<pg.QueryResult<PaymentRow>>,
  ): Promise<Store.PaymentRecord> {
    const { rows } = await run(
      `INSERT INTO ${this.#t.payments} (order_id, kind, merchant, method, amount, currency, subject, order_ref,
         buyer_id, status, status_rank, order_no, next_json, expires_at, failure_reason, return_url, metadata_json,
         created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
         COALESCE($18::timestamptz, now()), COALESCE($18::timestamptz, now()))
       RETURNING *`,
      [
        input.orderId,
        input.kind,
        input.merchant,
        input.method,
        input.amount,
        input.currency,
        input.subject,
        input.orderRef,
        input.buyerId,
        input.status,
        rankOf(input.status),
        input.orderNo,
        input.next ? JSON.stringify(input.next) : null,
        input.expiresAt,
        input.failureReason,
        input.returnUrl,
        JSON.stringify(input.metadata ?? {}),
        input.createdAt ?? stampOf(this.#clock()),
      ],
    );
    return recordFromRow(rows[0]!);
  }

  async get(orderId: string): Promise<Store.PaymentRecord | null> {
    const { rows } = await this.#query<PaymentRow>(`SELECT * FROM ${this.#t.payments} WHERE order_id = $1`, [
      orderId,
    ]);
    return rows[0] ? recordFromRow(rows[0]) : null;
  }

  async patch(orderId: string, patch: Store.PaymentPatch): Promise<Store.PaymentRecord | null> {
    const params: unknown[] = [orderId, stampOf(this.#clock())];
    const sets = patchSets(patch, params);
    if (sets.length > 0) {
      // One statement: the version moves only when a value really differs (`IS DISTINCT FROM` treats
      // NULLs as values), so a no-op patch is not an event for the status streams.
      const { rows } = await this.#query<PaymentRow>(
        `UPDATE ${this.#t.payments}
            SET ${sets.map((s) => `${s.col} = ${s.ref}`).join(', ')}, version = version + 1,
                updated_at = COALESCE($2::timestamptz, now())
          WHERE order_id = $1 AND (${sets.map((s) => `${s.col} IS DISTINCT FROM ${s.ref}`).join(' OR ')})
          RETURNING *`,
        params,
      );
      if (rows[0]) {
        const record = recordFromRow(rows[0]);
        this.#changed(record);
        return record;
      }
    }
    return this.get(orderId);
  }

  async transition(
    orderId: string,
    to: RecordStatus,
    patch: Store.PaymentPatch = {},
  ): Promise<Store.TransitionResult> {
    const params: unknown[] = [orderId, to, rankOf(to), stampOf(this.#clock())];
    const sets = patchSets(patch, params);
    // The forward-only rule is the WHERE clause: of two racing writers the database lets one through;
    // the other's row no longer matches after the first commits (READ COMMITTED re-checks it).
    const { rows } = await this.#query<PaymentRow>(
      `UPDATE ${this.#t.payments}
          SET status = $2, status_rank = $3, ${sets.map((s) => `${s.col} = ${s.ref}, `).join('')}
              version = version + 1, updated_at = COALESCE($4::timestamptz, now())
        WHERE order_id = $1 AND status_rank < $3
        RETURNING *`,
      params,
    );
    if (rows[0]) {
      const record = recordFromRow(rows[0]);
      this.#changed(record);
      return { changed: true, record };
    }
    return { changed: false, record: await this.get(orderId) };
  }

  async markChecked(orderId: string, at: number): Promise<void> {
    await this.#query(`UPDATE ${this.#t.payments} SET checked_at = $2 WHERE order_id = $1`, [orderId, at]);
  }

  async listUnsettled(
    options: { limit?: number; checkedBefore?: number } = {},
  ): Promise<Store.PaymentRecord[]> {
    const { limit = 100, checkedBefore } = options;
    const { rows } = await this.#query<PaymentRow>(
      `SELECT * FROM ${this.#t.payments}
        WHERE status <> ALL($1::text[])
          AND ($2::bigint IS NULL OR checked_at IS NULL OR checked_at < $2::bigint)
        ORDER BY COALESCE(checked_at, 0), created_at, order_id
        LIMIT $3`,
      [FINAL_STATUSES, checkedBefore ?? null, limit],
    );
    return rows.map(recordFromRow);
  }

  async listOrders(query: Store.OrderQuery): Promise<Store.PaymentRecord[]> {
    const { text, params } = orderQuerySql(this.#t.payments, query, 'postgres');
    return (await this.#query<PaymentRow>(text, params)).rows.map(recordFromRow);
  }

  claimHook(orderId: string, status: RecordStatus, leaseMs: number, now?: number): Promise<boolean> {
    return this.#hooks.claimHook(orderId, status, leaseMs, now);
  }

  completeHook(orderId: string, status: RecordStatus): Promise<void> {
    return this.#hooks.complete(orderId, status);
  }

  releaseHook(orderId: string): Promise<void> {
    return this.#hooks.release(orderId);
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
    if (this.#closed) throw new Error('PostgresPaymentStore: the store is closed.');
    await this.#ready;
    return this.#keys.create(this.pool, key, record.orderId, (run) =>
      this.#insert(record, (text, params) => run(text, params) as Promise<pg.QueryResult<PaymentRow>>),
    );
  }

  finishIdempotencyKey(scope: string, key: string, responseStatus: number): Promise<void> {
    return this.#keys.finish(scope, key, responseStatus);
  }

  appendNotification(entry: Omit<Store.NotificationLogEntry, 'id'>): Promise<void> {
    return appendNotification(this.#query.bind(this), this.#t.notifications, entry);
  }

  listNotifications(orderId: string): Promise<Store.NotificationLogEntry[]> {
    return listNotifications(this.#query.bind(this), this.#t.notifications, orderId);
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

  async #readVersions(orderIds: string[]): Promise<PaymentChange[]> {
    const { rows } = await this.#query<{ order_id: string; version: number }>(
      `SELECT order_id, version FROM ${this.#t.payments} WHERE order_id = ANY($1::text[])`,
      [orderIds],
    );
    return rows.map((r) => ({ orderId: r.order_id, version: r.version }));
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
    const connect = async () => {
      if (this.#closed) throw new Error('PostgresPaymentStore: the store is closed.');
      await this.#ready;
      return this.pool.connect();
    };
    return this.#transfers.transition(connect, this.#t.events, transferId, to, patch, event);
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
    await this.#ready
      .then(() => this.pool.query(`DELETE FROM ${this.#t.leases} WHERE holder = $1`, [this.instanceId]))
      .catch(() => {});
    this.#closed = true;
    if (this.#ownsPool) await this.pool.end();
  }
}
