/**
 * `cardMode: 'hosted'`: the shopper types the card on HaiPay's card page, so the merchant's server never
 * receives one. Over HTTP: router → sandbox on loopback, the sandbox's card page posted as a browser
 * would, the notification back through the router. And as an attacker: a card sent to a hosted-mode
 * server is refused before anything is stored or sent, and is never echoed or logged.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { HaiPayConfigError } from '../src/errors.js';
import { createHaiPayRouter } from '../src/router/index.js';
import { startHarness, idem, ORIGIN, type Harness } from '@haipay-kit/test-support';

const USD_BUYER = { name: 'John Smith', email: 'john@example.com' };
const PAN = '4242424242424242';

let sandbox: Sandbox;
let h: Harness;
before(async () => {
  sandbox = await createSandbox();
  h = await startHarness({ sandbox, router: { cardMode: 'hosted' } });
  h.order = { amount: '25.00', currency: 'USD', subject: 'Order #77', buyerId: 'u-1001' };
});
after(async () => {
  await h.close();
  await sandbox.close();
});

/** Posts the sandbox's card page form as a browser would; returns where it sends the browser. */
async function payOnCardPage(payUrl: string, pan: string): Promise<string> {
  const page = await fetch(payUrl);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /autocomplete="cc-number"/, 'the card is typed on the card page');
  const res = await fetch(payUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      accountNo: pan,
      expiryMonth: '11',
      expiryYear: '2031',
      cvv: '234',
      action: 'approve',
    }),
    redirect: 'manual',
  });
  assert.equal(res.status, 303);
  return res.headers.get('location') ?? '';
}

describe('cardMode hosted', () => {
  it('a card payment redirects to the card page; paying there settles the order, hook once', async () => {
    const res = await h.post(
      '/haipay/payments',
      { method: 'card', orderRef: 'cart-77', ...USD_BUYER },
      idem(),
    );
    assert.equal(res.status, 201, res.text);
    const p = res.json;
    assert.equal(p.next.type, 'redirect');
    assert.equal(p.next.url, `${sandbox.url}/pay/${p.orderNo}`);
    // HaiPay got a hosted request: no card data, the browser's IP as clientIp, a fail URL for a decline.
    const order = sandbox.order(p.orderNo) as unknown as Record<string, unknown>;
    for (const k of ['accountNo', 'cvv', 'card']) assert.equal(order[k], undefined, k);
    assert.equal(order.callBackFailUrl, `${h.url}/haipay/return/${p.orderId}/fail`);

    const back = await payOnCardPage(p.next.url, PAN);
    assert.equal(back, `${h.url}/haipay/return/${p.orderId}`, 'back to the router after paying');
    await sandbox.idle();
    const view = await h.get(`/haipay/payments/${p.orderId}`);
    assert.equal(view.json.status, 'succeeded');
    assert.deepEqual(
      h.calls.filter((c) => c.endsWith(`:${p.orderId}`)),
      [`succeeded:${p.orderId}`],
    );
  });

  it('a card declined on the card page fails the order and sends the shopper to the fail return', async () => {
    const res = await h.post(
      '/haipay/payments',
      { method: 'card', orderRef: 'cart-78', ...USD_BUYER },
      idem(),
    );
    assert.equal(res.status, 201, res.text);
    const back = await payOnCardPage(res.json.next.url, '4000000000009995');
    assert.equal(back, `${h.url}/haipay/return/${res.json.orderId}/fail`);
    await sandbox.idle();
    const view = await h.get(`/haipay/payments/${res.json.orderId}`);
    assert.equal(view.json.status, 'failed');
  });

  it('a subscription is created without card data and redirects to the card page', async () => {
    const res = await h.post(
      '/haipay/subscriptions',
      { planRef: 'monthly', ...USD_BUYER },
      { ...idem(), 'x-test-user': 'u-1001' },
    );
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.next?.type, 'redirect');
    const sub = sandbox.subscription(res.json.subscriptionNo ?? '') as unknown as Record<string, unknown>;
    assert.ok(sub, JSON.stringify(res.json));
    assert.equal(sub.card, undefined, 'HaiPay got no card');
  });

  it('attack: card fields sent to a hosted-mode server are refused before anything is stored or sent', async () => {
    const ordersBefore = sandbox.orders().length;
    const linesBefore = h.logger.lines.length;
    for (const body of [
      {
        method: 'card',
        orderRef: 'cart-79',
        ...USD_BUYER,
        cardNumber: PAN,
        expiryMonth: '11',
        expiryYear: '2031',
        cvv: '234',
      },
      { method: 'card', orderRef: 'cart-79', ...USD_BUYER, cardNumber: PAN },
      // Any method, any type: a card is never taken in hosted mode.
      { method: 'promptpay', orderRef: 'cart-79', ...USD_BUYER, cvv: 234 },
    ]) {
      const res = await h.post('/haipay/payments', body, idem());
      assert.equal(res.status, 400, res.text);
      assert.equal(res.json.error.type, 'validation_error');
      const sent = Object.keys(body).filter((k) =>
        ['cardNumber', 'expiryMonth', 'expiryYear', 'cvv'].includes(k),
      );
      assert.deepEqual(
        (res.json.error.fields as { field: string; code: string }[])
          .map((f) => `${f.field}:${f.code}`)
          .sort(),
        sent.map((k) => `${k}:not_allowed`).sort(),
      );
      assert.ok(!res.text.includes(PAN) && !res.text.includes('234'), 'the card is not echoed');
    }
    const subscription = await h.post(
      '/haipay/subscriptions',
      {
        planRef: 'monthly',
        ...USD_BUYER,
        cardNumber: PAN,
        expiryMonth: '11',
        expiryYear: '2031',
        cvv: '234',
      },
      { ...idem(), 'x-test-user': 'u-1001' },
    );
    assert.equal(subscription.status, 400, subscription.text);
    assert.equal(sandbox.orders().length, ordersBefore, 'no gateway call');
    const logged = h.logger.lines.slice(linesBefore).join('\n');
    assert.ok(!logged.includes(PAN), 'the card is not logged');
  });

  it('hosted is the default: a router given no cardMode refuses card data and redirects to the card page', async () => {
    const plain = await startHarness({ sandbox, router: { cardMode: undefined } });
    try {
      plain.order = h.order;
      const card = { cardNumber: PAN, expiryMonth: '11', expiryYear: '2031', cvv: '234' };
      const refused = await plain.post(
        '/haipay/payments',
        { method: 'card', orderRef: 'cart-80', ...USD_BUYER, ...card },
        idem(),
      );
      assert.equal(refused.status, 400, refused.text);
      const fields = refused.json.error.fields as { field: string; code: string }[];
      assert.deepEqual(fields.map((f) => `${f.field} ${f.code}`).sort(), [
        'cardNumber not_allowed',
        'cvv not_allowed',
        'expiryMonth not_allowed',
        'expiryYear not_allowed',
      ]);
      const res = await plain.post(
        '/haipay/payments',
        { method: 'card', orderRef: 'cart-80', ...USD_BUYER },
        idem(),
      );
      assert.equal(res.status, 201, res.text);
      assert.equal(res.json.next.url, `${sandbox.url}/pay/${res.json.orderNo}`);
      const methods = await plain.get('/haipay/methods?orderRef=cart-80');
      const offers = methods.json.methods as { method: string }[];
      assert.deepEqual(
        offers.find((m) => m.method === 'card'),
        {
          method: 'card',
          amount: '25.00',
          currency: 'USD',
          hosted: true,
        },
      );
    } finally {
      await plain.close();
    }
  });

  it('the option is checked: an unknown card mode names the fix', () => {
    assert.throws(
      () =>
        createHaiPayRouter({
          client: h.client,
          store: h.store,
          publicBaseUrl: 'https://shop.example/haipay',
          returnUrl: `${ORIGIN}/thanks`,
          allowedOrigins: [ORIGIN],
          resolveOrder: () => h.order,
          reconcile: false,
          cardMode: 'iframe' as 'hosted',
        }),
      (err: unknown) => err instanceof HaiPayConfigError && /cardMode.*"hosted".*"direct"/.test(err.message),
    );
  });
});
