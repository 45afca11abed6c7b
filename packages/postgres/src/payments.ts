/**
 * The `haipay_payments` table of the PostgreSQL store: the orders themselves. A transition is one
 * `UPDATE … WHERE status_rank < $n RETURNING *`, so of any number of racing writers on any instance the
 * database lets exactly one through; a patch moves the version only when a value really differs. Every
 * committed version bump is told to the store (`changed`), which tells this process's status streams.
 */
import {
  STATUS_RANK,
  isFinalStatus,
  marksRecheck,
  orderQuerySql,
  recheckSql,
  recordFromRow,
  type PaymentRow,
  type RecordStatus,
} from './express.js';
import type * as Store from './express.js';
import type { PaymentChange } from './change-feed.js';
import {
  DB_NOW_MS,
  Table,
  patchSets,
  rankOf,
  stampOf,
  type Clock,
  type InsertParts,
  type Query,
} from './sql.js';

const FINAL_STATUSES = (Object.keys(STATUS_RANK) as RecordStatus[]).filter(isFinalStatus);

/** The payment statements. */
export class PaymentTable extends Table {
  readonly #changed: (record: Store.PaymentRecord) => void;

  /** `changed` hears every record whose version this table moved, once it is committed. */
  constructor(query: Query, table: string, clock: Clock, changed: (record: Store.PaymentRecord) => void) {
    super(query, table, clock);
    this.#changed = changed;
  }

  /**
   * The INSERT of a new order in parts — its columns, its value expressions and their parameters
   * ($1…) — so that another statement can carry it (the idempotent create writes the key and the order
   * in one statement). Every value is cast to its column's type, so the expressions also work in an
   * `INSERT … SELECT`, where an untyped parameter would be read as text.
   */
  insertParts(input: Store.NewPaymentRecord): InsertParts {
    return {
      table: this.table,
      columns: `order_id, kind, merchant, method, amount, currency, subject, order_ref, buyer_id, status,
         status_rank, order_no, next_json, expires_at, failure_reason, return_url, metadata_json, created_at,
         updated_at`,
      values: `$1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text,
         $10::text, $11::smallint, $12::text, $13::text, $14::text, $15::text, $16::text, $17::text,
         COALESCE($18::timestamptz, now()), COALESCE($18::timestamptz, now())`,
      params: [
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
        input.createdAt ?? stampOf(this.clock()),
      ],
    };
  }

  /** Inserts a new order. */
  async insert(input: Store.NewPaymentRecord): Promise<Store.PaymentRecord> {
    const { columns, values, params } = this.insertParts(input);
    const { rows } = await this.query<PaymentRow>(
      `INSERT INTO ${this.table} (${columns}) VALUES (${values}) RETURNING *`,
      params,
    );
    return recordFromRow(rows[0] as PaymentRow);
  }

  async get(orderId: string): Promise<Store.PaymentRecord | null> {
    const { rows } = await this.query<PaymentRow>(`SELECT * FROM ${this.table} WHERE order_id = $1`, [
      orderId,
    ]);
    return rows[0] ? recordFromRow(rows[0]) : null;
  }

  async patch(orderId: string, patch: Store.PaymentPatch): Promise<Store.PaymentRecord | null> {
    const params: unknown[] = [orderId, stampOf(this.clock())];
    const sets = patchSets(patch, params);
    if (sets.length > 0) {
      // One statement: the version moves only when a value really differs (`IS DISTINCT FROM` treats
      // NULLs as values), so a no-op patch is not an event for the status streams.
      const { rows } = await this.query<PaymentRow>(
        `UPDATE ${this.table}
            SET ${sets.map((s) => `${s.col} = ${s.ref}`).join(', ')}, version = version + 1,
                updated_at = COALESCE($2::timestamptz, now())
          WHERE order_id = $1 AND (${sets.map((s) => `${s.col} IS DISTINCT FROM ${s.ref}`).join(' OR ')})
          RETURNING *`,
        params,
      );
      if (rows[0]) return this.#moved(rows[0]);
    }
    return this.get(orderId);
  }

  async transition(
    orderId: string,
    to: RecordStatus,
    patch: Store.PaymentPatch,
    options: Store.TransitionOptions = {},
  ): Promise<Store.TransitionResult> {
    const params: unknown[] = [orderId, to, rankOf(to), stampOf(this.clock())];
    const sets = patchSets(patch, params);
    // A payment closed as expired or failed is marked, in the same write, to be asked about again.
    if (marksRecheck('payment', to)) {
      params.push(this.clock());
      const closedAt = `COALESCE($${params.length}::bigint, ${DB_NOW_MS})`;
      sets.push({
        col: 'recheck_since',
        ref: `CASE WHEN kind = 'payment' THEN ${closedAt} ELSE recheck_since END`,
      });
    }
    // A claim is for one status's hook: the move frees the old one, and claims the new one if asked
    // (at the caller's time, else the database clock, as claimHook does).
    let claim = 'NULL';
    if (options.claimHook) {
      params.push(options.claimHook.now ?? this.clock());
      claim = `CASE WHEN hook_status IS NOT DISTINCT FROM $2 THEN NULL ELSE COALESCE($${params.length}::bigint, ${DB_NOW_MS}) END`;
    }
    // The forward-only rule is the WHERE clause: of two racing writers the database lets one through;
    // the other's row no longer matches after the first commits (READ COMMITTED re-checks it).
    const { rows } = await this.query<PaymentRow>(
      `UPDATE ${this.table}
          SET status = $2, status_rank = $3, ${sets.map((s) => `${s.col} = ${s.ref}, `).join('')}
              hook_claim_at = ${claim}, version = version + 1, updated_at = COALESCE($4::timestamptz, now())
        WHERE order_id = $1 AND status_rank < $3
        RETURNING *`,
      params,
    );
    if (rows[0]) {
      const record = this.#moved(rows[0]);
      return { changed: true, record, hookClaimed: !!options.claimHook && record.hookStatus !== to };
    }
    return { changed: false, record: await this.get(orderId) };
  }

  #moved(row: PaymentRow): Store.PaymentRecord {
    const record = recordFromRow(row);
    this.#changed(record);
    return record;
  }

  async markChecked(orderId: string, at: number): Promise<void> {
    await this.query(`UPDATE ${this.table} SET checked_at = $2 WHERE order_id = $1`, [orderId, at]);
  }

  /** Orders not in a final status, the least recently checked first. */
  async listUnsettled(limit: number, checkedBefore: number | undefined): Promise<Store.PaymentRecord[]> {
    const { rows } = await this.query<PaymentRow>(
      `SELECT * FROM ${this.table}
        WHERE status <> ALL($1::text[])
          AND ($2::bigint IS NULL OR checked_at IS NULL OR checked_at < $2::bigint)
        ORDER BY COALESCE(checked_at, 0), created_at, order_id
        LIMIT $3`,
      [FINAL_STATUSES, checkedBefore ?? null, limit],
    );
    return rows.map(recordFromRow);
  }

  /** Closed payments due to be asked about again (`PaymentStore.listRecheckDue`). */
  async listRecheckDue(query: Store.RecheckQuery): Promise<Store.PaymentRecord[]> {
    const { text, params } = recheckSql(this.table, query, 'postgres');
    return (await this.query<PaymentRow>(text, params)).rows.map(recordFromRow);
  }

  async endRecheck(orderId: string): Promise<void> {
    await this.query(`UPDATE ${this.table} SET recheck_since = NULL WHERE order_id = $1`, [orderId]);
  }

  async list(query: Store.OrderQuery): Promise<Store.PaymentRecord[]> {
    const { text, params } = orderQuerySql(this.table, query, 'postgres');
    return (await this.query<PaymentRow>(text, params)).rows.map(recordFromRow);
  }

  /** The current version of each of these orders (the change feed's poll and catch-up read). */
  async versions(orderIds: string[]): Promise<PaymentChange[]> {
    const { rows } = await this.query<{ order_id: string; version: number }>(
      `SELECT order_id, version FROM ${this.table} WHERE order_id = ANY($1::text[])`,
      [orderIds],
    );
    return rows.map((r) => ({ orderId: r.order_id, version: r.version }));
  }
}
