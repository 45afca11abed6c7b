// Two router instances on different ports, one PostgreSQL database, one sandbox, and a small load
// balancer in front (HaiPay's notifyUrl points at the balancer, as in a real deployment): duplicate
// notifications racing on both instances, one Idempotency-Key posted to both instances at once, a status
// stream on one instance following a payment completed on the other, and an instance dying without
// anything being lost.
import { it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { type HaiPayRouterOptions } from '@haipay-kit/express';
import {
  startHarness,
  idem,
  BUYER,
  CARD,
  ORIGIN,
  paidNotification,
  type Harness,
  type WireJson,
} from '@haipay-kit/test-support';
import { PostgresPaymentStore } from '../src/index.js';
import { adminQuery, pgSuite, schemaPool, waitFor } from './helpers.js';

/** A round-robin HTTP balancer that skips backends refusing connections (a dead instance). */
async function startBalancer(backends: () => string[]) {
  let next = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const targets = backends();
      const attempt = (tries: number) => {
        if (tries >= targets.length) {
          res.writeHead(502).end('no live backend');
          return;
        }
        const target = new URL(targets[next++ % targets.length]!);
        const upstream = http.request(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        upstream.on('error', () => attempt(tries + 1));
        upstream.end(body);
      };
      attempt(0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

/** Follows `GET …/payments/:id/events`, collecting the `status` events' data. */
function openStream(baseUrl: string, orderId: string) {
  const events: { id: number; status: string }[] = [];
  const controller = new AbortController();
  let ended = false;
  const done = (async () => {
    const res = await fetch(`${baseUrl}/haipay/payments/${orderId}/events`, {
      headers: { origin: ORIGIN, accept: 'text/event-stream' },
      signal: controller.signal,
    });
    assert.equal(res.status, 200);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const id = /^id: (\d+)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (/^event: status$/m.test(block) && id && data) {
          events.push({
            id: Number(id),
            status: (JSON.parse(data) as { status: string }).status,
          });
        }
      }
    }
    ended = true;
  })().catch((error: unknown) => {
    if ((error as Error).name !== 'AbortError') throw error;
  });
  return {
    events,
    get ended() {
      return ended;
    },
    async close() {
      controller.abort();
      await done;
    },
  };
}

/** The store calls an order's creation makes; {@link stalling} may pause before each. */
const STALLED = [
  'get',
  'create',
  'createIdempotent',
  'reserveIdempotencyKey',
  'finishIdempotencyKey',
  'patch',
  'transition',
] as const;

/**
 * The store as a busy production instance sees it: now and then a call waits 5–25 ms before it runs
 * (a GC pause, a wait for a pooled connection, a slow network hop). Only the timing changes, on every
 * instance alike; without such pauses two requests sent together to two idle instances on one machine
 * almost never interleave their store calls, and a race that hurts 3–9 % of keys in production would
 * hide from the test.
 */
function stalling(store: PostgresPaymentStore, chance = 0.2): PostgresPaymentStore {
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = value as (...a: unknown[]) => unknown;
      if (!(STALLED as readonly (string | symbol)[]).includes(prop)) return method.bind(target);
      return async (...args: unknown[]) => {
        if (Math.random() < chance) await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
        return method.apply(target, args);
      };
    },
  });
}

pgSuite('two router instances sharing one PostgreSQL database', (url) => {
  const nextSchema = schemaPool(url);
  let sandbox: Sandbox;
  let balancer: Awaited<ReturnType<typeof startBalancer>>;
  let live: Harness[] = [];
  let a: Harness;
  let b: Harness;
  /** The schema A and B share (to count rows directly). */
  let schema: string;

  before(async () => {
    sandbox = await createSandbox();
    balancer = await startBalancer(() => live.map((h) => h.url));
  });
  after(async () => {
    await balancer.close();
    await sandbox.close();
  });

  /**
   * Starts instances A and B on one fresh schema, each with its own store (own pool, own listener).
   * With `stalls`, each instance's store pauses now and then before a call (see {@link stalling}).
   */
  async function startInstances(router: Partial<HaiPayRouterOptions> = {}, { stalls = false } = {}) {
    schema = nextSchema();
    const start = async () => {
      const pg = new PostgresPaymentStore({ connectionString: url, schema });
      await pg.ready();
      const store = stalls ? stalling(pg) : pg;
      return startHarness({ sandbox, store, router: { publicBaseUrl: `${balancer.url}/haipay`, ...router } });
    };
    [a, b] = [await start(), await start()];
    live = [a, b];
  }
  afterEach(async () => {
    await Promise.all(live.map((h) => h.close()));
    live = [];
  });

  async function promptpayOn(h: Harness) {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #1', buyerId: 'u-1001' };
    const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
    assert.equal(res.status, 201, JSON.stringify(res.json));
    return res.json as { orderId: string; orderNo: string };
  }

  const hookCalls = (orderId: string) => [...a.calls, ...b.calls].filter((c) => c.endsWith(`:${orderId}`));

  it('concurrent duplicate notifications delivered to both instances → one state change, one hook call', async () => {
    await startInstances();
    for (let round = 0; round < 5; round++) {
      const p = await promptpayOn(round % 2 ? a : b);
      const body = paidNotification(sandbox, p);
      const answers = await Promise.all(
        [a, b, a, b, a, b].map((h) =>
          fetch(`${h.url}/haipay/notify`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          }).then((r) => r.text()),
        ),
      );
      assert.deepEqual(answers, Array(6).fill('SUCCESS'), 'every delivery is acknowledged');
      assert.deepEqual(hookCalls(p.orderId), [`succeeded:${p.orderId}`], `round ${round}: the hook ran once`);
      const log = await a.store.listNotifications(p.orderId);
      assert.equal(log.filter((n) => n.outcome === 'applied').length, 1, 'one delivery applied the state');
      assert.equal(log.length, 6, 'every delivery is logged, whichever instance took it');
      assert.equal((await b.store.get(p.orderId))?.status, 'succeeded');
    }
  });

  it('a status stream open on instance B sees a payment completed through instance A', async () => {
    await startInstances();
    const p = await promptpayOn(a);
    const stream = openStream(b.url, p.orderId);
    try {
      await waitFor(() => stream.events.length > 0, 10_000, 'the first event (current state) on B');
      assert.equal(stream.events[0]!.status, 'pending');
      live = [a]; // the balancer sends HaiPay's notification to A only
      assert.equal(sandbox.complete(p.orderNo, 'success'), true);
      await sandbox.idle();
      assert.equal((await a.store.get(p.orderId))?.status, 'succeeded', 'A applied the notification');
      await waitFor(() => stream.events.some((e) => e.status === 'succeeded'), 10_000, 'succeeded on B');
      // Final event ends the stream (docs/contracts.md).
      await waitFor(() => stream.ended, 10_000, 'the stream to end after the final state');
      const final = stream.events.at(-1)!;
      assert.equal(final.status, 'succeeded');
      assert.deepEqual(b.calls, [], 'B ran no hook');
      assert.deepEqual(a.calls, [`succeeded:${p.orderId}`]);
    } finally {
      live = [a, b];
      await stream.close();
    }
  });

  it('the stream on B hears of it through LISTEN/NOTIFY (its store poll set to a minute)', async () => {
    await startInstances({ ssePollMs: 60_000 });
    const p = await promptpayOn(a);
    const stream = openStream(b.url, p.orderId);
    try {
      await waitFor(() => stream.events.length > 0, 10_000, 'the first event on B');
      live = [a];
      sandbox.complete(p.orderNo, 'success');
      // Only NOTIFY can tell B within the wait: its poll comes once a minute (the latency itself is the
      // bench's to measure, not a test's on a loaded machine).
      await waitFor(() => stream.events.some((e) => e.status === 'succeeded'), 10_000, 'succeeded on B');
    } finally {
      live = [a, b];
      await stream.close();
    }
  });

  it('one reconciler at a time: of two instances reconciling together, one queries; after it stops, the other', async () => {
    await startInstances();
    const orders = await Promise.all([promptpayOn(a), promptpayOn(b)]);
    const [na, nb] = await Promise.all([a.router.reconciler.runOnce(), b.router.reconciler.runOnce()]);
    assert.ok(na > 0 !== nb > 0, `exactly one instance reconciled (A checked ${na}, B checked ${nb})`);
    const holder = na > 0 ? a : b;
    const other = holder === a ? b : a;
    assert.equal(await other.router.reconciler.runOnce(), 0, 'the lease outlives a pass');
    assert.ok((await holder.router.reconciler.runOnce()) >= 0, 'the holder keeps reconciling');
    await holder.close(); // a clean shutdown gives the lease back at once
    live = [other];
    assert.ok((await other.router.reconciler.runOnce()) >= orders.length, 'the other instance takes over');
  });

  it('an instance dying in the middle of a merchant hook: the other runs the hook once its claim lease ends', async () => {
    await startInstances();
    const p = await promptpayOn(a);
    let entered = false;
    a.router.checkout.options.hooks.onPaymentSucceeded = () => {
      entered = true;
      return new Promise(() => {}); // A never finishes: it dies first
    };
    void fetch(`${a.url}/haipay/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: paidNotification(sandbox, p),
    }).catch(() => undefined);
    await waitFor(() => entered, 10_000, "A's hook to start");
    await a.close();
    live = [b];
    assert.equal((await b.store.get(p.orderId))?.status, 'succeeded', 'A committed the state before dying');
    await b.router.reconciler.runOnce(); // B's hook lease is the router's 60 s: A's claim still holds
    assert.deepEqual(b.calls, [], "within A's claim lease B does not run the hook");
    b.router.checkout.options.hookLeaseMs = 1; // as if the lease had run out
    await b.router.reconciler.runOnce();
    assert.deepEqual(b.calls, [`succeeded:${p.orderId}`]);
    assert.equal((await b.store.get(p.orderId))?.hookStatus, 'succeeded');
    await b.router.reconciler.runOnce();
    assert.deepEqual(b.calls, [`succeeded:${p.orderId}`], 'and only once');
  });

  it('killing one instance loses nothing: orders it created settle on the other, hooks once, streams follow', async () => {
    await startInstances();
    const orders = await Promise.all([promptpayOn(a), promptpayOn(a), promptpayOn(b), promptpayOn(a)]);
    const done = orders[0];
    sandbox.complete(done.orderNo, 'success');
    await sandbox.idle();
    await waitFor(() => hookCalls(done.orderId).length === 1, 10_000, 'the first hook');
    const stream = openStream(b.url, orders[1].orderId);
    await waitFor(() => stream.events.length > 0, 10_000, 'the stream on B');
    // A dies: its port stops answering, its pool and listener are gone. Whatever it committed is in
    // PostgreSQL; the balancer now finds only B.
    const dead = a;
    await dead.close();
    live = [b];
    for (const o of orders.slice(1)) sandbox.complete(o.orderNo, o === orders[2] ? 'failure' : 'success');
    await sandbox.idle();
    try {
      for (const o of orders) {
        const view = await b.get(`/haipay/payments/${o.orderId}`);
        assert.equal(view.status, 200);
        assert.equal(
          view.json.status,
          o === orders[2] ? 'failed' : 'succeeded',
          `order ${o.orderId} settled`,
        );
        assert.equal(hookCalls(o.orderId).length, 1, `one hook for ${o.orderId}`);
      }
      assert.ok(
        orders.slice(1).every((o) => b.calls.some((c) => c.endsWith(o.orderId))),
        'B ran the hooks after A died',
      );
      await waitFor(
        () => stream.events.some((e) => e.status === 'succeeded'),
        10_000,
        'the stream on B to see its order settle',
      );
    } finally {
      await stream.close();
    }
  });

  /** Counts `method` calls per order id on both instances' clients (`idField` of the signed params). */
  function countApplies(method: 'collectApply' | 'subscriptionApply', idField: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const h of [a, b]) {
      const client = h.client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const original = client[method]!.bind(h.client);
      client[method] = (...args: unknown[]) => {
        // The request's params: the argument that names the id (options such as `sendAfter` may follow).
        const params = args.find((a) => typeof a === 'object' && a !== null && idField in a);
        const id = String((params as Record<string, unknown>)[idField]);
        counts.set(id, (counts.get(id) ?? 0) + 1);
        return original(...args);
      };
    }
    return counts;
  }

  interface RacedKey {
    key: string;
    answers: { status: number; id: string | undefined; text: string }[];
  }

  /**
   * The attack: for `keys` fresh Idempotency-Keys in turn, posts `body` with the key to instance A and
   * instance B at the same moment. Returns both answers for every key.
   */
  async function raceKeys(
    path: string,
    body: Record<string, unknown>,
    keys: number,
    idOf: (json: WireJson) => unknown,
  ): Promise<RacedKey[]> {
    const raceOne = async (): Promise<RacedKey> => {
      const headers = idem();
      const answers = await Promise.all([a.post(path, body, headers), b.post(path, body, headers)]);
      return {
        key: headers['idempotency-key']!,
        answers: answers.map((r) => {
          const id = r.json && typeof r.json === 'object' ? idOf(r.json) : undefined;
          return {
            status: r.status,
            id: typeof id === 'string' ? id : undefined,
            text: JSON.stringify(r.json).slice(0, 200),
          };
        }),
      };
    };
    const raced: RacedKey[] = [];
    for (let i = 0; i < keys; i++) raced.push(await raceOne());
    return raced;
  }

  /**
   * Reports the answers (a diagnostic line with the distribution of status pairs) and checks what the
   * shopper sees: never a 5xx, never a 409, both answers naming one order, at most one 201.
   */
  function checkAnswers(t: { diagnostic(message: string): void }, raced: RacedKey[]): string[] {
    const pairs = new Map<string, number>();
    for (const r of raced) {
      const pair = r.answers.map((x) => x.status).join('+'); // A's status + B's status
      pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
    }
    const failed = raced.filter((r) => r.answers.some((x) => x.status >= 500));
    const distribution = [...pairs]
      .sort((x, y) => y[1] - x[1])
      .map(([pair, n]) => `${pair}: ${n}`)
      .join(', ');
    t.diagnostic(
      `${raced.length} keys raced on A and B; answers (A+B) ${distribution}; ` +
        `${failed.length} keys (${((100 * failed.length) / raced.length).toFixed(1)} %) answered 5xx`,
    );
    assert.deepEqual(
      failed.map((r) => `${r.key}: ${r.answers.map((x) => `${x.status} ${x.text}`).join(' | ')}`),
      [],
      `${failed.length} of ${raced.length} keys answered 5xx to a buyer whose order exists`,
    );
    for (const r of raced) {
      for (const x of r.answers) {
        assert.ok([200, 201, 202].includes(x.status), `${r.key}: ${x.status} ${x.text}`);
        assert.ok(x.id, `${r.key}: the answer names its order: ${x.text}`);
      }
      assert.equal(r.answers[0]!.id, r.answers[1]!.id, `${r.key}: both instances name the same order`);
      assert.ok(r.answers.filter((x) => x.status === 201).length <= 1, `${r.key}: one request created it`);
    }
    const ids = raced.map((r) => r.answers[0]!.id!);
    assert.equal(new Set(ids).size, raced.length, 'one order per key, no two keys share one');
    return ids;
  }

  /** Rows of the shared schema: orders of `kind`, and idempotency keys of `scope` with their order. */
  async function storedRows(kind: string, scope: string) {
    const orders = await adminQuery<{ order_id: string }>(
      url,
      `SELECT order_id FROM "${schema}".haipay_payments WHERE kind = $1`,
      [kind],
    );
    const keys = await adminQuery<{ key: string; order_id: string; orders: number }>(
      url,
      `SELECT k.key, k.order_id, (SELECT count(*)::int FROM "${schema}".haipay_payments p
                                    WHERE p.order_id = k.order_id) AS orders
         FROM "${schema}".haipay_idempotency_keys k WHERE k.scope = $1`,
      [scope],
    );
    return { orders: orders.map((r) => r.order_id), keys };
  }

  it('the same Idempotency-Key posted to both instances at once: one order, both answers name it, never a 5xx', async (t) => {
    await startInstances({}, { stalls: true });
    const KEYS = 60;
    const order = { amount: '100.00', currency: 'THB', subject: 'Order #1', buyerId: 'u-1001' };
    a.order = order;
    b.order = order;
    const applies = countApplies('collectApply', 'orderId');
    const raced = await raceKeys(
      '/haipay/payments',
      { method: 'promptpay', ...BUYER },
      KEYS,
      (j) => j.orderId,
    );
    const ids = checkAnswers(t, raced);

    const rows = await storedRows('payment', 'payments');
    assert.deepEqual(
      [...rows.orders].sort(),
      [...ids].sort(),
      'exactly one order row per key, the one named',
    );
    assert.equal(rows.keys.length, KEYS, 'one key row per key');
    for (const k of rows.keys) assert.equal(k.orders, 1, `key ${k.key} points at its order`);
    for (const id of ids) {
      assert.equal(applies.get(id), 1, `${id}: applied once across both instances`);
      assert.equal(
        sandbox.orders().filter((o) => o.orderId === id).length,
        1,
        `${id}: the sandbox saw one apply`,
      );
    }
    assert.equal(
      [...applies.values()].reduce((x, y) => x + y, 0),
      KEYS,
      'no other apply',
    );
  });

  it('the same race for subscriptions: one subscription per key, both answers name it, never a 5xx', async (t) => {
    await startInstances({}, { stalls: true });
    const KEYS = 40;
    const applies = countApplies('subscriptionApply', 'subscriptionOrderId');
    const raced = await raceKeys(
      '/haipay/subscriptions',
      { planRef: 'monthly', ...BUYER, ...CARD },
      KEYS,
      (j) => j.subscriptionId,
    );
    const ids = checkAnswers(t, raced);

    const rows = await storedRows('subscription', 'subscriptions');
    assert.deepEqual([...rows.orders].sort(), [...ids].sort(), 'exactly one subscription row per key');
    assert.equal(rows.keys.length, KEYS, 'one key row per key');
    for (const k of rows.keys) assert.equal(k.orders, 1, `key ${k.key} points at its subscription`);
    for (const id of ids) {
      assert.equal(applies.get(id), 1, `${id}: applied once across both instances`);
      const stored = await a.store.get(id);
      assert.ok(stored?.orderNo, `${id}: HaiPay answered for it`);
      assert.equal(
        sandbox.subscription(stored.orderNo)?.subscriptionOrderId,
        id,
        `${id}: the sandbox has it`,
      );
    }
    assert.equal(
      [...applies.values()].reduce((x, y) => x + y, 0),
      KEYS,
      'no other apply',
    );
  });
});
