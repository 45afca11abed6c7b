/**
 * `@haipay-kit/express/sqlite` — the SQLite {@link PaymentStore} on better-sqlite3, the default store.
 *
 * WAL mode with `synchronous = NORMAL`: a commit is in the WAL when it returns, so a process crash loses
 * nothing; {@link SqlitePaymentStore.sync} flushes the WAL once for all commits so far (group commit),
 * and the checkout awaits it before promising anything, so a power cut loses only unpromised writes.
 * Writes made in one turn of the event loop commit together (group commit, store/sqlite-batch.ts); each
 * call settles only once its commit is done. Schema changes are numbered migrations recorded in
 * `haipay_migrations`.
 * Forward-only transitions are one conditional `UPDATE … WHERE status IN (<lower ranks>)`: the database,
 * not the process, decides which of two racing writers wins.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { HaiPayConfigError } from '../errors.js';
import type { RecordStatus } from '../types.js';
import type { OrderQuery } from './order-query.js';
import { createPrivateFile } from './private-file.js';
import {
  idempotencyRecordFromRow,
  notificationFromRow,
  type IdempotencyKeyRow,
  type NotificationRow,
} from './row.js';
import { migrateSqlite } from './sqlite-migrations.js';
import { SqliteWriteBatch } from './sqlite-batch.js';
import { SqliteHooks } from './sqlite-hooks.js';
import { SqliteOrders } from './sqlite-orders.js';
import { WalSync } from './wal-sync.js';
import { SqliteTransfers } from './sqlite-transfers.js';
import type * as Store from './types.js';
import type {
  HookEvent,
  IdempotencyKeyInput,
  IdempotentCreate,
  IdempotencyRecord,
  IdempotencyReservation,
  NewPaymentRecord,
  NotificationLogEntry,
  PaymentPatch,
  PaymentRecord,
  PaymentStore,
  TransitionOptions,
  TransitionResult,
} from './types.js';

/** Options for {@link SqlitePaymentStore}. */
export interface SqlitePaymentStoreOptions {
  /** Database file path (created with its directory if missing), or `:memory:`. */
  filename: string;
  /** Milliseconds to wait for a lock held by another process. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * The clock, in milliseconds since the epoch. Default `Date.now`. It stamps `createdAt`/`updatedAt`,
   * idempotency keys, hook events and migrations, and times hook claims given no time. Tests pass one
   * they can move.
   */
  now?: () => number;
}

/**
 * better-sqlite3, loaded when the first SQLite store is made rather than when this module is imported:
 * it is an optional peer dependency (a native addon), so an application on PostgreSQL never needs it
 * installed — and one that forgot it gets an error naming the command.
 */
function loadBetterSqlite3(): typeof Database {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  } catch (err) {
    throw new HaiPayConfigError(
      'SqlitePaymentStore needs the better-sqlite3 package: npm install better-sqlite3 ' +
        '(or give createHaiPayRouter another `store`, e.g. PostgresPaymentStore).',
      { cause: err },
    );
  }
}

/**
 * A {@link PaymentStore} in one SQLite file. Safe to share between processes on one machine (WAL).
 *
 * @example
 * const store = new SqlitePaymentStore({ filename: './data/haipay.db' });
 */
export class SqlitePaymentStore implements PaymentStore {
  /** The underlying better-sqlite3 handle (for inspection; do not write to the kit's tables). */
  readonly db: Database.Database;
  readonly #now: () => number;
  /** The power-cut barrier: group-committed fsyncs of the `-wal` file (none for `:memory:`). */
  readonly #wal: WalSync;
  /** `PRAGMA data_version` at the last {@link changedElsewhere} call. */
  #dataVersion: number | undefined;
  /** Prepared statements by SQL text: each is compiled once per store, not once per call. */
  readonly #statements = new Map<string, Database.Statement>();
  readonly #transfers: SqliteTransfers;
  readonly #hooks: SqliteHooks;
  readonly #orders: SqliteOrders;
  /** Group commit: the writes of one event-loop turn share one transaction. */
  readonly #batch: SqliteWriteBatch;

  constructor(options: SqlitePaymentStoreOptions) {
    if (!options || typeof options.filename !== 'string' || options.filename === '') {
      throw new HaiPayConfigError(
        'SqlitePaymentStore: `filename` is required, e.g. new SqlitePaymentStore({ filename: "./data/haipay.db" }).',
      );
    }
    // A new database file (and directory) is created private first: SQLite's -wal/-shm copy its mode.
    if (options.filename !== ':memory:') createPrivateFile(options.filename);
    this.#now = options.now ?? Date.now;
    const Driver = loadBetterSqlite3();
    this.db = new Driver(options.filename);
    this.db.pragma('journal_mode = WAL');
    // NORMAL: a commit is in the WAL (safe from a process crash) without its own fsync; sync() makes
    // it power-cut safe, once for every commit so far, before the checkout promises anything.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    this.db.pragma('foreign_keys = ON');
    migrateSqlite(this.db, () => this.#stamp());
    this.#orders = new SqliteOrders({
      db: this.db,
      stmt: (sql) => this.#stmt(sql),
      now: () => this.#now(),
      stamp: () => this.#stamp(),
    });
    this.#hooks = new SqliteHooks({
      stmt: (sql) => this.#stmt(sql),
      now: () => this.#now(),
      stamp: () => this.#stamp(),
    });
    this.#transfers = new SqliteTransfers({
      db: this.db,
      stmt: (sql) => this.#stmt(sql),
      stamp: () => this.#stamp(),
      addHookEvent: (event) => void this.#hooks.addHookEvent(event),
    });
    const walPath = options.filename === ':memory:' ? null : `${resolve(options.filename)}-wal`;
    if (walPath) {
      // Once, at open: a passive checkpoint syncs what is committed (the migrations) into the database
      // file, and the directory is synced so a power cut cannot lose the -wal file's entry itself.
      this.db.pragma('wal_checkpoint(PASSIVE)');
      const dir = openSync(dirname(walPath), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    this.#wal = new WalSync(walPath);
    this.#batch = new SqliteWriteBatch(this.db);
  }

  /**
   * Whether another connection committed since the previous call (`PRAGMA data_version`, which this
   * connection's own commits leave as it is). The first call answers true.
   */
  changedElsewhere(): boolean {
    const version = this.#stmt('PRAGMA data_version').pluck().get() as number;
    const changed = version !== this.#dataVersion;
    this.#dataVersion = version;
    return changed;
  }

  /** How many WAL fsyncs {@link sync} has run (callers that shared one count once). */
  get syncCount(): number {
    return this.#wal.count;
  }

  /**
   * Makes every transaction committed through any connection so far durable against a power cut:
   * fsyncs the `-wal` file off the event loop (libuv's pool). Group commit: callers that arrive while
   * an fsync runs share the next one, never one that started before their call.
   */
  sync(): Promise<void> {
    return this.#wal.sync();
  }

  /** The clock's time as an ISO 8601 timestamp. */
  #stamp(): string {
    return new Date(this.#now()).toISOString();
  }

  /**
   * The prepared statement for `sql`, compiled on first use and kept for the store's life. The texts
   * are a small fixed set (the dynamic ones vary only by which patch columns or statuses they name).
   */
  #stmt(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async create(input: NewPaymentRecord): Promise<PaymentRecord> {
    return this.#batch.run(() => this.#orders.insert(input));
  }

  async get(orderId: string): Promise<PaymentRecord | null> {
    return this.#orders.get(orderId);
  }

  async patch(orderId: string, patch: PaymentPatch): Promise<PaymentRecord | null> {
    return this.#batch.run(() => this.#orders.patch(orderId, patch));
  }

  async transition(
    orderId: string,
    to: RecordStatus,
    patch: PaymentPatch = {},
    options: TransitionOptions = {},
  ): Promise<TransitionResult> {
    return this.#batch.run(() => this.#orders.transition(orderId, to, patch, options));
  }

  async markChecked(orderId: string, at: number): Promise<void> {
    return this.#batch.run(() => this.#orders.markChecked(orderId, at));
  }

  async listUnsettled(options: { limit?: number; checkedBefore?: number } = {}): Promise<PaymentRecord[]> {
    return this.#orders.listUnsettled(options);
  }

  async listRecheckDue(query: Store.RecheckQuery): Promise<PaymentRecord[]> {
    return this.#orders.listRecheckDue(query);
  }

  async endRecheck(orderId: string): Promise<void> {
    return this.#batch.run(() => this.#orders.endRecheck(orderId));
  }

  async listOrders(query: OrderQuery): Promise<PaymentRecord[]> {
    return this.#orders.list(query);
  }

  async claimHook(orderId: string, status: RecordStatus, leaseMs: number, now?: number): Promise<boolean> {
    return this.#batch.run(() => this.#hooks.claimHook(orderId, status, leaseMs, now));
  }

  async completeHook(orderId: string, status: RecordStatus): Promise<void> {
    return this.#batch.run(() => this.#hooks.completeHook(orderId, status));
  }

  async releaseHook(orderId: string, status?: RecordStatus): Promise<void> {
    return this.#batch.run(() => this.#hooks.releaseHook(orderId, status));
  }

  async renewHookClaim(orderId: string, status: RecordStatus, now?: number): Promise<void> {
    return this.#batch.run(() => this.#hooks.renewHookClaim(orderId, status, now));
  }

  async addHookEvent(event: Omit<HookEvent, 'createdAt' | 'done'>): Promise<boolean> {
    return this.#batch.run(() => this.#hooks.addHookEvent(event));
  }

  async claimHookEvent(orderId: string, key: string, leaseMs: number, now?: number): Promise<boolean> {
    return this.#batch.run(() => this.#hooks.claimHookEvent(orderId, key, leaseMs, now));
  }

  async renewHookEventClaim(orderId: string, key: string, now?: number): Promise<void> {
    return this.#batch.run(() => this.#hooks.renewHookEventClaim(orderId, key, now));
  }

  async completeHookEvent(orderId: string, key: string): Promise<void> {
    return this.#batch.run(() => this.#hooks.completeHookEvent(orderId, key));
  }

  async releaseHookEvent(orderId: string, key: string): Promise<void> {
    return this.#batch.run(() => this.#hooks.releaseHookEvent(orderId, key));
  }

  async listPendingHookEvents(limit = 100): Promise<HookEvent[]> {
    return this.#hooks.listPendingHookEvents(limit);
  }

  async listHookPending(statuses: readonly RecordStatus[], limit = 100): Promise<PaymentRecord[]> {
    return this.#hooks.listHookPending(statuses, limit);
  }

  async reserveIdempotencyKey(
    input: Omit<IdempotencyRecord, 'responseStatus' | 'createdAt'>,
  ): Promise<IdempotencyReservation> {
    return this.#batch.run((): IdempotencyReservation => {
      // The (scope, key) primary key makes the insert the arbiter between two racing requests.
      const info = this.#stmt(
        `INSERT INTO haipay_idempotency_keys (scope, key, request_hash, order_id, created_at)
           VALUES (?, ?, ?, ?, ?) ON CONFLICT (scope, key) DO NOTHING`,
      ).run(input.scope, input.key, input.requestHash, input.orderId, this.#stamp());
      if (info.changes === 1) return { outcome: 'reserved' };
      const record = this.#readKey(input.scope, input.key);
      return { outcome: record.requestHash === input.requestHash ? 'replay' : 'conflict', record };
    });
  }

  async createIdempotent(key: IdempotencyKeyInput, record: NewPaymentRecord): Promise<IdempotentCreate> {
    // One IMMEDIATE transaction: the key and its order commit together or not at all, and a second
    // process waits for the first to commit before it looks (busy_timeout).
    const tx = this.db.transaction((): IdempotentCreate => {
      const info = this.#stmt(
        `INSERT INTO haipay_idempotency_keys (scope, key, request_hash, order_id, created_at)
           VALUES (?, ?, ?, ?, ?) ON CONFLICT (scope, key) DO NOTHING`,
      ).run(key.scope, key.key, key.requestHash, record.orderId, this.#stamp());
      if (info.changes === 1) return { outcome: 'created', record: this.#orders.insert(record) };
      const existing = this.#readKey(key.scope, key.key);
      return existing.requestHash === key.requestHash
        ? { outcome: 'replay', key: existing }
        : { outcome: 'conflict', key: existing };
    });
    return this.#batch.run(() => tx.immediate());
  }

  #readKey(scope: string, key: string): IdempotencyRecord {
    const row = this.#stmt('SELECT * FROM haipay_idempotency_keys WHERE scope = ? AND key = ?').get(
      scope,
      key,
    ) as IdempotencyKeyRow;
    return idempotencyRecordFromRow(row);
  }

  async finishIdempotencyKey(scope: string, key: string, responseStatus: number): Promise<void> {
    await this.#batch.run(() =>
      this.#stmt(
        'UPDATE haipay_idempotency_keys SET response_status = ? WHERE scope = ? AND key = ? AND response_status IS NULL',
      ).run(responseStatus, scope, key),
    );
  }

  async appendNotification(entry: Omit<NotificationLogEntry, 'id'>): Promise<void> {
    await this.#batch.run(() =>
      this.#stmt(
        'INSERT INTO haipay_notifications (order_id, received_at, verified, outcome, body) VALUES (?, ?, ?, ?, ?)',
      ).run(entry.orderId, entry.receivedAt, entry.verified ? 1 : 0, entry.outcome, entry.body),
    );
  }

  async listNotifications(orderId: string): Promise<NotificationLogEntry[]> {
    const rows = this.#stmt('SELECT * FROM haipay_notifications WHERE order_id = ? ORDER BY id').all(
      orderId,
    ) as NotificationRow[];
    return rows.map(notificationFromRow);
  }

  async createTransfer(input: Store.NewTransferRecord): Promise<Store.TransferCreate> {
    return this.#batch.run(() => this.#transfers.create(input));
  }

  async getTransfer(transferId: string): Promise<Store.TransferRecord | null> {
    return this.#transfers.get(transferId);
  }

  async transitionTransfer(
    transferId: string,
    to: Store.TransferStatus,
    patch: Store.TransferPatch = {},
    event?: Omit<HookEvent, 'createdAt' | 'done'>,
  ): Promise<Store.TransferTransition> {
    return this.#batch.run(() => this.#transfers.transition(transferId, to, patch, event));
  }

  async markTransferChecked(transferId: string, at: number): Promise<void> {
    return this.#batch.run(() => this.#transfers.markChecked(transferId, at));
  }

  async listUnsettledTransfers(options: { limit?: number } = {}): Promise<Store.TransferRecord[]> {
    return this.#transfers.listUnsettled(options.limit ?? 100);
  }

  async listTransfers(
    options: { kind?: Store.TransferKind; paymentOrderId?: string; limit?: number } = {},
  ): Promise<Store.TransferRecord[]> {
    return this.#transfers.list(options);
  }

  async close(): Promise<void> {
    // Writes still queued for this turn's commit are committed first.
    if (this.db.open) this.#batch.flush();
    // The WAL's descriptor goes first (after any flush still running): SQLite may delete the file.
    await this.#wal.close();
    if (this.db.open) this.db.close();
  }
}
