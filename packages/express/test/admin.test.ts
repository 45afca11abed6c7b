/**
 * The admin API over HTTP on loopback, on a real SQLite file, with the router and a sandbox: refusal of
 * every route without `authorize`, listing and paging, filters, per-field 400s, hostile input, one order
 * with its notifications, cancelling a subscription, and the action log.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Request } from 'express';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import {
  startHarness,
  idem,
  BUYER,
  CARD,
  sampleRecord,
  type Harness,
  type WireJson,
  THB_PAYOUT,
} from '@haipay-kit/test-support';
import { ADMIN_ACTIONS, createHaiPayAdminRouter, type AdminAction } from '../src/admin/index.js';
import { HaiPayConfigError, HaiPayNotFoundError } from '../src/errors.js';
import { MemoryPaymentStore } from '../src/store/memory.js';
import { SqlitePaymentStore } from '../src/store/sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'haipay-admin-'));
let sandbox: Sandbox;
let h: Harness;
/** Every authorize call: `${action}:${staff header}`. */
const asked: string[] = [];

/** Staff: `x-staff: <id>`; `viewer` may read but not change anything; no header: refused. */
function authorize(req: Request, action: AdminAction) {
  const staff = req.get('x-staff');
  asked.push(`${action}:${staff ?? ''}`);
  if (!staff) return false;
  if (staff === 'viewer' && !action.endsWith('.list') && !action.endsWith('.read')) return null;
  return { id: staff };
}

before(async () => {
  sandbox = await createSandbox();
  h = await startHarness({ sandbox, store: new SqlitePaymentStore({ filename: join(dir, 'admin.db') }) });
  h.app.use('/admin', createHaiPayAdminRouter({ checkout: h.router, authorize, maxPageSize: 20 }));
});
after(async () => {
  await h.close();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

const staff = { 'x-staff': 'u-staff-7' };

const ordersOf = (json: WireJson) => json.data as { orderId: string; kind: string }[];
const idsOf = (json: WireJson) => ordersOf(json).map((o) => o.orderId);
const fieldsOf = (json: WireJson) =>
  (json.error.fields as { field: string; code: string }[]).map((f) => `${f.field}:${f.code}`);

/** A paid PromptPay order through the router and the sandbox (notification applied). */
async function paidOrder(): Promise<string> {
  h.order = { amount: '100.00', currency: 'THB', subject: 'Admin order', buyerId: 'u-1001' };
  const res = await h.post('/haipay/payments', { method: 'promptpay', orderRef: 'cart-9', ...BUYER }, idem());
  assert.equal(res.status, 201, JSON.stringify(res.json));
  sandbox.complete(res.json.orderNo, 'success');
  await sandbox.idle();
  return String(res.json.orderId);
}

/** A paid USD card order (the sandbox charges 4242… in the call). */
async function paidCardOrder(): Promise<string> {
  h.order = { amount: '25.00', currency: 'USD', subject: 'Card order', buyerId: 'u-1001' };
  const res = await h.post('/haipay/payments', { method: 'card', ...BUYER, ...CARD }, idem());
  assert.equal(res.status, 201, JSON.stringify(res.json));
  await sandbox.idle();
  assert.equal((await h.store.get(String(res.json.orderId)))?.status, 'succeeded');
  return String(res.json.orderId);
}

/** A THB payout to a bank account, as the admin API takes it. */
const PAYOUT = THB_PAYOUT;

/** An active card subscription through the router and the sandbox. */
async function activeSubscription(): Promise<string> {
  const res = await h.post('/haipay/subscriptions', { planRef: 'monthly', ...BUYER, ...CARD }, idem());
  assert.equal(res.status, 201, JSON.stringify(res.json));
  if (res.json.status !== 'active') {
    sandbox.complete(res.json.subscriptionNo, 'success');
    await sandbox.idle();
  }
  return String(res.json.subscriptionId);
}

describe('createHaiPayAdminRouter options', () => {
  it('without authorize it throws a HaiPayConfigError that names the fix', () => {
    for (const options of [{ checkout: h.router }, { checkout: h.router, authorize: 'yes' }]) {
      assert.throws(
        () => createHaiPayAdminRouter(options as never),
        (err: unknown) =>
          err instanceof HaiPayConfigError && /`authorize\(req, action\)` is required/.test(err.message),
      );
    }
  });

  it('refuses a checkout that is not one, a store without listOrders and a bad maxPageSize', () => {
    const store = new MemoryPaymentStore();
    const bare = Object.assign(Object.create(null) as object, { get: store.get.bind(store) });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ authorize, checkout: {} }, /`checkout` must be the router/],
      [{ authorize, checkout: h.router, store: bare }, /no `listOrders\(query\)`/],
      [{ authorize, checkout: h.router, maxPageSize: 5000 }, /`maxPageSize`/],
    ];
    for (const [options, message] of cases) {
      assert.throws(() => createHaiPayAdminRouter(options as never), message);
    }
  });
});

describe('authorization', () => {
  it('every route answers 403 without authorize, before reading anything, and changes nothing', async () => {
    const orderId = await paidOrder();
    const card = await paidCardOrder();
    const subscriptionId = await activeSubscription();
    const routes: [AdminAction, 'GET' | 'POST', string][] = [
      ['orders.list', 'GET', '/admin/orders?limit=notanumber'],
      ['orders.read', 'GET', `/admin/orders/${orderId}`],
      ['subscriptions.list', 'GET', '/admin/subscriptions'],
      ['subscriptions.cancel', 'POST', `/admin/subscriptions/${subscriptionId}/cancel`],
      ['health.read', 'GET', '/admin/health'],
      ['orders.refund', 'POST', `/admin/orders/${card}/refund`],
      ['payouts.create', 'POST', '/admin/payouts'],
      ['payouts.list', 'GET', '/admin/payouts'],
      ['transfers.read', 'GET', '/admin/transfers/hpr_doesnotexist00'],
      ['balances.read', 'GET', '/admin/balances'],
    ];
    assert.deepEqual(
      [...new Set(routes.map(([action]) => action))].sort(),
      [...ADMIN_ACTIONS].sort(),
      'every action has a route in this test',
    );
    const before = await h.store.get(subscriptionId);
    asked.length = 0;
    for (const [action, method, path] of routes) {
      for (const headers of [{}, { 'x-staff': '' }] as Record<string, string>[]) {
        const res =
          method === 'GET'
            ? await h.get(path, headers)
            : await h.post(path, path.endsWith('/payouts') ? PAYOUT : {}, { ...headers, ...idem() });
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.deepEqual(res.json, { error: { type: 'forbidden', message: 'Not allowed.' } });
        assert.equal(asked.at(-1), `${action}:`);
      }
    }
    // A viewer may read, not cancel.
    const viewer = await h.post(`/admin/subscriptions/${subscriptionId}/cancel`, {}, { 'x-staff': 'viewer' });
    assert.equal(viewer.status, 403);
    await sandbox.idle();
    const afterwards = await h.store.get(subscriptionId);
    assert.equal(afterwards?.status, 'active');
    assert.equal(afterwards?.version, before?.version, 'the subscription was not touched');
    assert.deepEqual(await h.store.listTransfers(), [], 'no refund or payout was made');
    const refusals = h.logger.lines.filter((l) => l.includes('haipay admin action refused'));
    assert.ok(refusals.length >= routes.length * 2 + 1);
    assert.equal(h.logger.lines.filter((l) => l.includes('"msg":"haipay admin action"')).length, 0);
  });

  it('an authorize that throws answers 500 and does nothing', async () => {
    const app = h.app;
    app.use(
      '/admin-broken',
      createHaiPayAdminRouter({
        checkout: h.router,
        authorize: () => {
          throw new Error('session store down');
        },
      }),
    );
    const res = await h.get('/admin-broken/orders', staff);
    assert.equal(res.status, 500);
    assert.equal(res.json.error.type, 'server_error');
    assert.ok(!res.text.includes('session store down'));
  });
});

describe('orders', () => {
  it('lists and pages with an opaque cursor, newest first, every order once', async () => {
    for (let i = 0; i < 7; i++) {
      await h.store.create(
        sampleRecord({
          orderId: `hp_page_${String(i).padStart(10, '0')}`,
          subject: `Paged order ${i}`,
          orderRef: 'paging-test',
          createdAt: new Date(Date.UTC(2025, 5, 1, 0, i)).toISOString(),
        }),
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; json: WireJson } = await h.get(
        `/admin/orders?q=paging-test&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        staff,
      );
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.ok(res.json.data.length <= 3);
      seen.push(...idsOf(res.json));
      cursor = res.json.nextCursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(
      seen,
      [6, 5, 4, 3, 2, 1, 0].map((i) => `hp_page_${String(i).padStart(10, '0')}`),
    );
  });

  it('filters by status, method, kind, creation time and text', async () => {
    const paid = await paidOrder();
    const sub = await activeSubscription();
    const ids = async (query: string) => {
      const res = await h.get(`/admin/orders?${query}`, staff);
      assert.equal(res.status, 200, JSON.stringify(res.json));
      return idsOf(res.json);
    };
    assert.ok((await ids('status=succeeded&method=promptpay')).includes(paid));
    assert.ok(!(await ids('status=failed,expired')).includes(paid));
    assert.ok(!(await ids('method=card')).includes(paid));
    assert.ok((await ids('kind=subscription&status=active')).includes(sub));
    assert.ok(!(await ids('kind=payment')).includes(sub));
    assert.ok((await ids(`q=${paid.toUpperCase()}`)).includes(paid), 'text ignores case');
    assert.deepEqual(await ids('createdFrom=2025-06-01T00:02:00Z&createdBefore=2025-06-01T00:04:00Z'), [
      'hp_page_0000000003',
      'hp_page_0000000002',
    ]);
    assert.ok(!(await ids('createdBefore=2025-06-02')).includes(paid));
    const subs = await h.get('/admin/subscriptions?status=active', staff);
    assert.ok(ordersOf(subs.json).every((o) => o.kind === 'subscription'));
    assert.ok(idsOf(subs.json).includes(sub));
  });

  it('answers 400 per field for bad parameters, all at once', async () => {
    const bad = await h.get(
      '/admin/orders?limit=0&status=succeeded,bogus&method=cheque&kind=both&createdFrom=yesterday&cursor=abc&stauts=paid',
      staff,
    );
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.type, 'validation_error');
    const fields = fieldsOf(bad.json).sort();
    assert.deepEqual(fields, [
      'createdFrom:invalid_date',
      'cursor:invalid_cursor',
      'kind:invalid_value',
      'limit:out_of_range',
      'method:invalid_value',
      'status:invalid_value',
      'stauts:unknown_field',
    ]);
    const cases: [string, string][] = [
      ['limit=21', 'limit:out_of_range'],
      ['limit=99999999999999999999', 'limit:out_of_range'],
      ['limit=1e3', 'limit:out_of_range'],
      ['limit=-1', 'limit:out_of_range'],
      ['limit=1&limit=2', 'limit:invalid_type'],
      ['createdFrom=2026-02-30', 'createdFrom:invalid_date'],
      ['createdFrom=1970-01-01', 'createdFrom:invalid_date'],
      ['createdFrom=2026-01-01T10:00', 'createdFrom:invalid_date'],
      ['createdFrom=2026-02-01&createdBefore=2026-01-01', 'createdBefore:invalid_range'],
      [`q=${'x'.repeat(101)}`, 'q:invalid_text'],
      ['q=a%00b', 'q:invalid_text'],
      ['cursor=WyIyMDI2LTAxLTAxVDAwOjAwOjAwLjAwMFoiLCInIE9SIDE9MSJd', 'cursor:invalid_cursor'],
      [`cursor=${'A'.repeat(500)}`, 'cursor:invalid_cursor'],
      ['status[a]=succeeded', 'status[a]:unknown_field'],
    ];
    for (const [query, expected] of cases) {
      const res = await h.get(`/admin/orders?${query}`, staff);
      assert.equal(res.status, 400, query);
      assert.deepEqual(fieldsOf(res.json), [expected], query);
    }
  });

  it('SQL-looking text is only text, and the table survives it', async () => {
    const before = (await h.get('/admin/orders?limit=20', staff)).json.data.length;
    for (const q of ["' OR 1=1 --", '"; DROP TABLE haipay_payments; --', '%', '\\']) {
      const res = await h.get(`/admin/orders?q=${encodeURIComponent(q)}`, staff);
      assert.equal(res.status, 200, q);
      assert.deepEqual(res.json.data, [], q);
    }
    assert.equal((await h.get('/admin/orders?limit=20', staff)).json.data.length, before);
  });

  it('one order with its verified notifications; unknown and malformed ids are 404', async () => {
    const orderId = await paidOrder();
    const res = await h.get(`/admin/orders/${orderId}`, staff);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.order.orderId, orderId);
    assert.equal(res.json.order.status, 'succeeded');
    assert.equal(res.json.order.final, true);
    assert.ok(res.json.notifications.length >= 1);
    const [first] = res.json.notifications;
    assert.equal(first.verified, true);
    assert.equal(first.outcome, 'applied');
    assert.equal(first.body.orderId, orderId);
    assert.equal(first.body.sign, undefined, 'the signature is not shown');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    for (const id of ['hp_doesnotexist0000', "hp_' OR 1=1", 'x'.repeat(300)]) {
      const missing = await h.get(`/admin/orders/${encodeURIComponent(id)}`, staff);
      assert.equal(missing.status, 404, id);
      assert.equal(missing.json.error.type, 'not_found');
    }
  });
});

describe('subscriptions', () => {
  it('cancel: at HaiPay and in the store, logged with who asked; a payment id is 404', async () => {
    const sub = await activeSubscription();
    const res = await h.post(`/admin/subscriptions/${sub}/cancel`, { note: 'ignored' }, staff);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.order.status, 'cancelled');
    assert.equal((await h.store.get(sub))?.status, 'cancelled');
    const line = h.logger.lines.find((l) => l.includes('"action":"subscriptions.cancel"') && l.includes(sub));
    assert.ok(line, 'the action is logged');
    const logged = JSON.parse(line) as Record<string, unknown>;
    assert.deepEqual(logged.actor, { id: 'u-staff-7' });
    assert.equal(logged.status, 200);
    assert.ok(!line.includes('ignored'), 'bodies are not logged');
    const paid = await paidOrder();
    assert.equal((await h.post(`/admin/subscriptions/${paid}/cancel`, {}, staff)).status, 404);
  });

  it('a subscription the checkout does not know is 404 not_found (HaiPayNotFoundError), not a gateway error', async () => {
    // The list's store (a reporting copy, say) has it; the checkout's store does not.
    const reporting = new MemoryPaymentStore();
    const ghost = await reporting.create(
      sampleRecord({
        orderId: 'hps_ghost_0000000001',
        kind: 'subscription',
        method: 'card',
        status: 'active',
      }),
    );
    h.app.use('/admin-copy', createHaiPayAdminRouter({ checkout: h.router, store: reporting, authorize }));
    const res = await h.post(`/admin-copy/subscriptions/${ghost.orderId}/cancel`, {}, staff);
    assert.equal(res.status, 404, JSON.stringify(res.json));
    assert.deepEqual(res.json.error, { type: 'not_found', message: 'No such subscription.' });
    await assert.rejects(h.router.checkout.cancelSubscription(ghost.orderId), (err: unknown) => {
      assert.ok(err instanceof HaiPayNotFoundError);
      assert.equal(err.code, 'not_found');
      return true;
    });
  });

  it('the action log never holds a card number', () => {
    const all = h.logger.lines.join('\n');
    assert.ok(!all.includes(CARD.cardNumber));
    assert.ok(!all.includes(`"cvv":"${CARD.cvv}"`));
  });
});

describe('refunds, payouts and balances', () => {
  it('refund: needs an Idempotency-Key, is made once per key, shown with its order, refused twice', async () => {
    const orderId = await paidCardOrder();
    const noKey = await h.post(`/admin/orders/${orderId}/refund`, { reason: 'customer asked' }, staff);
    assert.equal(noKey.status, 400);
    assert.deepEqual(fieldsOf(noKey.json), ['Idempotency-Key:required']);
    const badBody = await h.post(
      `/admin/orders/${orderId}/refund`,
      { reason: 7, amount: '1.00' },
      { ...staff, ...idem() },
    );
    assert.deepEqual(fieldsOf(badBody.json).sort(), ['amount:unknown_field', 'reason:invalid_text']);
    const key = idem();
    const first = await h.post(
      `/admin/orders/${orderId}/refund`,
      { reason: 'customer asked' },
      { ...staff, ...key },
    );
    assert.equal(first.status, 200, JSON.stringify(first.json));
    assert.match(first.json.refund.transferId, /^hpr_/);
    assert.equal(first.json.refund.paymentOrderId, orderId);
    assert.ok(['pending', 'succeeded'].includes(first.json.refund.status));
    const again = await h.post(
      `/admin/orders/${orderId}/refund`,
      { reason: 'customer asked' },
      { ...staff, ...key },
    );
    assert.equal(again.json.refund.transferId, first.json.refund.transferId, 'same key, same refund');
    const second = await h.post(`/admin/orders/${orderId}/refund`, {}, { ...staff, ...idem() });
    assert.equal(second.status, 409);
    assert.equal(second.json.error.type, 'refund_refused');
    assert.equal(second.json.error.reason, 'already_refunded');
    const withDeduction = await h.post(
      `/admin/orders/${orderId}/refund`,
      { deductNo: 'D1' },
      { ...staff, ...idem() },
    );
    assert.equal(withDeduction.status, 400, 'a payment has no deductions');
    const thb = await paidOrder();
    const promptpay = await h.post(`/admin/orders/${thb}/refund`, {}, { ...staff, ...idem() });
    assert.equal(promptpay.status, 409);
    assert.equal(promptpay.json.error.reason, 'not_refundable');
    assert.equal(
      (await h.post('/admin/orders/hp_doesnotexist0000/refund', {}, { ...staff, ...idem() })).status,
      404,
    );
    const detail = await h.get(`/admin/orders/${orderId}`, staff);
    assert.deepEqual(
      (detail.json.refunds as { transferId: string }[]).map((r) => r.transferId),
      [first.json.refund.transferId],
    );
    const read = await h.get(`/admin/transfers/${first.json.refund.transferId}?refresh=1`, staff);
    assert.equal(read.status, 200);
    assert.equal(read.json.transfer.kind, 'refund');
    const line = h.logger.lines.find(
      (l) => l.includes('"action":"orders.refund"') && l.includes('"status":200'),
    );
    assert.ok(line?.includes(first.json.refund.transferId), 'the refund is in the action log');
  });

  it('payout: checked per field, made once per key, listed; the account number is never logged', async () => {
    const bad = await h.post(
      '/admin/payouts',
      { ...PAYOUT, amount: '0.10', iban: 'x' },
      { ...staff, ...idem() },
    );
    assert.equal(bad.status, 400);
    assert.deepEqual(fieldsOf(bad.json), ['iban:unknown_field']);
    const low = await h.post('/admin/payouts', { ...PAYOUT, amount: '0.10' }, { ...staff, ...idem() });
    assert.equal(low.status, 400, JSON.stringify(low.json));
    assert.ok(fieldsOf(low.json).some((f) => f.startsWith('amount:')));
    const key = idem();
    const made = await h.post('/admin/payouts', PAYOUT, { ...staff, ...key });
    assert.equal(made.status, 200, JSON.stringify(made.json));
    assert.match(made.json.payout.transferId, /^hpo_/);
    const again = await h.post('/admin/payouts', PAYOUT, { ...staff, ...key });
    assert.equal(again.json.payout.transferId, made.json.payout.transferId);
    const listed = await h.get('/admin/payouts?limit=5', staff);
    assert.ok(
      (listed.json.data as { transferId: string }[]).some(
        (p) => p.transferId === made.json.payout.transferId,
      ),
    );
    assert.equal((await h.get('/admin/payouts?limit=500', staff)).status, 400);
    assert.ok(!h.logger.lines.join('\n').includes('0123456789'), 'no account number in the log');
  });

  it('balances: every configured currency, or the ones asked; an unknown currency is 400', async () => {
    const all = await h.get('/admin/balances', staff);
    assert.equal(all.status, 200, JSON.stringify(all.json));
    const currencies = (all.json.data as { currency: string }[]).map((b) => b.currency).sort();
    assert.ok(currencies.includes('THB') && currencies.includes('USD'));
    const thb = await h.get('/admin/balances?currency=THB', staff);
    assert.equal(thb.json.data.length, 1);
    assert.equal(typeof thb.json.data[0].available, 'string');
    const eur = await h.get('/admin/balances?currency=EUR', staff);
    assert.equal(eur.status, 400);
    assert.deepEqual(fieldsOf(eur.json), ['currency:invalid_value']);
  });
});
