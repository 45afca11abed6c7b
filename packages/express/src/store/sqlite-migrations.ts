/**
 * The SQLite store's schema, as numbered migrations applied in order, once each, and recorded in
 * `haipay_migrations`. A new column or table is a new migration at the end; nothing here is edited
 * once released.
 */
import type Database from 'better-sqlite3';
import { PAYMENT_ORDER_COLUMNS } from './row.js';

/** The numbered schema migrations, applied in order once each. */
const SQLITE_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE haipay_payments (${PAYMENT_ORDER_COLUMNS}
        order_no       TEXT,
        next_json      TEXT,
        expires_at     TEXT,
        failure_reason TEXT,
        return_url     TEXT,
        metadata_json  TEXT NOT NULL DEFAULT '{}',
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        version        INTEGER NOT NULL DEFAULT 1,
        checked_at     INTEGER,
        hook_status    TEXT,
        hook_claim_at  INTEGER
      );
      CREATE INDEX haipay_payments_unsettled ON haipay_payments (status, checked_at);
      CREATE TABLE haipay_idempotency_keys (
        scope           TEXT NOT NULL,
        key             TEXT NOT NULL,
        request_hash    TEXT NOT NULL,
        order_id        TEXT NOT NULL,
        response_status INTEGER,
        created_at      TEXT NOT NULL,
        PRIMARY KEY (scope, key)
      );
      CREATE TABLE haipay_notifications (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id    TEXT,
        received_at TEXT NOT NULL,
        verified    INTEGER NOT NULL,
        outcome     TEXT NOT NULL,
        body        TEXT NOT NULL
      );
      CREATE INDEX haipay_notifications_order ON haipay_notifications (order_id, id);
    `,
  },
  {
    version: 2,
    name: 'hook events',
    sql: `
      CREATE TABLE haipay_hook_events (
        order_id     TEXT NOT NULL,
        event_key    TEXT NOT NULL,
        kind         TEXT NOT NULL,
        payload_json TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        done         INTEGER NOT NULL DEFAULT 0,
        claim_at     INTEGER,
        PRIMARY KEY (order_id, event_key)
      );
      CREATE INDEX haipay_hook_events_pending ON haipay_hook_events (done, created_at);
    `,
  },
  {
    version: 3,
    name: 'transfers',
    sql: `
      CREATE TABLE haipay_transfers (
        transfer_id      TEXT PRIMARY KEY,
        kind             TEXT NOT NULL,
        merchant         TEXT NOT NULL,
        currency         TEXT NOT NULL,
        amount           TEXT NOT NULL,
        payment_order_id TEXT,
        gateway_no       TEXT,
        status           TEXT NOT NULL,
        status_rank      INTEGER NOT NULL,
        reason           TEXT,
        failure_reason   TEXT,
        fee              TEXT,
        details_json     TEXT NOT NULL DEFAULT '{}',
        idempotency_key  TEXT NOT NULL,
        request_hash     TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL,
        checked_at       INTEGER,
        UNIQUE (kind, idempotency_key)
      );
      CREATE UNIQUE INDEX haipay_transfers_live_refund ON haipay_transfers (payment_order_id)
        WHERE kind = 'refund' AND status <> 'failed';
      CREATE INDEX haipay_transfers_unsettled ON haipay_transfers (status_rank, checked_at);
      CREATE INDEX haipay_transfers_created ON haipay_transfers (created_at);
    `,
  },
  {
    version: 4,
    name: 'closed orders asked about again',
    // recheck_since: when the kit closed a payment (ms), while it is still to be asked about (recheck.ts).
    // Payments closed before this version are marked at their last update: each is asked once more.
    sql: `
      ALTER TABLE haipay_payments ADD COLUMN recheck_since INTEGER;
      UPDATE haipay_payments SET recheck_since = CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER)
        WHERE kind = 'payment' AND status IN ('expired', 'failed');
      CREATE INDEX haipay_payments_recheck ON haipay_payments (recheck_since) WHERE recheck_since IS NOT NULL;
    `,
  },
];

/**
 * Applies the migrations `db` has not recorded yet, each in its own IMMEDIATE transaction (a second
 * process opening the same file waits, then finds it recorded). `stamp` gives `applied_at`.
 */
export function migrateSqlite(db: Database.Database, stamp: () => string): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS haipay_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const applied = new Set(
    (db.prepare('SELECT version FROM haipay_migrations').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  const run = db.transaction((m: (typeof SQLITE_MIGRATIONS)[number]) => {
    db.exec(m.sql);
    db.prepare('INSERT INTO haipay_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
      m.version,
      m.name,
      stamp(),
    );
  });
  for (const m of SQLITE_MIGRATIONS) if (!applied.has(m.version)) run.immediate(m);
}
