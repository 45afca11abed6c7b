/**
 * Files the kit creates that hold buyers' data are private: the SQLite store's database, its -wal and
 * -shm files are 0600 and a directory it creates is 0700, however permissive the umask.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqlitePaymentStore } from '../src/store/sqlite.js';
import { sampleRecord } from '@haipay-kit/test-support';

const dir = mkdtempSync(join(tmpdir(), 'haipay-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;

/** Runs `fn` with the process umask set to `mask`, then puts the old one back. */
async function withUmask<T>(mask: number, fn: () => Promise<T>): Promise<T> {
  const previous = process.umask(mask);
  try {
    return await fn();
  } finally {
    process.umask(previous);
  }
}

describe('SqlitePaymentStore files', () => {
  for (const mask of [0o022, 0o000]) {
    it(`creates the database, -wal and -shm files 0600 and its directory 0700 (umask ${mask.toString(8).padStart(3, '0')})`, async () => {
      await withUmask(mask, async () => {
        const data = join(dir, `umask-${mask.toString(8)}`, 'data');
        const filename = join(data, 'haipay.db');
        const store = new SqlitePaymentStore({ filename });
        try {
          const rec = await store.create(sampleRecord({ status: 'pending' }));
          await store.transition(rec.orderId, 'succeeded');
          for (const file of [filename, `${filename}-wal`, `${filename}-shm`]) {
            assert.ok(existsSync(file), `${file} exists while the store is open`);
            assert.equal(mode(file).toString(8), '600', `${file} is private`);
          }
          assert.equal(mode(data).toString(8), '700', 'the directory it created is private');
          assert.equal(mode(join(data, '..')).toString(8), '700', 'and so is its parent it created');
        } finally {
          await store.close();
        }
      });
    });
  }

  it("leaves an existing database file's mode alone", async () => {
    await withUmask(0o022, async () => {
      const filename = join(dir, 'chosen.db');
      writeFileSync(filename, '');
      chmodSync(filename, 0o640);
      const store = new SqlitePaymentStore({ filename });
      try {
        await store.create(sampleRecord({ status: 'pending' }));
        assert.equal(mode(filename).toString(8), '640');
        assert.equal(mode(`${filename}-wal`).toString(8), '640', 'the -wal file follows the main file');
      } finally {
        await store.close();
      }
      const again = new SqlitePaymentStore({ filename });
      await again.close();
      assert.equal(mode(filename).toString(8), '640', 'reopening changes nothing');
    });
  });

  it('still opens :memory: (no file created)', async () => {
    const store = new SqlitePaymentStore({ filename: ':memory:' });
    try {
      const rec = await store.create(sampleRecord({ status: 'pending' }));
      assert.equal((await store.get(rec.orderId))?.status, 'pending');
      assert.equal(existsSync(':memory:'), false);
    } finally {
      await store.close();
    }
  });
});
