/**
 * The kit's metrics and traces, through `@opentelemetry/api` only: without an OpenTelemetry SDK in the
 * application every call here is a no-op, and with one — providers passed to the router and the client
 * (`meterProvider`, `tracerProvider`, as OpenTelemetry's instrumentations take them) or registered
 * globally — they report into it. The names and attributes are documented in the README ("Metrics and
 * traces"); they follow OpenTelemetry's semantic-convention style (dotted lower-case names, units in
 * UCUM, durations in seconds). No attribute holds an order id, an amount, a buyer, card data or a key.
 *
 * The instruments are created once per meter provider and kept, so the hot path costs one map lookup
 * and the instrument's own record call. The API hands out a no-op meter until a provider is registered
 * and keeps handing that one out, so the global provider is looked up on each call rather than once at
 * import time: an SDK the application installs after importing the kit still gets everything.
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
  type Tracer,
  type TracerProvider,
  type UpDownCounter,
} from '@opentelemetry/api';
import {
  HaiPayApiError,
  HaiPayConfigError,
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
  const counter = (name: string, description: string, unit: string) =>
    meter.createCounter(name, { description, unit });
  return {
    gatewayDuration: seconds(
      'haipay.gateway.duration',
      'Duration of one HTTP call to HaiPay, answer verified.',
    ),
    payments: counter(
      'haipay.payments',
      'Orders that reached a final status (or a subscription that became active), once each.',
      '{payment}',
    ),
    notifications: counter(
      'haipay.notifications',
      'Notifications received from HaiPay, by what the kit did with them.',
      '{notification}',
    ),
    reconcilerPasses: counter('haipay.reconciler.passes', 'Reconciler passes, by result.', '{pass}'),
    reconcilerOrders: counter(
      'haipay.reconciler.orders',
      'Orders the reconciler queried HaiPay for.',
      '{order}',
    ),
    hookDuration: seconds('haipay.hook.duration', 'Duration of one merchant hook call.'),
    hookFailures: counter(
      'haipay.hook.failures',
      'Merchant hook calls that threw (each is run again later).',
      '{call}',
    ),
    openStreams: meter.createUpDownCounter('haipay.status_streams.open', {
      description: 'Status streams (server-sent events) open in this process.',
      unit: '{stream}',
    }),
  };
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

function failSpan(span: Span, outcome: string, err: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
  span.setAttribute('error.type', (err as Error)?.name ?? outcome);
}

/**
 * Where the kit reports, for `createHaiPayRouter` and `new HaiPayClient` (the way OpenTelemetry's own
 * instrumentations take their providers). Without them the kit reports to the global providers
 * (`metrics.setGlobalMeterProvider`, `trace.setGlobalTracerProvider`), looked up on each use.
 */
export interface TelemetryOptions {
  /**
   * The OpenTelemetry `MeterProvider` the kit's metrics go to, e.g. `new MeterProvider({ readers })`
   * of `@opentelemetry/sdk-metrics`. Default: the global meter provider.
   */
  meterProvider?: MeterProvider;
  /**
   * The OpenTelemetry `TracerProvider` the kit's spans go to, e.g. a `NodeTracerProvider`. Default: the
   * global tracer provider.
   */
  tracerProvider?: TracerProvider;
}

function checkProvider(value: unknown, option: string, method: string, example: string): void {
  if (value !== undefined && typeof (value as Record<string, unknown> | null)?.[method] !== 'function')
    throw new HaiPayConfigError(
      `\`${option}\` must be an OpenTelemetry ${option.replace(/^./, (c) => c.toUpperCase())} (an object ` +
        `with ${method}()), e.g. ${example}; leave it out to use the global one.`,
    );
}

/**
 * The instruments and tracer of one router or client: its own providers, else those it inherited (a
 * router hands its providers to a client that has none), else the global ones, looked up on each call
 * (the API hands out a no-op until an SDK is registered, and the SDK may be registered after the kit
 * is imported).
 */
export class Telemetry {
  readonly #own: TelemetryOptions;
  #inherited: TelemetryOptions = {};

  constructor(providers: TelemetryOptions = {}) {
    checkProvider(providers.meterProvider, 'meterProvider', 'getMeter', 'new MeterProvider({ readers })');
    checkProvider(providers.tracerProvider, 'tracerProvider', 'getTracer', 'new NodeTracerProvider()');
    this.#own = { meterProvider: providers.meterProvider, tracerProvider: providers.tracerProvider };
  }

  /** Takes the providers this one was not given from `from` (the router's, for its client). */
  inherit(from: TelemetryOptions): void {
    this.#inherited = { meterProvider: from.meterProvider, tracerProvider: from.tracerProvider };
  }

  #instruments(): Instruments {
    const provider = this.#own.meterProvider ?? this.#inherited.meterProvider ?? metrics.getMeterProvider();
    let found = byProvider.get(provider);
    if (!found) {
      found = create(provider);
      byProvider.set(provider, found);
    }
    return found;
  }

  #tracer(): Tracer {
    const provider = this.#own.tracerProvider ?? this.#inherited.tracerProvider ?? trace.getTracerProvider();
    return provider.getTracer(INSTRUMENTATION_SCOPE);
  }

  /**
   * Times one HTTP call to HaiPay (one attempt; a retried query is several) in a client span
   * `haipay <endpoint>` and the `haipay.gateway.duration` histogram.
   */
  async timeGatewayCall<T>(endpoint: string, merchant: string, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const span = this.#tracer().startSpan(`haipay ${endpoint}`, {
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
      this.#instruments().gatewayDuration.record((performance.now() - started) / 1000, {
        'haipay.endpoint': endpoint,
        'haipay.outcome': outcome,
      });
    }
  }

  /**
   * Runs `work` in an internal span `name` made the active span, so the gateway calls it makes are its
   * children. `finish` reads the attributes (and whether it failed) from the result; a throw marks the
   * span failed with the error's class name only (never its message: it may quote input).
   */
  async inSpan<T>(
    name: string,
    attributes: Attributes,
    work: () => Promise<T>,
    finish: (result: T) => { attributes: Attributes; failed?: string },
  ): Promise<T> {
    return this.#tracer().startActiveSpan(name, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
      try {
        const result = await work();
        const end = finish(result);
        span.setAttributes(end.attributes);
        if (end.failed) span.setStatus({ code: SpanStatusCode.ERROR, message: end.failed });
        return result;
      } catch (err) {
        failSpan(span, 'error', err);
        throw err;
      } finally {
        span.end();
      }
    });
  }

  /** Counts an order that reached a final status (or an active subscription), once per status. */
  countPayment(record: { kind: string; method: string; status: string }): void {
    this.#instruments().payments.add(1, {
      'haipay.payment.kind': record.kind,
      'haipay.payment.method': record.method,
      'haipay.payment.status': record.status,
    });
  }

  /** Counts one notification by its outcome (`applied`, `duplicate`, `rejected_signature`, …). */
  countNotification(outcome: string, acknowledged: boolean): void {
    this.#instruments().notifications.add(1, {
      'haipay.notification.outcome': outcome,
      'haipay.notification.acknowledged': acknowledged,
    });
  }

  /** Counts one reconciler pass: `completed` (with the orders it checked), `skipped` or `failed`. */
  countReconcilerPass(result: 'completed' | 'skipped' | 'failed', checked = 0): void {
    const { reconcilerPasses, reconcilerOrders } = this.#instruments();
    reconcilerPasses.add(1, { 'haipay.reconciler.result': result });
    if (checked > 0) reconcilerOrders.add(checked);
  }

  /** Records one merchant hook call: its duration, and a failure when it threw. */
  recordHook(hook: string, started: number, failed: boolean): void {
    const { hookDuration, hookFailures } = this.#instruments();
    const attributes: Attributes = { 'haipay.hook': hook, 'haipay.outcome': failed ? 'failure' : 'success' };
    hookDuration.record((performance.now() - started) / 1000, attributes);
    if (failed) hookFailures.add(1, { 'haipay.hook': hook });
  }

  /** One status stream opened (+1) or closed (-1). */
  countOpenStream(delta: 1 | -1): void {
    this.#instruments().openStreams.add(delta);
  }
}

const owned = new WeakMap<object, Telemetry>();

/**
 * The telemetry of `owner` (a client), made from `providers` the first time. The router uses it to hand
 * its providers to the client it was given (`inherit`), without a public field on the client.
 */
export function telemetryOf(owner: object, providers?: TelemetryOptions): Telemetry {
  let found = owned.get(owner);
  if (!found) {
    found = new Telemetry(providers);
    owned.set(owner, found);
  }
  return found;
}
