// The admin API of @haipay-kit/express on the PostgreSQL store, over HTTP with the router and a sandbox:
// listing with filters and cursor pages, text that looks like SQL, one order with its notifications, and
// readiness (GET /health) while the database answers and after its pool is gone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { createHaiPayAdminRouter } from '@haipay-kit/express/admin';
import {
  startHarness,
  idem,
  BUYER,
  sampleRecord,
  type Harness,
  type WireJson,
} from '@haipay-kit/test-support';
import { PostgresPaymentStore } from '../src/index.js';
import { pgSuite, schemaPool } from './helpers.js';

const staff = { 'x-staff': 'u-staff-1' };
const idsOf = (json: WireJson) => (json.data as { orderId: string }[]).map((o) => o.orderId);

pgSuite('admin API on the PostgreSQL store', (url) => {
  const nextSchema = schemaPool(url);
  let sandbox: Sandbox;
  let store: PostgresPaymentStore;
  let h: Harness;

  before(async () => {
    sandbox = await createSandbox();
    store = new PostgresPaymentStore({ connectionString: url, schema: nextSchema() });
    await store.ready();
    h = await startHarness({ sandbox, store });
    h.app.use(
      '/admin',
      createHaiPayAdminRouter({
        checkout: h.router,
        authorize: (req) => req.get('x-staff') ?? false,
      }),
    );
  });
  after(async () => {
    await h.close();
    await sandbox.close();
  });

  describe('orders', () => {
    it('pages through every order once with the cursor, newest first, filtered and searched', async () => {
      for (let i = 0; i < 5; i++) {
        await store.create(
          sampleRecord({
            orderId: `hp_pgadmin_${String(i).padStart(8, '0')}`,
            orderRef: 'pg-paging',
            status: i % 2 ? 'succeeded' : 'failed',
            createdAt: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
          }),
        );
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; json: WireJson } = await h.get(
          `/admin/orders?q=PG-PAGING&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          staff,
        );
        assert.equal(res.status, 200, JSON.stringify(res.json));
        seen.push(...idsOf(res.json));
        cursor = res.json.nextCursor as string | null;
      } while (cursor);
      assert.deepEqual(
        seen,
        [4, 3, 2, 1, 0].map((i) => `hp_pgadmin_${String(i).padStart(8, '0')}`),
      );
      const paid = await h.get('/admin/orders?q=pg-paging&status=succeeded', staff);
      assert.deepEqual(idsOf(paid.json), ['hp_pgadmin_00000003', 'hp_pgadmin_00000001']);
      const window = await h.get(
        '/admin/orders?q=pg-paging&createdFrom=2025-01-01T00:01:00Z&createdBefore=2025-01-01T00:03:00Z',
        staff,
      );
      assert.deepEqual(idsOf(window.json), ['hp_pgadmin_00000002', 'hp_pgadmin_00000001']);
      for (const q of ["' OR 1=1 --", "'); DROP TABLE haipay_payments; --", '%']) {
        const res = await h.get(`/admin/orders?q=${encodeURIComponent(q)}`, staff);
        assert.equal(res.status, 200, q);
        assert.deepEqual(res.json.data, [], q);
      }
      assert.equal(idsOf((await h.get('/admin/orders?q=pg-paging', staff)).json).length, 5);
    });

    it('one paid order with its notification, and refusal without authorize', async () => {
      h.order = { amount: '100.00', currency: 'THB', subject: 'PG admin', buyerId: 'u-1001' };
      const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
      assert.equal(res.status, 201, JSON.stringify(res.json));
      sandbox.complete(res.json.orderNo, 'success');
      await sandbox.idle();
      const orderId = String(res.json.orderId);
      assert.equal((await h.get(`/admin/orders/${orderId}`)).status, 403);
      const detail = await h.get(`/admin/orders/${orderId}`, staff);
      assert.equal(detail.status, 200, JSON.stringify(detail.json));
      assert.equal(detail.json.order.status, 'succeeded');
      assert.equal(detail.json.notifications[0].outcome, 'applied');
      assert.equal(detail.json.notifications[0].body.orderId, orderId);
    });
  });

  describe('readiness', () => {
    it('GET /health is 200 while PostgreSQL answers, 503 from a store whose pool is closed', async () => {
      const up = await h.get('/admin/health', staff);
      assert.equal(up.status, 200, up.text);
      assert.equal(up.json.store.ok, true);
      // A second store on the same database, closed: its pool is gone.
      const gone = new PostgresPaymentStore({ connectionString: url, schema: store.schema });
      await gone.ready();
      await gone.close();
      h.app.use(
        '/admin-down',
        createHaiPayAdminRouter({ checkout: h.router, store: gone, authorize: () => 'ops' }),
      );
      const down = await h.get('/admin-down/health');
      assert.equal(down.status, 503, down.text);
      assert.deepEqual(down.json.store, { ok: false, error: 'unavailable' });
      assert.ok(!down.text.includes(url), 'the connection string is not shown');
    });
  });
});
