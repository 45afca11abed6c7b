import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createSandbox, type Sandbox } from '../src/index.js';
import { call, ok, receiver, sharedConfig, thbCollect, verifyNotification } from './helpers.js';

/** A merchant endpoint that takes notifications and answers only when told to (a hung merchant). */
async function hangingReceiver() {
  const held: { orderNo: unknown; res: ServerResponse }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      held.push({ orderNo: json.orderNo, res });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return {
    url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/notify`,
    held,
    /** Answers every held request with `SUCCESS`. */
    answerAll() {
      for (const h of held.splice(0)) h.res.writeHead(200, { 'content-type': 'text/plain' }).end('SUCCESS');
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Polls `check` every 10 ms for up to `ms` real milliseconds. */
async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return check();
}

describe('notifications', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await createSandbox({ config: sharedConfig(), startTime: Date.UTC(2026, 0, 1, 5, 0, 0) });
  });
  after(() => sb.close());

  test('signed, retried every 5 minutes until the answer is exactly SUCCESS', async () => {
    const rx = await receiver(['FAIL', 'success', '"SUCCESS"']);
    try {
      const thb = sb.merchant('THB');
      const d = ok(
        await call(sb, thb, '/thb/collect/apply', thbCollect({ notifyUrl: rx.url, amount: '100.00' })),
      );
      const t0 = sb.clock.now();
      sb.complete(String(d.orderNo), 'success');
      await sb.idle();
      assert.equal(rx.received.length, 1);
      await sb.clock.advance(5 * 60_000 - 1);
      assert.equal(rx.received.length, 1, 'no retry before 5 minutes');
      await sb.clock.advance(1);
      assert.equal(rx.received.length, 2);
      await sb.clock.advance(10 * 60_000);
      assert.equal(rx.received.length, 4);
      await sb.clock.advance(60 * 60_000);
      assert.equal(rx.received.length, 4, 'delivered: no more attempts');
      const n = rx.received[0]!;
      assert.ok(verifyNotification(sb, thb, n.body));
      assert.deepEqual(
        {
          status: n.json.status,
          amount: n.json.amount,
          fee: n.json.fee,
          currency: n.json.currency,
          appId: n.json.appId,
          payTime: n.json.payTime,
        },
        // V4 shape: 1.5 % fee; payTime in Thailand time (UTC+7).
        {
          status: 2,
          amount: '100.00',
          fee: '1.50',
          currency: 'THB',
          appId: thb.appId,
          payTime: '2026-01-01 12:00:00',
        },
      );
      assert.ok(
        rx.received.every((r) => r.body === n.body),
        'every attempt carries the same signed body',
      );
      const log = (await (
        await fetch(`${sb.url}/_sandbox/notifications?orderNo=${String(d.orderNo)}`)
      ).json()) as {
        attempts: { attempt: number; at: string; answer: string; delivered: boolean }[];
      };
      assert.deepEqual(
        log.attempts.map((a) => [a.attempt, Date.parse(a.at) - t0, a.answer, a.delivered]),
        [
          [1, 0, 'FAIL', false],
          [2, 300_000, 'success', false],
          [3, 600_000, '"SUCCESS"', false],
          [4, 900_000, 'SUCCESS', true],
        ],
      );
    } finally {
      await rx.close();
    }
  });

  test('gives up after the first push plus 5 retries', async () => {
    const rx = await receiver(Array(10).fill('NO'));
    try {
      const d = ok(
        await call(sb, sb.merchant('THB'), '/thb/collect/apply', thbCollect({ notifyUrl: rx.url })),
      );
      sb.complete(String(d.orderNo), 'failure', 'Declined');
      await sb.clock.advance(24 * 3_600_000);
      assert.equal(rx.received.length, 6);
      assert.equal(rx.received[0]!.json.status, 3);
      assert.equal(rx.received[0]!.json.errorMsg, 'Declined');
      assert.equal(sb.notifications(String(d.orderNo))[0]!.state, 'failed');
    } finally {
      await rx.close();
    }
  });

  test('an expired QR is notified as failed', async () => {
    const rx = await receiver();
    try {
      const d = ok(
        await call(sb, sb.merchant('THB'), '/thb/collect/apply', thbCollect({ notifyUrl: rx.url })),
      );
      await sb.clock.advance(15 * 60_000);
      assert.equal(rx.received.length, 1);
      assert.equal(rx.received[0]!.json.orderNo, d.orderNo);
      assert.equal(rx.received[0]!.json.status, 3);
    } finally {
      await rx.close();
    }
  });

  test('an unreachable notifyUrl is recorded with its error and retried', async () => {
    const d = ok(
      await call(
        sb,
        sb.merchant('THB'),
        '/thb/collect/apply',
        thbCollect({ notifyUrl: 'http://127.0.0.1:9/notify' }),
      ),
    );
    sb.complete(String(d.orderNo), 'success');
    await sb.clock.advance(5 * 60_000);
    const attempts = sb.notifications(String(d.orderNo))[0]!.attempts;
    assert.equal(attempts.length, 2);
    assert.ok(attempts.every((a) => a.error && !a.delivered));
  });

  test('a merchant that never answers does not hold up another merchant: deliveries are independent', async () => {
    // A's receiver hangs for longer than this test may wait; B's answers at once.
    const sb2 = await createSandbox({ config: sharedConfig(), notifyTimeoutMs: 20_000 });
    const hung = await hangingReceiver();
    const rx = await receiver();
    try {
      const thb = sb2.merchant('THB');
      const a = ok(await call(sb2, thb, '/thb/collect/apply', thbCollect({ notifyUrl: hung.url })));
      const b = ok(await call(sb2, thb, '/thb/collect/apply', thbCollect({ notifyUrl: rx.url })));
      sb2.complete(String(a.orderNo), 'success');
      assert.ok(await eventually(() => hung.held.length === 1, 5000), "A's merchant got the notification");
      sb2.complete(String(b.orderNo), 'success');
      assert.ok(
        await eventually(() => rx.received.length === 1, 5000),
        "B's notification arrives while A's merchant is still hanging",
      );
      assert.equal(rx.received[0]!.json.orderNo, b.orderNo);
      assert.equal(hung.held.length, 1, 'A is still unanswered');
      assert.equal(sb2.notifications(String(a.orderNo))[0]!.state, 'sending');
      await eventually(() => sb2.notifications(String(b.orderNo))[0]!.state === 'delivered', 5000);
      assert.equal(sb2.notifications(String(b.orderNo))[0]!.state, 'delivered');
      const clock = (await (await fetch(`${sb2.url}/_sandbox/clock`)).json()) as { inFlight: number };
      assert.equal(clock.inFlight, 1, 'the control API shows the delivery in flight');

      // idle() means nothing in flight or due: it waits for A's answer.
      let idle = false;
      const waiting = sb2.idle().then(() => (idle = true));
      // A real wait, for something not to happen: A's delivery is a real request held by a real server,
      // and no clock decides when it ends.
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(idle, false, 'idle() waits while A is in flight');
      hung.answerAll();
      await waiting;
      assert.equal(sb2.notifications(String(a.orderNo))[0]!.state, 'delivered');
    } finally {
      await sb2.close();
      await hung.close();
      await rx.close();
    }
  });

  test('at most notifyConcurrency deliveries are in flight; the others queue, then go out', async () => {
    const sb2 = await createSandbox({
      config: sharedConfig(),
      notifyConcurrency: 2,
      notifyTimeoutMs: 20_000,
    });
    const hung = await hangingReceiver();
    try {
      const thb = sb2.merchant('THB');
      const nos: string[] = [];
      for (let i = 0; i < 3; i++) {
        const d = ok(await call(sb2, thb, '/thb/collect/apply', thbCollect({ notifyUrl: hung.url })));
        nos.push(String(d.orderNo));
        sb2.complete(String(d.orderNo), 'success');
      }
      assert.ok(await eventually(() => hung.held.length === 2, 5000), 'two deliveries in flight');
      // A real wait, for something not to happen: a third request would arrive over a real socket.
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(hung.held.length, 2, 'the third waits for a free slot');
      assert.deepEqual(
        nos.map((no) => sb2.notifications(no)[0]!.state),
        ['sending', 'sending', 'pending'],
      );
      hung.answerAll();
      assert.ok(await eventually(() => hung.held.length === 1, 5000), 'the third goes out once a slot frees');
      assert.equal(hung.held[0]!.orderNo, nos[2]);
      hung.answerAll();
      await sb2.idle();
      assert.deepEqual(
        nos.map((no) => sb2.notifications(no)[0]!.state),
        ['delivered', 'delivered', 'delivered'],
      );
      await assert.rejects(
        createSandbox({ config: sharedConfig(), notifyConcurrency: 0 }),
        /notifyConcurrency/,
      );
    } finally {
      await sb2.close();
      await hung.close();
    }
  });

  test('each notification keeps its own 5-minute retry schedule while others are delivered', async () => {
    const failing = await receiver(Array(10).fill('NO'));
    const rx = await receiver();
    try {
      const thb = sb.merchant('THB');
      const a = ok(await call(sb, thb, '/thb/collect/apply', thbCollect({ notifyUrl: failing.url })));
      sb.complete(String(a.orderNo), 'success');
      await sb.clock.advance(2 * 60_000);
      const b = ok(await call(sb, thb, '/thb/collect/apply', thbCollect({ notifyUrl: rx.url })));
      sb.complete(String(b.orderNo), 'success');
      await sb.idle();
      assert.equal(rx.received.length, 1);
      await sb.clock.advance(3 * 60_000);
      assert.equal(failing.received.length, 2, "A's first retry, 5 minutes after its first push");
      const at = sb.notifications(String(a.orderNo))[0]!.attempts.map((x) => Date.parse(x.at));
      assert.equal(at[1]! - at[0]!, 300_000);
    } finally {
      await failing.close();
      await rx.close();
    }
  });
});
