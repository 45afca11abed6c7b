/**
 * Providers passed to the router and the client (`meterProvider`, `tracerProvider`) instead of the
 * global ones, read with the in-memory reader of `@opentelemetry/sdk-metrics` and the in-memory span
 * exporter of `@opentelemetry/sdk-trace-base`: a real checkout against the sandbox is traced from its
 * create to its notification, the gateway calls nest under them (with a context manager installed, as
 * an SDK does), nothing private is in any attribute, and the global providers receive nothing.
 */
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { context, metrics, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { startHarness, idem, BUYER, clientOptionsFor, type Harness } from '@haipay-kit/test-support';
import { HaiPayClient } from '../src/client.js';
import { HaiPayConfigError } from '../src/errors.js';
import { generateTestNotification } from '../src/testing.js';

class InMemoryReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** A meter provider and a tracer provider of one's own, read in memory. */
function providers() {
  const reader = new InMemoryReader();
  const exporter = new InMemorySpanExporter();
  return {
    reader,
    exporter,
    meterProvider: new MeterProvider({ readers: [reader] }),
    tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  };
}

/** The total (or histogram count) of a metric's points whose attributes include `attrs`. */
async function valueOf(reader: MetricReader, name: string, attrs: Record<string, unknown> = {}) {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics
    .filter((s) => s.scope.name === '@haipay-kit/express')
    .flatMap((s) => s.metrics)
    .filter((m) => m.descriptor.name === name)
    .flatMap((m) => m.dataPoints as DataPoint<number | Histogram>[])
    .filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))
    .reduce((sum, p) => sum + (typeof p.value === 'number' ? p.value : p.value.count), 0);
}

const mine = providers();
const contextManager = new AsyncLocalStorageContextManager().enable();
let sandbox: Sandbox;
let h: Harness;

before(async () => {
  context.setGlobalContextManager(contextManager);
  sandbox = await createSandbox();
  h = await startHarness({
    sandbox,
    router: { meterProvider: mine.meterProvider, tracerProvider: mine.tracerProvider },
  });
});
after(async () => {
  await h.close();
  await sandbox.close();
  context.disable();
});
beforeEach(() => mine.exporter.reset());

const named = (name: string) => mine.exporter.getFinishedSpans().filter((s) => s.name === name);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('the router’s own meterProvider and tracerProvider', () => {
  it('a checkout is traced: its create, the apply under it, its notification and the query under that', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Traced order', buyerId: 'u-7731' };
    const res = await h.post(
      '/haipay/payments',
      { method: 'promptpay', orderRef: 'cart-t1', ...BUYER },
      idem(),
    );
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const [create] = named('haipay create payment');
    assert.ok(create, 'a span for the create');
    assert.deepEqual(create.attributes, {
      'haipay.payment.kind': 'payment',
      'haipay.payment.method': 'promptpay',
      'haipay.create.outcome': 'created',
      'haipay.create.replayed': false,
    });
    assert.equal(create.status.code, SpanStatusCode.UNSET);
    const [apply] = named('haipay collectApply');
    assert.equal(parentOf(apply!), create.spanContext().spanId, 'the gateway call is the create’s child');

    sandbox.complete(res.json.orderNo, 'success');
    await sandbox.idle();
    await h.router.checkout.settle(5_000);
    const [notified] = named('haipay notification');
    assert.ok(notified, 'a span for the notification');
    assert.equal(notified.attributes['haipay.notification.outcome'], 'applied');
    assert.equal(notified.attributes['haipay.notification.acknowledged'], true);
    assert.equal(notified.status.code, SpanStatusCode.UNSET);

    // Metrics: the router's reader has them all, the client's gateway calls included.
    assert.equal(
      await valueOf(mine.reader, 'haipay.gateway.duration', { 'haipay.endpoint': 'collectApply' }),
      1,
    );
    assert.equal(
      await valueOf(mine.reader, 'haipay.notifications', { 'haipay.notification.outcome': 'applied' }),
      1,
    );
    assert.equal(await valueOf(mine.reader, 'haipay.payments', { 'haipay.payment.status': 'succeeded' }), 1);

    // No order id, amount, buyer, card or key in any span attribute.
    const attributes = JSON.stringify(mine.exporter.getFinishedSpans().map((s) => s.attributes));
    const merchant = sandbox.merchant('THB');
    for (const secret of [
      String(res.json.orderId),
      String(res.json.orderNo),
      '100.00',
      'cart-t1',
      'u-7731',
      BUYER.email,
      BUYER.name,
      BUYER.phone,
      merchant.secretKey,
      String(merchant.appId),
    ])
      assert.ok(!attributes.includes(secret), `no ${secret} in ${attributes}`);
  });

  it('a replayed create says so; a refused one and one that throws are failed spans without the message', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Traced order', buyerId: 'u-7731' };
    const key = idem();
    await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, key);
    await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, key);
    assert.deepEqual(
      named('haipay create payment').map((s) => s.attributes['haipay.create.replayed']),
      [false, true],
    );
    mine.exporter.reset();

    sandbox.injectFault({ mode: 'error', code: '4012', endpoint: 'thb/collect/apply' });
    assert.equal((await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).status, 502);
    const [refused] = named('haipay create payment');
    assert.equal(refused?.attributes['haipay.create.outcome'], 'refused');
    assert.deepEqual(refused?.status, { code: SpanStatusCode.ERROR, message: 'refused' });

    const bad = await h.post(
      '/haipay/payments',
      { method: 'promptpay', ...BUYER, email: 'bad-address-9s' },
      idem(),
    );
    assert.equal(bad.status, 400, JSON.stringify(bad.json));
    const [thrown] = named('haipay create payment').slice(-1);
    assert.equal(thrown?.status.code, SpanStatusCode.ERROR);
    assert.equal(thrown?.attributes['error.type'], 'HaiPayValidationError');
    const seen = JSON.stringify([thrown?.attributes, thrown?.status, thrown?.events]);
    assert.ok(!seen.includes('bad-address-9s'), 'no input in the span');

    // The route refuses an unknown method first; the checkout, called directly, never names it either.
    await assert.rejects(
      h.router.checkout.createPayment(
        { method: 'crypto-<script>', ...BUYER },
        h.order,
        { ip: '127.0.0.1', userAgent: 'test', referer: 'https://shop.example/' },
        'key-hostile-method',
      ),
    );
    const [unknownMethod] = named('haipay create payment').slice(-1);
    assert.equal(unknownMethod?.attributes['haipay.payment.method'], 'invalid', 'never the caller’s text');
  });

  it('a notification that is not acknowledged is a failed span with its outcome', async () => {
    const forged = generateTestNotification({
      payload: { currency: 'THB', orderId: 'hp_forged000000001', orderNo: 'X', amount: '1.00', status: 2 },
      platformPrivateKey: sandbox.merchant('THB').privateKey!, // the merchant's key, not HaiPay's
      secretKey: sandbox.merchant('THB').secretKey,
    });
    const res = await h.post('/haipay/notify', forged, { 'content-type': 'application/json' });
    assert.equal(res.status, 400);
    const [span] = named('haipay notification');
    assert.equal(span?.attributes['haipay.notification.outcome'], 'rejected_signature');
    assert.equal(span?.attributes['haipay.notification.acknowledged'], false);
    assert.deepEqual(span?.status, { code: SpanStatusCode.ERROR, message: 'rejected_signature' });
  });

  it('the global providers receive nothing', async () => {
    const global = providers();
    metrics.setGlobalMeterProvider(global.meterProvider);
    trace.setGlobalTracerProvider(global.tracerProvider);
    try {
      h.order = { amount: '100.00', currency: 'THB', subject: 'Traced order', buyerId: 'u-7731' };
      assert.equal((await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).status, 201);
      assert.equal(named('haipay create payment').length, 1);
      assert.equal(global.exporter.getFinishedSpans().length, 0);
      assert.equal(await valueOf(global.reader, 'haipay.gateway.duration'), 0);
    } finally {
      metrics.disable();
      trace.disable();
    }
  });
});

describe('a client’s own providers', () => {
  it('are kept when the client is given to a router with other providers', async () => {
    const own = providers();
    const client = new HaiPayClient({ ...clientOptionsFor(sandbox), meterProvider: own.meterProvider });
    const routerProviders = providers();
    const other = await startHarness({
      sandbox,
      router: { client, meterProvider: routerProviders.meterProvider },
    });
    try {
      other.order = { amount: '100.00', currency: 'THB', subject: 'Own client', buyerId: 'u-1' };
      assert.equal(
        (await other.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).status,
        201,
      );
      assert.equal(
        await valueOf(own.reader, 'haipay.gateway.duration', { 'haipay.endpoint': 'collectApply' }),
        1,
      );
      assert.equal(await valueOf(routerProviders.reader, 'haipay.gateway.duration'), 0);
    } finally {
      await other.close();
    }
  });

  it('a provider that is not one is a HaiPayConfigError naming the option', () => {
    assert.throws(
      () => new HaiPayClient({ ...clientOptionsFor(sandbox), meterProvider: {} as never }),
      (err: unknown) =>
        err instanceof HaiPayConfigError &&
        /`meterProvider` must be an OpenTelemetry MeterProvider/.test(err.message),
    );
    assert.throws(
      () =>
        new HaiPayClient({
          ...clientOptionsFor(sandbox),
          tracerProvider: metrics.getMeterProvider() as never,
        }),
      (err: unknown) =>
        err instanceof HaiPayConfigError &&
        /`tracerProvider` must be an OpenTelemetry TracerProvider/.test(err.message),
    );
  });
});
