/**
 * The SQLite store's schema, as numbered migrations applied in order, once each, and recorded in
 * `haipay_migrations`. A new column or table is a new migration at the end; nothing here is edited
 * once released.
 */
/** The numbered schema migrations, applied in order once each. */
export const SQLITE_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE haipay_payments (
        order_id       TEXT PRIMARY KEY,
        kind           TEXT NOT NULL,
        merchant       TEXT NOT NULL,
        method         TEXT NOT NULL,
        amount         TEXT NOT NULL,
        currency       TEXT NOT NULL,
        subject        TEXT NOT NULL,
        order_ref      TEXT,
        buyer_id       TEXT NOT NULL,
        status         TEXT NOT NULL,
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
];
