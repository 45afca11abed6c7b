import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { BUYER, idem, startHarness } from '@haipay-kit/test-support';
import { createFetchTransport, type HttpTransport } from '../src/transport.js';
import { SqlitePaymentStore } from '../src/store/sqlite.js';

let sandbox: Sandbox;
before(async () => {
  sandbox = await createSandbox();
});
after(async () => sandbox.close());

/** A transport that records the order id of every collect query the kit sends to the gateway. */
function queryCounter(): HttpTransport & { queried: string[]; answered: number } {
  const inner = createFetchTransport();
  const queried: string[] = [];
  const counter = {
    queried,
    /** Queries answered (or failed). */
    answered: 0,
    async request(req: Parameters<HttpTransport['request']>[0]) {
      if (!req.url.includes('/collect/query') || !req.body) return inner.request(req);
      queried.push(String((JSON.parse(req.body) as { orderId?: unknown }).orderId));
      try {
        return await inner.request(req);
      } finally {
        counter.answered++;
      }
    },
  };
  return counter;
}

/** Opens a status stream and resolves once its headers arrived; the caller destroys it. */
function openStream(url: string): Promise<ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      assert.equal(res.statusCode, 200);
      res.resume();
      resolve(req);
    });
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `done()` (checking every 5 ms, after `step` if given), failing after 10 s of wall time. */
async function until(done: () => boolean, what: string, step?: () => Promise<unknown>): Promise<void> {
  for (const end = Date.now() + 10_000; !done(); await sleep(5)) {
    assert.ok(Date.now() < end, `not within 10 s: ${what}`);
    await step?.();
  }
}

describe('status streams and the gateway', () => {
  it('re-query HaiPay for stale watched orders on a router-wide budget, longest-unchecked first', async (t) => {
    const transport = queryCounter();
    const h = await startHarness({
      sandbox,
      client: { transport },
      // Every pending order is always stale, and every watch polls the store 20 times a second: without
      // a budget, each poll of each of the 12 orders would be a signed gateway call (≈ 240 a second).
      router: { refreshAfterMs: 0, ssePollMs: 50, streams: { refreshIntervalMs: 100 } },
    });
    const streams: ClientRequest[] = [];
    try {
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        h.order = { amount: '100.00', currency: 'THB', subject: `Order #${i}`, buyerId: 'u-1' };
        const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
        assert.equal(res.status, 201);
        ids.push((res.json as { orderId: string }).orderId);
      }
      transport.queried.length = 0;
      // The streams' intervals are mocked and ticked: the budget is counted in intervals, which a busy
      // machine cannot stretch or squeeze (each tick waits, up to 10 s, for the query it started).
      t.mock.timers.enable({ apis: ['setInterval'] });
      for (const id of ids) streams.push(await openStream(`${h.url}/haipay/payments/${id}/events`));
      for (let interval = 1; interval <= 15; interval++) {
        t.mock.timers.tick(100);
        await until(() => transport.answered >= interval, `query ${interval} answered`);
      }
      // One query per refresh interval (the poll ticked twice in each), never one per poll — and the
      // budget is used, not starved.
      assert.equal(transport.queried.length, 15, 'gateway queries in 15 refresh intervals');
      // The longest-unchecked order goes first, so every watched order had its turn.
      assert.equal(new Set(transport.queried.slice(0, 12)).size, 12, transport.queried.join());
    } finally {
      for (const s of streams) s.destroy();
      await h.close();
    }
  });
});

describe('status streams and the store', () => {
  it('read watched orders only while another process writes, round-robin within a router-wide budget', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'haipay-streams-'));
    const file = join(dir, 'shop.db');
    // Another instance of the shop: a second connection to the same SQLite file.
    const elsewhere = new SqlitePaymentStore({ filename: file });
    const h = await startHarness({
      sandbox,
      store: new SqlitePaymentStore({ filename: file }),
      // 30 watched orders polled every 50 ms would be 600 store reads a second; the budget allows 40,
      // two a tick. No refresher (it reads the order it re-queries from HaiPay): only the poller reads.
      router: {
        ssePollMs: 50,
        refreshAfterMs: 3_600_000,
        streams: { maxStorePollsPerSecond: 40, refreshIntervalMs: 3_600_000 },
      },
    });
    const streams: ClientRequest[] = [];
    try {
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        h.order = { amount: '100.00', currency: 'THB', subject: `Order #${i}`, buyerId: 'u-1' };
        const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
        assert.equal(res.status, 201);
        ids.push((res.json as { orderId: string }).orderId);
      }
      const read: string[] = [];
      const get = h.store.get.bind(h.store);
      h.store.get = async (id) => {
        read.push(id);
        return get(id);
      };
      // The poller's interval is mocked: reads are counted per tick, not per stretch of wall time.
      t.mock.timers.enable({ apis: ['setInterval'] });
      /** `n` ticks of the poller (50 ms each), each after `before` (another instance's write). */
      const ticks = async (n: number, before?: () => Promise<unknown>) => {
        for (let i = 0; i < n; i++) {
          await before?.();
          t.mock.timers.tick(50);
          await new Promise((r) => setImmediate(r)); // that tick's reads
        }
      };
      for (const id of ids) streams.push(await openStream(`${h.url}/haipay/payments/${id}/events`));
      read.length = 0; // each stream's own first read
      // The first look at the store counts as a change: one pass, 15 ticks at two reads a tick.
      await ticks(20);
      assert.deepEqual([...read].sort(), [...ids].sort(), 'one pass over the watched orders');
      read.length = 0;
      await ticks(20);
      assert.deepEqual(read, [], 'nobody else wrote: no watched order is read');

      // The other instance writes before every tick: reads resume, on the budget, round-robin.
      let n = 0;
      await ticks(30, () => elsewhere.markChecked(ids[n++ % ids.length]!, Date.now()));
      // Two reads a tick (40 a second), never the 30 of one read per watched order per poll.
      assert.equal(read.length, 60, 'store reads in 30 ticks');
      // Round-robin: the reads went around all watched orders, not to the first few again and again.
      assert.equal(new Set(read).size, 30, 'every watched order read');

      // A payment the other instance settles reaches its stream through those reads.
      const target = ids[7]!;
      const events: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const watcher = request(`${h.url}/haipay/payments/${target}/events`, (res) => {
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => events.push(chunk));
          resolve();
        });
        watcher.on('error', reject);
        watcher.end();
        streams.push(watcher);
      });
      assert.equal((await elsewhere.transition(target, 'succeeded')).changed, true);
      await until(
        () => events.join('').includes('"succeeded"'),
        'the settled payment on its stream',
        () => ticks(1),
      );
      assert.match(events.join(''), /"status":"succeeded"/);
    } finally {
      for (const s of streams) s.destroy();
      await h.close();
      await elsewhere.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('status stream lifetime', () => {
  it('each stream ends its own lifetime after it opened, the oldest first, and a gone client frees its place', async (t) => {
    const h = await startHarness({
      sandbox,
      router: { streams: { maxLifetimeMs: 1500, perClient: 1 } },
    });
    const ended = new Set<string>();
    const streams: ClientRequest[] = [];
    /** Opens a stream from `client` (a loopback address); records when the server ended an accepted one. */
    const watch = (name: string, orderId: string, client = '127.0.0.1') =>
      new Promise<{ status: number; req: ClientRequest }>((resolve, reject) => {
        const url = `${h.url}/haipay/payments/${orderId}/events`;
        const req = request(url, { localAddress: client }, (res) => {
          res.resume();
          if (res.statusCode === 200) res.on('end', () => ended.add(name));
          resolve({ status: res.statusCode ?? 0, req });
        });
        streams.push(req);
        req.on('error', reject);
        req.end();
      });
    /** Whether `client` may open another stream now (each client may hold one): its last one ended. */
    const placeFree = async (client: string, orderId: string) => {
      const probe = await watch('probe', orderId, client);
      probe.req.destroy();
      return probe.status === 200;
    };
    try {
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
        ids.push((res.json as { orderId: string }).orderId);
      }
      // The lifetime runs on a clock the test moves (performance.now and the lifetime timer), so the
      // streams end at the moments the test names, however slow the machine is. The waits below are for
      // I/O only and spin the event loop (setTimeout is mocked), up to 10 s of wall time.
      // Whole milliseconds: `opened + 1500` and `opened + 1000 + 499 + 1` must be the same number,
      // which a fractional start (performance.now()'s) does not always give in floating point.
      let time = Math.round(performance.now());
      t.mock.method(performance, 'now', () => time);
      t.mock.timers.enable({ apis: ['setTimeout'] });
      const advance = (ms: number) => {
        time += ms;
        t.mock.timers.tick(ms);
      };
      const spinUntil = async (done: () => boolean | Promise<boolean>, what: string) => {
        for (const end = Date.now() + 10_000; !(await done()); await new Promise((r) => setImmediate(r)))
          assert.ok(Date.now() < end, `not within 10 s: ${what}`);
      };

      // A client that goes away gives its place back: 'a', from the same client, is let in once the
      // server has seen it leave (refused with 429 until then).
      const gone = await watch('gone', ids[0]!);
      assert.equal(gone.status, 200);
      gone.req.destroy();
      await spinUntil(async () => (await watch('a', ids[0]!)).status === 200, "the gone client's place");
      advance(1000);
      assert.equal((await watch('b', ids[1]!, '127.0.0.2')).status, 200);

      // 'a' ends 1.5 s after it opened, not before; 'b', opened a second later, is still open then.
      advance(499);
      assert.equal(await placeFree('127.0.0.1', ids[0]!), false, "'a' open 1 ms before its lifetime");
      advance(1);
      await spinUntil(() => ended.has('a'), "'a' ended after its lifetime");
      assert.equal(await placeFree('127.0.0.2', ids[1]!), false, "'b' still open when 'a' ended");
      assert.equal(ended.has('b'), false);

      // 'b' ends at its own lifetime, a second later: not in the same sweep as 'a'.
      advance(999);
      assert.equal(await placeFree('127.0.0.2', ids[1]!), false, "'b' open 1 ms before its lifetime");
      advance(1);
      await spinUntil(() => ended.has('b'), "'b' ended after its own lifetime");
    } finally {
      t.mock.timers.reset();
      for (const s of streams) s.destroy();
      await h.close();
    }
  });
});

describe('status stream heartbeats', () => {
  it('every open stream is pinged about once per heartbeatMs, a share of them each second: none starved, a late one too', async (t) => {
    // A third of the streams each second. The heartbeat is an interval the test ticks (mocked), so the
    // counts below are ticks, not time a busy machine stretches.
    const heartbeatMs = 3000;
    const perTick = (open: number) => Math.ceil(open / 3);
    const h = await startHarness({ sandbox, router: { heartbeatMs, refreshAfterMs: 3_600_000 } });
    /** Pings each stream has received, by the order the streams were opened in. */
    const pings: number[] = [];
    const ended: Promise<unknown>[] = [];
    const streams: ClientRequest[] = [];
    const watch = (orderId: string) =>
      new Promise<ClientRequest>((resolve, reject) => {
        const i = pings.push(0) - 1;
        const req = request(`${h.url}/haipay/payments/${orderId}/events`, (res) => {
          assert.equal(res.statusCode, 200);
          res.setEncoding('utf8');
          let rest = '';
          res.on('data', (chunk: string) => {
            const lines = (rest + chunk).split('\n');
            rest = lines.pop()!;
            pings[i]! += lines.filter((l) => l === ': ping').length;
          });
          ended.push(new Promise((r) => res.on('end', r)));
          resolve(req);
        });
        req.on('error', reject);
        req.end();
      });
    const total = () => pings.reduce((a, b) => a + b, 0);
    /** What each stream had received before the first tick and after each one. */
    const seen: number[][] = [];
    let sent = 0;
    /** One second of the heartbeat; waits (up to 10 s) until the pings it sends have arrived. */
    const tick = async () => {
      sent += perTick(pings.length);
      t.mock.timers.tick(1000);
      for (const end = Date.now() + 10_000; total() < sent; await sleep(5))
        assert.ok(Date.now() < end, `pings arrived: ${total()} of ${sent}`);
      seen.push([...pings]);
    };
    try {
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
        assert.equal(res.status, 201);
        ids.push((res.json as { orderId: string }).orderId);
      }
      t.mock.timers.enable({ apis: ['setInterval'] });
      for (const id of ids.slice(0, 5)) streams.push(await watch(id));
      seen.push([...pings]);
      for (let i = 0; i < 7; i++) await tick();
      // A stream opened while the round-robin is part-way through the others.
      streams.push(await watch(ids[5]!));
      const lateFrom = seen.length;
      seen.at(-1)!.push(0);
      for (let i = 0; i < 7; i++) await tick();
      // The server ends every stream; each one's end arrives after all it was sent.
      await h.router.close();
      await Promise.all(ended);
      assert.equal(total(), sent, 'a share of the streams each second, not every stream every second');
      assert.deepEqual(seen.at(-1), pings);
      for (let s = 0; s < pings.length; s++) {
        const from = s === 5 ? lateFrom - 1 : 0;
        for (let k = from; k + 3 < seen.length; k++)
          assert.ok(
            seen[k + 3]![s]! > seen[k]![s]!,
            `stream ${s} got no ping in the heartbeat interval after second ${k}: ${seen.map((c) => c[s]).join()}`,
          );
      }
    } finally {
      for (const s of streams) s.destroy();
      await h.close();
    }
  });
});
