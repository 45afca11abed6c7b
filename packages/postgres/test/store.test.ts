// PostgreSQL-specific behaviour of PostgresPaymentStore: migrations, races between separate pools (as
// between instances), the reconciler lease, and cross-instance change delivery with its polling fallback.
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { sampleRecord } from '@haipay-kit/test-support';
import {
  PostgresPaymentStore,
  POSTGRES_MIGRATIONS,
  type PaymentChange,
  type PostgresPaymentStoreOptions,
} from '../src/index.js';
import { adminQuery, pgSuite, schemaPool, waitFor } from './helpers.js';

pgSuite('PostgresPaymentStore', (url) => {
  const nextSchema = schemaPool(url);
  const open: PostgresPaymentStore[] = [];
  /** A store on `schema`, as one server instance would have it (its own pool). */
  async function instance(schema: string, options: Partial<PostgresPaymentStoreOptions> = {}) {
    const store = new PostgresPaymentStore({ connectionString: url, schema, ...options });
    open.push(store);
    await store.ready();
    return store;
  }
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  /** Milliseconds since the epoch on the database's clock. */
  async function databaseNow(): Promise<number> {
    const [row] = await adminQuery<{ ms: string }>(
      url,
      'SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms',
    );
    return Number(row!.ms);
  }
  /** A clock that moves only when told. */
  function testClock(start = Date.UTC(2026, 0, 1)) {
    let time = start;
    return { now: () => time, advance: (ms: number) => void (time += ms) };
  }

  describe('schema and migrations', () => {
    it('migrates once, even when several instances start at the same moment, and keeps data across restarts', async () => {
      const schema = nextSchema();
      const [a] = await Promise.all([instance(schema), instance(schema), instance(schema), instance(schema)]);
      const rec = await a.create(sampleRecord({ status: 'pending' }));
      await a.transition(rec.orderId, 'succeeded');
      await Promise.all(open.splice(0).map((s) => s.close()));
      const b = await instance(schema);
      assert.equal((await b.get(rec.orderId))?.status, 'succeeded');
      const versions = await adminQuery<{ version: number }>(
        url,
        `SELECT version FROM ${pg.escapeIdentifier(schema)}.haipay_migrations ORDER BY version`,
      );
      assert.deepEqual(
        versions.map((v) => v.version),
        POSTGRES_MIGRATIONS.map((m) => m.version),
      );
    });

    it('stores hostile strings as values (every query is parameterized)', async () => {
      const store = await instance(nextSchema());
      const orderId = `hp_'); DROP TABLE haipay_payments; --`;
      await store.create(
        sampleRecord({ orderId, subject: `$1 "quoted" \\ 'single'`, metadata: { "k'": 'v"' } }),
      );
      const read = await store.get(orderId);
      assert.equal(read?.subject, `$1 "quoted" \\ 'single'`);
      assert.deepEqual(read?.metadata, { "k'": 'v"' });
      assert.equal(
        (await store.transition(orderId, 'pending', { failureReason: "it's" })).record?.failureReason,
        "it's",
      );
    });

    it('names the fix for bad options', () => {
      assert.throws(() => new PostgresPaymentStore({}), /connectionString.*or an existing `pool`/);
      assert.throws(() => new PostgresPaymentStore({ connectionString: url, schema: 'a-b; drop' }), /schema/);
      const pool = new pg.Pool({ connectionString: url });
      assert.throws(() => new PostgresPaymentStore({ connectionString: url, pool }), /either/);
      return pool.end();
    });

    it('fails `ready()` with the connection error when the database is unreachable', async () => {
      const store = new PostgresPaymentStore({
        connectionString: 'postgres://nobody:nothing@127.0.0.1:1/none',
      });
      await assert.rejects(store.ready(), /ECONNREFUSED|connect/);
      await assert.rejects(store.get('hp_x'));
      await store.close();
    });

    it('leaves a pool it was given open, and ends a pool it made', async () => {
      const pool = new pg.Pool({ connectionString: url });
      const store = new PostgresPaymentStore({ pool, schema: nextSchema() });
      await store.ready();
      await store.close();
      assert.equal((await pool.query('SELECT 1 AS one')).rows[0]?.one, 1);
      await pool.end();
      const owned = new PostgresPaymentStore({ connectionString: url, schema: nextSchema() });
      await owned.ready();
      await owned.close();
      assert.equal(owned.pool.ended, true);
      await assert.rejects(owned.get('hp_x'), /closed/);
    });
  });

  describe('races between instances (separate pools, one database)', () => {
    it('lets exactly one of many transitions across instances win, and a final state never changes', async () => {
      const schema = nextSchema();
      const stores = await Promise.all([instance(schema), instance(schema), instance(schema)]);
      for (let round = 0; round < 5; round++) {
        const { orderId } = await stores[0].create(sampleRecord({ status: 'pending' }));
        const targets = ['succeeded', 'failed', 'expired', 'succeeded', 'failed', 'succeeded'] as const;
        const results = await Promise.all(targets.map((to, i) => stores[i % 3]!.transition(orderId, to)));
        const winners = results.filter((r) => r.changed);
        assert.equal(winners.length, 1, `round ${round}: one winner`);
        const final = await stores[1].get(orderId);
        assert.equal(final?.status, winners[0]!.record?.status);
        assert.equal(final?.version, 2, 'exactly one version bump');
      }
    });

    it('lets exactly one of many idempotency reservations across instances win', async () => {
      const schema = nextSchema();
      const stores = await Promise.all([instance(schema), instance(schema)]);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          stores[i % 2]!.reserveIdempotencyKey({
            scope: 'payments',
            key: 'dup-key-123',
            requestHash: 'h',
            orderId: `hp_${i}`,
          }),
        ),
      );
      assert.equal(results.filter((r) => r.outcome === 'reserved').length, 1);
      const winner = results.findIndex((r) => r.outcome === 'reserved');
      for (const r of results) if (r.outcome === 'replay') assert.equal(r.record.orderId, `hp_${winner}`);
    });

    it('writes a key and its order in one statement: one round trip, no transaction of its own', async () => {
      const store = await instance(nextSchema());
      const sent: string[] = [];
      let connects = 0;
      const query = store.pool.query.bind(store.pool);
      const connect = store.pool.connect.bind(store.pool);
      store.pool.query = ((text: string, params?: unknown[]) => {
        sent.push(text);
        return query(text, params);
      }) as unknown as typeof store.pool.query;
      // `pool.query` takes its connection with a callback; a transaction takes one without.
      store.pool.connect = ((callback?: unknown) => {
        if (typeof callback !== 'function') connects++;
        return connect(callback as never);
      }) as unknown as typeof store.pool.connect;
      const key = { scope: 'payments', key: 'one-statement-key', requestHash: 'h' };
      const first = await store.createIdempotent(key, sampleRecord());
      assert.equal(first.outcome, 'created');
      assert.equal(sent.length, 1, sent.join('\n---\n'));
      assert.equal(connects, 0, 'no connection taken for a transaction');
      // A key already there: the statement inserts nothing, and one read answers with the key.
      sent.length = 0;
      const again = await store.createIdempotent(key, sampleRecord());
      assert.equal(again.outcome, 'replay');
      assert.equal(again.outcome === 'replay' && again.key.orderId, first.record.orderId);
      assert.equal(sent.length, 2);
      assert.equal((await store.listUnsettled()).length, 1, 'the replay wrote no order');
    });

    it('grants a hook claim to exactly one instance, on the database clock when no time is given', async () => {
      const schema = nextSchema();
      const stores = await Promise.all([instance(schema), instance(schema)]);
      const { orderId } = await stores[0].create(sampleRecord({ status: 'pending' }));
      await stores[1].transition(orderId, 'succeeded');
      const claims = await Promise.all(
        Array.from({ length: 6 }, (_, i) => stores[i % 2]!.claimHook(orderId, 'succeeded', 60_000)),
      );
      assert.equal(claims.filter(Boolean).length, 1);
      await stores[0].completeHook(orderId, 'succeeded');
      assert.equal(await stores[1].claimHook(orderId, 'succeeded', 0), false, 'completed → never again');
    });

    it('a hook claim whose lease ran out can be taken by another instance (instances sharing a clock)', async () => {
      const schema = nextSchema();
      const clock = testClock();
      const [a, b] = await Promise.all([
        instance(schema, { now: clock.now }),
        instance(schema, { now: clock.now }),
      ]);
      const { orderId } = await a.create(sampleRecord({ status: 'pending' }));
      await a.transition(orderId, 'failed');
      assert.equal(await a.claimHook(orderId, 'failed', 600), true);
      clock.advance(500);
      assert.equal(await b.claimHook(orderId, 'failed', 600), false, 'held 500 ms into a 600 ms lease');
      clock.advance(200);
      assert.equal(await b.claimHook(orderId, 'failed', 600), true, 'expired after 600 ms');
      assert.equal(await a.claimHook(orderId, 'failed', 600), false, 'now held by the other instance');
    });

    it('a hook claim whose lease ran out on the database clock can be taken by another instance', async () => {
      const schema = nextSchema();
      const [a, b] = await Promise.all([instance(schema), instance(schema)]);
      const [old, fresh] = await Promise.all([
        a.create(sampleRecord({ status: 'pending' })),
        a.create(sampleRecord({ status: 'pending' })),
      ]);
      await a.transition(old.orderId, 'failed');
      await a.transition(fresh.orderId, 'failed');
      // Claimed at a time of the caller's: ten minutes before the database's now, and just now.
      const db = await databaseNow();
      assert.equal(await a.claimHook(old.orderId, 'failed', 600, db - 600_000), true);
      assert.equal(await a.claimHook(fresh.orderId, 'failed', 600), true);
      // B has no clock of its own: the database's decides that the first lease ran out long ago.
      assert.equal(await b.claimHook(old.orderId, 'failed', 600), true, 'expired on the database clock');
      assert.equal(await b.claimHook(fresh.orderId, 'failed', 600_000), false, 'held on the database clock');
    });
  });

  describe('reconciler lease', () => {
    it('is held by one instance at a time, renewed by its holder, and taken over after it expires', async () => {
      const schema = nextSchema();
      const clock = testClock();
      const [a, b] = await Promise.all([
        instance(schema, { now: clock.now }),
        instance(schema, { now: clock.now }),
      ]);
      assert.equal(await a.tryAcquireReconcilerLease(600), true);
      assert.equal(await b.tryAcquireReconcilerLease(600), false);
      clock.advance(500);
      assert.equal(await a.tryAcquireReconcilerLease(600), true, 'the holder renews, until 1100 ms');
      clock.advance(500);
      assert.equal(await b.tryAcquireReconcilerLease(600), false, 'renewed: still held at 1000 ms');
      assert.equal((await b.reconcilerLeaseHolder())?.holder, a.instanceId);
      clock.advance(200);
      assert.equal(await b.reconcilerLeaseHolder(), null, 'nobody holds an expired lease');
      assert.equal(await b.tryAcquireReconcilerLease(10_000), true, 'expired → another instance takes it');
      assert.equal(await a.tryAcquireReconcilerLease(10_000), false);
      assert.deepEqual(await a.reconcilerLeaseHolder(), {
        holder: b.instanceId,
        expiresAt: new Date(clock.now() + 10_000).toISOString(),
      });
    });

    it('is timed on the database clock when the store has no clock', async () => {
      const schema = nextSchema();
      const [a, b] = await Promise.all([instance(schema), instance(schema)]);
      // Taken at a time of the caller's, ten minutes before the database's now: it ran out long ago.
      assert.equal(await a.tryAcquireReconcilerLease(600, (await databaseNow()) - 600_000), true);
      assert.equal(await b.reconcilerLeaseHolder(), null);
      assert.equal(await b.tryAcquireReconcilerLease(600_000), true, 'expired on the database clock');
      assert.equal(await a.tryAcquireReconcilerLease(600_000), false, 'held on the database clock');
    });

    it('goes to exactly one of many instances racing for it', async () => {
      const schema = nextSchema();
      const stores = await Promise.all([
        instance(schema),
        instance(schema),
        instance(schema),
        instance(schema),
      ]);
      const got = await Promise.all(
        stores.flatMap((s) => [s.tryAcquireReconcilerLease(10_000), s.tryAcquireReconcilerLease(10_000)]),
      );
      const holders = new Set(stores.filter((_, i) => got[2 * i] || got[2 * i + 1]));
      assert.equal(holders.size, 1);
    });

    it('is given back on close, so another instance takes it at once', async () => {
      const schema = nextSchema();
      const [a, b] = await Promise.all([instance(schema), instance(schema)]);
      assert.equal(await a.tryAcquireReconcilerLease(60_000), true);
      await a.close();
      assert.equal(await b.tryAcquireReconcilerLease(60_000), true);
    });
  });

  describe('changes across instances', () => {
    /** A subscriber never sees a version twice nor an older version after a newer one. */
    function assertIncreasing(seen: PaymentChange[]) {
      for (let i = 1; i < seen.length; i++)
        assert.ok(seen[i]!.version > seen[i - 1]!.version, `out of order: ${JSON.stringify(seen)}`);
    }
    /** Waits until `store` listens and its catch-up poll has reported the record's current version. */
    async function synced(store: PostgresPaymentStore, seen: PaymentChange[], version = 1) {
      await waitFor(() => store.changeFeedState === 'listening', 10_000, 'the listener');
      await waitFor(() => seen.some((c) => c.version >= version), 10_000, 'the catch-up poll');
    }
    /** Collects a store's change events for one order. */
    function collect(store: PostgresPaymentStore, orderId: string) {
      const seen: PaymentChange[] = [];
      const stop = store.subscribe(orderId, (c) => seen.push({ ...c }));
      return { seen, stop };
    }

    it("tells this instance's subscribers of its own writes at once", async () => {
      const store = await instance(nextSchema());
      const { orderId } = await store.create(sampleRecord({ status: 'pending' }));
      const { seen } = collect(store, orderId);
      await store.transition(orderId, 'processing');
      assert.deepEqual(
        seen.map((c) => c.version),
        [2],
      );
    });

    it('delivers a change committed on instance A to a subscriber on instance B by NOTIFY, not the poll', async () => {
      const schema = nextSchema();
      const [a, b] = await Promise.all([
        instance(schema),
        instance(schema, { changeFeed: { pollIntervalMs: 60_000 } }),
      ]);
      const { orderId } = await a.create(sampleRecord({ status: 'pending' }));
      const { seen } = collect(b, orderId);
      await synced(b, seen);
      await a.patch(orderId, { next: { type: 'qr', payload: '000201' } });
      await a.transition(orderId, 'succeeded');
      // Polling is set to once a minute here, so only NOTIFY can deliver within the wait (how fast it
      // is belongs in the bench, not here: a loaded machine stretches it).
      await waitFor(() => seen.some((c) => c.version === 3), 10_000, 'version 3 on B');
      assert.deepEqual(
        seen.map((c) => c.version),
        [1, 2, 3],
      );
      assert.equal((await b.get(orderId))?.status, 'succeeded');
    });

    it('sends nothing for writes that change nothing visible', async () => {
      const schema = nextSchema();
      const [a, b] = await Promise.all([instance(schema), instance(schema)]);
      const { orderId } = await a.create(sampleRecord({ status: 'succeeded', orderNo: '1' }));
      const { seen } = collect(b, orderId);
      await synced(b, seen);
      await a.transition(orderId, 'failed'); // refused: final
      await a.patch(orderId, { orderNo: '1' }); // same value
      await a.markChecked(orderId, 5);
      await a.claimHook(orderId, 'succeeded', 1000);
      await a.completeHook(orderId, 'succeeded');
      await a.patch(orderId, { failureReason: 'marker' }); // a real change, to know the others arrived first
      await waitFor(() => seen.some((c) => c.version === 2), 10_000, 'the marker change');
      assert.deepEqual(
        seen.map((c) => c.version),
        [1, 2],
        'the catch-up report of version 1, then only the marker',
      );
    });

    it('hears a change made outside the kit (the trigger announces any version bump)', async () => {
      const schema = nextSchema();
      const b = await instance(schema, { changeFeed: { pollIntervalMs: 60_000 } });
      const { orderId } = await b.create(sampleRecord({ status: 'pending' }));
      const { seen } = collect(b, orderId);
      await synced(b, seen);
      await adminQuery(
        url,
        `UPDATE ${pg.escapeIdentifier(schema)}.haipay_payments SET status = 'expired', status_rank = 3, version = version + 1 WHERE order_id = $1`,
        [orderId],
      );
      await waitFor(() => seen.some((c) => c.version === 2), 10_000, 'the manual change');
    });

    it('does not hear another schema (channels are per schema)', async () => {
      const schemaB = nextSchema();
      const [a, b] = await Promise.all([
        instance(nextSchema()),
        instance(schemaB, { changeFeed: { pollIntervalMs: 60_000 } }),
      ]);
      const orderId = 'hp_same_id_in_two_schemas';
      await a.create(sampleRecord({ orderId, status: 'pending' }));
      await b.create(sampleRecord({ orderId, status: 'pending' }));
      const { seen } = collect(b, orderId);
      await synced(b, seen);
      await a.transition(orderId, 'succeeded'); // version 2 in A's schema
      // Then a marker in B's schema (version 1 → 3), from outside the kit so only its NOTIFY tells B.
      // A listener gets NOTIFYs in commit order: once B has the marker, it would have had A's change.
      await adminQuery(
        url,
        `UPDATE ${pg.escapeIdentifier(schemaB)}.haipay_payments SET version = version + 2 WHERE order_id = $1`,
        [orderId],
      );
      await waitFor(() => seen.some((c) => c.version === 3), 10_000, 'the marker');
      assert.deepEqual(
        seen.map((c) => c.version),
        [1, 3],
        "only B's own catch-up report and its own marker",
      );
    });

    it('misses nothing committed between subscribing and the first LISTEN', async () => {
      const schema = nextSchema();
      const [a, b] = await Promise.all([instance(schema), instance(schema)]);
      const { orderId } = await a.create(sampleRecord({ status: 'pending' }));
      const { seen } = collect(b, orderId);
      await a.transition(orderId, 'succeeded'); // likely before B's listener is connected
      await waitFor(() => seen.some((c) => c.version === 2), 10_000, 'version 2 on B');
    });

    it('polls while the listener connection is down, and listens again after reconnecting', async () => {
      const schema = nextSchema();
      const errors: string[] = [];
      const a = await instance(schema);
      const b = await instance(schema, {
        // The reconnection waits 8 s: the poll (every 200 ms) has that long to deliver while it is down.
        changeFeed: { pollIntervalMs: 200, minReconnectDelayMs: 8000, maxReconnectDelayMs: 8000 },
        onError: (message) => errors.push(message),
      });
      const { orderId } = await a.create(sampleRecord({ status: 'unknown' }));
      const { seen } = collect(b, orderId);
      await synced(b, seen);
      const pid = b.listenerPid;
      assert.ok(pid);
      // Kill B's LISTEN connection from the server side, as a failover or an idle-connection reaper would.
      await adminQuery(url, 'SELECT pg_terminate_backend($1)', [pid]);
      await waitFor(() => b.changeFeedState !== 'listening', 10_000, 'B to notice the dropped listener');
      assert.ok(errors.some((m) => /listener connection lost/.test(m)));
      await a.transition(orderId, 'pending');
      await waitFor(() => seen.some((c) => c.version === 2), 8000, 'version 2 by polling');
      assert.notEqual(b.changeFeedState, 'listening', 'delivered by the polling fallback');
      await waitFor(() => b.changeFeedState === 'listening', 20_000, 'B to reconnect');
      assert.notEqual(b.listenerPid, pid);
      await a.transition(orderId, 'succeeded');
      await waitFor(
        () => seen.some((c) => c.version === 3),
        10_000,
        'version 3 by NOTIFY after reconnecting',
      );
      assertIncreasing(seen);
      assert.deepEqual(
        seen.map((c) => c.version).filter((v) => v > 1),
        [2, 3],
      );
    });

    it('stops calling a listener after unsubscribing', async () => {
      const schema = nextSchema();
      const store = await instance(schema, { changeFeed: { pollIntervalMs: 60_000 } });
      const { orderId } = await store.create(sampleRecord({ status: 'pending' }));
      const other = await store.create(sampleRecord({ status: 'pending' }));
      const { seen, stop } = collect(store, orderId);
      const marker = collect(store, other.orderId);
      await synced(store, seen);
      await store.transition(orderId, 'processing');
      stop();
      await store.transition(orderId, 'succeeded'); // told at once to no one; its NOTIFY follows
      // A marker on another order, from outside the kit, committed after it: NOTIFYs arrive in commit
      // order, so once the marker is heard the NOTIFY of version 3 was too.
      await adminQuery(
        url,
        `UPDATE ${pg.escapeIdentifier(schema)}.haipay_payments SET version = version + 1 WHERE order_id = $1`,
        [other.orderId],
      );
      await waitFor(() => marker.seen.some((c) => c.version === 2), 10_000, 'the marker');
      assert.deepEqual(
        seen.map((c) => c.version),
        [1, 2],
        'the catch-up report and the change before unsubscribing',
      );
    });
  });
});
