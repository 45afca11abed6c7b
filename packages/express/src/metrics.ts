/**
 * The kit's metrics and traces, through `@opentelemetry/api` only: without an OpenTelemetry SDK in the
 * application every call here is a no-op, and with one (a `MeterProvider` registered globally) the
 * router and the client report into it. The names and attributes are documented in the README
 * ("Metrics and traces"); they follow OpenTelemetry's semantic-convention style (dotted lower-case
 * names, units in UCUM, durations in seconds).
 *
 * The instruments are created once per meter provider and kept (`instruments()`), so the hot path costs
 * one map lookup and the instrument's own record call. The API hands out a no-op meter until a provider
 * is registered and keeps handing that one out, so the provider is looked up on each call rather than
 * once at import time: an SDK the application installs after importing the kit still gets everything.
 */
import {
  metrics,
  trace,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Counter,
  type Histogram,
  type MeterProvider,
  type Span,
  type UpDownCounter,
} from '@opentelemetry/api';
import {
  HaiPayApiError,
  HaiPayConnectionError,
  HaiPayProtocolError,
  HaiPaySignatureError,
  HaiPayTimeoutError,
} from './errors.js';

/** The instrumentation scope of every metric and span of the kit. */
const INSTRUMENTATION_SCOPE = '@haipay-kit/express';

/** Bucket boundaries (seconds) for calls that take tens of milliseconds to several seconds. */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface Instruments {
  gatewayDuration: Histogram;
  payments: Counter;
  notifications: Counter;
  reconcilerPasses: Counter;
  reconcilerOrders: Counter;
  hookDuration: Histogram;
  hookFailures: Counter;
  openStreams: UpDownCounter;
}

const byProvider = new WeakMap<MeterProvider, Instruments>();

function create(provider: MeterProvider): Instruments {
  const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
  const seconds = (name: string, description: string) =>
    meter.createHistogram(name, {
      description,
      unit: 's',
      advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
    });
  return {
    gatewayDuration: seconds(
      'haipay.gateway.duration',
      'Duration of one HTTP call to HaiPay, answer verified.',
    ),
    payments: meter.createCounter('haipay.payments', {
      description: 'Orders that reached a final status (or a subscription that became active), once each.',
      unit: '{payment}',
    }),
    notifications: meter.createCounter('haipay.notifications', {
      description: 'Notifications received from HaiPay, by what the kit did with them.',
      unit: '{notification}',
    }),
    reconcilerPasses: meter.createCounter('haipay.reconciler.passes', {
      description: 'Reconciler passes, by result.',
      unit: '{pass}',
    }),
    reconcilerOrders: meter.createCounter('haipay.reconciler.orders', {
      description: 'Orders the reconciler queried HaiPay for.',
      unit: '{order}',
    }),
    hookDuration: seconds('haipay.hook.duration', 'Duration of one merchant hook call.'),
    hookFailures: meter.createCounter('haipay.hook.failures', {
      description: 'Merchant hook calls that threw (each is run again later).',
      unit: '{call}',
    }),
    openStreams: meter.createUpDownCounter('haipay.status_streams.open', {
      description: 'Status streams (server-sent events) open in this process.',
      unit: '{stream}',
    }),
  };
}

/** The instruments of the current global meter provider (no-ops without an SDK). */
function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  let found = byProvider.get(provider);
  if (!found) {
    found = create(provider);
    byProvider.set(provider, found);
  }
  return found;
}

/** The `haipay.outcome` of a gateway call that threw. */
function gatewayOutcome(err: unknown): string {
  if (err instanceof HaiPayTimeoutError) return 'timeout';
  if (err instanceof HaiPayConnectionError) return 'connection_error';
  if (err instanceof HaiPaySignatureError) return 'signature_error';
  if (err instanceof HaiPayProtocolError) return 'protocol_error';
  if (err instanceof HaiPayApiError) return 'gateway_error';
  return 'error';
}

/**
 * Times one HTTP call to HaiPay (one attempt; a retried query is several) in a client span
 * `haipay <endpoint>` and the `haipay.gateway.duration` histogram.
 */
export async function timeGatewayCall<T>(
  endpoint: string,
  merchant: string,
  call: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const span = trace.getTracer(INSTRUMENTATION_SCOPE).startSpan(`haipay ${endpoint}`, {
    kind: SpanKind.CLIENT,
    attributes: { 'haipay.endpoint': endpoint, 'haipay.merchant': merchant },
  });
  let outcome = 'success';
  try {
    return await call();
  } catch (err) {
    outcome = gatewayOutcome(err);
    failSpan(span, outcome, err);
    throw err;
  } finally {
    span.setAttribute('haipay.outcome', outcome);
    span.end();
    instruments().gatewayDuration.record((performance.now() - started) / 1000, {
      'haipay.endpoint': endpoint,
      'haipay.outcome': outcome,
    });
  }
}

function failSpan(span: Span, outcome: string, err: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
  span.setAttribute('error.type', (err as Error)?.name ?? outcome);
}

/** Counts an order that reached a final status (or an active subscription), once per status. */
export function countPayment(record: { kind: string; method: string; status: string }): void {
  instruments().payments.add(1, {
    'haipay.payment.kind': record.kind,
    'haipay.payment.method': record.method,
    'haipay.payment.status': record.status,
  });
}

/** Counts one notification by its outcome (`applied`, `duplicate`, `rejected_signature`, …). */
export function countNotification(outcome: string, acknowledged: boolean): void {
  instruments().notifications.add(1, {
    'haipay.notification.outcome': outcome,
    'haipay.notification.acknowledged': acknowledged,
  });
}

/** Counts one reconciler pass: `completed` (with the orders it checked), `skipped` or `failed`. */
export function countReconcilerPass(result: 'completed' | 'skipped' | 'failed', checked = 0): void {
  const { reconcilerPasses, reconcilerOrders } = instruments();
  reconcilerPasses.add(1, { 'haipay.reconciler.result': result });
  if (checked > 0) reconcilerOrders.add(checked);
}

/** Records one merchant hook call: its duration, and a failure when it threw. */
export function recordHook(hook: string, started: number, failed: boolean): void {
  const { hookDuration, hookFailures } = instruments();
  const attributes: Attributes = { 'haipay.hook': hook, 'haipay.outcome': failed ? 'failure' : 'success' };
  hookDuration.record((performance.now() - started) / 1000, attributes);
  if (failed) hookFailures.add(1, { 'haipay.hook': hook });
}

/** One status stream opened (+1) or closed (-1). */
export function countOpenStream(delta: 1 | -1): void {
  instruments().openStreams.add(delta);
}
