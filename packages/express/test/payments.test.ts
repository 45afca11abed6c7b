/** Each payment method through router → sandbox on loopback: create → paid/failed, hook exactly once. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { HaiPayOrderRejectedError } from '../src/errors.js';
import {
  startHarness,
  idem,
  BUYER,
  CARD,
  ORIGIN,
  type Harness,
  type WireJson,
} from '@haipay-kit/test-support';

let sandbox: Sandbox;
let h: Harness;
before(async () => {
  sandbox = await createSandbox();
  h = await startHarness({ sandbox });
});
after(async () => {
  await h.close();
  await sandbox.close();
});

/** Drives a sandbox order to its final state via the control API (over HTTP) and waits for notifications. */
async function complete(orderNo: string, outcome: 'success' | 'failure', errorMsg?: string) {
  const res = await fetch(`${sandbox.url}/_sandbox/orders/${orderNo}/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ outcome, ...(errorMsg ? { errorMsg } : {}) }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  await sandbox.idle();
}

async function pay(method: string, body: Record<string, unknown> = {}): Promise<WireJson> {
  const res = await h.post('/haipay/payments', { method, orderRef: 'cart-1', ...BUYER, ...body }, idem());
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return res.json;
}

const hookCalls = (orderId: string) => h.calls.filter((c) => c.endsWith(`:${orderId}`));

describe('payment methods: create → final, hook exactly once', () => {
  it('promptpay (THB): QR payload and server expiry, then paid', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #123', buyerId: 'u-1001' };
    const p = await pay('promptpay');
    assert.equal(p.status, 'pending');
    assert.equal(p.next.type, 'qr');
    assert.match(p.next.payload, /^000201.*5303764.*5802TH.*6304[0-9A-F]{4}$/);
    assert.equal(p.amount, '100.00');
    assert.equal(p.currency, 'THB');
    assert.ok(Date.parse(p.expiresAt) > Date.now() + 14 * 60_000, 'expiresAt is the 15-minute QR window');
    await complete(p.orderNo, 'success');
    const view = await h.get(`/haipay/payments/${p.orderId}`);
    assert.equal(view.json.status, 'succeeded');
    assert.ok(view.headers.get('date'), 'Date header for clock-skew correction');
    assert.deepEqual(hookCalls(p.orderId), [`succeeded:${p.orderId}`]);
  });

  it('promptpay: an unpaid QR expires (sandbox clock) → expired hook once', async () => {
    const p = await pay('promptpay');
    await sandbox.clock.advance(15 * 60_000 + 1000);
    await sandbox.idle();
    const view = await h.get(`/haipay/payments/${p.orderId}`);
    assert.equal(view.json.status, 'expired');
    assert.deepEqual(hookCalls(p.orderId), [`expired:${p.orderId}`]);
  });

  it('an apply HaiPay refuses fails the order and runs its failed hook at once (no reconciler)', async () => {
    sandbox.injectFault({ mode: 'error', code: '4012', endpoint: 'thb/collect/apply' });
    const res = await h.post(
      '/haipay/payments',
      { method: 'promptpay', orderRef: 'cart-refused', ...BUYER },
      idem(),
    );
    assert.equal(res.status, 502, JSON.stringify(res.json));
    const [order] = await h.store.listOrders!({ text: 'cart-refused', limit: 10 });
    assert.equal(order?.status, 'failed');
    // Waited for, up to 10 s: the hook may run just after the answer on a busy machine.
    for (const end = Date.now() + 10_000; hookCalls(order.orderId).length === 0 && Date.now() < end;)
      await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(hookCalls(order.orderId), [`failed:${order.orderId}`]);
  });

  it('truemoney (THB): redirect, then failed', async () => {
    const p = await pay('truemoney');
    assert.equal(p.next.type, 'redirect');
    assert.ok((p.next.url as string).startsWith(sandbox.url));
    await complete(p.orderNo, 'failure', 'Wallet declined');
    const view = await h.get(`/haipay/payments/${p.orderId}`);
    assert.equal(view.json.status, 'failed');
    assert.equal(view.json.failureReason, 'Wallet declined');
    assert.deepEqual(hookCalls(p.orderId), [`failed:${p.orderId}`]);
  });

  it('bank-transfer (THB virtual account, sandbox extension): bank details, then paid', async () => {
    const p = await pay('bank-transfer');
    assert.equal(p.next.type, 'bank');
    assert.ok(p.next.bankNo && p.next.bankCode);
    await complete(p.orderNo, 'success');
    assert.equal((await h.get(`/haipay/payments/${p.orderId}`)).json.status, 'succeeded');
    assert.deepEqual(hookCalls(p.orderId), [`succeeded:${p.orderId}`]);
  });

  it('bank-transfer (VND bank transfer): bank details with account name and reference', async () => {
    h.order = { amount: '200000', currency: 'VND', subject: 'Order #124', buyerId: 'u-1001' };
    const p = await pay('bank-transfer', { name: 'Nguyen Van A', phone: '0912345678' });
    assert.equal(p.next.type, 'bank');
    assert.equal(p.next.bankName, 'Vietcombank');
    assert.ok(p.next.accountName);
    assert.ok(p.next.reference);
    await complete(p.orderNo, 'success');
    assert.equal((await h.get(`/haipay/payments/${p.orderId}`)).json.status, 'succeeded');
    assert.deepEqual(hookCalls(p.orderId), [`succeeded:${p.orderId}`]);
  });

  for (const method of [
    'twd-atm',
    'twd-store-ibon',
    'twd-store-fami',
    'twd-store-hilife',
    'twd-store-okgo',
    'jkopay',
  ]) {
    it(`${method} (TWD): redirect to the hosted page, then paid`, async () => {
      h.order = { amount: '1500', currency: 'TWD', subject: 'Order #125', buyerId: 'u-1001' };
      const p = await pay(method, { name: 'Wang Xiaoming', phone: '0912345678' });
      assert.equal(p.next.type, 'redirect');
      assert.equal(p.currency, 'TWD');
      const sandboxOrder = sandbox.order(p.orderNo) as { inBankCode: string } | undefined;
      assert.ok(sandboxOrder, 'the sandbox has the order');
      await complete(p.orderNo, 'success');
      assert.equal((await h.get(`/haipay/payments/${p.orderId}`)).json.status, 'succeeded');
      assert.deepEqual(hookCalls(p.orderId), [`succeeded:${p.orderId}`]);
    });
  }

  it('card (USD, PCI direct): success card settles; decline card fails', async () => {
    h.order = { amount: '25.00', currency: 'USD', subject: 'Order #126', buyerId: 'u-1001' };
    const ok = await h.post(
      '/haipay/payments',
      { method: 'card', ...BUYER, phone: '', ...CARD },
      { ...idem(), 'user-agent': 'test-agent', referer: `${ORIGIN}/checkout` },
    );
    assert.ok(ok.status === 201, JSON.stringify(ok.json));
    await sandbox.idle();
    const sandboxOrder = sandbox.order(ok.json.orderNo);
    assert.ok(sandboxOrder);
    if (ok.json.next.type === 'redirect') await complete(ok.json.orderNo, 'success');
    assert.equal((await h.get(`/haipay/payments/${ok.json.orderId}`)).json.status, 'succeeded');
    assert.deepEqual(hookCalls(ok.json.orderId), [`succeeded:${ok.json.orderId}`]);
    assert.ok(!JSON.stringify(ok.json).includes(CARD.cardNumber), 'card number never echoed');

    const bad = await h.post(
      '/haipay/payments',
      { method: 'card', ...BUYER, ...CARD, cardNumber: '4000000000009995' },
      idem(),
    );
    assert.ok(bad.status === 201, JSON.stringify(bad.json));
    await sandbox.idle();
    const view = await h.get(`/haipay/payments/${bad.json.orderId}`);
    assert.equal(view.json.status, 'failed');
    assert.deepEqual(hookCalls(bad.json.orderId), [`failed:${bad.json.orderId}`]);
  });

  it('card with a 3-D Secure challenge card: redirect to payUrl, then paid', async () => {
    h.order = { amount: '25.00', currency: 'USD', subject: 'Order #127', buyerId: 'u-1001' };
    const p = await pay('card', { ...CARD, cardNumber: '4000002500003155' });
    assert.equal(p.next.type, 'redirect');
    await complete(p.orderNo, 'success');
    assert.equal((await h.get(`/haipay/payments/${p.orderId}`)).json.status, 'succeeded');
    assert.deepEqual(hookCalls(p.orderId), [`succeeded:${p.orderId}`]);
  });

  it('cashier (global cashier appId): redirect, then paid', async () => {
    h.order = { amount: '300.00', currency: 'THB', subject: 'Order #128', buyerId: 'u-1001' };
    const p = await pay('cashier');
    assert.equal(p.next.type, 'redirect');
    const so = sandbox.order(p.orderNo) as { appId: number };
    assert.equal(so.appId, sandbox.merchant('CASHIER').appId);
    await complete(p.orderNo, 'success');
    assert.equal((await h.get(`/haipay/payments/${p.orderId}`)).json.status, 'succeeded');
    assert.deepEqual(hookCalls(p.orderId), [`succeeded:${p.orderId}`]);
  });

  it('return route: 303 to the merchant page with haipay_order', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #129', buyerId: 'u-1001' };
    const p = await pay('truemoney');
    const res = await h.get(`/haipay/return/${p.orderId}?result=success`);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `${ORIGIN}/thanks?haipay_order=${p.orderId}`);
  });

  it('return route: an id the store does not know, or not an order id at all, lands on the plain return page', async () => {
    for (const id of ['hp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'not-an-order', '%3Cscript%3E']) {
      const res = await h.get(`/haipay/return/${id}/fail`);
      assert.equal(res.status, 303, id);
      assert.equal(res.headers.get('location'), `${ORIGIN}/thanks`, id);
    }
  });

  it('return route: the buyer lands on the shop even when the order cannot be read now', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #129b', buyerId: 'u-1001' };
    const p = await pay('truemoney');
    const store = h.store;
    const get = store.get.bind(store);
    store.get = () => Promise.reject(new Error('database is locked'));
    try {
      const res = await h.get(`/haipay/return/${p.orderId}`);
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), `${ORIGIN}/thanks`);
    } finally {
      store.get = get;
    }
  });

  it('the server-to-server routes are not behind the browser guard (Origin, CORS, no-store)', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #129c', buyerId: 'u-1001' };
    const p = await pay('truemoney');
    const foreign = { origin: 'https://elsewhere.example' };
    const back = await fetch(`${h.url}/haipay/return/${p.orderId}`, { headers: foreign, redirect: 'manual' });
    assert.equal(back.status, 303, 'a return is never refused for its Origin');
    assert.doesNotMatch(back.headers.get('vary') ?? '', /origin/i);
    assert.equal(back.headers.get('access-control-allow-origin'), null);
    const notify = await fetch(`${h.url}/haipay/notify`, {
      method: 'POST',
      headers: { ...foreign, 'content-type': 'text/plain' },
      body: '{}',
    });
    // Refused by the notification's own checks (plain text), not by the browser guard (JSON, 403/415).
    assert.equal(notify.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.match(await notify.text(), /^FAIL/);
    // A browser route from the same origin is refused by the guard.
    const browser = await fetch(`${h.url}/haipay/payments/${p.orderId}`, { headers: foreign });
    assert.equal(browser.status, 403);
  });
});

describe('idempotency', () => {
  it('same key and body → same answer, one gateway order; other body → 409', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #130', buyerId: 'u-1001' };
    const key = idem();
    const before = sandbox.orders().length;
    const body = { method: 'promptpay', orderRef: 'cart-9', ...BUYER };
    const first = await h.post('/haipay/payments', body, key);
    const second = await h.post('/haipay/payments', body, key);
    assert.equal(first.status, 201);
    assert.equal(second.status, 200);
    assert.equal(second.json.orderId, first.json.orderId);
    assert.deepEqual(second.json.next, first.json.next);
    assert.equal(sandbox.orders().length, before + 1, 'no second gateway call');
    const conflict = await h.post('/haipay/payments', { ...body, orderRef: 'cart-10' }, key);
    assert.equal(conflict.status, 409);
    assert.equal(conflict.json.error.type, 'idempotency_conflict');
    assert.equal(sandbox.orders().length, before + 1);
  });
});

describe('validation and browser-route safety', () => {
  it('answers 400 with per-field rule codes before any gateway call', async () => {
    h.order = { amount: '25.00', currency: 'USD', subject: 'Order #131', buyerId: 'u-1001' };
    const before = sandbox.orders().length;
    const res = await h.post(
      '/haipay/payments',
      {
        method: 'card',
        name: 'S',
        email: 'not-an-email',
        cardNumber: '4242424242424241',
        expiryMonth: '12',
        expiryYear: '2030',
        cvv: '1',
      },
      idem(),
    );
    assert.equal(res.status, 400);
    assert.equal(res.json.error.type, 'validation_error');
    const fields = Object.fromEntries(
      (res.json.error.fields as { field: string; code: string }[]).map((f) => [f.field, f.code]),
    );
    assert.equal(fields.cardNumber, 'card_number_invalid');
    assert.equal(fields.email, 'invalid_email');
    assert.equal(fields.cvv, 'cvv_invalid');
    assert.ok(!JSON.stringify(res.json).includes('4242424242424241'), 'card number not echoed in errors');
    const unknown = await h.post('/haipay/payments', { method: 'bitcoin', ...BUYER }, idem());
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.error.fields[0].field, 'method');
    h.order = { amount: '5.00', currency: 'THB', subject: 'x', buyerId: 'u-1001' };
    const wrongCurrency = await h.post('/haipay/payments', { method: 'jkopay', ...BUYER }, idem());
    assert.equal(wrongCurrency.status, 400);
    assert.equal(sandbox.orders().length, before, 'no gateway call');
  });

  it('refuses other origins, non-JSON, missing idempotency keys and big bodies', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'x', buyerId: 'u-1001' };
    const body = { method: 'promptpay', ...BUYER };
    assert.equal(
      (await h.post('/haipay/payments', body, { ...idem(), origin: 'https://evil.example' })).status,
      403,
    );
    const form = await fetch(`${h.url}/haipay/payments`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded', ...idem() },
      body: 'method=promptpay',
    });
    assert.equal(form.status, 415);
    const noKey = await h.post('/haipay/payments', body);
    assert.equal(noKey.status, 400);
    assert.equal(noKey.json.error.type, 'invalid_request');
    const big = await h.post('/haipay/payments', { ...body, name: 'x'.repeat(40_000) }, idem());
    assert.equal(big.status, 413);
    const preflight = await fetch(`${h.url}/haipay/payments`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Idempotency-Key/);
    assert.equal((await h.get('/haipay/payments/hp_doesnotexist000000')).status, 404);
  });
});

describe('router options and production safety', () => {
  it('validates options eagerly with errors that name the fix', async () => {
    const { createHaiPayRouter } = await import('../src/router/index.js');
    const base = {
      client: h.client,
      store: h.store,
      resolveOrder: () => h.order,
      publicBaseUrl: 'https://shop.example/haipay',
      returnUrl: 'https://shop.example/thanks',
      allowedOrigins: [ORIGIN],
      reconcile: false as const,
    };
    assert.throws(() => createHaiPayRouter({ ...base, publicBaseUrl: '/haipay' }), /publicBaseUrl.*absolute/);
    assert.throws(() => createHaiPayRouter({ ...base, allowedOrigins: [] }), /allowedOrigins/);
    assert.throws(
      () => createHaiPayRouter({ ...base, allowedOrigins: ['https://shop.example/path'] }),
      /origin only/,
    );
    assert.throws(() => createHaiPayRouter({ ...base, resolveOrder: undefined as never }), /resolveOrder/);
    assert.throws(
      () => createHaiPayRouter({ ...base, publicBaseUrl: 'http://shop.example/haipay', production: true }),
      /https in production/,
    );
  });

  it('in production mode the card route refuses plain HTTP; create routes are rate limited', async () => {
    const p = await startHarness({
      sandbox,
      router: {
        production: true,
        publicBaseUrl: 'https://shop.example/haipay',
        rateLimit: { windowMs: 60_000, max: 2 },
      },
    });
    try {
      p.order = { amount: '25.00', currency: 'USD', subject: 'x', buyerId: 'u-1001' };
      const card = await p.post('/haipay/payments', { method: 'card', ...BUYER, ...CARD }, idem());
      assert.equal(card.status, 403);
      assert.equal(card.json.error.type, 'insecure_transport');
      p.order = { amount: '100.00', currency: 'THB', subject: 'x', buyerId: 'u-1001' };
      await p.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
      const limited = await p.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
      assert.equal(limited.status, 429);
      assert.ok(limited.headers.get('retry-after'));
    } finally {
      await p.close();
    }
  });

  it('buyer details from resolveOrder fill what the browser left out; the browser value wins', async () => {
    const buyer = { name: 'Malee Srisuk', email: 'malee@example.com', phone: '0898765432' };
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #140', buyerId: 'u-1001', buyer };
    // A tag with no form: only the method and the cart reference.
    const tagOnly = await h.post('/haipay/payments', { method: 'promptpay', orderRef: 'cart-9' }, idem());
    assert.equal(tagOnly.status, 201, JSON.stringify(tagOnly.json));
    const sent = sandbox.order(tagOnly.json.orderNo) as { name: string; email: string; phone?: string };
    assert.deepEqual([sent.name, sent.email, sent.phone], [buyer.name, buyer.email, buyer.phone]);

    const typed = await h.post(
      '/haipay/payments',
      { method: 'promptpay', orderRef: 'cart-9', name: 'Somchai Jaidee', email: '' },
      idem(),
    );
    assert.equal(typed.status, 201, JSON.stringify(typed.json));
    const sent2 = sandbox.order(typed.json.orderNo) as { name: string; email: string };
    assert.deepEqual([sent2.name, sent2.email], ['Somchai Jaidee', buyer.email]);

    // Without buyer details anywhere: 400 naming each missing field, before any gateway call.
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #141', buyerId: 'u-1001' };
    const before = sandbox.orders().length;
    const none = await h.post('/haipay/payments', { method: 'promptpay', orderRef: 'cart-9' }, idem());
    assert.equal(none.status, 400);
    const fields = (none.json.error.fields as { field: string }[]).map((f) => f.field).sort();
    assert.deepEqual(fields, ['email', 'name', 'phone']);
    assert.equal(sandbox.orders().length, before);

    // A server-side buyer that is not strings is the merchant's bug: a config error, not a 400.
    h.order = {
      amount: '100.00',
      currency: 'THB',
      subject: 'x',
      buyerId: 'u-1001',
      buyer: { phone: 812345678 } as never,
    };
    const bad = await h.post('/haipay/payments', { method: 'promptpay' }, idem());
    assert.equal(bad.status, 500);
    assert.equal(sandbox.orders().length, before);
  });

  it('resolveOrder refusing the order (HaiPayOrderRejectedError) → 400 order_rejected, no gateway call', async () => {
    const before = sandbox.orders().length;
    const r = await startHarness({
      sandbox,
      router: {
        resolveOrder: () => {
          throw new HaiPayOrderRejectedError('cart is empty');
        },
      },
    });
    try {
      const res = await r.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
      assert.equal(res.status, 400);
      assert.deepEqual(res.json.error, { type: 'order_rejected', message: 'cart is empty' });
      assert.equal(sandbox.orders().length, before);
    } finally {
      await r.close();
    }
  });

  it('any other error from resolveOrder (a database error) → 500 without its message, logged', async () => {
    const before = sandbox.orders().length;
    const r = await startHarness({
      sandbox,
      router: {
        resolveOrder: () => {
          throw new Error('connect ECONNREFUSED 10.0.0.5:5432 (password for user "shop" failed)');
        },
      },
    });
    try {
      const res = await r.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
      assert.equal(res.status, 500);
      assert.deepEqual(res.json.error, { type: 'server_error', message: 'Something went wrong.' });
      assert.doesNotMatch(res.text, /ECONNREFUSED|password/);
      assert.ok(r.logger.lines.some((l) => l.includes('ECONNREFUSED')));
      assert.equal(sandbox.orders().length, before);
    } finally {
      await r.close();
    }
  });
});
