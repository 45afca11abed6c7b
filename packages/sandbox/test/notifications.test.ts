import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSandbox, type Sandbox } from '../src/index.js';
import { call, ok, receiver, sharedConfig, thbCollect, verifyNotification } from './helpers.js';

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
      const log = (await (await fetch(`${sb.url}/_sandbox/notifications?orderNo=${d.orderNo}`)).json()) as {
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
});
