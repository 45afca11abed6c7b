/**
 * The checkout waits for the store's sync barrier before it promises anything outside the process:
 * HaiPay never sees an apply, and neither the browser nor HaiPay gets an answer, before the writes
 * behind it are synced. The store's sync here is held until the test releases it.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, generateSandboxConfig, type Sandbox } from '@haipay-kit/sandbox';
import { MemoryPaymentStore } from '../src/store/memory.js';
import { SqlitePaymentStore } from '../src/store/sqlite.js';
import {
  startHarness,
  idem,
  paidNotification,
  BUYER,
  CARD,
  ORIGIN,
  THB_PAYOUT,
  type Harness,
} from '@haipay-kit/test-support';

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
  // Balances to refund and pay out from.
  const config = generateSandboxConfig();
  for (const m of config.merchants)
    if (m.currency === 'USD' || m.currency === 'THB') m.openingBalance = '10000.00';
  sandbox = await createSandbox({ config });
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
    for (let i = 0; i < 5; i++) await turn();
    const held = (await store.listUnsettled()).find((r) => r.subject === 'Order #1');
    assert.ok(held, 'the order is reserved before the sync');
    // A query's round trip: an apply sent without waiting would be at HaiPay by its end.
    await assert.rejects(h.client.collectQuery('THB', { orderId: held.orderId }), { gatewayCode: '4013' });
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

describe('sync barrier: refunds and payouts', { timeout: 30_000 }, () => {
  const key = () => `transfer-${process.pid}-${Math.random().toString(36).slice(2)}`;

  /** A USD card payment, paid: each sync on the way (the reserved order, the paid notification) released. */
  async function paidCardOrder(): Promise<{ orderId: string; orderNo: string }> {
    h.order = { amount: '25.00', currency: 'USD', subject: 'Order #R', buyerId: 'u-1001' };
    const res = h.post(
      '/haipay/payments',
      { method: 'card', ...BUYER, phone: '', ...CARD },
      { ...idem(), 'user-agent': 'test-agent', referer: `${ORIGIN}/checkout` },
    );
    (await store.nextSync())();
    const { status, json } = await res;
    assert.equal(status, 201, JSON.stringify(json));
    // The sandbox notifies the card payment: its SUCCESS waits for a sync too.
    const delivered = sandbox.idle();
    (await store.nextSync())();
    await delivered;
    const order = await store.get(String(json.orderId));
    assert.ok(order?.orderNo);
    assert.equal(order.status, 'succeeded');
    return { orderId: order.orderId, orderNo: order.orderNo };
  }

  /** The refunds of a payment the store holds. */
  const refundsOf = (orderId: string) => store.listTransfers({ kind: 'refund', paymentOrderId: orderId });
  /** The ids of every payout the store holds. */
  const payoutIds = async () =>
    new Set((await store.listTransfers({ kind: 'payout' })).map((t) => t.transferId));
  /** The one payout the store holds that was not among `known`. */
  async function newPayout(known: Set<string>) {
    const fresh = (await store.listTransfers({ kind: 'payout' })).filter((t) => !known.has(t.transferId));
    assert.equal(fresh.length, 1, 'one payout reserved');
    return fresh[0]!;
  }

  /** HaiPay's answer to a query for a transfer: `4013` (no such order) when it never heard of it. */
  async function queryCode(kind: 'refund' | 'payout', transferId: string): Promise<string> {
    try {
      if (kind === 'refund') await h.client.refundQuery({ orderId: transferId });
      else await h.client.payQuery('THB', { orderId: transferId });
      return 'found';
    } catch (err) {
      // HaiPayApiError's code (read by name: the harness's client may come from the built package).
      const code = (err as { gatewayCode?: unknown }).gatewayCode;
      if (typeof code === 'string') return code;
      throw err;
    }
  }

  /** The refund HaiPay (the sandbox) holds against a paid order: its `refundNo`, if any. */
  function refundAtHaiPay(orderNo: string): string | undefined {
    const order = sandbox.order(orderNo);
    assert.ok(order?.kind === 'collect');
    return order.refundNo;
  }

  /** The sandbox's payouts made under `transferId`. */
  const payoutsAtHaiPay = (transferId: string) =>
    sandbox.orders().filter((o) => o.kind === 'payout' && o.orderId === transferId);

  it('a refund: HaiPay sees no refund apply before the store synced the reserved refund', async () => {
    const paid = await paidCardOrder();
    let answered = false;
    const res = h.router.checkout.refund(paid.orderId, { idempotencyKey: key() }).then((r) => {
      answered = true;
      return r;
    });
    const release = await store.nextSync();
    const [held] = await refundsOf(paid.orderId);
    assert.ok(held, 'the refund is reserved before the sync');
    assert.equal(held.status, 'unknown', 'the sync covers the reserved refund');
    for (let i = 0; i < 5; i++) await turn();
    assert.equal(await queryCode('refund', held.transferId), '4013', 'HaiPay has no refund by its id');
    assert.equal(refundAtHaiPay(paid.orderNo), undefined, 'the apply waits for the sync');
    assert.equal(answered, false);
    release();
    const refund = await res;
    assert.equal(refund.transferId, held.transferId);
    assert.equal(refund.status, 'pending');
    assert.ok(refund.gatewayNo);
    assert.equal(refundAtHaiPay(paid.orderNo), refund.gatewayNo, 'applied once synced');
    assert.equal(sandbox.refund(refund.gatewayNo)?.orderId, refund.transferId);
    assert.equal((await refundsOf(paid.orderId)).length, 1, 'one refund');
  });

  it('a refund whose reserved refund cannot be synced: HaiPay hears nothing, refund() rejects', async () => {
    const paid = await paidCardOrder();
    const k = key();
    const res = h.router.checkout.refund(paid.orderId, { idempotencyKey: k });
    // The apply is already signed while this sync runs; failing it must still keep it unsent.
    (await store.heldSync()).reject(new Error('EIO: fsync failed'));
    await assert.rejects(res, /EIO: fsync failed/);
    for (let i = 0; i < 5; i++) await turn();
    // The reserved refund is kept, as after a crash; HaiPay does not know it.
    const [left] = await refundsOf(paid.orderId);
    assert.ok(left, 'the reserved refund is kept');
    assert.equal(left.status, 'unknown');
    assert.equal(await queryCode('refund', left.transferId), '4013', 'HaiPay has no refund by its id');
    assert.equal(refundAtHaiPay(paid.orderNo), undefined, 'no refund apply reached HaiPay');
    // The same key again finds the reserved refund and asks HaiPay: it never applies it.
    const retry = await h.router.checkout.refund(paid.orderId, { idempotencyKey: k });
    assert.equal(retry.transferId, left.transferId);
    assert.equal((await refundsOf(paid.orderId)).length, 1);
    assert.equal(refundAtHaiPay(paid.orderNo), undefined, 'the retry applied nothing');
  });

  it('a payout: HaiPay sees no payout apply before the store synced the reserved payout', async () => {
    const known = await payoutIds();
    let answered = false;
    const res = h.router.checkout.payout({ ...THB_PAYOUT }, { idempotencyKey: key() }).then((r) => {
      answered = true;
      return r;
    });
    const release = await store.nextSync();
    const held = await newPayout(known);
    assert.equal(held.status, 'unknown', 'the sync covers the reserved payout');
    for (let i = 0; i < 5; i++) await turn();
    assert.equal(await queryCode('payout', held.transferId), '4013', 'HaiPay has no payout by its id');
    assert.deepEqual(payoutsAtHaiPay(held.transferId), [], 'the apply waits for the sync');
    assert.equal(answered, false);
    release();
    const payout = await res;
    assert.equal(payout.transferId, held.transferId);
    assert.equal(payout.status, 'pending');
    const applied = payoutsAtHaiPay(payout.transferId);
    assert.equal(applied.length, 1, 'applied once synced');
    assert.equal(applied[0]?.orderNo, payout.gatewayNo);
  });

  it('a payout whose reserved payout cannot be synced: HaiPay hears nothing, payout() rejects', async () => {
    const known = await payoutIds();
    const k = key();
    const res = h.router.checkout.payout({ ...THB_PAYOUT }, { idempotencyKey: k });
    (await store.heldSync()).reject(new Error('EIO: fsync failed'));
    await assert.rejects(res, /EIO: fsync failed/);
    for (let i = 0; i < 5; i++) await turn();
    // The reserved payout is kept, as after a crash; HaiPay does not know it.
    const left = await newPayout(known);
    assert.equal(left.status, 'unknown');
    assert.equal(await queryCode('payout', left.transferId), '4013', 'HaiPay has no payout by its id');
    assert.deepEqual(payoutsAtHaiPay(left.transferId), [], 'no payout apply reached HaiPay');
    const retry = await h.router.checkout.payout({ ...THB_PAYOUT }, { idempotencyKey: k });
    assert.equal(retry.transferId, left.transferId);
    await newPayout(known);
    assert.deepEqual(payoutsAtHaiPay(left.transferId), [], 'the retry applied nothing');
  });
});

describe('a created order and its idempotency key, on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haipay-key-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('are committed together: another connection never sees the order accepted under an open key', async () => {
    const file = join(dir, 'key.db');
    const sqlite = new SqlitePaymentStore({ filename: file });
    const reader = new Database(file, { readonly: true });
    const keyStatus = reader.prepare<[string], number | null>(
      'SELECT response_status FROM haipay_idempotency_keys WHERE order_id = ?',
    );
    // What another connection sees the moment the order's move to `pending` is committed.
    const seen: (number | null | undefined)[] = [];
    const transition = sqlite.transition.bind(sqlite);
    sqlite.transition = async (orderId, to, patch, options) => {
      const t = await transition(orderId, to, patch, options);
      if (t.changed && to === 'pending') seen.push(keyStatus.pluck().get(orderId));
      return t;
    };
    const hk = await startHarness({ sandbox, store: sqlite });
    try {
      hk.order = { amount: '100.00', currency: 'THB', subject: 'Order #K', buyerId: 'u-1001' };
      const res = await hk.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
      assert.equal(res.status, 201, JSON.stringify(res.json));
      assert.deepEqual(seen, [201], 'the key was finished in the commit that moved the order');
    } finally {
      reader.close();
      await hk.close();
    }
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
