/**
 * `createHaiPayRouter(options)` — the Express router a merchant mounts (e.g. at `/haipay`): the browser
 * checkout API of docs/contracts.md, the return route, and `POST /notify` for HaiPay's notifications.
 */
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import { isSignSafe } from '@haipay-kit/protocol/rules';
import {
  HaiPayCheckout,
  IdempotencyConflictError,
  toPaymentView,
  toSubscriptionView,
  type CheckoutHooks,
  type CreateResult,
  type RequestContext,
  type ResolvedOrder,
  type ResolvedPlan,
} from './checkout.js';
import type { HaiPayClient } from './client.js';
import {
  HaiPayApiError,
  HaiPayConfigError,
  HaiPayError,
  HaiPayOrderRejectedError,
  HaiPayValidationError,
} from './errors.js';
import { clientKey, createLimiter, normalizeIp, type RateLimitOption } from './limits.js';
import { createConsoleLogger, redactingLogger, type Logger } from './logger.js';
import { createReconciler, type Reconciler, type ReconcilerOptions } from './reconciler.js';
import { MAX_BODY_DEPTH, nestedDeeperThan, parserErrorAnswer, requestContext } from './request-guard.js';
import { resolveStreamLimits, StatusStreams, type StreamLimits } from './streams.js';
import { SqlitePaymentStore } from './store/sqlite.js';
import type { PaymentRecord, PaymentStore } from './store/types.js';
import { isFinalStatus, type PaymentMethod } from './types.js';

/**
 * PromptPay QR window of the kit sandbox (packages/sandbox README). HaiPay documents none
 * (docs/protocol.md §9 q8); set `expiresAfterMs.promptpay` to what your HaiPay account uses.
 */
export const DEFAULT_PROMPTPAY_WINDOW_MS = 15 * 60_000;

/** Options for {@link createHaiPayRouter}. */
export interface HaiPayRouterOptions {
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
   * SSE store-poll interval (picks up changes made by other processes, and refreshes stale orders by
   * query). Default 2000, or 30000 when the store announces changes itself (`store.subscribe`).
   */
  ssePollMs?: number;
  /** `always` confirms every success notification by query before crediting. Default `on-mismatch`. */
  confirmByQuery?: 'always' | 'on-mismatch';
  /** An `unknown` order HaiPay says does not exist is failed after this long. Default 120000. */
  unknownGraceMs?: number;
  /**
   * How long a merchant hook's claim lasts without renewal. A running hook renews it every third of
   * this time, so a slow hook is never run twice; a hook cut off by a crash is run again by another
   * process (or after a restart) once its claim expires. Default 60000.
   */
  hookLeaseMs?: number;
}

/** The router, with its checkout core and reconciler attached. */
export type HaiPayRouter = Router & {
  /** The checkout core (create, refresh, notifications). */
  readonly checkout: HaiPayCheckout;
  /** The reconciler (started unless `reconcile: false`). */
  readonly reconciler: Reconciler;
  /**
   * Stops the reconciler and the status streams, waits up to `hookWaitMs` for merchant hooks still
   * running, and closes the store if the router created it.
   */
  close(): Promise<void>;
};

const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e]{8,200}$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

function errorBody(type: string, message: string, extra: Record<string, unknown> = {}) {
  return { error: { type, message, ...extra } };
}

function assertOption(cond: unknown, message: string): asserts cond {
  if (!cond) throw new HaiPayConfigError(`createHaiPayRouter: ${message}`);
}

/**
 * Creates the HaiPay router. Options are validated now, with errors that name the fix.
 *
 * @example
 * app.use('/haipay', createHaiPayRouter({
 *   client, store: new SqlitePaymentStore({ filename: './data/haipay.db' }),
 *   publicBaseUrl: 'https://shop.example/haipay', returnUrl: 'https://shop.example/thanks',
 *   allowedOrigins: ['https://shop.example'],
 *   resolveOrder: async (req, body) => ({ amount: '100.00', currency: 'THB', subject: 'Order #1', buyerId: req.user.id }),
 *   hooks: { onPaymentSucceeded: (p) => fulfil(p.orderRef) },
 * }));
 */
export function createHaiPayRouter(options: HaiPayRouterOptions): HaiPayRouter {
  assertOption(options && typeof options === 'object', 'options are required.');
  assertOption(
    options.client && typeof (options.client as HaiPayClient).collectApply === 'function',
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
    Array.isArray(options.allowedOrigins) && options.allowedOrigins.length > 0,
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
  const logger = redactingLogger(options.logger ?? createConsoleLogger());
  const ownsStore = !options.store;
  const store: PaymentStore = options.store ?? new SqlitePaymentStore({ filename: './data/haipay.db' });
  const checkout = new HaiPayCheckout({
    client: options.client,
    store,
    logger,
    hooks: options.hooks ?? {},
    publicBaseUrl,
    returnUrl: options.returnUrl,
    expiresAfterMs: { promptpay: DEFAULT_PROMPTPAY_WINDOW_MS, ...options.expiresAfterMs },
    refreshAfterMs: options.refreshAfterMs ?? 10_000,
    unknownGraceMs: options.unknownGraceMs ?? 120_000,
    hookLeaseMs: options.hookLeaseMs ?? 60_000,
    hookWaitMs,
    confirmByQuery: options.confirmByQuery ?? 'on-mismatch',
    production,
  });
  const createLimited = createLimiter(
    options.rateLimit,
    { windowMs: 60_000, max: 30, name: 'rateLimit' },
    (res, retryAfter) => {
      res.set('Retry-After', String(retryAfter));
      res.status(429).json(errorBody('rate_limited', 'Too many payment attempts; try again shortly.'));
    },
    logger,
  );
  const notifyLimited = createLimiter(
    options.notify?.rateLimit,
    {
      windowMs: 60_000,
      max: 60,
      name: 'notify.rateLimit',
      // Only refusals of unverified bodies count: HaiPay's own deliveries (even for an order this
      // shop does not know, or while a hook fails) never lock HaiPay out.
      counts: (_req, res) => res.statusCode >= 400 && res.locals.haipayVerified !== true,
    },
    (res, retryAfter) => {
      res.set('Retry-After', String(retryAfter));
      res.status(429).type('text/plain').send('FAIL: too many refused notifications');
    },
    logger,
  );
  const reconciler = createReconciler(checkout, options.reconcile || {});
  if (options.reconcile !== false) reconciler.start();
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const ssePollMs = options.ssePollMs ?? (typeof store.subscribe === 'function' ? 30_000 : 2_000);
  const bodyLimit = options.bodyLimit ?? '16kb';

  const router = express.Router();

  // ---------- POST /notify: HaiPay → us. Own raw-body parsing, no Origin check (server to server). ----------
  const allowed = allowIps ? new Set(allowIps.map(normalizeIp)) : null;
  const notifyIpGuard: RequestHandler = (req, res, next) => {
    if (allowed && !allowed.has(normalizeIp(req.ip))) {
      logger.warn('haipay notification from an address not in notify.allowIps', { ip: req.ip });
      res.status(403).type('text/plain').send('FAIL: forbidden');
      return;
    }
    next();
  };
  router.post(
    '/notify',
    notifyIpGuard,
    notifyLimited,
    express.raw({ type: () => true, limit: '64kb' }),
    async (req: Request, res: Response) => {
      try {
        const raw = rawNotificationBody(req);
        if (raw === null) {
          // As stripe-node does for webhooks: say exactly what is wrong and how to fix it.
          logger.error(
            'haipay notification body was already parsed by another body parser, so its signature cannot be checked. ' +
              'Mount the HaiPay router before app.use(express.json()), or keep the raw body: ' +
              'express.json({ verify: (req, _res, buf) => { req.rawBody = buf; } }).',
            { path: req.originalUrl },
          );
          res.status(500).type('text/plain').send('FAIL: body already parsed');
          return;
        }
        const result = await checkout.handleNotification(raw);
        res.locals.haipayVerified =
          !result.outcome.startsWith('rejected_signature') &&
          !result.outcome.startsWith('rejected_ambiguous');
        res
          .status(result.httpStatus)
          .type('text/plain')
          .send(result.ack ? 'SUCCESS' : 'FAIL');
      } catch (err) {
        logger.error('haipay notification failed', { message: (err as Error).message });
        // Not SUCCESS: HaiPay retries (docs/protocol.md §2.6).
        if (!res.headersSent) res.status(500).type('text/plain').send('FAIL');
      }
    },
    // The raw parser's own failures (too large, bad encoding, aborted) are answered here, in plain
    // text, so they never reach the host application's HTML error page.
    (err: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) return next(err);
      const answer = parserErrorAnswer(err);
      res
        .status(answer?.status ?? 400)
        .type('text/plain')
        .send(`FAIL: ${answer?.message ?? 'unreadable request'}`);
    },
  );

  // ---------- Return route: HaiPay's callBackUrl / callBackFailUrl. ----------
  router.get('/return/:orderId{/:result}', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const orderId = String(req.params.orderId);
      const record = /^hps?_[A-Za-z0-9_-]{10,40}$/.test(orderId) ? await store.get(orderId) : null;
      const target = new URL(record?.returnUrl ?? options.returnUrl);
      if (record) {
        target.searchParams.set('haipay_order', record.orderId);
        // The buyer just came back from HaiPay: look the order up now rather than at the next tick.
        void checkout.refresh(record.orderId).catch(() => undefined);
      }
      res.redirect(303, target.href);
    } catch (err) {
      next(err);
    }
  });

  // ---------- Browser routes: Origin allowlist, CORS, JSON only, small bodies, no caching. ----------
  const browser = express.Router();
  browser.use((req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    res.set('Cache-Control', 'no-store');
    res.vary('Origin');
    if (origin !== undefined) {
      if (!allowedOrigins.has(origin)) {
        res.status(403).json(errorBody('origin_not_allowed', 'This origin may not use the payment API.'));
        return;
      }
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Access-Control-Expose-Headers', 'Date');
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      // Browsers always send Origin on POST; its absence means a non-browser caller or a stripped header.
      res
        .status(403)
        .json(errorBody('origin_required', 'An Origin header from an allowed origin is required.'));
      return;
    }
    if (req.method === 'OPTIONS') {
      res.set('Access-Control-Allow-Methods', 'GET, POST');
      res.set('Access-Control-Allow-Headers', 'Content-Type, Idempotency-Key, Last-Event-ID');
      res.set('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    if (req.method === 'POST' && !req.is('application/json')) {
      res.status(415).json(errorBody('unsupported_media_type', 'Send Content-Type: application/json.'));
      return;
    }
    next();
  });
  // Not `strict`: a body that is valid JSON but not an object (`null`, `"x"`, `1`) reaches the
  // route's own check and is answered `invalid_request` "must be a JSON object", not "not valid JSON".
  browser.use(express.json({ limit: bodyLimit, strict: false }));
  browser.use((req: Request, res: Response, next: NextFunction) => {
    // The contract's bodies are flat; a deeply nested one is refused before any hook or hash sees it.
    if (req.body !== undefined && nestedDeeperThan(req.body, MAX_BODY_DEPTH)) {
      res.status(400).json(errorBody('invalid_request', 'The body is nested too deeply.'));
      return;
    }
    next();
  });

  const context = (req: Request): RequestContext =>
    requestContext(
      {
        ip: req.ip,
        userAgent: req.get('user-agent'),
        referer: req.get('referer'),
        origin: req.get('origin'),
      },
      publicBaseUrl,
    );

  const readCreate = (req: Request, card: boolean): { body: Record<string, unknown>; key: string } => {
    const body = req.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new HttpError(400, 'invalid_request', 'The body must be a JSON object.');
    }
    const key = req.get('idempotency-key');
    if (!key || !IDEMPOTENCY_KEY_RE.test(key)) {
      throw new HttpError(
        400,
        'invalid_request',
        'An Idempotency-Key header of 8–200 printable characters is required.',
      );
    }
    if (card && production && req.protocol !== 'https') {
      throw new HttpError(403, 'insecure_transport', 'Card payments require HTTPS.');
    }
    return { body: body as Record<string, unknown>, key };
  };

  /** Drops card data from the request object once it has been forwarded. */
  const scrub = (req: Request) => {
    const b = req.body as Record<string, unknown> | undefined;
    if (b && typeof b === 'object')
      for (const k of ['cardNumber', 'cvv', 'expiryMonth', 'expiryYear']) delete b[k];
  };

  /** Only a {@link HaiPayOrderRejectedError}'s message reaches the browser; anything else is a server fault. */
  const resolveOr400 = async <T>(fn: () => T | Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof HaiPayOrderRejectedError)
        throw new HttpError(400, 'order_rejected', err.message || 'The order was rejected.');
      throw err;
    }
  };

  /** Answers a create: the view (201, 200 on replay, 202 outcome unknown), or 502 with HaiPay's code. */
  const sendCreated = <V>(res: Response, result: CreateResult<V>, refused: string) => {
    if (result.httpStatus === 502) {
      const { message = refused, code } = result.gatewayError ?? {};
      res.status(502).json(errorBody('gateway_error', message, { code }));
      return;
    }
    res.status(result.httpStatus).json(result.view);
  };

  browser.post('/payments', createLimited, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const { body, key } = readCreate(req, req.body?.method === 'card');
      const preIssues = checkout.validatePaymentBody(body, null);
      if (preIssues.length > 0) throw new HaiPayValidationError('Some fields are invalid.', preIssues);
      const order = await resolveOr400(() => options.resolveOrder(req, withoutCard(body)));
      const result = await checkout.createPayment(body, order, context(req), key);
      scrub(req);
      sendCreated(res, result, 'HaiPay refused the payment.');
    } catch (err) {
      scrub(req);
      next(err);
    }
  });

  const loadPayment = async (req: Request, kind: 'payment' | 'subscription') => {
    const id = String(req.params.orderId ?? req.params.id);
    const record = /^hps?_[A-Za-z0-9_-]{10,40}$/.test(id) ? await store.get(id) : null;
    if (!record || record.kind !== kind) throw new HttpError(404, 'not_found', `No such ${kind}.`);
    return record;
  };

  const refreshed = async (record: PaymentRecord): Promise<PaymentRecord> => {
    if (isFinalStatus(record.status)) return record;
    const stale =
      record.checkedAt === null || Date.now() - record.checkedAt >= checkout.options.refreshAfterMs;
    return stale ? ((await checkout.refresh(record.orderId).catch(() => null)) ?? record) : record;
  };

  browser.get('/payments/:orderId', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const record = await refreshed(await loadPayment(req, 'payment'));
      res.json(toPaymentView(record));
    } catch (err) {
      next(err);
    }
  });

  const streams = new StatusStreams(
    {
      store,
      onLocalChange: (listener) => {
        checkout.events.on('change', listener);
        return () => checkout.events.off('change', listener);
      },
      refreshed,
      view: (r) => toPaymentView(r),
      isFinal: (r) => isFinalStatus(r.status),
      pollMs: ssePollMs,
      heartbeatMs,
      onError: (message, fields) => logger.warn(message, fields),
    },
    streamLimits,
  );

  browser.get('/payments/:orderId/events', async (req: Request, res: Response, next: NextFunction) => {
    let record: PaymentRecord;
    try {
      record = await loadPayment(req, 'payment');
    } catch (err) {
      next(err);
      return;
    }
    const client = clientKey(req.ip);
    const refused = streams.refusal(client, record.orderId);
    if (refused) {
      res.set('Retry-After', '30');
      res.status(refused.status).json(errorBody(refused.type, refused.message));
      return;
    }
    const lastEventId = Number(req.get('last-event-id') ?? req.query.lastEventId ?? 0) || 0;
    streams.open(req, res, client, record, lastEventId);
  });

  if (options.subscriptions) {
    const subs = options.subscriptions;
    browser.post('/subscriptions', createLimited, async (req: Request, res: Response, next: NextFunction) => {
      try {
        const { body, key } = readCreate(req, true);
        const pre = checkout.validateSubscriptionBody(body, null);
        if (pre.length > 0) throw new HaiPayValidationError('Some fields are invalid.', pre);
        const plan = await resolveOr400(() => subs.resolvePlan(req, withoutCard(body)));
        const result = await checkout.createSubscription(body, plan, context(req), key);
        scrub(req);
        sendCreated(res, result, 'HaiPay refused the subscription.');
      } catch (err) {
        scrub(req);
        next(err);
      }
    });
    browser.get('/subscriptions/:id', async (req: Request, res: Response, next: NextFunction) => {
      try {
        res.json(toSubscriptionView(await refreshed(await loadPayment(req, 'subscription'))));
      } catch (err) {
        next(err);
      }
    });
    browser.post('/subscriptions/:id/cancel', async (req: Request, res: Response, next: NextFunction) => {
      try {
        const record = await loadPayment(req, 'subscription');
        if (!(await subs.authorize(req, record))) {
          throw new HttpError(403, 'forbidden', 'You may not cancel this subscription.');
        }
        res.json(toSubscriptionView(await checkout.cancelSubscription(record.orderId)));
      } catch (err) {
        next(err);
      }
    });
  }

  // Errors of the browser routes: always `{ error: { type, message, … } }`, never a stack or a secret.
  browser.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof HaiPayValidationError) {
      res.status(400).json(errorBody('validation_error', err.message, { fields: err.issues }));
    } else if (err instanceof IdempotencyConflictError) {
      res.status(409).json(errorBody('idempotency_conflict', err.message));
    } else if (err instanceof HttpError) {
      res.status(err.status).json(errorBody(err.type, err.message, err.extra));
    } else if (err instanceof HaiPayApiError) {
      res.status(502).json(errorBody('gateway_error', err.msg, { code: err.code }));
    } else if (parserErrorAnswer(err)) {
      const answer = parserErrorAnswer(err)!;
      res.status(answer.status).json(errorBody(answer.type, answer.message));
    } else if (err instanceof HaiPayError) {
      logger.error('haipay request failed', { path: req.path, error: err.name, message: err.message });
      const status = err instanceof HaiPayConfigError ? 500 : 502;
      res
        .status(status)
        .json(
          errorBody(
            status === 500 ? 'server_error' : 'gateway_error',
            status === 500 ? 'Payment service misconfigured.' : err.message,
          ),
        );
    } else {
      logger.error('haipay request failed', { path: req.path, message: (err as Error)?.message });
      res.status(500).json(errorBody('server_error', 'Something went wrong.'));
    }
  });
  router.use(browser);

  return Object.assign(router, {
    checkout,
    reconciler,
    async close() {
      await reconciler.stop();
      streams.close();
      await checkout.settle(hookWaitMs);
      if (ownsStore) await store.close();
    },
  }) as HaiPayRouter;
}

/** A copy of a browser body without card fields: what the merchant's hooks get to see. */
function withoutCard(body: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...body };
  for (const k of ['cardNumber', 'cvv', 'expiryMonth', 'expiryYear']) delete rest[k];
  return rest;
}

/**
 * The notification body as text, exactly as received: from the router's own raw parser, or from a
 * `rawBody` Buffer/string a global parser kept
 * (`express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })`). Returns `null` when another
 * body parser consumed the body without keeping it: a re-serialised object would not verify whenever
 * HaiPay signs a number with a scale (`0.50000000`), so the router refuses it and logs how to fix the
 * mounting order instead of guessing. A form-encoded body is read as its key/value pairs.
 */
export function rawNotificationBody(req: Request): string | null {
  const body: unknown = req.body;
  if (Buffer.isBuffer(body)) {
    const text = body.toString('utf8');
    if (req.is('application/x-www-form-urlencoded'))
      return JSON.stringify(Object.fromEntries(new URLSearchParams(text)));
    return text;
  }
  const kept = (req as unknown as { rawBody?: unknown }).rawBody;
  if (Buffer.isBuffer(kept)) return kept.toString('utf8');
  if (typeof kept === 'string') return kept;
  if (body === undefined || body === null) return '';
  return null;
}
