import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryPaymentStore } from '../src/store/memory.js';
import { SqlitePaymentStore } from '../src/store/sqlite.js';
import { runPaymentStoreContract, sampleRecord } from '@haipay-kit/test-support';

const dir = mkdtempSync(join(tmpdir(), 'haipay-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runPaymentStoreContract('memory', (now) => new MemoryPaymentStore({ now }));
runPaymentStoreContract(
  'sqlite',
  (now) => new SqlitePaymentStore({ filename: join(dir, `contract-${n++}.db`), now }),
);

describe('SqlitePaymentStore', () => {
  it('keeps state across reopening the same file, and migrates once', async () => {
    const filename = join(dir, 'reopen.db');
    const a = new SqlitePaymentStore({ filename });
    const rec = await a.create(sampleRecord({ status: 'pending' }));
    await a.transition(rec.orderId, 'succeeded');
    await a.close();
    const b = new SqlitePaymentStore({ filename });
    assert.equal((await b.get(rec.orderId))?.status, 'succeeded');
    const migrations = b.db.prepare('SELECT version FROM haipay_migrations').all();
    assert.deepEqual(migrations, [{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }]);
    assert.equal(b.db.pragma('journal_mode', { simple: true }), 'wal');
    await b.close();
  });

  it('lets two connections to one file race a final state: exactly one wins', async () => {
    const filename = join(dir, 'two.db');
    const a = new SqlitePaymentStore({ filename });
    const b = new SqlitePaymentStore({ filename });
    const rec = await a.create(sampleRecord({ status: 'pending' }));
    const [ra, rb] = await Promise.all([
      a.transition(rec.orderId, 'succeeded'),
      b.transition(rec.orderId, 'failed'),
    ]);
    assert.equal(Number(ra.changed) + Number(rb.changed), 1);
    await a.close();
    await b.close();
  });

  it('keeps one -wal file while it is open, which the descriptor sync() keeps relies on', async () => {
    const filename = join(dir, 'wal-inode.db');
    const a = new SqlitePaymentStore({ filename });
    const rec = await a.create(sampleRecord({ status: 'pending' }));
    await a.sync();
    const inode = () => statSync(`${filename}-wal`).ino;
    const first = inode();
    a.db.pragma('wal_checkpoint(TRUNCATE)');
    assert.equal(statSync(`${filename}-wal`).size, 0, 'truncated in place');
    await a.transition(rec.orderId, 'processing');
    a.db.pragma('wal_checkpoint(RESTART)');
    // Another instance opens, writes and closes: not the last connection, so the file stays.
    const b = new SqlitePaymentStore({ filename });
    await b.markChecked(rec.orderId, 1);
    await b.close();
    assert.equal(inode(), first, 'the same file throughout');
    await a.transition(rec.orderId, 'succeeded');
    await a.sync();
    assert.equal(a.syncCount, 2);
    await a.close();
    assert.equal(existsSync(`${filename}-wal`), false, 'the last connection removes it on close');
    const c = new SqlitePaymentStore({ filename });
    assert.equal((await c.get(rec.orderId))?.status, 'succeeded');
    await c.close();
  });

  it("tells another connection's commits from its own (changedElsewhere)", async () => {
    const filename = join(dir, 'elsewhere.db');
    const a = new SqlitePaymentStore({ filename });
    const b = new SqlitePaymentStore({ filename });
    assert.equal(a.changedElsewhere(), true, 'the first look counts as a change');
    assert.equal(a.changedElsewhere(), false);
    const rec = await a.create(sampleRecord({ status: 'pending' }));
    await a.transition(rec.orderId, 'processing');
    assert.equal(a.changedElsewhere(), false, 'its own commits are not a change elsewhere');
    await b.markChecked(rec.orderId, 1);
    assert.equal(a.changedElsewhere(), true, 'the other connection committed');
    assert.equal(a.changedElsewhere(), false, 'and only once');
    assert.equal(new MemoryPaymentStore().changedElsewhere(), false, 'nobody else writes a memory store');
    await a.close();
    await b.close();
  });

  it('compiles each statement once: a second checkout and notification prepare nothing new', async () => {
    const store = new SqlitePaymentStore({ filename: join(dir, 'prepared.db') });
    const prepare = store.db.prepare.bind(store.db);
    let compiled = 0;
    store.db.prepare = (sql: string) => {
      compiled++;
      return prepare(sql);
    };
    const checkoutAndNotify = async (i: number): Promise<void> => {
      const record = sampleRecord({ orderId: `hp_prepared_${i}`, status: 'unknown' });
      const key = { scope: 'payment', key: `key-${i}`, requestHash: 'h' };
      const created = await store.createIdempotent(key, record);
      assert.equal(created.outcome, 'created');
      await store.patch(record.orderId, { orderNo: `no-${i}` });
      await store.transition(record.orderId, 'pending');
      await store.finishIdempotencyKey('payment', `key-${i}`, 201);
      await store.get(record.orderId);
      await store.appendNotification({
        orderId: record.orderId,
        receivedAt: new Date().toISOString(),
        verified: true,
        outcome: 'applied',
        body: '{}',
      });
      const moved = await store.transition(record.orderId, 'succeeded', { failureReason: null });
      assert.equal(moved.changed, true);
      assert.equal(moved.record?.status, 'succeeded');
      const refused = await store.transition(record.orderId, 'failed');
      assert.equal(refused.changed, false);
      assert.equal(refused.record?.status, 'succeeded');
    };
    await checkoutAndNotify(1);
    assert.ok(compiled > 0, 'the first round compiles its statements');
    compiled = 0;
    await checkoutAndNotify(2);
    assert.equal(compiled, 0);
    await store.close();
  });

  it('commits the writes of one event-loop turn together: each settles once committed, a failing one alone', async () => {
    const filename = join(dir, 'group-commit.db');
    const a = new SqlitePaymentStore({ filename });
    const b = new SqlitePaymentStore({ filename });
    const rec = await a.create(sampleRecord({ status: 'pending' }));
    const frames = async (write: () => Promise<void>) => {
      a.db.pragma('wal_checkpoint(TRUNCATE)');
      await write();
      // A WAL file is a 32-byte header, then one 24-byte header and one page per frame written.
      return (statSync(`${filename}-wal`).size - 32) / (24 + 4096);
    };
    const alone = await frames(async () => {
      for (let i = 1; i <= 20; i++) await a.markChecked(rec.orderId, i);
    });
    assert.ok(alone >= 20, `20 writes awaited one by one are 20 commits (${alone} frames)`);

    const seen: (number | null | undefined)[] = [];
    let duplicate: unknown;
    let moved: boolean | undefined;
    const together = await frames(async () => {
      const writes = Array.from({ length: 20 }, (_, i) =>
        a.markChecked(rec.orderId, 100 + i).then(async () => {
          // Settled: another connection already reads it (it is committed).
          seen.push((await b.get(rec.orderId))?.checkedAt);
        }),
      );
      const again = a.create(sampleRecord({ orderId: rec.orderId })).catch((err: unknown) => {
        duplicate = err;
      });
      const move = a.transition(rec.orderId, 'succeeded').then((t) => void (moved = t.changed));
      await Promise.all([...writes, again, move]);
    });
    assert.ok(together < 5, `22 writes in one turn are one commit (${together} frames)`);
    assert.deepEqual(
      seen,
      Array(20).fill(119),
      'every write settled after the commit that holds all of them',
    );
    assert.match(String(duplicate), /UNIQUE/, 'the duplicate create failed alone');
    assert.equal(moved, true, 'and the writes around it committed');
    assert.equal((await b.get(rec.orderId))?.status, 'succeeded');
    await a.close();
    await b.close();
  });

  it('names the fix when the filename is missing', () => {
    assert.throws(() => new SqlitePaymentStore({} as never), /filename.*required/);
  });
});
