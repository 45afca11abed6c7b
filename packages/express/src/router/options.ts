/**
 * The router's options, and their validation into a resolved configuration: every option is checked
 * once, when the router is created, with an error that names the fix (helmet and express-rate-limit do
 * the same). The public `HaiPayRouterOptions` and the internal `RouterConfig` are separate types.
 */
import type { Request, Router } from 'express';
import { isSignSafe } from '@haipay-kit/protocol/rules';
import type { Readiness } from '../admin/readiness.js';
import type {
  CardMode,
  HaiPayCheckout,
  CheckoutHooks,
  ResolvedOrder,
  ResolvedPlan,
} from '../checkout/index.js';
import type { HaiPayClient } from '../client.js';
import { HaiPayConfigError } from '../errors.js';
import { createConsoleLogger, redactingLogger, type Logger } from '../logger.js';
import type { TelemetryOptions } from '../metrics.js';
import type { Reconciler, ReconcilerOptions } from '../reconciler.js';
import { SqlitePaymentStore } from '../store/sqlite.js';
import type { PaymentRecord, PaymentStore } from '../store/types.js';
import { PAYMENT_METHODS, type PaymentMethod } from '../types.js';
import { normalizeIp, type RateLimitOption } from './limits.js';
import { resolveStreamLimits, type StreamLimits } from './stream-limits.js';

/**
 * PromptPay QR window of the kit sandbox (packages/sandbox README). HaiPay documents none
 * (docs/protocol.md §9 q8); set `expiresAfterMs.promptpay` to what your HaiPay account uses.
 */
export const DEFAULT_PROMPTPAY_WINDOW_MS = 15 * 60_000;

/** What one payment method would charge for an order: an answer of `GET /methods`. */
export interface MethodPrice {
  method: PaymentMethod;
  /** Decimal string in the currency's HaiPay format, as `resolveOrder` returns it. */
  amount: string;
  /** ISO currency: `THB`, `TWD`, `USD` or `VND`. */
  currency: string;
}

/** Options for {@link createHaiPayRouter}. */
export interface HaiPayRouterOptions extends TelemetryOptions {
  /** The signed client. */
  client: HaiPayClient;
  /** Where orders live. Default: `SqlitePaymentStore` at `./data/haipay.db`. */
  store?: PaymentStore;
  /**
   * Your server-side answer for a checkout: amount, currency, subject, buyer id (and optionally return
   * URL, metadata). The browser never sets money. Throw {@link HaiPayOrderRejectedError} to refuse with
   * a message for the shopper (`400 order_rejected`); any other error is a server fault (logged,
   * answered `500` without its message). `body` is the browser's JSON without card fields.
   */
  resolveOrder(req: Request, body: Record<string, unknown>): ResolvedOrder | Promise<ResolvedOrder>;
  /**
   * The methods `GET /methods` offers, in this order (a drop-in checkout lists them). Default: every
   * method but `cashier`. `POST /payments` is not limited by it: refuse a method in `resolveOrder`.
   */
  methods?: readonly PaymentMethod[];
  /**
   * Optional: prices every method of an order in one call for `GET /methods`, instead of one
   * `resolveOrder(req, { method, orderRef })` call per method. Throw {@link HaiPayOrderRejectedError}
   * for an unknown or refused order (`400 order_rejected`). Methods not in `methods`, without a
   * configured merchant for their currency, or outside the method's amount limits are left out.
   */
  listMethods?(
    req: Request,
    orderRef: string | undefined,
  ): readonly MethodPrice[] | Promise<readonly MethodPrice[]>;
  /** Public URL of the router's mount point, e.g. `https://shop.example/haipay` (builds `notifyUrl` and return URLs). */
  publicBaseUrl: string;
  /** Default merchant page the return route sends the browser to (`?haipay_order=<id>` is appended). */
  returnUrl: string;
  /** Origins allowed to call the browser routes, e.g. `['https://shop.example']`. */
  allowedOrigins: readonly string[];
  /** Logger; everything is redacted by path before writing. Default: JSON lines on the console. */
  logger?: Logger;
  /** Merchant hooks (`onPaymentSucceeded`, `onPaymentFailed`, …). */
  hooks?: CheckoutHooks;
  /** Subscriptions (USD card). Omit to disable the subscription routes. */
  subscriptions?: {
    /** Your answer for a plan: amount, interval, … Like `resolveOrder`. */
    resolvePlan(req: Request, body: Record<string, unknown>): ResolvedPlan | Promise<ResolvedPlan>;
    /** Whether this request may cancel this subscription (e.g. the signed-in buyer owns it). */
    authorize(req: Request, subscription: Readonly<PaymentRecord>): boolean | Promise<boolean>;
  };
  /** Payment window per method, ms. Default `{ promptpay: DEFAULT_PROMPTPAY_WINDOW_MS }`. */
  expiresAfterMs?: Partial<Record<PaymentMethod, number>>;
  /**
   * Production mode: the card routes refuse plain HTTP, `publicBaseUrl` must be https, and only https
   * payment pages are followed. Default `NODE_ENV === 'production'`.
   */
  production?: boolean;
  /** Body size limit of browser routes. Default `16kb`. */
  bodyLimit?: string | number;
  /**
   * Rate limit of the create routes per client (IPv6 by /64). Default `{ windowMs: 60000, max: 30 }`.
   * Add `store` (any express-rate-limit store, e.g. Redis) to count across instances, pass your own
   * middleware instead, or `false` to disable.
   */
  rateLimit?: RateLimitOption;
  /** `POST /notify` protection. */
  notify?: {
    /**
     * Only these client IPs may post notifications, e.g. HaiPay's `['110.239.95.6', '190.92.219.18']`
     * (docs/protocol.md §1). Matched against `req.ip`, so behind a proxy set `trust proxy` to it.
     * Default: any address (every notification is verified anyway).
     */
    allowIps?: readonly string[];
    /**
     * Rate limit of REFUSED notifications per client (unverifiable, malformed): a flood of forgeries is
     * cut off while HaiPay's genuine deliveries never count. Default `{ windowMs: 60000, max: 60 }`.
     */
    rateLimit?: RateLimitOption;
  };
  /** Limits of the status streams: per client, per order, in total, and their lifetime. */
  streams?: StreamLimits;
  /**
   * How long `/notify` waits for a merchant hook before answering `SUCCESS` (the hook then finishes in
   * the background; if it fails, the reconciler runs it again). Default 5000. The shopper's own
   * requests never wait for a hook.
   */
  hookWaitMs?: number;
  /** A non-final order is re-queried on read when its last check is older than this. Default 10000. */
  refreshAfterMs?: number;
  /** Reconciler settings; `false` disables it (then call `router.reconciler.runOnce()` yourself). */
  reconcile?: ReconcilerOptions | false;
  /** SSE heartbeat interval. Default 15000. */
  heartbeatMs?: number;
  /**
   * SSE store-poll interval per watched order (picks up changes made by other processes). Default 2000,
   * or 30000 when the store announces changes itself (`store.subscribe`). Stale watched orders are
   * re-queried from HaiPay separately, at most one per `streams.refreshIntervalMs`.
   */
  ssePollMs?: number;
  /** `always` confirms every success notification by query before crediting. Default `on-mismatch`. */
  confirmByQuery?: 'always' | 'on-mismatch';
  /**
   * How cards are taken (card payments and subscriptions). `hosted`: the shopper types the card on
   * HaiPay's card page and this server never sees it (PCI DSS SAQ A); card fields in a request are
   * refused. `direct`: PCI direct — `<haipay-card-form>` posts the card here and it is forwarded to
   * HaiPay once (SAQ D; only with HaiPay's approval for PCI direct). Default `hosted`: set `direct`
   * only if you are certified for it.
   */
  cardMode?: CardMode;
  /** An `unknown` order HaiPay says does not exist is failed after this long. Default 120000. */
  unknownGraceMs?: number;
  /**
   * How long a merchant hook's claim lasts without renewal. A running hook renews it every third of
   * this time, so a slow hook is never run twice; a hook cut off by a crash is run again by another
   * process (or after a restart) once its claim expires. Default 60000.
   */
  hookLeaseMs?: number;
  /**
   * The clock, in milliseconds since the epoch. Default `Date.now`. The checkout, the reconciler and the
   * default store all read it (a `store` you pass keeps its own clock: give it the same one). For tests
   * that move time instead of waiting for it.
   */
  now?: () => number;
}

/** The router, with its checkout core and reconciler attached. */
export type HaiPayRouter = Router & {
  /** The checkout core (create, refresh, notifications). */
  readonly checkout: HaiPayCheckout;
  /** The reconciler (started unless `reconcile: false`). */
  readonly reconciler: Reconciler;
  /**
   * Readiness: the store answers a read (within 2 s) and the merchant keys are loaded. Never names a
   * secret. Serve it on a health route of yours (`res.status(r.ready ? 200 : 503).json(r)`) or use the
   * admin router's `GET /health`.
   */
  ready(): Promise<Readiness>;
  /**
   * Stops the reconciler and the status streams, waits up to `hookWaitMs` for merchant hooks still
   * running, and closes the store if the router created it.
   */
  close(): Promise<void>;
};

/** The options after validation, with every default applied. */
export interface RouterConfig {
  options: HaiPayRouterOptions;
  client: HaiPayClient;
  /** `publicBaseUrl` without a trailing slash. */
  publicBaseUrl: string;
  allowedOrigins: ReadonlySet<string>;
  production: boolean;
  /** `notify.allowIps`, normalized; null when any address may post. */
  notifyAllowIps: ReadonlySet<string> | null;
  hookWaitMs: number;
  cardMode: CardMode;
  streamLimits: Required<StreamLimits>;
  logger: Logger;
  store: PaymentStore;
  /** True when the router made the store (and so closes it). */
  ownsStore: boolean;
  bodyLimit: string | number;
  heartbeatMs: number;
  ssePollMs: number;
  /** The methods `GET /methods` offers. */
  methods: readonly PaymentMethod[];
}

/** True for a non-empty array (a JavaScript caller may pass anything). */
function isNonEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function assertOption(cond: unknown, message: string): asserts cond {
  if (!cond) throw new HaiPayConfigError(`createHaiPayRouter: ${message}`);
}

/** Validates the options (errors name the fix) and applies the defaults. */
export function resolveRouterOptions(options: HaiPayRouterOptions): RouterConfig {
  assertOption(options && typeof options === 'object', 'options are required.');
  assertOption(
    options.client && typeof options.client.collectApply === 'function',
    '`client` must be a HaiPayClient (new HaiPayClient({ merchants, platformPublicKey })).',
  );
  assertOption(
    typeof options.resolveOrder === 'function',
    '`resolveOrder(req, body)` is required: it decides amount, currency, subject and buyerId server-side.',
  );
  let base: URL;
  try {
    base = new URL(options.publicBaseUrl);
  } catch {
    throw new HaiPayConfigError(
      'createHaiPayRouter: `publicBaseUrl` must be the absolute public URL of the mount point, e.g. "https://shop.example/haipay".',
    );
  }
  assertOption(!base.search && !base.hash, '`publicBaseUrl` must not have a query or fragment.');
  const publicBaseUrl = base.href.replace(/\/+$/, '');
  assertOption(
    isSignSafe(publicBaseUrl),
    '`publicBaseUrl` must not contain "&" or "=" (it is part of the signed notifyUrl and return URLs).',
  );
  try {
    new URL(options.returnUrl);
  } catch {
    throw new HaiPayConfigError(
      'createHaiPayRouter: `returnUrl` must be an absolute URL of your order-status page.',
    );
  }
  assertOption(
    isNonEmptyList(options.allowedOrigins),
    '`allowedOrigins` must list the origins of your storefront, e.g. ["https://shop.example"].',
  );
  const allowedOrigins = new Set(
    options.allowedOrigins.map((o) => {
      let u: URL;
      try {
        u = new URL(o);
      } catch {
        throw new HaiPayConfigError(
          `createHaiPayRouter: allowedOrigins entry "${o}" is not an origin like "https://shop.example".`,
        );
      }
      if (u.origin !== o.replace(/\/$/, '')) {
        throw new HaiPayConfigError(
          `createHaiPayRouter: allowedOrigins entry "${o}" must be an origin only (no path), e.g. "${u.origin}".`,
        );
      }
      return u.origin;
    }),
  );
  const production = options.production ?? process.env.NODE_ENV === 'production';
  if (production) {
    assertOption(
      base.protocol === 'https:',
      '`publicBaseUrl` must be https in production (HaiPay posts notifications there).',
    );
  }
  const allowIps = options.notify?.allowIps;
  assertOption(
    allowIps === undefined || (Array.isArray(allowIps) && allowIps.every((ip) => typeof ip === 'string')),
    '`notify.allowIps` must be a list of IP addresses, e.g. ["110.239.95.6", "190.92.219.18"].',
  );
  const hookWaitMs = options.hookWaitMs ?? 5_000;
  assertOption(
    Number.isFinite(hookWaitMs) && hookWaitMs >= 0,
    '`hookWaitMs` must be a number of milliseconds ≥ 0.',
  );
  // Hosted by default: a new integration never handles card data unless it asks to (PCI DSS SAQ A).
  const cardMode = options.cardMode ?? 'hosted';
  assertOption(
    cardMode === 'hosted' || cardMode === 'direct',
    '`cardMode` must be "hosted" (HaiPay\'s card page) or "direct" (PCI direct).',
  );
  assertOption(
    options.now === undefined || typeof options.now === 'function',
    '`now` must be a function returning milliseconds since the epoch, like Date.now.',
  );
  let streamLimits: ReturnType<typeof resolveStreamLimits>;
  try {
    streamLimits = resolveStreamLimits(options.streams);
  } catch (err) {
    throw new HaiPayConfigError(`createHaiPayRouter: ${(err as Error).message}`);
  }
  if (options.subscriptions) {
    assertOption(
      typeof options.subscriptions.resolvePlan === 'function' &&
        typeof options.subscriptions.authorize === 'function',
      '`subscriptions` needs `resolvePlan(req, body)` and `authorize(req, subscription)`.',
    );
  }
  const methods = options.methods ?? PAYMENT_METHODS.filter((m) => m !== 'cashier');
  assertOption(
    isNonEmptyList(methods) && methods.every((m) => (PAYMENT_METHODS as readonly unknown[]).includes(m)),
    `\`methods\` must list payment methods of ${PAYMENT_METHODS.join(', ')}.`,
  );
  assertOption(
    options.listMethods === undefined || typeof options.listMethods === 'function',
    '`listMethods(req, orderRef)` must be a function returning [{ method, amount, currency }].',
  );
  const logger = redactingLogger(options.logger ?? createConsoleLogger());
  const store: PaymentStore =
    options.store ?? new SqlitePaymentStore({ filename: './data/haipay.db', now: options.now });
  return {
    options,
    client: options.client,
    publicBaseUrl,
    allowedOrigins,
    production,
    notifyAllowIps: allowIps ? new Set(allowIps.map(normalizeIp)) : null,
    hookWaitMs,
    cardMode,
    streamLimits,
    logger,
    store,
    ownsStore: !options.store,
    bodyLimit: options.bodyLimit ?? '16kb',
    heartbeatMs: options.heartbeatMs ?? 15_000,
    ssePollMs: options.ssePollMs ?? (typeof store.subscribe === 'function' ? 30_000 : 2_000),
    methods,
  };
}
