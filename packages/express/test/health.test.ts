/**
 * Readiness: `router.ready()` and the admin router's `GET /health` over HTTP — 200 with the store and
 * the merchant keys named, 503 when the store fails or does not answer in time, and never a secret or a
 * driver's error text in the answer.
 */
import { describe, it, before, after, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { startHarness, type Harness } from '@haipay-kit/test-support';
import { createHaiPayAdminRouter } from '../src/admin/index.js';
import { checkReadiness } from '../src/admin/readiness.js';
import { silentLogger } from '../src/logger.js';
import { MemoryPaymentStore } from '../src/store/memory.js';

/** A store whose reads fail (a database that went away) until `healthy` is set again. */
class FlakyStore extends MemoryPaymentStore {
  healthy = true;
  override async get(orderId: string) {
    if (!this.healthy) throw new Error('connect ECONNREFUSED postgres://haipay:hunter2@db:5432/haipay');
    return super.get(orderId);
  }
}

let sandbox: Sandbox;
let h: Harness;
const store = new FlakyStore();

before(async () => {
  sandbox = await createSandbox();
  h = await startHarness({ sandbox, store });
  h.app.use('/admin', createHaiPayAdminRouter({ checkout: h.router, authorize: () => 'monitor' }));
});
after(async () => {
  await h.close();
  await sandbox.close();
});

describe('readiness', () => {
  it('router.ready(): the store answers and the merchant keys are loaded', async () => {
    const r = await h.router.ready();
    assert.equal(r.ready, true);
    assert.deepEqual(r.store, { ok: true });
    assert.equal(r.keys.ok, true);
    assert.deepEqual([...r.keys.merchants].sort(), sandbox.config.merchants.map((m) => m.currency).sort());
    assert.ok(Number.isFinite(Date.parse(r.checkedAt)));
  });

  it('GET /health answers 200 when ready, with no key or secret in it', async () => {
    const res = await h.get('/admin/health');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.ready, true);
    assert.equal(res.json.store.ok, true);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    for (const m of sandbox.config.merchants) {
      assert.ok(!res.text.includes(m.secretKey), 'no secret key');
      assert.ok(!res.text.includes(m.privateKey!.slice(40, 80)), 'no private key');
    }
  });

  it('GET /health answers 503 while the store fails, without the driver error, then 200 again', async () => {
    store.healthy = false;
    try {
      const res = await h.get('/admin/health');
      assert.equal(res.status, 503, res.text);
      assert.equal(res.json.ready, false);
      assert.deepEqual(res.json.store, { ok: false, error: 'unavailable' });
      assert.equal(res.json.keys.ok, true);
      assert.ok(!res.text.includes('hunter2'));
      assert.ok(!res.text.includes('ECONNREFUSED'));
      assert.ok(h.logger.lines.some((l) => l.includes('haipay readiness: the store did not answer')));
    } finally {
      store.healthy = true;
    }
    assert.equal((await h.get('/admin/health')).status, 200);
  });

  it('a store that does not answer within the time allowed is not ready (timeout)', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const hanging = new MemoryPaymentStore();
      hanging.get = () => new Promise(() => undefined);
      const pending = checkReadiness({ store: hanging, client: h.client, logger: silentLogger }, 2_000);
      mock.timers.tick(1_999);
      let settled = false;
      void pending.then(() => (settled = true));
      await Promise.resolve();
      assert.equal(settled, false, 'still waiting at 1999 ms');
      mock.timers.tick(1);
      const r = await pending;
      assert.equal(r.ready, false);
      assert.deepEqual(r.store, { ok: false, error: 'timeout' });
    } finally {
      mock.timers.reset();
    }
  });
});
