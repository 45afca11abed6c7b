/** `GET /haipay/methods?orderRef=` over HTTP against the sandbox: prices, filters, refusals, limits. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Request } from 'express';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { createHaiPayRouter, HaiPayClient, type ResolvedOrder } from '../src/index.js';
import { HaiPayConfigError, HaiPayOrderRejectedError } from '../src/errors.js';
import {
  startHarness,
  clientOptionsFor,
  idem,
  ORIGIN,
  type Harness,
  type HarnessOptions,
} from '@haipay-kit/test-support';

/** The shop's price per currency for cart `cart-1`; any other reference is an unknown cart. */
const PRICES: Record<string, string> = { THB: '970.00', USD: '27.00', TWD: '500' };
const CURRENCY_OF: Record<string, string> = {
  card: 'USD',
  promptpay: 'THB',
  truemoney: 'THB',
  'bank-transfer': 'THB',
  'twd-atm': 'TWD',
  'twd-store-ibon': 'TWD',
  'twd-store-fami': 'TWD',
  'twd-store-hilife': 'TWD',
  'twd-store-okgo': 'TWD',
  jkopay: 'TWD',
};

/** A merchant's resolveOrder in the style of the demo: refuses unknown carts and methods it does not take. */
function shopResolveOrder(seen: Record<string, unknown>[] = []) {
  return (_req: Request, body: Record<string, unknown>): ResolvedOrder => {
    seen.push(body);
    if (body.orderRef !== 'cart-1') throw new HaiPayOrderRejectedError('This cart is unknown or expired.');
    const currency = CURRENCY_OF[String(body.method)];
    if (!currency) throw new HaiPayOrderRejectedError(`The shop does not take ${String(body.method)}.`);
    return {
      amount: PRICES[currency]!,
      currency,
      subject: 'Secret subject 42',
      buyerId: 'buyer-internal-7',
      returnUrl: 'https://shop.example/internal-return',
      metadata: { internal: 'do-not-leak' },
      buyer: { name: 'Somchai Jaidee', email: 's@example.com', phone: '0812345678' },
    };
  };
}

/** The method names of a `GET /methods` answer. */
const names = (json: { methods: { method: string }[] }): string[] => json.methods.map((m) => m.method);

let sandbox: Sandbox;
const harnesses: Harness[] = [];
async function harness(opts: HarnessOptions = {}): Promise<Harness> {
  const h = await startHarness({ sandbox, ...opts });
  harnesses.push(h);
  return h;
}
before(async () => {
  sandbox = await createSandbox();
});
after(async () => {
  for (const h of harnesses) await h.close();
  await sandbox.close();
});

describe('GET /methods', () => {
  it('lists each enabled method with what resolveOrder charges for it, in order, and nothing else', async () => {
    const seen: Record<string, unknown>[] = [];
    const h = await harness({ router: { resolveOrder: shopResolveOrder(seen) } });
    const res = await h.get('/haipay/methods?orderRef=cart-1');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
    assert.deepEqual(res.json, {
      methods: [
        { method: 'card', amount: '27.00', currency: 'USD' },
        { method: 'promptpay', amount: '970.00', currency: 'THB' },
        { method: 'truemoney', amount: '970.00', currency: 'THB' },
        { method: 'bank-transfer', amount: '970.00', currency: 'THB' },
        // twd-atm is left out: its minimum is NT$1,000 and this cart costs NT$500.
        { method: 'twd-store-ibon', amount: '500', currency: 'TWD' },
        { method: 'twd-store-fami', amount: '500', currency: 'TWD' },
        { method: 'twd-store-hilife', amount: '500', currency: 'TWD' },
        { method: 'twd-store-okgo', amount: '500', currency: 'TWD' },
        { method: 'jkopay', amount: '500', currency: 'TWD' },
      ],
    });
    for (const secret of ['Secret subject', 'buyer-internal', 'internal-return', 'do-not-leak', 'Somchai'])
      assert.ok(!res.text.includes(secret), `the answer leaks ${secret}`);
    // One call per method (cashier is not offered by default), with the body POST /payments would send.
    assert.equal(seen.length, 10);
    assert.deepEqual(seen[1], { method: 'promptpay', orderRef: 'cart-1' });
  });

  it('the listed price is what POST /payments then charges', async () => {
    const h = await harness({ router: { resolveOrder: shopResolveOrder() } });
    const listed = (await h.get('/haipay/methods?orderRef=cart-1')).json.methods as {
      method: string;
      amount: string;
      currency: string;
    }[];
    const promptpay = listed.find((m) => m.method === 'promptpay')!;
    const paid = await h.post('/haipay/payments', { method: 'promptpay', orderRef: 'cart-1' }, idem());
    assert.equal(paid.status, 201, paid.text);
    assert.equal(paid.json.amount, promptpay.amount);
    assert.equal(paid.json.currency, promptpay.currency);
  });

  it('marks the card hosted under cardMode hosted, so a drop-in sends the shopper to HaiPay’s page', async () => {
    const h = await harness({
      router: { resolveOrder: shopResolveOrder(), cardMode: 'hosted', methods: ['card', 'promptpay'] },
    });
    const res = await h.get('/haipay/methods?orderRef=cart-1');
    assert.deepEqual(res.json.methods, [
      { method: 'card', amount: '27.00', currency: 'USD', hosted: true },
      { method: 'promptpay', amount: '970.00', currency: 'THB' },
    ]);
  });

  it('leaves out methods whose currency has no merchant configured', async () => {
    const all = clientOptionsFor(sandbox).merchants;
    const h = await harness({
      client: { merchants: { THB: all.THB! } },
      router: { resolveOrder: shopResolveOrder() },
    });
    const res = await h.get('/haipay/methods?orderRef=cart-1');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(names(res.json), ['promptpay', 'truemoney', 'bank-transfer']);
  });

  it('offers only the router’s `methods`, in their order', async () => {
    const h = await harness({
      router: { resolveOrder: shopResolveOrder(), methods: ['bank-transfer', 'card', 'twd-atm'] },
    });
    const res = await h.get('/haipay/methods?orderRef=cart-1');
    assert.deepEqual(names(res.json), ['bank-transfer', 'card']);
  });

  it('leaves out a method the merchant refuses, and answers 400 order_rejected when it refuses them all', async () => {
    const h = await harness({
      router: {
        resolveOrder: shopResolveOrder(),
        methods: ['promptpay', 'cashier'],
      },
    });
    const one = await h.get('/haipay/methods?orderRef=cart-1');
    assert.deepEqual(one.json, { methods: [{ method: 'promptpay', amount: '970.00', currency: 'THB' }] });
    const unknown = await h.get('/haipay/methods?orderRef=cart-404');
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.json, {
      error: { type: 'order_rejected', message: 'This cart is unknown or expired.' },
    });
    const none = await h.get('/haipay/methods');
    assert.equal(none.status, 400);
    assert.equal(none.json.error.type, 'order_rejected');
  });

  it('refuses a malformed orderRef with the router’s validation error shape', async () => {
    const h = await harness({ router: { resolveOrder: shopResolveOrder() } });
    for (const query of ['orderRef=a&orderRef=b', `orderRef=${'x'.repeat(101)}`]) {
      const res = await h.get(`/haipay/methods?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(res.json.error.type, 'validation_error');
      assert.equal(res.json.error.fields[0].field, 'orderRef');
    }
  });

  it('a resolveOrder that fails is a 500 without its message; a bad answer too', async () => {
    const h = await harness({
      router: {
        resolveOrder: (_req, body) => {
          if (body.method === 'card') throw new Error('database password is hunter2');
          return { amount: '970.00', currency: 'THB', subject: 'x', buyerId: 'u-1' };
        },
      },
    });
    const res = await h.get('/haipay/methods?orderRef=cart-1');
    assert.equal(res.status, 500);
    assert.deepEqual(res.json, { error: { type: 'server_error', message: 'Something went wrong.' } });
    const bad = await harness({
      router: { resolveOrder: () => ({ amount: 970, currency: 'THB' }) as unknown as ResolvedOrder },
    });
    const answer = await bad.get('/haipay/methods?orderRef=cart-1');
    assert.equal(answer.status, 500);
    assert.equal(answer.json.error.type, 'server_error');
  });

  it('uses listMethods instead of one resolveOrder call per method, with the same filters', async () => {
    let resolveCalls = 0;
    const h = await harness({
      router: {
        resolveOrder: () => {
          resolveCalls++;
          throw new Error('not used');
        },
        methods: ['card', 'promptpay', 'twd-atm', 'jkopay'],
        listMethods: (_req, orderRef) => {
          if (orderRef !== 'cart-1') throw new HaiPayOrderRejectedError('No such cart.');
          return [
            { method: 'promptpay', amount: '120.00', currency: 'THB' },
            { method: 'card', amount: '3.50', currency: 'USD' },
            { method: 'twd-atm', amount: '200', currency: 'TWD' }, // below its minimum
            { method: 'truemoney', amount: '120.00', currency: 'THB' }, // not enabled
            { method: 'card', amount: '3.50', currency: 'VND' }, // HaiPay has no VND card
          ];
        },
      },
    });
    const res = await h.get('/haipay/methods?orderRef=cart-1');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.methods, [
      { method: 'promptpay', amount: '120.00', currency: 'THB' },
      { method: 'card', amount: '3.50', currency: 'USD' },
    ]);
    const refused = await h.get('/haipay/methods?orderRef=nope');
    assert.deepEqual(refused.json, { error: { type: 'order_rejected', message: 'No such cart.' } });
    assert.equal(resolveCalls, 0);

    const wrong = await harness({
      router: { listMethods: () => [{ method: 'bitcoin', amount: '1', currency: 'THB' }] as never },
    });
    const answer = await wrong.get('/haipay/methods?orderRef=cart-1');
    assert.equal(answer.status, 500);
    assert.equal(answer.json.error.type, 'server_error');
    assert.ok(
      wrong.logger.lines.some((l) => l.includes('listMethods')),
      'the log names the fix',
    );
  });

  it('keeps the browser guard: a foreign origin is refused, and no resolveOrder runs', async () => {
    const seen: Record<string, unknown>[] = [];
    const h = await harness({ router: { resolveOrder: shopResolveOrder(seen) } });
    const res = await h.get('/haipay/methods?orderRef=cart-1', { origin: 'https://evil.example' });
    assert.equal(res.status, 403);
    assert.equal(res.json.error.type, 'origin_not_allowed');
    assert.equal(seen.length, 0);
  });

  it('is rate limited per client on the create routes’ budget, with Retry-After', async () => {
    const seen: Record<string, unknown>[] = [];
    const h = await harness({
      router: { resolveOrder: shopResolveOrder(seen), rateLimit: { windowMs: 60_000, max: 3 } },
    });
    for (let i = 0; i < 2; i++) assert.equal((await h.get('/haipay/methods?orderRef=cart-1')).status, 200);
    const paid = await h.post('/haipay/payments', { method: 'promptpay', orderRef: 'cart-1' }, idem());
    assert.equal(paid.status, 201, paid.text);
    const calls = seen.length;
    const limited = await h.get('/haipay/methods?orderRef=cart-1');
    assert.equal(limited.status, 429);
    assert.equal(limited.json.error.type, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.equal(seen.length, calls, 'a limited request prices nothing');
  });

  it('validates `methods` and `listMethods` when the router is created', () => {
    const client = new HaiPayClient(clientOptionsFor(sandbox));
    const base = {
      client,
      resolveOrder: shopResolveOrder(),
      publicBaseUrl: 'https://shop.example/haipay',
      returnUrl: 'https://shop.example/thanks',
      allowedOrigins: [ORIGIN],
      reconcile: false as const,
    };
    assert.throws(
      () => createHaiPayRouter({ ...base, methods: ['bitcoin'] as never }),
      (err: Error) => err instanceof HaiPayConfigError && /methods/.test(err.message),
    );
    assert.throws(
      () => createHaiPayRouter({ ...base, methods: [] }),
      (err: Error) => err instanceof HaiPayConfigError && /methods/.test(err.message),
    );
    assert.throws(
      () => createHaiPayRouter({ ...base, listMethods: 'yes' as never }),
      (err: Error) => err instanceof HaiPayConfigError && /listMethods/.test(err.message),
    );
  });
});
