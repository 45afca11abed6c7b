/**
 * How the PostgreSQL suites find their database: `HAIPAY_PG_URL` (scripts/bootstrap.sh `ensure_postgres`
 * finds one, or sets one up when asked). Without it a suite fails with a message naming the fix — never
 * passes silently — unless `HAIPAY_SKIP_PG=1` asks for a skip explicitly.
 */
import { describe, it, after } from 'node:test';
import pg from 'pg';
import { dropSchema, temporarySchemaName } from '../src/index.js';

/** The database URL, when one is configured. */
const PG_URL: string | undefined = process.env.HAIPAY_PG_URL || undefined;

const MISSING =
  'HAIPAY_PG_URL is not set, so the PostgreSQL suites cannot run. `npm run test:setup` (or ' +
  '`HAIPAY_INSTALL=1 npm test`) installs and starts Debian\'s "postgresql" and creates the test database; ' +
  '`npm test` then finds it. Or set HAIPAY_PG_URL=postgres://user:pass@127.0.0.1:5432/db yourself. ' +
  'To skip them on purpose, set HAIPAY_SKIP_PG=1.';

/**
 * Declares a PostgreSQL suite: `body(url)` when a database is configured; otherwise one failing test
 * saying what to install, or one skipped test when `HAIPAY_SKIP_PG=1`.
 */
export function pgSuite(name: string, body: (url: string) => void): void {
  if (PG_URL) {
    body(PG_URL);
    return;
  }
  if (process.env.HAIPAY_SKIP_PG === '1') {
    console.log(`[postgres] ${name}: skipped because HAIPAY_SKIP_PG=1`);
    describe(name, () => it('runs against PostgreSQL', { skip: 'HAIPAY_SKIP_PG=1 was set' }, () => {}));
    return;
  }
  describe(name, () =>
    it('runs against PostgreSQL', () => {
      throw new Error(MISSING);
    }),
  );
}

/**
 * Fresh schema names for one test file, all dropped when the file ends (so runs never collide and
 * leave nothing behind).
 */
export function schemaPool(url: string): () => string {
  const made: string[] = [];
  after(async () => {
    for (const schema of made) await dropSchema(url, schema);
  });
  return () => {
    const schema = temporarySchemaName();
    made.push(schema);
    return schema;
  };
}

/** A plain client for arranging a test (terminating backends, reading rows directly). */
export async function adminQuery<R extends pg.QueryResultRow>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** Resolves when `predicate` holds, polling every 10 ms; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
