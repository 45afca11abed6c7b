/**
 * `/notify`'s limit on refused bodies, as an attacker meets it: counted only when a body is refused,
 * held across instances that share a store, and never in HaiPay's way — not when the attacker used up
 * the limit from another address, and not when the shared counter itself is down.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import {
  startHarness,
  idem,
  BUYER,
  paidFields,
  signedNotification,
  type Harness,
} from '@haipay-kit/test-support';
import { HaiPayConfigError } from '../src/errors.js';
import { createHaiPayRouter } from '../src/index.js';

let sandbox: Sandbox;
before(async () => {
  sandbox = await createSandbox();
});
after(async () => sandbox.close());

/** A counter two instances share (what rate-limit-redis would be), which can be made to fail. */
class SharedStore implements Store {
  windowMs = 60_000;
  down = false;
  constructor(readonly hits: Map<string, number>) {}
  init(options: Options) {
    this.windowMs = options.windowMs;
  }
  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    if (this.down) throw new Error('counter unreachable');
    const n = this.hits.get(key);
    return n === undefined ? undefined : { totalHits: n, resetTime: new Date(Date.now() + this.windowMs) };
  }
  async increment(key: string): Promise<IncrementResponse> {
    if (this.down) throw new Error('counter unreachable');
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

/** POSTs a body to `/notify` from `localAddress` (another loopback address is another client). */
function notify(h: Harness, body: string, localAddress = '127.0.0.1') {
  return new Promise<{ status: number; text: string; retryAfter: string | undefined }>((resolve, reject) => {
    const req = request(
      `${h.url}/haipay/notify`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, localAddress },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text, retryAfter: res.headers['retry-after'] }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function paidBody(h: Harness): Promise<string> {
  h.order = { amount: '100.00', currency: 'THB', subject: 'Order #1', buyerId: 'u-1001' };
  const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return signedNotification(sandbox, paidFields(sandbox, res.json as { orderId: string; orderNo: string }));
}

const forged = JSON.stringify({ appId: 1, orderId: 'hp_forged_000000', status: 2, sign: 'AAAA' });

describe('/notify refusal limit', () => {
  it('holds across two instances sharing a store, and HaiPay from another address still gets through', async () => {
    const hits = new Map<string, number>();
    const a = await startHarness({
      sandbox,
      router: { notify: { rateLimit: { max: 3, store: new SharedStore(hits) } } },
    });
    const b = await startHarness({
      sandbox,
      router: { notify: { rateLimit: { max: 3, store: new SharedStore(hits) } } },
    });
    try {
      const statuses = [];
      for (const h of [a, b, a, b, a]) statuses.push((await notify(h, forged, '127.0.0.7')).status);
      assert.deepEqual(statuses.slice(0, 3), [400, 400, 400]);
      assert.deepEqual(statuses.slice(3), [429, 429]);
      const refused = await notify(b, forged, '127.0.0.7');
      assert.equal(refused.text, 'FAIL: too many refused notifications');
      assert.ok(Number(refused.retryAfter) >= 1, `Retry-After: ${refused.retryAfter}`);
      assert.equal((await notify(b, await paidBody(b), '127.0.0.8')).text, 'SUCCESS');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a concurrent forged flood gets at most its own concurrency past the limit, then nothing', async () => {
    const max = 5;
    const inFlight = 20;
    const h = await startHarness({ sandbox, router: { notify: { rateLimit: { max } } } });
    try {
      const statuses: number[] = [];
      // Ten waves of 20 at once: a wave's requests are all looked up before any of them is refused.
      for (let wave = 0; wave < 10; wave++) {
        const answers = await Promise.all(
          Array.from({ length: inFlight }, () => notify(h, forged, '127.0.0.11')),
        );
        statuses.push(...answers.map((a) => a.status));
      }
      const read = statuses.filter((s) => s === 400).length;
      const turnedAway = statuses.filter((s) => s === 429).length;
      assert.equal(read + turnedAway, statuses.length, `only 400 and 429: ${statuses.join(',')}`);
      assert.ok(read >= max, `the first ${max} are read and refused (${read})`);
      assert.ok(read <= max + inFlight, `at most max + in flight read: ${read} of ${statuses.length}`);
      assert.deepEqual(
        statuses.slice(-inFlight),
        Array(inFlight).fill(429),
        'the last wave is turned away whole',
      );
      assert.equal(
        (await notify(h, await paidBody(h), '127.0.0.12')).text,
        'SUCCESS',
        'HaiPay still gets through',
      );
    } finally {
      await h.close();
    }
  });

  it('verified deliveries never count, whatever they answer', async () => {
    const h = await startHarness({ sandbox, router: { notify: { rateLimit: { max: 2 } } } });
    try {
      // A duplicate delivery of a settled payment, five times: verified, so never counted.
      const body = await paidBody(h);
      for (let i = 0; i < 5; i++) assert.equal((await notify(h, body, '127.0.0.9')).text, 'SUCCESS');
      assert.equal((await notify(h, forged, '127.0.0.9')).status, 400);
    } finally {
      await h.close();
    }
  });

  it('a shared counter that is down lets HaiPay through (logged), and a store without get() is refused at start', async () => {
    const store = new SharedStore(new Map());
    const h = await startHarness({ sandbox, router: { notify: { rateLimit: { max: 1, store } } } });
    try {
      store.down = true;
      assert.equal((await notify(h, forged, '127.0.0.10')).status, 400);
      assert.equal((await notify(h, forged, '127.0.0.10')).status, 400, 'nothing counted, nothing refused');
      assert.equal((await notify(h, await paidBody(h), '127.0.0.10')).text, 'SUCCESS');
      assert.ok(
        h.logger.lines.some((l) => l.includes('haipay rate limit store failed')),
        'the failing counter is logged',
      );
      // An express-rate-limit store may leave out get(); this limit cannot work without it.
      const noGet: Store = {
        increment: (key) => store.increment(key),
        decrement: (key) => store.decrement(key),
        resetKey: (key) => store.resetKey(key),
      };
      assert.throws(
        () =>
          createHaiPayRouter({
            client: h.client,
            store: h.store,
            publicBaseUrl: `${h.url}/haipay`,
            returnUrl: 'https://shop.example/thanks',
            allowedOrigins: ['https://shop.example'],
            resolveOrder: () => h.order,
            reconcile: false,
            notify: { rateLimit: { store: noGet } },
          }),
        (err: unknown) =>
          err instanceof HaiPayConfigError && /notify\.rateLimit\.store.*get\(key\)/.test(err.message),
      );
    } finally {
      await h.close();
    }
  });
});
