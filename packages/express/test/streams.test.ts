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
function queryCounter(): HttpTransport & { queried: string[] } {
  const inner = createFetchTransport();
  const queried: string[] = [];
  return {
    queried,
    async request(req) {
      if (req.url.includes('/collect/query') && req.body) {
        queried.push(String((JSON.parse(req.body) as { orderId?: unknown }).orderId));
      }
      return inner.request(req);
    },
  };
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

describe('status streams and the gateway', () => {
  it('re-query HaiPay for stale watched orders on a router-wide budget, longest-unchecked first', async () => {
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
      const started = performance.now();
      for (const id of ids) streams.push(await openStream(`${h.url}/haipay/payments/${id}/events`));
      await sleep(1500);
      const calls = transport.queried.length;
      const elapsedMs = performance.now() - started;
      // At most one query per 100 ms interval of the time that really passed (a loaded machine
      // stretches the sleep), plus the one in flight at each end; never one call per poll (≈ 20 × 12 a
      // second) — and the budget is used, not starved.
      const budget = Math.floor(elapsedMs / 100) + 2;
      assert.ok(
        calls >= 5 && calls <= budget,
        `gateway queries in ${Math.round(elapsedMs)} ms with 12 watched orders: ${calls} (budget ${budget})`,
      );
      // The longest-unchecked order goes first, so every watched order had its turn.
      assert.ok(new Set(transport.queried).size >= Math.min(12, calls - 1), transport.queried.join());
    } finally {
      for (const s of streams) s.destroy();
      await h.close();
    }
  });
});

describe('status streams and the store', () => {
  it('read watched orders only while another process writes, round-robin within a router-wide budget', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haipay-streams-'));
    const file = join(dir, 'shop.db');
    // Another instance of the shop: a second connection to the same SQLite file.
    const elsewhere = new SqlitePaymentStore({ filename: file });
    const h = await startHarness({
      sandbox,
      store: new SqlitePaymentStore({ filename: file }),
      // 30 watched orders polled every 50 ms would be 600 store reads a second; the budget allows 40.
      // No refresher (it reads the order it re-queries from HaiPay): only the poller reads here.
      router: {
        ssePollMs: 50,
        refreshAfterMs: 3_600_000,
        streams: { maxStorePollsPerSecond: 40, refreshIntervalMs: 3_600_000 },
      },
    });
    const streams: ClientRequest[] = [];
    let writer: NodeJS.Timeout | undefined;
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
      for (const id of ids) streams.push(await openStream(`${h.url}/haipay/payments/${id}/events`));
      // The first look at the store counts as a change (one pass, under a second at 40 a second).
      await sleep(1200);
      read.length = 0;
      await sleep(1000);
      assert.deepEqual(read, [], 'nobody else wrote: no watched order is read');

      // The other instance writes every 100 ms: reads resume, on the budget, round-robin.
      let n = 0;
      writer = setInterval(() => void elsewhere.markChecked(ids[n++ % ids.length]!, Date.now()), 100);
      await sleep(1500);
      // ≈ 60 reads in 1.5 s at 40 a second; allow for timer slack, never the 900 of one read per poll.
      assert.ok(read.length >= 20 && read.length <= 80, `store reads in 1.5 s: ${read.length}`);
      // Round-robin: the reads went around all watched orders, not to the first few again and again.
      assert.ok(new Set(read).size >= 20, `orders read: ${new Set(read).size} of 30`);

      // A payment the other instance settles reaches its stream through those reads.
      clearInterval(writer);
      writer = undefined;
      const target = ids[7]!;
      const events: string[] = [];
      const watcher = request(`${h.url}/haipay/payments/${target}/events`, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => events.push(chunk));
      });
      watcher.end();
      streams.push(watcher);
      await sleep(200);
      assert.equal((await elsewhere.transition(target, 'succeeded')).changed, true);
      for (let i = 0; i < 40 && !events.join('').includes('"succeeded"'); i++) await sleep(50);
      assert.match(events.join(''), /"status":"succeeded"/);
    } finally {
      clearInterval(writer);
      for (const s of streams) s.destroy();
      await h.close();
      await elsewhere.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('status stream lifetime', () => {
  it('each stream ends its own lifetime after it opened, the oldest first, and a gone client frees its place', async () => {
    const h = await startHarness({
      sandbox,
      router: { streams: { maxLifetimeMs: 1500, perClient: 2 } },
    });
    const ended = new Map<string, number>();
    /** Opens a stream; records when the server ended it. */
    const watch = (name: string, orderId: string) =>
      new Promise<ClientRequest>((resolve, reject) => {
        const req = request(`${h.url}/haipay/payments/${orderId}/events`, (res) => {
          assert.equal(res.statusCode, 200);
          res.resume();
          res.on('end', () => ended.set(name, performance.now()));
          resolve(req);
        });
        req.on('error', reject);
        req.end();
      });
    const streams: ClientRequest[] = [];
    try {
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
        ids.push((res.json as { orderId: string }).orderId);
      }
      // A client that goes away gives its place back (the per-client cap is 2).
      const gone = await watch('gone', ids[0]!);
      gone.destroy();
      await sleep(100);
      streams.push(await watch('a', ids[0]!));
      await sleep(1000);
      streams.push(await watch('b', ids[1]!));
      // 'a' ends about 1.5 s after it opened; 'b', opened a second later, must still be open then.
      for (let i = 0; i < 60 && !ended.has('a'); i++) await sleep(50);
      assert.ok(ended.has('a'), 'the first stream ended after its lifetime');
      assert.ok(!ended.has('b'), 'the stream opened a second later is still open when the first ends');
      for (let i = 0; i < 60 && !ended.has('b'); i++) await sleep(50);
      assert.ok(ended.has('b'), 'the second stream ended after its own lifetime');
      assert.ok(ended.get('b')! - ended.get('a')! >= 500, 'not in the same sweep as the first');
    } finally {
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
