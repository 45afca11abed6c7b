/**
 * The PostgreSQL store's options, and what it makes of them before its first query: the checked schema
 * name, the pool every query runs on (the store's own or the caller's), and the configuration of the
 * separate `LISTEN` connection.
 */
import pg from 'pg';
import type { ChangeFeedOptions } from './change-feed.js';
import { HaiPayConfigError } from './express.js';

/** Options for {@link PostgresPaymentStore}: give `connectionString` or `pool`. */
export interface PostgresPaymentStoreOptions {
  /** e.g. `postgres://haipay:secret@db.internal:5432/shop`. The store makes and owns its pool. */
  connectionString?: string;
  /**
   * An existing pool (the caller keeps owning it: {@link PostgresPaymentStore.close} does not end it).
   * Its connections must run at READ COMMITTED, PostgreSQL's default isolation level.
   */
  pool?: pg.Pool;
  /** Schema for the kit's tables (created if missing). Default `public`. */
  schema?: string;
  /** Pool size when the store makes the pool. Default 10. */
  maxConnections?: number;
  /** Tuning of the cross-instance change feed (polling interval, reconnect backoff). */
  changeFeed?: Omit<ChangeFeedOptions, 'onError'>;
  /** Told about dropped listener connections and failed polls; default: silent. */
  onError?: (message: string, error: unknown) => void;
  /**
   * The clock, in milliseconds since the epoch. Default: the database's clock, which every instance
   * shares. When given, it stamps `createdAt`/`updatedAt`, idempotency keys and hook events, and times
   * hook claims and leases given no time. Tests pass one they can move.
   */
  now?: () => number;
}

/** The connection half of the options, checked: the schema name and the pool, with who owns it. */
export function openPool(options: PostgresPaymentStoreOptions): {
  schema: string;
  pool: pg.Pool;
  ownsPool: boolean;
} {
  if (!options || (!options.connectionString && !options.pool)) {
    throw new HaiPayConfigError(
      'PostgresPaymentStore: give `connectionString` (e.g. "postgres://user:pass@127.0.0.1:5432/shop") or an existing `pool`.',
    );
  }
  if (options.connectionString && options.pool) {
    throw new HaiPayConfigError('PostgresPaymentStore: give either `connectionString` or `pool`, not both.');
  }
  const schema = options.schema ?? 'public';
  // The NOTIFY channel carries the schema and channel names are at most 63 bytes.
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,47}$/.test(schema)) {
    throw new HaiPayConfigError(
      `PostgresPaymentStore: \`schema\` must be a plain identifier of at most 48 characters, got "${schema}".`,
    );
  }
  if (options.pool) return { schema, pool: options.pool, ownsPool: false };
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    keepAlive: true,
    // Every race is decided by one statement that re-checks its row after a concurrent commit,
    // which is READ COMMITTED's behaviour (PostgreSQL's default). A database or role default of
    // REPEATABLE READ/SERIALIZABLE would turn those waits into serialization errors.
    options: '-c default_transaction_isolation=read\\ committed',
  });
  // An idle pooled client whose server went away emits here; without a handler the process dies.
  const onError = options.onError ?? (() => {});
  pool.on('error', (error) => onError('idle PostgreSQL connection failed', error));
  return { schema, pool, ownsPool: true };
}

/**
 * The listener's own connection, like the pool's plus keepalive and client-side timeouts, so a
 * half-open TCP connection (a failover that sent no RST) is noticed by the heartbeat instead of
 * silently hearing nothing.
 */
export function listenerConfig(pool: pg.Pool): pg.ClientConfig {
  return { ...pool.options, keepAlive: true, connectionTimeoutMillis: 5000, query_timeout: 5000 };
}
