import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseJsonLossless, type LosslessObject } from '@haipay-kit/protocol';
import { createSigner, createVerifier } from '@haipay-kit/protocol/node';
import { createSandbox, type Sandbox } from '../src/index.js';
import { call, ok, receiver, sharedConfig, thbCollect } from './helpers.js';

async function inject(sb: Sandbox, spec: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${sb.url}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spec),
  });
  assert.equal(res.status, 201, await res.clone().text());
}

describe('fault injection', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await createSandbox({ config: sharedConfig() });
  });
  after(() => sb.close());
  const thb = () => sb.merchant('THB');
  const ordersWith = (orderId: unknown) => sb.orders().filter((o) => o.orderId === orderId);

  test('HTTP 500 for the next N calls of that endpoint only, without recording', async () => {
    await inject(sb, { endpoint: 'collect/apply', mode: 'http500', count: 2 });
    for (let i = 0; i < 2; i++) {
      const body = thbCollect();
      const a = await call(sb, thb(), '/thb/collect/apply', body, { skipVerify: true });
      assert.equal(a.http, 500);
      assert.equal(ordersWith(body.orderId).length, 0);
    }
    ok(await call(sb, thb(), '/thb/collect/apply', thbCollect()));
  });

  test('1003 and 1004 are answered after the order was recorded', async () => {
    for (const code of ['1003', '1004']) {
      await inject(sb, { endpoint: '/thb/collect/apply', mode: code });
      const body = thbCollect();
      const a = await call(sb, thb(), '/thb/collect/apply', body);
      assert.equal(a.body.error, code);
      assert.equal(ordersWith(body.orderId).length, 1);
      const q = ok(await call(sb, thb(), '/thb/collect/query', { orderId: body.orderId }));
      assert.equal(q.status, 0);
    }
  });

  test('latency delays the answer; other endpoints are unaffected', async () => {
    await inject(sb, { endpoint: 'collect/query', mode: 'latency', ms: 300 });
    /** The latency faults still waiting for a call. */
    const latencies = async () =>
      (
        (await (await fetch(`${sb.url}/_sandbox/faults`)).json()) as { faults: Record<string, unknown>[] }
      ).faults
        .filter((f) => f.mode === 'latency')
        .map((f) => `${String(f.endpoint)} ${String(f.ms)} ms`);
    const body = thbCollect();
    ok(await call(sb, thb(), '/thb/collect/apply', body));
    // Told by the fault being left for the query, not by how fast the apply came back (a loaded
    // machine makes any call slow).
    assert.deepEqual(await latencies(), ['collect/query 300 ms'], 'the apply did not take the latency');
    const t = performance.now();
    ok(await call(sb, thb(), '/thb/collect/query', { orderId: body.orderId }));
    assert.ok(performance.now() - t >= 290);
    assert.deepEqual(await latencies(), [], 'the query took it');
  });

  test('hang holds the connection past a client timeout (order recorded)', async () => {
    await inject(sb, { endpoint: 'collect/apply', mode: 'hang', ms: 2000 });
    const body = thbCollect();
    const signed = createSigner({ privateKey: thb().privateKey!, secretKey: thb().secretKey }).signParams({
      appId: thb().appId,
      ...body,
    });
    await assert.rejects(
      fetch(`${sb.url}/thb/collect/apply`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(signed),
        signal: AbortSignal.timeout(200),
      }),
      /timeout|aborted/i,
    );
    assert.equal(ordersWith(body.orderId).length, 1);
  });

  test('malformed JSON and bad signature', async () => {
    await inject(sb, { endpoint: 'collect/apply', mode: 'malformedJson' });
    const a = await call(sb, thb(), '/thb/collect/apply', thbCollect(), { skipVerify: true });
    assert.throws(() => JSON.parse(a.text));
    await inject(sb, { endpoint: 'collect/apply', mode: 'badSignature' });
    const b = await call(sb, thb(), '/thb/collect/apply', thbCollect(), { skipVerify: true });
    const parsed = parseJsonLossless(b.text) as LosslessObject;
    assert.equal(parsed.status, '1');
    const verifier = createVerifier({ publicKey: sb.config.platform.publicKey, secretKey: thb().secretKey });
    assert.equal(verifier.verify(parsed.data as LosslessObject), false);
  });

  test('an unknown mode is refused with 400', async () => {
    const res = await fetch(`${sb.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"mode":"gremlins"}',
    });
    assert.equal(res.status, 400);
  });

  test('duplicate, delayed and out-of-order notifications', async () => {
    const rx = await receiver();
    try {
      const make = async () =>
        ok(await call(sb, thb(), '/thb/collect/apply', thbCollect({ notifyUrl: rx.url })));
      // duplicate: delivered twice although the first answer was SUCCESS.
      await inject(sb, { endpoint: 'collect/apply', mode: 'duplicateNotification' });
      const dup = await make();
      sb.complete(String(dup.orderNo), 'success');
      await sb.idle();
      assert.deepEqual(
        rx.received.map((r) => r.json.orderNo),
        [dup.orderNo, dup.orderNo],
      );
      assert.equal(rx.received[0]!.body, rx.received[1]!.body);

      // delayed: nothing until the delay has passed on the virtual clock.
      rx.received.length = 0;
      await inject(sb, { endpoint: 'collect/apply', mode: 'delayedNotification', ms: 120_000 });
      const late = await make();
      sb.complete(String(late.orderNo), 'success');
      await sb.clock.advance(119_999);
      assert.equal(rx.received.length, 0);
      await sb.clock.advance(1);
      assert.equal(rx.received.length, 1);

      // out of order: two notifications arrive newest first.
      rx.received.length = 0;
      await inject(sb, { endpoint: 'collect/apply', mode: 'outOfOrderNotifications', count: 2 });
      const first = await make();
      const second = await make();
      sb.complete(String(first.orderNo), 'success');
      await sb.idle();
      assert.equal(rx.received.length, 0, 'held until the batch is complete');
      sb.complete(String(second.orderNo), 'failure');
      await sb.idle();
      assert.deepEqual(
        rx.received.map((r) => r.json.orderNo),
        [second.orderNo, first.orderNo],
      );
    } finally {
      await rx.close();
    }
  });
});
