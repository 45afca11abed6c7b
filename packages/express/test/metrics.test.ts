/**
 * Metrics through `@opentelemetry/api`, read with an in-memory reader of `@opentelemetry/sdk-metrics`
 * registered as the global meter provider (as an application installs its SDK): a real checkout against
 * the sandbox records the gateway calls, the notification, the payment's final status and its hook; the
 * reconciler's passes, a failing hook, a refused connection and the open status streams are counted.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { startHarness, idem, BUYER, clientOptionsFor, ORIGIN, type Harness } from '@haipay-kit/test-support';
import { HaiPayClient } from '../src/client.js';
import { HaiPayConnectionError } from '../src/errors.js';

/** A pull reader kept in memory: `collect()` reads every instrument now. */
class InMemoryReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const reader = new InMemoryReader();
let failHook = false;
let sandbox: Sandbox;
let h: Harness;

before(async () => {
  // Installed after the kit was imported, as an application may: the kit still reports into it.
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  sandbox = await createSandbox();
  h = await startHarness({
    sandbox,
    router: {
      hooks: {
        onPaymentSucceeded: () => {
          if (failHook) throw new Error('fulfilment service down');
        },
      },
    },
  });
});
after(async () => {
  await h.close();
  await sandbox.close();
  metrics.disable();
});

/** The data points of one metric, by name. */
async function points<T = number>(name: string): Promise<DataPoint<T>[]> {
  const { resourceMetrics, errors } = await reader.collect();
  assert.deepEqual(errors, []);
  const found = resourceMetrics.scopeMetrics
    .filter((s) => s.scope.name === '@haipay-kit/express')
    .flatMap((s) => s.metrics)
    .filter((m) => m.descriptor.name === name);
  return found.flatMap((m) => m.dataPoints as DataPoint<T>[]);
}

/** The value (or histogram count) of the point whose attributes include `attrs`. */
async function valueOf(name: string, attrs: Record<string, unknown>): Promise<number> {
  const matching = (await points<number | Histogram>(name)).filter((p) =>
    Object.entries(attrs).every(([k, v]) => p.attributes[k] === v),
  );
  return matching.reduce((sum, p) => sum + (typeof p.value === 'number' ? p.value : p.value.count), 0);
}

async function checkout(): Promise<string> {
  h.order = { amount: '100.00', currency: 'THB', subject: 'Metered', buyerId: 'u-1001' };
  const res = await h.post('/haipay/payments', { method: 'promptpay', orderRef: 'm-1', ...BUYER }, idem());
  assert.equal(res.status, 201, JSON.stringify(res.json));
  sandbox.complete(res.json.orderNo, 'success');
  await sandbox.idle();
  await h.router.checkout.settle(5_000);
  return String(res.json.orderId);
}

describe('metrics', () => {
  it('a checkout records the gateway call, the notification, the final status and the hook', async () => {
    const orderId = await checkout();
    assert.equal((await h.store.get(orderId))?.status, 'succeeded');

    const apply = (await points<Histogram>('haipay.gateway.duration')).find(
      (p) =>
        p.attributes['haipay.endpoint'] === 'collectApply' && p.attributes['haipay.outcome'] === 'success',
    );
    assert.ok(apply, 'collectApply timed');
    assert.equal(apply.value.count, 1);
    assert.ok(apply.value.sum! > 0 && apply.value.sum! < 60, 'seconds, not milliseconds');

    assert.equal(
      await valueOf('haipay.notifications', {
        'haipay.notification.outcome': 'applied',
        'haipay.notification.acknowledged': true,
      }),
      1,
    );
    assert.equal(
      await valueOf('haipay.payments', {
        'haipay.payment.kind': 'payment',
        'haipay.payment.method': 'promptpay',
        'haipay.payment.status': 'succeeded',
      }),
      1,
    );
    assert.equal(
      await valueOf('haipay.hook.duration', {
        'haipay.hook': 'payment.succeeded',
        'haipay.outcome': 'success',
      }),
      1,
    );
    assert.equal(await valueOf('haipay.hook.failures', {}), 0);
  });

  it('a replayed notification is counted by its outcome; the payment is not counted again', async () => {
    const orderId = await checkout();
    const [delivered] = await h.store.listNotifications(orderId);
    const res = await fetch(`${h.url}/haipay/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: delivered!.body,
    });
    assert.equal(await res.text(), 'SUCCESS');
    assert.ok((await valueOf('haipay.notifications', { 'haipay.notification.outcome': 'duplicate' })) >= 1);
    assert.equal(
      await valueOf('haipay.payments', { 'haipay.payment.status': 'succeeded' }),
      2,
      'two orders, once each',
    );
  });

  it('a hook that throws is counted as a failure, and the payment when its retry completes', async () => {
    failHook = true;
    const orderId = await checkout();
    assert.equal(await valueOf('haipay.hook.failures', { 'haipay.hook': 'payment.succeeded' }), 1);
    assert.equal(await valueOf('haipay.payments', { 'haipay.payment.status': 'succeeded' }), 2, 'not yet');
    failHook = false;
    await h.router.checkout.runHooks(orderId, 5_000);
    assert.equal(await valueOf('haipay.payments', { 'haipay.payment.status': 'succeeded' }), 3);
  });

  it('reconciler passes are counted with the orders they checked', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Open', buyerId: 'u-1001' };
    const res = await h.post('/haipay/payments', { method: 'promptpay', orderRef: 'm-2', ...BUYER }, idem());
    assert.equal(res.status, 201);
    const checked = await h.router.reconciler.runOnce();
    assert.ok(checked >= 1);
    assert.equal(await valueOf('haipay.reconciler.passes', { 'haipay.reconciler.result': 'completed' }), 1);
    assert.equal(await valueOf('haipay.reconciler.orders', {}), checked);
  });

  it('a gateway call that cannot connect is timed with its outcome', async () => {
    const client = new HaiPayClient(
      clientOptionsFor(sandbox, { baseUrl: 'http://127.0.0.1:9', queryRetries: 0 }),
    );
    await assert.rejects(client.accountLedger('THB'), HaiPayConnectionError);
    assert.equal(
      await valueOf('haipay.gateway.duration', {
        'haipay.endpoint': 'accountLedger',
        'haipay.outcome': 'connection_error',
      }),
      1,
    );
  });

  it('open status streams go up while a stream is open and down when it closes', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Watched', buyerId: 'u-1001' };
    const res = await h.post('/haipay/payments', { method: 'promptpay', orderRef: 'm-3', ...BUYER }, idem());
    const open = async () => (await points('haipay.status_streams.open')).reduce((s, p) => s + p.value, 0);
    const base = await open();
    const abort = new AbortController();
    const stream = await fetch(`${h.url}/haipay/payments/${res.json.orderId}/events`, {
      headers: { origin: ORIGIN, accept: 'text/event-stream' },
      signal: abort.signal,
    });
    assert.equal(stream.status, 200);
    assert.equal(await open(), base + 1);
    sandbox.complete(res.json.orderNo, 'success');
    await sandbox.idle();
    // The stream ends itself on the final state.
    await stream.text();
    assert.equal(await open(), base);
  });
});
