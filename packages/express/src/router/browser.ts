/**
 * The browser routes of docs/contracts.md: create a payment or subscription, read one, follow its
 * status stream, cancel a subscription. In front of them, the browser guard: the Origin allow-list and
 * CORS, JSON only, a small and shallow body, no caching. Money is never taken from the browser: the
 * merchant's `resolveOrder`/`resolvePlan` decide it.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import {
  toPaymentView,
  toSubscriptionView,
  validatePaymentBody,
  validateSubscriptionBody,
  type CreateResult,
  type HaiPayCheckout,
  type RequestContext,
} from '../checkout/index.js';
import { HaiPayOrderRejectedError, HaiPayValidationError } from '../errors.js';
import { Telemetry } from '../metrics.js';
import type { PaymentRecord } from '../store/types.js';
import { isFinalStatus } from '../types.js';
import { browserErrors, createdStatus, errorBody, HttpError } from './http.js';
import { clientKey, createLimiter } from './limits.js';
import { methodsRoute } from './methods.js';
import type { RouterConfig } from './options.js';
import { MAX_BODY_DEPTH, nestedDeeperThan, requestContext } from './request-guard.js';
import { StatusStreams } from './streams.js';

const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e]{8,200}$/;
const ORDER_ID_RE = /^hps?_[A-Za-z0-9_-]{10,40}$/;
const CARD_FIELDS = ['cardNumber', 'cvv', 'expiryMonth', 'expiryYear'] as const;

/** A copy of a browser body without card fields: what the merchant's hooks get to see. */
function withoutCard(body: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...body };
  for (const k of CARD_FIELDS) delete rest[k];
  return rest;
}

/** Drops card data from the request object once it has been forwarded. */
function scrub(req: Request): void {
  const b = req.body as Record<string, unknown> | undefined;
  if (b && typeof b === 'object') for (const k of CARD_FIELDS) delete b[k];
}

/** Only a {@link HaiPayOrderRejectedError}'s message reaches the browser; anything else is a server fault. */
async function resolveOr400<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof HaiPayOrderRejectedError)
      throw new HttpError(400, 'order_rejected', err.message || 'The order was rejected.');
    throw err;
  }
}

/** Answers a create: the view (201, 200 on replay, 202 outcome unknown), or 502 with HaiPay's code. */
function sendCreated<V>(res: Response, result: CreateResult<V>, refused: string): void {
  if (result.outcome === 'refused') {
    const { message = refused, code } = result.gatewayError ?? {};
    res.status(502).json(errorBody('gateway_error', message, { code }));
    return;
  }
  res.status(createdStatus(result.outcome, result.replayed)).json(result.view);
}

/**
 * Adds the browser routes, behind the browser guard, to the router (after its server-to-server routes,
 * which the guard must not see: added to the router itself, not as a nested router every request
 * would pass through). Returns the stream hub they share (closed by the router's `close()`).
 */
export function addBrowserRoutes(
  browser: Router,
  config: RouterConfig,
  checkout: HaiPayCheckout,
): StatusStreams {
  const { options, store, logger, allowedOrigins, production, publicBaseUrl } = config;
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
  browser.use(express.json({ limit: config.bodyLimit, strict: false }));
  browser.use((req: Request, res: Response, next: NextFunction) => {
    // The contract's bodies are flat; a deeply nested one is refused before any hook or hash sees it.
    if (req.body !== undefined && nestedDeeperThan(req.body, MAX_BODY_DEPTH)) {
      res.status(400).json(errorBody('invalid_request', 'The body is nested too deeply.'));
      return;
    }
    next();
  });

  const limited = createLimiter(
    options.rateLimit,
    { windowMs: 60_000, max: 30, name: 'rateLimit' },
    (res, retryAfter) => {
      res.set('Retry-After', String(retryAfter));
      res.status(429).json(errorBody('rate_limited', 'Too many payment attempts; try again shortly.'));
    },
    logger,
  );

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
    const body: unknown = req.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new HttpError(400, 'invalid_request', 'The body must be a JSON object.');
    const key = req.get('idempotency-key');
    if (!key || !IDEMPOTENCY_KEY_RE.test(key))
      throw new HttpError(
        400,
        'invalid_request',
        'An Idempotency-Key header of 8–200 printable characters is required.',
      );
    if (card && production && req.protocol !== 'https')
      throw new HttpError(403, 'insecure_transport', 'Card payments require HTTPS.');
    return { body: body as Record<string, unknown>, key };
  };

  const loadPayment = async (req: Request, kind: 'payment' | 'subscription') => {
    const id = String(req.params.orderId ?? req.params.id);
    const record = ORDER_ID_RE.test(id) ? await store.get(id) : null;
    if (!record || record.kind !== kind) throw new HttpError(404, 'not_found', `No such ${kind}.`);
    return record;
  };

  const refreshed = async (record: PaymentRecord): Promise<PaymentRecord> => {
    if (isFinalStatus(record.status)) return record;
    const stale =
      record.checkedAt === null ||
      (checkout.options.now ?? Date.now)() - record.checkedAt >= checkout.options.refreshAfterMs;
    return stale ? ((await checkout.refresh(record.orderId).catch(() => null)) ?? record) : record;
  };

  browser.post('/payments', limited, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const { body, key } = readCreate(
        req,
        (req.body as { method?: unknown } | undefined)?.method === 'card',
      );
      const pre = validatePaymentBody(body, null, config.cardMode);
      if (pre.length > 0) throw new HaiPayValidationError('Some fields are invalid.', pre);
      const order = await resolveOr400(() => options.resolveOrder(req, withoutCard(body)));
      const result = await checkout.createPayment(body, order, context(req), key);
      scrub(req);
      sendCreated(res, result, 'HaiPay refused the payment.');
    } catch (err) {
      scrub(req);
      next(err);
    }
  });

  // One resolveOrder call per method: counted like a create, so it cannot multiply a shopper's budget.
  browser.get('/methods', limited, methodsRoute(config));

  browser.get('/payments/:orderId', async (req: Request, res: Response, next: NextFunction) => {
    try {
      res.json(toPaymentView(await refreshed(await loadPayment(req, 'payment'))));
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
      pollMs: config.ssePollMs,
      heartbeatMs: config.heartbeatMs,
      onError: (message, fields) => logger.warn(message, fields),
      telemetry: new Telemetry(checkout.options),
    },
    config.streamLimits,
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
    streams.open(res, client, record, lastEventId);
  });

  const subs = options.subscriptions;
  if (subs) {
    browser.post('/subscriptions', limited, async (req: Request, res: Response, next: NextFunction) => {
      try {
        const { body, key } = readCreate(req, true);
        const pre = validateSubscriptionBody(body, null, config.cardMode);
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
        if (!(await subs.authorize(req, record)))
          throw new HttpError(403, 'forbidden', 'You may not cancel this subscription.');
        res.json(toSubscriptionView(await checkout.cancelSubscription(record.orderId)));
      } catch (err) {
        next(err);
      }
    });
  }

  browser.use(browserErrors(logger));
  return streams;
}
