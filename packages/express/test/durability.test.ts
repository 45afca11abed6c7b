/**
 * The checkout waits for the store's sync barrier before it promises anything outside the process:
 * HaiPay never sees an apply, and neither the browser nor HaiPay gets an answer, before the writes
 * behind it are synced. The store's sync here is held until the test releases it.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { MemoryPaymentStore } from '../src/store/memory.js';
import { SqlitePaymentStore } from '../src/store/sqlite.js';
import { startHarness, idem, paidNotification, BUYER, type Harness } from '@haipay-kit/test-support';

/** A memory store whose sync() settles only when the test releases it (or fails it). */
class HeldSyncStore extends MemoryPaymentStore {
  readonly #held: { resolve: () => void; reject: (err: Error) => void }[] = [];
  #arrived: (() => void) | null = null;

  override sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#held.push({ resolve, reject });
      this.#arrived?.();
    });
  }

  /** The next sync call (one already waiting, or the next to come): release it, or fail it. */
  async heldSync(): Promise<{ resolve: () => void; reject: (err: Error) => void }> {
    while (this.#held.length === 0) await new Promise<void>((r) => (this.#arrived = r));
    this.#arrived = null;
    return this.#held.shift()!;
  }

  /** Resolves with the release of the next sync call. */
  async nextSync(): Promise<() => void> {
    return (await this.heldSync()).resolve;
  }
}

/** Lets pending I/O callbacks and microtasks run, so an answer that was not held would have arrived. */
const turn = () => new Promise((r) => setImmediate(r));

let sandbox: Sandbox;
let store: HeldSyncStore;
let h: Harness;
before(async () => {
  sandbox = await createSandbox();
  store = new HeldSyncStore();
  h = await startHarness({ sandbox, store });
});
after(async () => {
  await h.close();
  await sandbox.close();
});

describe('sync barrier', { timeout: 30_000 }, () => {
  it('a payment: HaiPay sees no apply before the store synced the reserved order', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #1', buyerId: 'u-1001' };
    const before = sandbox.orders().length;
    let answered = false;
    const res = h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem()).then((r) => {
      answered = true;
      return r;
    });
    const reserved = await store.nextSync();
    await turn();
    assert.equal(sandbox.orders().length, before, 'the apply waits for the reserved order to be synced');
    assert.equal(answered, false);
    reserved();
    // One sync per checkout: what follows the apply is re-learnt from HaiPay if a power cut loses it.
    const { status, json } = await res;
    assert.equal(status, 201, JSON.stringify(json));
    assert.equal(sandbox.orders().length, before + 1, 'applied once the reserved order was synced');
  });

  it('a payment whose reserved order cannot be synced: HaiPay hears nothing, the browser gets an error', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #3', buyerId: 'u-1001' };
    const before = sandbox.orders().length;
    const res = h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
    // The apply is already signed while this sync runs; failing it must still keep it unsent.
    (await store.heldSync()).reject(new Error('EIO: fsync failed'));
    const { status } = await res;
    assert.equal(status, 500);
    for (let i = 0; i < 5; i++) await turn();
    assert.equal(sandbox.orders().length, before, 'no apply reached HaiPay');
  });

  it('a notification: SUCCESS only after the store synced the applied state', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #2', buyerId: 'u-1001' };
    const created = h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
    (await store.nextSync())();
    const p = (await created).json as { orderId: string; orderNo: string };
    const body = paidNotification(sandbox, p);
    let answered = false;
    const res = fetch(`${h.url}/haipay/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    }).then(async (r) => {
      answered = true;
      return r.text();
    });
    const release = await store.nextSync();
    assert.equal((await store.get(p.orderId))?.status, 'succeeded', 'the sync covers the applied state');
    await turn();
    assert.equal(answered, false, 'SUCCESS waits for the sync');
    release();
    assert.equal(await res, 'SUCCESS');
  });
});

describe('SqlitePaymentStore.sync', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haipay-sync-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('coalesces concurrent callers: 50 at once share at most two fsyncs, a later caller gets its own', async () => {
    const sqlite = new SqlitePaymentStore({ filename: join(dir, 'sync.db') });
    await sqlite.sync();
    const first = sqlite.syncCount;
    await Promise.all(Array.from({ length: 50 }, () => sqlite.sync()));
    const shared = sqlite.syncCount - first;
    assert.ok(shared >= 1 && shared <= 2, `50 concurrent syncs ran ${shared} fsyncs`);
    // One running, then callers that arrive meanwhile share the next one — never the running one.
    const running = sqlite.sync();
    const queued = [sqlite.sync(), sqlite.sync(), sqlite.sync()];
    assert.notEqual(queued[0], running, 'a caller arriving during a sync waits for the next one');
    assert.equal(queued[1], queued[0]);
    await Promise.all([running, ...queued]);
    assert.equal(sqlite.syncCount - first, shared + 2);
    await sqlite.close();
  });

  it('runs in WAL mode with synchronous = NORMAL', async () => {
    const sqlite = new SqlitePaymentStore({ filename: join(dir, 'mode.db') });
    assert.equal(sqlite.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(sqlite.db.pragma('synchronous', { simple: true }), 1);
    await sqlite.close();
  });
});
