// The shared PaymentStore contract (the one the memory and SQLite stores pass), against PostgreSQL.
import { runPaymentStoreContract } from '@haipay-kit/test-support';
import { PostgresPaymentStore } from '../src/index.js';
import { pgSuite, schemaPool } from './helpers.js';

pgSuite('PaymentStore contract: postgres', (url) => {
  const nextSchema = schemaPool(url);
  runPaymentStoreContract('postgres', async (now) => {
    const store = new PostgresPaymentStore({ connectionString: url, schema: nextSchema(), now });
    await store.ready();
    return store;
  });
});
