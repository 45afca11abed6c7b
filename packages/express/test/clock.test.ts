/**
 * The injectable clock (`now`): what the router, the checkout, the reconciler and the store it creates
 * stamp and decide follows the clock a test moves, not the wall clock.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { BUYER, ORIGIN, clientOptionsFor, sampleRecord } from '@haipay-kit/test-support';
import {
  HaiPayCheckout,
  HaiPayClient,
  createHaiPayRouter,
  createReconciler,
  silentLogger,
  type HaiPayRouterOptions,
} from '../src/index.js';
import { MemoryPaymentStore } from '../src/testing.js';

const START = Date.UTC(2026, 0, 1);

/** A clock that moves only when told. */
function testClock() {
  let time = START;
  return { now: () => time, advance: (ms: number) => void (time += ms) };
}

/** A memory store with a reconciler lease that records the time it was asked at. */
class LeasedStore extends MemoryPaymentStore {
  readonly leaseTimes: (number | undefined)[] = [];
  async tryAcquireReconcilerLease(_leaseMs: number, now?: number): Promise<boolean> {
    this.leaseTimes.push(now);
    return true;
  }
}

let sandbox: Sandbox;
let client: HaiPayClient;
before(async () => {
  sandbox = await createSandbox();
  client = new HaiPayClient(clientOptionsFor(sandbox));
});
after(() => sandbox.close());

const routerOptions = (extra: Partial<HaiPayRouterOptions>): HaiPayRouterOptions => ({
  client,
  logger: silentLogger,
  publicBaseUrl: 'http://127.0.0.1:1/haipay',
  returnUrl: `${ORIGIN}/thanks`,
  allowedOrigins: [ORIGIN],
  resolveOrder: () => ({ amount: '100.00', currency: 'THB', subject: 'Order #1', buyerId: 'u-1' }),
  reconcile: false,
  rateLimit: false,
  ...extra,
});

describe('the injectable clock', () => {
  it('the reconciler takes its lease at the checkout’s clock, at its own, or leaves the time to the store', async () => {
    const clock = testClock();
    const checkoutOn = (store: LeasedStore, now?: () => number) =>
      new HaiPayCheckout({
        client,
        store,
        logger: silentLogger,
        hooks: {},
        publicBaseUrl: 'http://127.0.0.1:1/haipay',
        returnUrl: `${ORIGIN}/thanks`,
        expiresAfterMs: {},
        refreshAfterMs: 10_000,
        unknownGraceMs: 120_000,
        hookLeaseMs: 60_000,
        hookWaitMs: 0,
        confirmByQuery: 'on-mismatch',
        now,
      });

    const withCheckoutClock = new LeasedStore();
    await createReconciler(checkoutOn(withCheckoutClock, clock.now)).runOnce();
    assert.deepEqual(withCheckoutClock.leaseTimes, [START]);

    const withOwnClock = new LeasedStore();
    await createReconciler(checkoutOn(withOwnClock, clock.now), { now: () => START + 5 }).runOnce();
    assert.deepEqual(withOwnClock.leaseTimes, [START + 5], 'its own `now` wins');

    const withoutClock = new LeasedStore();
    await createReconciler(checkoutOn(withoutClock)).runOnce();
    assert.deepEqual(withoutClock.leaseTimes, [undefined], 'no clock injected: the store times the lease');
  });

  it('the router hands its clock to the SQLite store it creates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haipay-clock-'));
    const cwd = process.cwd();
    process.chdir(dir); // the default store is ./data/haipay.db
    try {
      const router = createHaiPayRouter(routerOptions({ now: () => START }));
      try {
        const created = await router.checkout.store.create(sampleRecord());
        assert.equal(created.createdAt, new Date(START).toISOString());
        assert.equal(created.updatedAt, new Date(START).toISOString());
      } finally {
        await router.close();
      }
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a read queries HaiPay again once the order is stale on the router's clock", async () => {
    const clock = testClock();
    const store = new MemoryPaymentStore({ now: clock.now });
    const router = createHaiPayRouter(routerOptions({ store, now: clock.now, refreshAfterMs: 10_000 }));
    const app = express();
    app.use('/haipay', router);
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/haipay`;
    try {
      const res = await fetch(`${url}/payments`, {
        method: 'POST',
        headers: { origin: ORIGIN, 'content-type': 'application/json', 'idempotency-key': 'clock-read-0001' },
        body: JSON.stringify({ method: 'promptpay', ...BUYER }),
      });
      assert.equal(res.status, 201, await res.clone().text());
      const { orderId } = (await res.json()) as { orderId: string };
      const read = async () => {
        const r = await fetch(`${url}/payments/${orderId}`, { headers: { origin: ORIGIN } });
        assert.equal(r.status, 200);
        await r.arrayBuffer();
        return (await store.get(orderId))!.checkedAt;
      };
      const first = await read();
      assert.ok(first !== null && first >= START, 'the first read checked the order');
      clock.advance(9_000);
      assert.equal(await read(), first, 'checked 9 s ago on the clock: answered from the store');
      clock.advance(2_000);
      assert.equal(await read(), first + 11_000, 'checked 11 s ago: queried again, at the clock’s time');
    } finally {
      await router.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
