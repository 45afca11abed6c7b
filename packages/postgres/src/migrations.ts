/**
 * Numbered, forward-only schema migrations for {@link PostgresPaymentStore}, recorded in
 * `<schema>.haipay_migrations`. A released migration is never edited: a change is a new number.
 */
import type pg from 'pg';
import { PAYMENT_ORDER_COLUMNS } from './express.js';

/** One schema migration: `sql` receives the quoted schema identifier (e.g. `"public"`). */
export interface PostgresMigration {
  version: number;
  name: string;
  sql: (schema: string) => string;
}

/**
 * The NOTIFY channel for record changes in the (unquoted) `schema`: channels are per database, so two
 * schemas in one database — two test runs, two shops — do not hear each other.
 */
export function changeChannel(schema: string): string {
  return `haipay_changes:${schema}`;
}

/** The migrations, applied in order once each. */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'initial',
    sql: (s) => `
      CREATE TABLE ${s}.haipay_payments (${PAYMENT_ORDER_COLUMNS}
        -- STATUS_RANK[status], written with it: transitions compare ranks in SQL, so the forward-only
        -- rule is one conditional UPDATE and the database decides between racing writers.
        status_rank    SMALLINT NOT NULL,
        order_no       TEXT,
        -- JSON kept as the exact text the kit wrote (not jsonb, which reorders keys), so a patch with an
        -- equal value compares equal and does not bump the version.
        next_json      TEXT,
        expires_at     TEXT,
        failure_reason TEXT,
        return_url     TEXT,
        metadata_json  TEXT NOT NULL DEFAULT '{}',
        created_at     TIMESTAMPTZ NOT NULL,
        updated_at     TIMESTAMPTZ NOT NULL,
        version        INTEGER NOT NULL DEFAULT 1,
        checked_at     BIGINT,
        hook_status    TEXT,
        hook_claim_at  BIGINT
      );
      CREATE INDEX haipay_payments_unsettled ON ${s}.haipay_payments (status_rank, checked_at);
      CREATE TABLE ${s}.haipay_idempotency_keys (
        scope           TEXT NOT NULL,
        key             TEXT NOT NULL,
        request_hash    TEXT NOT NULL,
        order_id        TEXT NOT NULL,
        response_status INTEGER,
        created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      );
      CREATE TABLE ${s}.haipay_notifications (
        id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_id    TEXT,
        received_at TIMESTAMPTZ NOT NULL,
        verified    BOOLEAN NOT NULL,
        outcome     TEXT NOT NULL,
        body        TEXT NOT NULL
      );
      CREATE INDEX haipay_notifications_order ON ${s}.haipay_notifications (order_id, id);
      -- Named leases with an expiry on the database clock (one reconciler at a time).
      CREATE TABLE ${s}.haipay_leases (
        name       TEXT PRIMARY KEY,
        holder     TEXT NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
      );
      -- Every committed version bump is announced to the other instances. A trigger, not a NOTIFY from
      -- the store's code, so the announcement is part of the same transaction as the write (delivered
      -- only on commit) and covers writers that are not this kit (a manual fix in psql).
      CREATE FUNCTION ${s}.haipay_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify(
          'haipay_changes:' || TG_TABLE_SCHEMA,
          json_build_object('orderId', NEW.order_id, 'version', NEW.version)::text
        );
        RETURN NULL;
      END
      $$;
      CREATE TRIGGER haipay_payments_changed
        AFTER UPDATE ON ${s}.haipay_payments
        FOR EACH ROW WHEN (NEW.version IS DISTINCT FROM OLD.version)
        EXECUTE FUNCTION ${s}.haipay_notify_change();
    `,
  },
  {
    version: 2,
    name: 'hook events',
    sql: (s) => `
      -- Hook calls that are not a payment's status change (subscription deductions): one row per event,
      -- claimed with a lease like the payments' hooks, done once the hook completed.
      CREATE TABLE ${s}.haipay_hook_events (
        order_id     TEXT NOT NULL,
        event_key    TEXT NOT NULL,
        kind         TEXT NOT NULL,
        payload_json TEXT NOT NULL,
        created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
        done         BOOLEAN NOT NULL DEFAULT false,
        claim_at     BIGINT,
        PRIMARY KEY (order_id, event_key)
      );
      CREATE INDEX haipay_hook_events_pending ON ${s}.haipay_hook_events (done, created_at);
    `,
  },
  {
    version: 3,
    name: 'transfers',
    sql: (s) => `
      CREATE TABLE ${s}.haipay_transfers (
        transfer_id      TEXT PRIMARY KEY,
        kind             TEXT NOT NULL,
        merchant         TEXT NOT NULL,
        currency         TEXT NOT NULL,
        amount           TEXT NOT NULL,
        payment_order_id TEXT,
        gateway_no       TEXT,
        status           TEXT NOT NULL,
        status_rank      SMALLINT NOT NULL,
        reason           TEXT,
        failure_reason   TEXT,
        fee              TEXT,
        details_json     TEXT NOT NULL DEFAULT '{}',
        idempotency_key  TEXT NOT NULL,
        request_hash     TEXT NOT NULL,
        created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
        checked_at       BIGINT,
        seq              BIGSERIAL,
        UNIQUE (kind, idempotency_key)
      );
      -- At most one refund per order that has not failed, whichever instance inserts it.
      CREATE UNIQUE INDEX haipay_transfers_live_refund ON ${s}.haipay_transfers (payment_order_id)
        WHERE kind = 'refund' AND status <> 'failed';
      CREATE INDEX haipay_transfers_unsettled ON ${s}.haipay_transfers (status_rank, checked_at);
      CREATE INDEX haipay_transfers_created ON ${s}.haipay_transfers (created_at);
    `,
  },
  {
    version: 4,
    name: 'closed orders asked about again',
    // recheck_since: when the kit closed a payment (ms), while it is still to be asked about again for
    // late money (@haipay-kit/express's store/recheck.ts). Payments closed before this version are
    // marked at their last update: each is asked once more.
    sql: (s) => `
      ALTER TABLE ${s}.haipay_payments ADD COLUMN recheck_since BIGINT;
      UPDATE ${s}.haipay_payments SET recheck_since = (extract(epoch FROM updated_at) * 1000)::bigint
        WHERE kind = 'payment' AND status IN ('expired', 'failed');
      CREATE INDEX haipay_payments_recheck ON ${s}.haipay_payments (recheck_since)
        WHERE recheck_since IS NOT NULL;
    `,
  },
];

/** A key for `pg_advisory_xact_lock` so that two instances starting together migrate one after the other. */
const MIGRATION_LOCK_CLASS = 0x4861_6950; // "HaiP"

/**
 * Creates the schema if needed and applies the migrations not yet recorded, each in its own
 * transaction, under a transaction-scoped advisory lock (instances starting at once wait for each other
 * instead of racing `CREATE TABLE`).
 */
export async function migrate(pool: pg.Pool, schema: string, schemaName: string): Promise<void> {
  const client = await pool.connect();
  try {
    for (const migration of [undefined, ...POSTGRES_MIGRATIONS]) {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
          MIGRATION_LOCK_CLASS,
          schemaName,
        ]);
        if (migration === undefined) {
          // Only when missing: CREATE SCHEMA checks the CREATE privilege on the database even with IF NOT
          // EXISTS, and an application role often lacks it while its schema (e.g. public) exists.
          const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schemaName]);
          if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${schema}`);
          await client.query(
            `CREATE TABLE IF NOT EXISTS ${schema}.haipay_migrations (
               version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
          );
        } else {
          const done = await client.query(`SELECT 1 FROM ${schema}.haipay_migrations WHERE version = $1`, [
            migration.version,
          ]);
          if (done.rowCount === 0) {
            await client.query(migration.sql(schema));
            await client.query(`INSERT INTO ${schema}.haipay_migrations (version, name) VALUES ($1, $2)`, [
              migration.version,
              migration.name,
            ]);
          }
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        if ((error as { code?: unknown }).code === '42501') {
          throw new Error(
            `PostgresPaymentStore: the database role may not create the kit's tables in schema ${schema} ` +
              `(${(error as Error).message}). Create the schema for it (CREATE SCHEMA ${schema} AUTHORIZATION <role>) ` +
              `or GRANT CREATE ON SCHEMA ${schema} TO <role>.`,
            { cause: error },
          );
        }
        throw error;
      }
    }
  } finally {
    client.release();
  }
}
