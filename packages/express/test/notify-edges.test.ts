/**
 * POST /notify at its edges: what a refused notification may not cost (a forged body cannot make the
 * store sync to disk, so it cannot be used to load the database), and that an acknowledged one is
 * synced once before its answer; and that a notification disagreeing with its order is settled on
 * HaiPay's query, not held on its own word. notify.test.ts covers the decisions; notify-unknown.test.ts
 * orders the store does not have; durability.test.ts the ordering.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { MemoryPaymentStore } from '../src/store/memory.js';
import { startHarness, idem, paidNotification, BUYER, type Harness } from '@haipay-kit/test-support';

/** A memory store that counts its sync barriers and its order reads. */
class CountingStore extends MemoryPaymentStore {
  syncs = 0;
  reads = 0;
  override sync(): Promise<void> {
    this.syncs++;
    return Promise.resolve();
  }
  override get(orderId: string) {
    this.reads++;
    return super.get(orderId);
  }
  /** endRecheck calls left to fail (a database error after the move). */
  failEndRecheck = 0;
  override async endRecheck(orderId: string) {
    if (this.failEndRecheck > 0) {
      this.failEndRecheck--;
      throw new Error('SQLITE_BUSY: database is locked');
    }
    return super.endRecheck(orderId);
  }
  claims = 0;
  override claimHook(...args: Parameters<MemoryPaymentStore['claimHook']>) {
    this.claims++;
    return super.claimHook(...args);
  }
}

let sandbox: Sandbox;
let store: CountingStore;
let h: Harness;
before(async () => {
  sandbox = await createSandbox();
  store = new CountingStore();
  h = await startHarness({ sandbox, store });
});
after(async () => {
  await h.close();
  await sandbox.close();
});

const notify = async (body: string) => {
  const res = await fetch(`${h.url}/haipay/notify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, text: await res.text() };
};

describe('POST /notify: the sync barrier', () => {
  it('a refused notification never makes the store sync; an acknowledged one syncs before SUCCESS', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #1', buyerId: 'u-1001' };
    const created = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const p = created.json as { orderId: string; orderNo: string };
    const genuine = paidNotification(sandbox, p);
    const before = store.syncs;
    // Forged (a changed amount under the genuine signature), not JSON, and a verified body for an
    // order this shop does not have: none is acknowledged, none costs a sync.
    for (const body of [
      genuine.replace('"100.00"', '"1.00"'),
      '{"orderId":',
      paidNotification(sandbox, { orderId: 'hp_notours0000000000000', orderNo: '6000000000000000' }),
    ])
      assert.notEqual((await notify(body)).text, 'SUCCESS');
    assert.equal(store.syncs, before, 'refusals do not sync');
    assert.deepEqual(await notify(genuine), { status: 200, text: 'SUCCESS' });
    assert.equal(store.syncs, before + 1);
  });

  it('a first delivery and a duplicate each read the order once', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #1b', buyerId: 'u-1001' };
    const p = (await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).json as {
      orderId: string;
      orderNo: string;
    };
    const body = paidNotification(sandbox, p);
    const hooked = h.calls.length;
    for (const delivery of ['first', 'duplicate']) {
      const before = { reads: store.reads, claims: store.claims };
      assert.deepEqual(await notify(body), { status: 200, text: 'SUCCESS' }, delivery);
      assert.equal(store.reads - before.reads, 1, `${delivery}: reads of the order`);
      // The first delivery's move claims onPaymentSucceeded in the same write; a duplicate claims nothing.
      assert.equal(store.claims - before.claims, 0, `${delivery}: separate hook claims`);
    }
    assert.deepEqual(h.calls.slice(hooked), [`succeeded:${p.orderId}`], 'the hook ran once');
  });

  it('a duplicate that arrives while the first delivery’s hook still runs does not run it again', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #1c', buyerId: 'u-1001' };
    const p = (await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).json as {
      orderId: string;
      orderNo: string;
    };
    const hooks = h.router.checkout.options.hooks;
    const original = { ...hooks };
    let runs = 0;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    let release!: () => void;
    hooks.onPaymentSucceeded = () => {
      runs++;
      started();
      return new Promise<void>((r) => (release = r));
    };
    try {
      const body = paidNotification(sandbox, p);
      const first = notify(body);
      await running;
      // HaiPay's retry while onPaymentSucceeded is still running: the order is succeeded, its hook
      // claimed by the first delivery and not yet done.
      assert.deepEqual(await notify(body), { status: 200, text: 'SUCCESS' });
      release();
      assert.deepEqual(await first, { status: 200, text: 'SUCCESS' });
      assert.equal(runs, 1, 'the hook ran once');
    } finally {
      Object.assign(hooks, original);
    }
  });

  it('a delivery that fails after its move claimed the hook gives the claim back: the retry runs the hook', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #1d', buyerId: 'u-1001' };
    const p = (await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).json as {
      orderId: string;
      orderNo: string;
    };
    // HaiPay's final "failed" (status 3): the move to failed claims onPaymentFailed, then ending the
    // re-asking fails, so this delivery is not acknowledged and HaiPay sends it again.
    const body = paidNotification(sandbox, p, { status: 3 });
    const hooked = h.calls.length;
    store.failEndRecheck = 1;
    assert.notEqual((await notify(body)).text, 'SUCCESS');
    assert.equal((await store.get(p.orderId))?.status, 'failed', 'the move itself is stored');
    assert.deepEqual(await notify(body), { status: 200, text: 'SUCCESS' });
    assert.deepEqual(h.calls.slice(hooked), [`failed:${p.orderId}`], 'the retry ran the hook, once');
  });

  it('a store without a sync barrier (it is optional) still acknowledges', async () => {
    const bare = new MemoryPaymentStore();
    Object.defineProperty(bare, 'sync', { value: undefined });
    const g = await startHarness({ sandbox, store: bare });
    try {
      g.order = { amount: '100.00', currency: 'THB', subject: 'Order #2', buyerId: 'u-1001' };
      const p = (await g.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).json as {
        orderId: string;
        orderNo: string;
      };
      const res = await fetch(`${g.url}/haipay/notify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: paidNotification(sandbox, p),
      });
      assert.equal(await res.text(), 'SUCCESS');
    } finally {
      await g.close();
    }
  });
});

describe('POST /notify: a disagreeing notification is settled on HaiPay’s word', () => {
  it('a wrong amount for an order HaiPay reports paid is credited as HaiPay’s query says, once', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #3', buyerId: 'u-1001' };
    const created = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const p = created.json as { orderId: string; orderNo: string };
    // Paid at HaiPay, whose own notification is held back: only the forged-amount body arrives.
    sandbox.injectFault({ mode: 'delayedNotification', endpoint: 'thb/collect/apply', ms: 3_600_000 });
    try {
      sandbox.complete(p.orderNo, 'success');
      await sandbox.idle();
      const res = await notify(paidNotification(sandbox, p, { amount: '1.00' }));
      assert.deepEqual(res, { status: 200, text: 'SUCCESS' }, 'acknowledged: HaiPay confirmed the payment');
      const record = await store.get(p.orderId);
      assert.equal(record?.status, 'succeeded', 'the query, not the notification, decided: paid');
      assert.equal(record?.failureReason ?? null, null, 'not held for review');
      assert.deepEqual(
        (await store.listNotifications(p.orderId)).map((n) => n.outcome),
        ['applied'],
        'recorded as applied',
      );
      assert.deepEqual(
        h.calls.filter((c) => c.endsWith(p.orderId)),
        [`succeeded:${p.orderId}`],
        'onPaymentSucceeded once, no mismatch hook',
      );
    } finally {
      sandbox.clearFaults();
    }
  });
});
