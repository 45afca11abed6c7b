/**
 * The control API (`/_sandbox/…`), called over real HTTP exactly as the README documents it: method,
 * path, JSON body and answer. The README's table, the server's route table and the routes exercised
 * here must be the same set, so a route cannot be added, documented or left untested alone.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createSandbox, type Sandbox } from '../src/index.js';
import { CONTROL_ROUTES } from '../src/control.js';
import { call, cardCollect, oid, ok, receiver, sharedConfig, thbCollect, type Receiver } from './helpers.js';

const README = new URL('../README.md', import.meta.url);

/** `METHOD /path` of every route the README's "Control API" section documents. */
function documentedRoutes(): string[] {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('## Control API'));
  const body = section.slice(0, section.indexOf('\n## ', 3) === -1 ? undefined : section.indexOf('\n## ', 3));
  const found = new Set<string>();
  for (const m of body.matchAll(/`(GET|POST|DELETE) \/_sandbox(\/[^`?\s]*)/g)) found.add(`${m[1]} ${m[2]}`);
  return [...found].sort();
}

describe('control API over HTTP, as documented', () => {
  let sb: Sandbox;
  let rx: Receiver;
  const exercised = new Set<string>();

  /** Calls a control route as the README shows it; `route` names the documented row. */
  async function ctl(
    route: (typeof CONTROL_ROUTES)[number],
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown>; type: string }> {
    exercised.add(route);
    const method = route.split(' ')[0]!;
    const res = await fetch(`${sb.url}/_sandbox${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, json: (await res.json()) as Record<string, unknown>, type };
  }

  before(async () => {
    const config = structuredClone(sharedConfig());
    config.merchants.find((m) => m.currency === 'USD')!.openingBalance = '100.00';
    sb = await createSandbox({ config, startTime: Date.UTC(2026, 0, 1, 5, 0, 0) });
    rx = await receiver(['NOT YET']);
  });
  after(async () => {
    await sb.close();
    await rx.close();
  });

  test('POST /_sandbox/clock/advance {"ms":900000} moves time and expires a QR (answer: now, ms)', async () => {
    const d = ok(await call(sb, sb.merchant('THB'), '/thb/collect/apply', thbCollect({ notifyUrl: rx.url })));
    const before = sb.clock.now();
    const r = await ctl('POST /clock/advance', '/clock/advance', { ms: 900000 });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.match(r.type, /application\/json/);
    assert.deepEqual(r.json, { now: new Date(before + 900000).toISOString(), ms: before + 900000 });
    const q = ok(
      await call(sb, sb.merchant('THB'), '/thb/collect/query', {
        orderId: sb.order(String(d.orderNo))!.orderId,
      }),
    );
    assert.deepEqual([q.status, q.errorMsg], [3, 'Order expired']);
    // The expiry was notified; the receiver's first answer was not SUCCESS, so a retry is due in 5 minutes.
    assert.equal(rx.received.length, 1);
    const again = await ctl('POST /clock/advance', '/clock/advance', { ms: 300000 });
    assert.equal(again.status, 200);
    assert.equal(rx.received.length, 2, 'the retry went out during the advance');
    for (const bad of [{}, { ms: -1 }, { ms: '900000' }, { ms: null }]) {
      const res = await ctl('POST /clock/advance', '/clock/advance', bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.match(String(res.json.error), /ms must be a number/);
    }
    const raw = await fetch(`${sb.url}/_sandbox/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"ms":',
    });
    assert.equal(raw.status, 400, 'a body that is not JSON is a 400');
    assert.ok(typeof ((await raw.json()) as { error: unknown }).error === 'string');
  });

  test('GET /_sandbox/clock: virtual time, mode and pending tasks', async () => {
    ok(await call(sb, sb.merchant('THB'), '/thb/collect/apply', thbCollect()));
    const r = await ctl('GET /clock', '/clock');
    assert.equal(r.status, 200);
    assert.equal(r.json.mode, 'manual');
    assert.equal(r.json.ms, sb.clock.now());
    assert.equal(r.json.now, sb.clock.date().toISOString());
    const pending = r.json.pending as { id: number; at: number; label: string }[];
    assert.ok(pending.some((t) => /^expire /.test(t.label) && t.at === sb.clock.now() + 15 * 60_000));
  });

  test('GET /_sandbox/orders?kind=&appId=&orderId=&status= filters; GET /_sandbox/orders/:no', async () => {
    const thb = sb.merchant('THB');
    const body = thbCollect();
    const d = ok(await call(sb, thb, '/thb/collect/apply', body));
    const all = await ctl('GET /orders', '/orders');
    assert.equal(all.status, 200);
    const orders = all.json.orders as Record<string, unknown>[];
    assert.ok(orders.length >= 2);
    const one = await ctl(
      'GET /orders',
      `/orders?kind=collect&appId=${thb.appId}&orderId=${String(body.orderId)}&status=0`,
    );
    assert.deepEqual(
      (one.json.orders as Record<string, unknown>[]).map((o) => o.orderNo),
      [d.orderNo],
    );
    const none = await ctl('GET /orders', `/orders?orderId=${String(body.orderId)}&status=2`);
    assert.deepEqual(none.json.orders, []);
    const payouts = await ctl('GET /orders', '/orders?kind=payout');
    assert.deepEqual(payouts.json.orders, []);

    const got = await ctl('GET /orders/:no', `/orders/${String(d.orderNo)}`);
    assert.equal(got.status, 200);
    assert.deepEqual(
      [got.json.kind, got.json.orderNo, got.json.orderId, got.json.status, got.json.statusText],
      ['collect', d.orderNo, body.orderId, 0, 'not started'],
    );
    // Amounts as HaiPay writes them, never minor units.
    assert.deepEqual(
      [got.json.amount, got.json.fee, got.json.currency, got.json.settlementCurrency],
      ['100.00', '0.00', 'THB', 'THB'],
    );
    const missing = await ctl('GET /orders/:no', '/orders/6000000000000000');
    assert.equal(missing.status, 404);
    assert.match(String(missing.json.error), /unknown/);
  });

  test('POST /_sandbox/orders/:no/complete {"outcome","errorMsg"?}: final state, 409 when already final', async () => {
    const thb = sb.merchant('THB');
    const d = ok(await call(sb, thb, '/thb/collect/apply', thbCollect()));
    const no = String(d.orderNo);
    const bad = await ctl('POST /orders/:no/complete', `/orders/${no}/complete`, { outcome: 'maybe' });
    assert.equal(bad.status, 400);
    const done = await ctl('POST /orders/:no/complete', `/orders/${no}/complete`, {
      outcome: 'failure',
      errorMsg: 'Declined by the test',
    });
    assert.equal(done.status, 200);
    assert.deepEqual(
      [done.json.orderNo, done.json.status, done.json.errorMsg],
      [no, 3, 'Declined by the test'],
    );
    const again = await ctl('POST /orders/:no/complete', `/orders/${no}/complete`, { outcome: 'success' });
    assert.equal(again.status, 409);
    assert.equal((again.json.order as Record<string, unknown>).status, 3);
    const unknown = await ctl('POST /orders/:no/complete', '/orders/6000000000000000/complete', {
      outcome: 'success',
    });
    assert.equal(unknown.status, 404);

    // A refund (by refundNo) and a subscription authorization (by subscriptionNo) go through the same route.
    const usd = sb.merchant('USD');
    const paid = ok(await call(sb, usd, '/usd/collect/apply', cardCollect('4242424242424242')));
    const refund = ok(await call(sb, usd, '/usd/refund/apply', { orderId: oid('R'), orderNo: paid.orderNo }));
    const r = await ctl('GET /orders/:no', `/orders/${String(refund.refundNo)}`);
    assert.deepEqual([r.status, r.json.kind, r.json.status], [200, 'refund', '0']);
    const rd = await ctl('POST /orders/:no/complete', `/orders/${String(refund.refundNo)}/complete`, {
      outcome: 'success',
    });
    assert.deepEqual([rd.status, rd.json.status, rd.json.amount], [200, '1', '25.00']);
    const card = await ctl('GET /orders/:no', `/orders/${String(paid.orderNo)}`);
    // 25.00 × 3.5 % + 0.30 = 1.175 → 1.18 (half up).
    assert.deepEqual(
      [card.json.amount, card.json.fee, card.json.refundNo],
      ['25.00', '1.18', refund.refundNo],
    );
  });

  test('GET /_sandbox/notifications?orderNo= lists notifications and their attempts', async () => {
    const thb = sb.merchant('THB');
    const d = ok(await call(sb, thb, '/thb/collect/apply', thbCollect({ notifyUrl: rx.url })));
    const no = String(d.orderNo);
    await ctl('POST /orders/:no/complete', `/orders/${no}/complete`, { outcome: 'success' });
    await sb.idle();
    const r = await ctl('GET /notifications', `/notifications?orderNo=${no}`);
    assert.equal(r.status, 200);
    const [n, ...rest] = r.json.notifications as Record<string, unknown>[];
    assert.equal(rest.length, 0);
    assert.deepEqual(
      [n!.kind, n!.orderNo, n!.appId, n!.url, n!.state],
      ['collect', no, thb.appId, rx.url, 'delivered'],
    );
    assert.equal(n!.body, rx.received.at(-1)!.body, '`body` is exactly the bytes POSTed');
    const attempts = r.json.attempts as Record<string, unknown>[];
    assert.deepEqual(
      attempts.map((a) => [a.notificationId, a.orderNo, a.attempt, a.httpStatus, a.answer, a.delivered]),
      [[n!.id, no, 1, 200, 'SUCCESS', true]],
    );
    const everything = await ctl('GET /notifications', '/notifications');
    assert.ok((everything.json.notifications as unknown[]).length > 1);
  });

  test('GET /_sandbox/ledger/:appId: balances as HaiPay strings; 404 for CASHIER or unknown', async () => {
    const thb = sb.merchant('THB');
    const r = await ctl('GET /ledger/:appId', `/ledger/${thb.appId}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, sb.ledger(thb.appId));
    for (const k of ['bal', 'availableBal', 'frzBal', 'unSettleBal'] as const)
      assert.match(String(r.json[k]), /^\d+\.\d{2}$/);
    assert.equal((await ctl('GET /ledger/:appId', `/ledger/${sb.merchant('CASHIER').appId}`)).status, 404);
    assert.equal((await ctl('GET /ledger/:appId', '/ledger/999')).status, 404);
  });

  test('POST, GET and DELETE /_sandbox/faults', async () => {
    const spec = { endpoint: 'collect/apply', mode: 'http500', count: 2 };
    const added = await ctl('POST /faults', '/faults', spec);
    assert.equal(added.status, 201);
    assert.deepEqual(
      [added.json.mode, added.json.endpoint, added.json.remaining],
      ['http500', 'collect/apply', 2],
    );
    const listed = await ctl('GET /faults', '/faults');
    assert.deepEqual(listed.json.faults, [added.json]);
    const refused = await ctl('POST /faults', '/faults', { mode: 'gremlins' });
    assert.equal(refused.status, 400);
    const cleared = await ctl('DELETE /faults', '/faults');
    assert.deepEqual([cleared.status, cleared.json], [200, { faults: [] }]);
    ok(await call(sb, sb.merchant('THB'), '/thb/collect/apply', thbCollect()));
  });

  test('every amount in the control API is a HaiPay decimal string (payout, subscription, TWD order in USD)', async () => {
    const usd = sb.merchant('USD');
    const payout = ok(
      await call(sb, usd, '/usd/pay/apply', {
        orderId: oid('P'),
        amount: '20.00',
        accountType: 'EWALLET',
        bankCode: 'PayPal',
        accountNo: 'jon@example.com',
        name: 'Jon Smith',
        phone: '09230219312',
        email: 'jon@example.com',
        partnerUserId: 'u-1',
      }),
    );
    const p = await ctl('GET /orders/:no', `/orders/${String(payout.orderNo)}`);
    assert.deepEqual([p.json.kind, p.json.amount, p.json.fee, p.json.status], ['payout', '20.00', '1.00', 1]);
    const listed = await ctl('GET /orders', '/orders?kind=payout');
    assert.deepEqual(
      (listed.json.orders as Record<string, unknown>[]).map((o) => o.amount),
      ['20.00'],
    );

    const sub = ok(
      await call(sb, usd, '/subscription/apply', {
        subscriptionOrderId: oid('S'),
        amount: '9.99',
        name: 'Jon Smith',
        email: 'jon@example.com',
        subject: 'Pro plan',
        payType: 'SUBSCRIPTION',
        inBankCode: 'CREDIT_CARD',
        callBackUrl: 'https://merchant.example/sub/ok',
        notifyUrl: 'http://127.0.0.1:9/notify',
        partnerUserId: '9527',
        country: 'US',
        currency: 'USD',
        recurringInterval: 'M',
        recurringIntervalCount: 1,
        recurringMaxNumber: 12,
        retryTimes: 3,
        website: 'https://merchant.example',
        clientType: 'WEB',
        accountNo: '4242424242424242',
        expiryMonth: '11',
        expiryYear: '2030',
        cvv: '234',
        referer: 'https://merchant.example/checkout',
        userAgent: 'Mozilla/5.0 (test)',
        customerIp: '142.250.191.174',
      }),
    );
    const authorized = await ctl(
      'POST /orders/:no/complete',
      `/orders/${String(sub.subscriptionNo)}/complete`,
      {
        outcome: 'success',
      },
    );
    assert.equal(authorized.status, 200);
    assert.equal(authorized.json.amount, '9.99');
    assert.deepEqual(
      (authorized.json.deductions as Record<string, unknown>[]).map((x) => [x.amount, x.fee, x.status]),
      [['9.99', '0.65', 2]],
    );

    const twd = sb.merchant('TWD');
    const order = ok(
      await call(
        sb,
        twd,
        '/twd/collect/apply',
        thbCollect({
          currency: 'USD',
          amount: '9.99',
          payType: 'EWALLET',
          inBankCode: 'JKO_PAY_TWD',
          name: 'Wang Xiaoming',
          phone: '0912345678',
        }),
      ),
    );
    const done = await ctl('POST /orders/:no/complete', `/orders/${String(order.orderNo)}/complete`, {
      outcome: 'success',
    });
    assert.deepEqual(
      [
        done.json.amount,
        done.json.fee,
        done.json.currency,
        done.json.settlementCurrency,
        done.json.settlementAmount,
      ],
      ['9.99', '0.25', 'USD', 'TWD', '312'],
    );
  });

  test('GET /_sandbox/notifications: the documented record and attempt fields', async () => {
    const r = await ctl('GET /notifications', '/notifications');
    const records = r.json.notifications as Record<string, unknown>[];
    for (const n of records) {
      for (const k of [
        'id',
        'kind',
        'orderNo',
        'refs',
        'appId',
        'body',
        'payload',
        'state',
        'createdAt',
        'attempts',
      ])
        assert.ok(k in n, `${k} in every record`);
      assert.ok(['pending', 'sending', 'held', 'delivered', 'failed', 'no-url'].includes(String(n.state)));
      assert.equal(JSON.stringify(n.payload), n.body, '`payload` is `body` parsed');
      if (n.state === 'no-url') assert.equal(n.url, undefined);
    }
    assert.ok(
      records.some((n) => n.state === 'no-url'),
      'orders without notifyUrl are recorded as no-url',
    );
    for (const a of r.json.attempts as Record<string, unknown>[]) {
      assert.deepEqual(
        Object.keys(a)
          .filter((k) => !['httpStatus', 'answer', 'error', 'duplicate'].includes(k))
          .sort(),
        ['at', 'attempt', 'delivered', 'notificationId', 'orderNo'],
      );
      assert.ok('httpStatus' in a || 'error' in a, 'an answer or an error');
    }
  });

  test('README table = server routes = routes exercised here', () => {
    const server = [...CONTROL_ROUTES].sort();
    assert.deepEqual(documentedRoutes(), server, 'README "Control API" lists exactly the server routes');
    assert.deepEqual([...exercised].sort(), server, 'every route is exercised over HTTP above');
  });
});

describe('control API behind the admin token', () => {
  test('POST /_sandbox/clock/advance with the bearer token moves time (guard, then JSON body)', async () => {
    const adminToken = 'control-api-token-0123456789-abcdefghij';
    const sb = await createSandbox({ config: sharedConfig(), adminToken });
    try {
      const before = sb.clock.now();
      const post = (headers: Record<string, string>) =>
        fetch(`${sb.url}/_sandbox/clock/advance`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ ms: 60000 }),
        });
      assert.equal((await post({})).status, 401);
      assert.equal(sb.clock.now(), before);
      const res = await post({ authorization: `Bearer ${adminToken}` });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { ms: number }).ms, before + 60000);
    } finally {
      await sb.close();
    }
  });
});
