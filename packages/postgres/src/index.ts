/**
 * `@haipay-kit/postgres` — a PostgreSQL `PaymentStore` for merchants that run several instances of the
 * HaiPay Express companion behind a load balancer. All instances share one database: forward-only
 * transitions, idempotency keys and hook claims are decided by single conditional statements; a change
 * committed by any instance reaches the status streams of every other instance through `LISTEN/NOTIFY`
 * (with polling while the listener is down); and a lease row lets one instance at a time reconcile.
 */
export { PostgresPaymentStore, RECONCILER_LEASE } from './store.js';
export type { PostgresPaymentStoreOptions } from './connection.js';
export {
  ChangeFeed,
  type ChangeFeedOptions,
  type ChangeFeedState,
  type PaymentChange,
  type PaymentChangeListener,
} from './change-feed.js';
export { POSTGRES_MIGRATIONS, changeChannel, type PostgresMigration } from './migrations.js';
export { openTemporaryStore, temporarySchemaName, dropSchema, type TemporaryStore } from './testing.js';
