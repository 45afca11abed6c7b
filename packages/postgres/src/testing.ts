/**
 * Helpers for tests and benchmarks that need a throw-away PostgreSQL schema, so concurrent runs
 * against one database never see each other's rows (or each other's NOTIFYs: the channel names the schema).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { PostgresPaymentStoreOptions } from './connection.js';
import { PostgresPaymentStore } from './store.js';

/** A fresh schema name, e.g. `haipay_t_1a2b3c4d5e6f`. */
export function temporarySchemaName(prefix = 'haipay_t'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Drops a schema and everything in it (`DROP SCHEMA … CASCADE`). */
export async function dropSchema(connectionString: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/** A migrated store in a new schema, and `dispose` closing it and dropping the schema. */
export interface TemporaryStore {
  store: PostgresPaymentStore;
  schema: string;
  dispose(): Promise<void>;
}

/**
 * Opens a {@link PostgresPaymentStore} in a schema of its own (migrated, ready to use). For a
 * notifications-per-second benchmark: `const { store, dispose } = await openTemporaryStore(url)`, hand
 * `store` to the router, measure, then `await dispose()`.
 */
export async function openTemporaryStore(
  connectionString: string,
  options: Omit<PostgresPaymentStoreOptions, 'connectionString' | 'pool' | 'schema'> = {},
): Promise<TemporaryStore> {
  const schema = temporarySchemaName();
  const store = new PostgresPaymentStore({ ...options, connectionString, schema });
  try {
    await store.ready();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  return {
    store,
    schema,
    async dispose() {
      await store.close();
      await dropSchema(connectionString, schema);
    },
  };
}
