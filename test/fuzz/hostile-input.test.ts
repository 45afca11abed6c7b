/**
 * Hostile input (issue 7, item 3): seeded fast-check properties over the browser routes and
 * `POST /notify` of a real router (SQLite store) in front of the real sandbox. Every answer is a 4xx
 * with a clear JSON message (browser routes) or `FAIL` (notifications), or a correct success — never a
 * 5xx other than a 502 that names the gateway's refusal, never a crash, and never a gateway call for
 * input the router refused. Gateway calls are counted by a pass-through proxy between the client and
 * the sandbox. `Object.prototype` must come out untouched.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { SqlitePaymentStore } from '@haipay-kit/express/sqlite';
import { generateTestNotification } from '@haipay-kit/express/testing';
import { startHarness, ORIGIN, BUYER, type Harness, type WireJson } from '@haipay-kit/test-support';

const SEED = Number(process.env.HAIPAY_FUZZ_SEED ?? 7007);
const protoKeysBefore = Object.getOwnPropertyNames(Object.prototype).sort();

// ---------------------------------------------------------------- generators

const nasty = fc.constantFrom(
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  '\u0000',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '<script>alert(1)</script>',
  "'; DROP TABLE haipay_payments; --",
  '4242424242424242',
  '💳🇹🇭',
  'ก'.repeat(300),
  '9'.repeat(5000),
  '{"$ne":null}',
  'NaN',
  '-1',
  '1e308',
  '0x10',
  '../../etc/passwd',
  '%00',
  '\ud800',
);
const hostileString = fc.oneof(
  nasty,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ minLength: 1000, maxLength: 6000 }),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);
const field = (...valid: string[]) =>
  fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: hostileValue });

const paymentBody = fc.record(
  {
    method: field(
      'promptpay',
      'truemoney',
      'bank-transfer',
      'card',
      'twd-atm',
      'cashier',
      'CARD',
      'promptpay ',
    ),
    orderRef: field('cart-1', 'x'.repeat(101)),
    name: field(BUYER.name, 'A', 'ก'.repeat(60)),
    email: field(BUYER.email, 'not-an-email', 'a@b'),
    phone: field(BUYER.phone, '+66812345678', '12'),
    cardNumber: field('4242424242424242', '4242424242424241', '4242 4242 4242 4242'),
    expiryMonth: field('12', '13', '00', '1'),
    expiryYear: field('2030', '2019', '30'),
    cvv: field('123', '99', '12345'),
    planRef: field('plan-1'),
  },
  { requiredKeys: [] },
);
/** Keys spliced into the JSON text itself, where `JSON.parse` makes them own properties. */
const pollution = fc.constantFrom(
  '',
  '"__proto__":{"polluted":"yes","method":"promptpay"},',
  '"constructor":{"prototype":{"polluted":"yes"}},',
  '"__proto__":{"__proto__":{"polluted":"yes"}},',
  '"hasOwnProperty":"x","toString":1,"valueOf":{},',
);
const jsonText = fc.tuple(paymentBody, pollution).map(([body, extra]) => {
  const text = JSON.stringify(body);
  return text === '{}' ? `{${extra.replace(/,$/, '')}}` : `{${extra}${text.slice(1)}`;
});
const anyBody = fc.oneof(
  { weight: 6, arbitrary: jsonText },
  fc.json(),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('', 'null', '[]', '"x"', '1', '{', '{"method":', '[{"method":"promptpay"}]', '\ufeff{}'),
);
const idempotencyKey = fc.oneof(
  { weight: 5, arbitrary: fc.uuid() },
  fc.constantFrom(
    '',
    'short',
    'x'.repeat(201),
    'has space here',
    '\ttabbed-key-123',
    'ключ-юникод-1234'.normalize(),
  ),
  fc.string({ unit: 'binary-ascii', maxLength: 60 }),
);
const pathId = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'hasOwnProperty',
    'hp_' + 'A'.repeat(22),
    'hps_' + 'A'.repeat(22),
    'hp_../../x',
    '..%2f..%2fetc',
    '%00',
    'hp_' + 'A'.repeat(500),
    "1' OR '1'='1",
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
);

// ---------------------------------------------------------------- harness

describe('hostile input: browser routes and /notify', () => {
  let sandbox: Sandbox;
  let h: Harness;
  let proxy: http.Server;
  let dir: string;
  let gatewayCalls = 0;
  let cases = 0;
  const statuses = new Map<number, number>();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'haipay-fuzz-'));
    sandbox = await createSandbox();
    // Every call the client makes passes here and is counted.
    proxy = http.createServer((req, res) => {
      gatewayCalls++;
      const up = http.request(
        `${sandbox.url}${req.url}`,
        { method: req.method, headers: req.headers },
        (ur) => {
          res.writeHead(ur.statusCode ?? 502, ur.headers);
          ur.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    h = await startHarness({
      sandbox,
      store: new SqlitePaymentStore({ filename: join(dir, 'fuzz.db') }),
      client: { baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` },
      // Thousands of forgeries from one client: the refusal limit (tested in the attack suite) would
      // answer 429 after 60 and hide what this suite checks — that each one is refused on its merits.
      router: { notify: { rateLimit: false } },
    });
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #1', buyerId: 'u-1001' };
  });
  after(async () => {
    await h?.close();
    proxy?.closeAllConnections();
    await new Promise((r) => proxy?.close(r));
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  interface Answer {
    status: number;
    text: string;
    json: WireJson;
    contentType: string;
  }
  const send = async (
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<Answer> => {
    const res = await fetch(`${h.url}${path}`, {
      method,
      headers,
      body: body === undefined ? null : body,
      redirect: 'manual',
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: `json` stays undefined
    }
    cases++;
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    return { status: res.status, text, json, contentType: res.headers.get('content-type') ?? '' };
  };

  /** The browser-route contract for an answer, given how many gateway calls it made. */
  const checkBrowserAnswer = (a: Answer, calls: number, what: string) => {
    assert.ok(a.status < 500 || a.status === 502, `${what}: ${a.status} ${a.text.slice(0, 300)}`);
    if (a.status >= 400) {
      assert.match(a.contentType, /application\/json/, `${what}: ${a.status} is JSON`);
      assert.equal(typeof a.json?.error?.type, 'string', `${what}: error.type in ${a.text.slice(0, 200)}`);
      assert.ok(
        typeof a.json.error.message === 'string' && a.json.error.message.length > 0,
        `${what}: a clear message`,
      );
      assert.ok(!/at \w+ \(|\/work\/|node_modules/.test(a.text), `${what}: no stack trace`);
      if (a.status !== 502)
        assert.equal(calls, 0, `${what}: refused (${a.status}) yet ${calls} gateway calls`);
    }
  };

  const run = <T>(arb: fc.Arbitrary<T>, numRuns: number, prop: (v: T) => Promise<void>) =>
    fc.assert(fc.asyncProperty(arb, prop), { seed: SEED, numRuns, endOnFailure: true });

  const headers = (extra: Record<string, string> = {}) => ({
    origin: ORIGIN,
    'content-type': 'application/json',
    'idempotency-key': `fuzz-${cases}-${Math.random().toString(36).slice(2)}`,
    ...extra,
  });

  it('POST /payments: random and adversarial JSON bodies', () =>
    run(anyBody, 1400, async (body) => {
      const before = gatewayCalls;
      const a = await send('POST', '/haipay/payments', headers(), body);
      checkBrowserAnswer(a, gatewayCalls - before, `POST /payments ${body.slice(0, 120)}`);
      if (a.status < 300) {
        assert.ok([201, 202].includes(a.status));
        assert.match(a.json.orderId, /^hp_/);
        assert.ok(!a.text.includes('4242424242424242'), 'no card number echoed');
      }
    }));

  it('POST /subscriptions: random and adversarial JSON bodies', () =>
    run(anyBody, 500, async (body) => {
      const before = gatewayCalls;
      const a = await send('POST', '/haipay/subscriptions', headers(), body);
      checkBrowserAnswer(a, gatewayCalls - before, `POST /subscriptions ${body.slice(0, 120)}`);
    }));

  it('wrong content types, bad Idempotency-Key headers, bad origins, oversized bodies', () =>
    run(
      fc.record({
        path: fc.constantFrom('/haipay/payments', '/haipay/subscriptions'),
        contentType: fc.oneof(
          fc.constantFrom(
            'application/json',
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/json; charset=utf-16',
            'application/xml',
            '',
          ),
          fc.string({ unit: 'binary-ascii', maxLength: 30 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
        ),
        key: idempotencyKey.filter((k) => /^[\x20-\x7e\t]*$/.test(k)),
        origin: fc.oneof(
          { weight: 3, arbitrary: fc.constant(ORIGIN) },
          fc.constantFrom(
            '',
            'null',
            'https://evil.example',
            'https://shop.example.evil',
            'http://shop.example',
            `${ORIGIN}/`,
          ),
          fc.webUrl(),
        ),
        body: fc.oneof(
          { weight: 4, arbitrary: jsonText },
          fc.constantFrom(
            'method=promptpay&name=x',
            JSON.stringify({ method: 'promptpay', ...BUYER, name: 'x'.repeat(20_000) }),
            `{"method":"promptpay","pad":"${'a'.repeat(70_000)}"}`,
          ),
        ),
      }),
      600,
      async (c) => {
        const hs: Record<string, string> = { 'idempotency-key': c.key };
        if (c.contentType) hs['content-type'] = c.contentType;
        if (c.origin) hs.origin = c.origin;
        const before = gatewayCalls;
        const a = await send('POST', c.path, hs, c.body);
        checkBrowserAnswer(a, gatewayCalls - before, `${c.path} ${JSON.stringify(c).slice(0, 200)}`);
        if (c.origin !== ORIGIN) assert.equal(a.status, 403, `origin ${c.origin} → ${a.status}`);
        if (c.body.length > 16_384 && c.origin === ORIGIN && a.status !== 415)
          assert.equal(a.status, 413, `oversized body → ${a.status}`);
      },
    ));

  it('GET /payments/:id, /events, /subscriptions/:id and the return route with hostile ids', () =>
    run(
      fc.record({
        id: pathId,
        route: fc.constantFrom('payments', 'events', 'subscriptions', 'return', 'cancel'),
        origin: fc.constantFrom(ORIGIN, undefined, 'https://evil.example'),
      }),
      900,
      async ({ id, route, origin }) => {
        const enc = encodeURIComponent(id);
        const path = {
          payments: `/haipay/payments/${enc}`,
          events: `/haipay/payments/${enc}/events`,
          subscriptions: `/haipay/subscriptions/${enc}`,
          return: `/haipay/return/${enc}?result=success`,
          cancel: `/haipay/subscriptions/${enc}/cancel`,
        }[route];
        const hs: Record<string, string> = origin ? { origin } : {};
        const before = gatewayCalls;
        const a = await send(
          route === 'cancel' ? 'POST' : 'GET',
          path,
          { ...hs, 'content-type': 'application/json' },
          route === 'cancel' ? '{}' : undefined,
        );
        if (route === 'return') {
          assert.equal(a.status, 303, `return → ${a.status}`);
          assert.equal(gatewayCalls - before, 0);
          return;
        }
        checkBrowserAnswer(a, gatewayCalls - before, `${path}`);
        if (origin === 'https://evil.example') assert.equal(a.status, 403);
        else if (route !== 'cancel' || origin) assert.equal(a.status, 404, `${path} → ${a.status} ${a.text}`);
      },
    ));

  it('POST /notify: forged, missing and malformed signatures change nothing', async () => {
    // A real order the forgeries aim at.
    const real = await send(
      'POST',
      '/haipay/payments',
      headers(),
      JSON.stringify({ method: 'promptpay', ...BUYER }),
    );
    assert.equal(real.status, 201);
    const thb = sandbox.merchant('THB');
    const base = {
      appId: thb.appId,
      currency: 'THB',
      orderId: real.json.orderId,
      orderNo: real.json.orderNo,
      amount: '100.00',
      fee: '1.50',
      status: 2,
      payTime: '2026-11-22 10:00:00',
    };
    await run(
      fc.record({
        payload: fc.record(
          {
            appId: fc.oneof(fc.constant(thb.appId), hostileValue),
            currency: field('THB', 'USD'),
            orderId: field(real.json.orderId, 'hp_unknown'),
            orderNo: field(real.json.orderNo),
            amount: field('100.00', '1000.00', '0.01'),
            status: fc.oneof(fc.constantFrom(2, '2', 3), hostileValue),
            type: field('SUBSCRIPTION', 'SUBSCRIPTIONS_DEDUCT'),
          },
          { requiredKeys: [] },
        ),
        how: fc.constantFrom('noSign', 'randomSign', 'wrongSecret', 'wrongKey', 'tampered', 'raw', 'pollute'),
        contentType: fc.constantFrom(
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
          '',
        ),
        sign: hostileString,
        raw: anyBody,
      }),
      700,
      async (c) => {
        const payload = { ...base, ...c.payload } as Record<string, unknown>;
        let body: string;
        if (c.how === 'noSign') body = JSON.stringify(payload);
        else if (c.how === 'randomSign') body = JSON.stringify({ ...payload, sign: c.sign });
        else if (c.how === 'wrongSecret')
          body = generateTestNotification({
            payload,
            platformPrivateKey: sandbox.config.platform.privateKey,
            secretKey: `${thb.secretKey.slice(0, -4)}XXXX`,
          });
        else if (c.how === 'wrongKey')
          body = generateTestNotification({
            payload,
            platformPrivateKey: thb.privateKey!,
            secretKey: thb.secretKey,
          });
        else if (c.how === 'tampered') {
          const signed = JSON.parse(
            generateTestNotification({
              payload: base,
              platformPrivateKey: sandbox.config.platform.privateKey,
              secretKey: thb.secretKey,
            }),
          );
          body = JSON.stringify({ ...signed, ...c.payload, sign: signed.sign, amount: '1.00' });
        } else if (c.how === 'pollute')
          body = `{"__proto__":{"polluted":"yes"},${JSON.stringify(payload).slice(1)}`;
        else body = c.raw;
        const before = gatewayCalls;
        const hs: Record<string, string> = c.contentType ? { 'content-type': c.contentType } : {};
        const a = await send('POST', '/haipay/notify', hs, body);
        assert.ok(a.status < 500, `/notify ${c.how}: ${a.status} ${a.text}`);
        assert.equal(a.status, 400, `/notify ${c.how} → ${a.status} ${a.text}`);
        assert.equal(a.text, 'FAIL');
        assert.equal(gatewayCalls - before, 0, 'an unverified notification never reaches the gateway');
      },
    );
    const after = await h.store.get(real.json.orderId);
    assert.equal(after?.status, 'pending', 'no forgery moved the order');
    assert.ok(!h.calls.some((c) => c.endsWith(real.json.orderId)), 'no hook ran for a forgery');
  });

  it('POST /notify: genuinely signed but hostile payloads never crash or credit a wrong amount', async () => {
    const real = await send(
      'POST',
      '/haipay/payments',
      headers(),
      JSON.stringify({ method: 'truemoney', ...BUYER }),
    );
    assert.equal(real.status, 201);
    const thb = sandbox.merchant('THB');
    await run(
      fc.record(
        {
          currency: field('THB', 'USD', 'thb'),
          orderId: field(real.json.orderId, 'hp_unknown_order_123456'),
          orderNo: field(real.json.orderNo, ''),
          amount: field('1.00', '100.01', '-100.00', '1e2', '１００.00'),
          actualAmount: field('1.00', '0.00'),
          status: fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 5, 9, -1), hostileValue),
          type: field('SUBSCRIPTION', 'SUBSCRIPTIONS_DEDUCT', 'PAYOUT'),
          errorMsg: hostileString,
        },
        { requiredKeys: [] },
      ),
      300,
      async (fields) => {
        const body = generateTestNotification({
          payload: { appId: thb.appId, ...fields },
          platformPrivateKey: sandbox.config.platform.privateKey,
          secretKey: thb.secretKey,
        });
        const a = await send('POST', '/haipay/notify', { 'content-type': 'application/json' }, body);
        assert.ok(a.status < 500, `/notify signed ${body.slice(0, 300)} → ${a.status} ${a.text}`);
        const r = await h.store.get(real.json.orderId);
        assert.notEqual(r?.status, 'succeeded', `credited by ${body.slice(0, 300)}`);
      },
    );
  });

  it('leaves Object.prototype untouched and prints the figures', (t) => {
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), protoKeysBefore);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const block = [
      '── hostile input ──',
      `seed: ${SEED}`,
      `cases: ${cases} (${[...statuses]
        .sort((a, b) => a[0] - b[0])
        .map(([s, k]) => `${s}: ${k}`)
        .join(', ')})`,
      `5xx other than 502: ${[...statuses].filter(([s]) => s >= 500 && s !== 502).reduce((n, [, k]) => n + k, 0)}`,
      `gateway calls: ${gatewayCalls} (only for accepted input)`,
      'Object.prototype: untouched',
    ];
    console.log(block.join('\n'));
    for (const line of block) t.diagnostic(line);
  });
});
