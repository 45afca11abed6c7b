/**
 * `createHaiPayAdminRouter(options)` — the JSON API a merchant's back office calls: list and search
 * orders, read one order with its notification log, refunds, attempts and deductions (detail.ts),
 * refund, pay out, read balances, cancel
 * subscriptions, and the readiness check (the money routes are in money.ts).
 * Mount it on a path only staff reach (e.g. `/admin/haipay`), never on the storefront's router.
 *
 * Every route asks the merchant's `authorize(req, action)` first — before reading a parameter, the
 * store or HaiPay — and answers `403` when it refuses. What `authorize` returns is who asked: it is
 * logged with every action and its result. Request bodies are never logged. Every parameter is checked
 * (query.ts) with per-field `400`s; the error envelope and status mapping are the browser routes' own
 * (router/http.ts).
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { HaiPayCheckout } from '../checkout/index.js';
import { HaiPayConfigError } from '../errors.js';
import { redactingLogger, type Logger } from '../logger.js';
import { browserErrors, HttpError } from '../router/http.js';
import type { HaiPayRouter } from '../router/options.js';
import type { PaymentRecord, PaymentStore, RecordKind } from '../store/types.js';
import { orderDetail, orderView } from './detail.js';
import { MONEY_ACTIONS, moneyRoutes } from './money.js';
import { encodeCursor, ORDER_ID_RE, parseListQuery } from './query.js';
import { checkReadiness, type Readiness } from './readiness.js';

export type { Readiness } from './readiness.js';
export type { CreateAttempt } from './detail.js';

/** The actions of the admin API, one per route; `authorize` receives one of them. */
export const ADMIN_ACTIONS = [
  'orders.list',
  'orders.read',
  'subscriptions.list',
  'subscriptions.cancel',
  'health.read',
  ...MONEY_ACTIONS,
] as const;

/** One of {@link ADMIN_ACTIONS}. */
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

/**
 * Who asked, as `authorize` says: a staff id, or an object such as `{ id: 'u_42', role: 'support' }`
 * (logged as given, through the redacting logger). `true` allows without naming anyone.
 */
export type AdminActor = string | true | Readonly<Record<string, unknown>>;

/** Options for {@link createHaiPayAdminRouter}. */
export interface HaiPayAdminRouterOptions {
  /**
   * Required. Decides whether this request may perform `action`: return who asked (allowed), or
   * `false`/`null`/`undefined` (refused: `403`, nothing read or changed). Check your own staff session
   * or token here. An error it throws answers `500` and is logged; nothing is done.
   */
  authorize(
    req: Request,
    action: AdminAction,
  ): AdminActor | false | null | undefined | Promise<AdminActor | false | null | undefined>;
  /** The router from `createHaiPayRouter` (or its `checkout`): cancellations and readiness go through it. */
  checkout: HaiPayRouter | HaiPayCheckout;
  /** Where orders are read. Default: the checkout's store. It must have `listOrders` (the bundled stores do). */
  store?: PaymentStore;
  /** Logger for the action log; redacted by path like the router's. Default: the checkout's logger. */
  logger?: Logger;
  /** Largest `limit` a list accepts (a larger one is a `400`). Default 100, at most 1000. */
  maxPageSize?: number;
}

/** The admin router: an Express router. */
export type HaiPayAdminRouter = express.Router;

interface Config {
  authorize: HaiPayAdminRouterOptions['authorize'];
  checkout: HaiPayCheckout;
  store: PaymentStore & Required<Pick<PaymentStore, 'listOrders'>>;
  logger: Logger;
  maxPageSize: number;
}

function fail(message: string): never {
  throw new HaiPayConfigError(`createHaiPayAdminRouter: ${message}`);
}

function resolveOptions(options: HaiPayAdminRouterOptions): Config {
  if (!options || typeof options !== 'object') fail('options are required.');
  if (typeof options.authorize !== 'function') {
    fail(
      '`authorize(req, action)` is required: return who is asking (e.g. the staff user id) when the ' +
        'request may perform the action, or false to refuse it with 403.',
    );
  }
  const given = options.checkout as Partial<HaiPayRouter> | undefined;
  const checkout = (given?.checkout ?? given) as HaiPayCheckout | undefined;
  if (!checkout || typeof checkout.cancelSubscription !== 'function') {
    fail('`checkout` must be the router from createHaiPayRouter (or its `.checkout`).');
  }
  const store = options.store ?? checkout.store;
  if (typeof store?.listOrders !== 'function') {
    fail('the store has no `listOrders(query)`; use a bundled store or implement it (see OrderQuery).');
  }
  const maxPageSize = options.maxPageSize ?? 100;
  if (!Number.isInteger(maxPageSize) || maxPageSize < 1 || maxPageSize > 1000)
    fail('`maxPageSize` must be a whole number from 1 to 1000.');
  const logger = options.logger ? redactingLogger(options.logger) : checkout.options.logger;
  return {
    authorize: (req, action) => options.authorize(req, action),
    checkout,
    store: store as Config['store'],
    logger,
    maxPageSize,
  };
}

/**
 * Creates the admin router. Options are validated now; without `authorize` it throws
 * {@link HaiPayConfigError}.
 *
 * @example
 * const haipay = createHaiPayRouter({ ... });
 * app.use('/haipay', haipay);
 * app.use('/admin/haipay', createHaiPayAdminRouter({
 *   checkout: haipay,
 *   authorize: (req, action) => (req.session?.staff?.can(action) ? req.session.staff.id : false),
 * }));
 */
export function createHaiPayAdminRouter(options: HaiPayAdminRouterOptions): HaiPayAdminRouter {
  const config = resolveOptions(options);
  const { checkout, store, logger } = config;
  const router = express.Router();
  const json = express.json({ limit: '8kb' });

  /** One route: authorize, run, log who asked and how it ended. */
  const route =
    (action: AdminAction, run: (req: Request, res: Response) => Promise<void>): RequestHandler =>
    async (req: Request, res: Response, next: NextFunction) => {
      let actor: AdminActor | false | null | undefined;
      try {
        actor = await config.authorize(req, action);
      } catch (err) {
        logger.error('haipay admin authorize threw', { action, message: (err as Error)?.message });
        return next(new HttpError(500, 'server_error', 'Authorization failed.'));
      }
      const orderId = typeof req.params.orderId === 'string' ? req.params.orderId.slice(0, 64) : undefined;
      if (!actor) {
        logger.warn('haipay admin action refused', { action, orderId });
        return next(new HttpError(403, 'forbidden', 'Not allowed.'));
      }
      res.set('Cache-Control', 'no-store');
      res.on('finish', () =>
        logger.info('haipay admin action', {
          action,
          actor,
          orderId,
          ...(res.locals.haipayLog as Record<string, unknown> | undefined),
          status: res.statusCode,
        }),
      );
      try {
        await run(req, res);
      } catch (err) {
        next(err);
      }
    };

  const orderOf = async (req: Request, kind?: RecordKind): Promise<PaymentRecord> => {
    const orderId = String(req.params.orderId);
    const record = ORDER_ID_RE.test(orderId) ? await store.get(orderId) : null;
    if (!record || (kind && record.kind !== kind)) throw new HttpError(404, 'not_found', 'No such order.');
    return record;
  };

  const list = (kind?: RecordKind) => async (req: Request, res: Response) => {
    const query = parseListQuery(req.query, config.maxPageSize, kind);
    const found = await store.listOrders(query);
    const page = found.slice(0, query.pageSize);
    const last = page.at(-1);
    res.json({
      data: page.map(orderView),
      nextCursor: found.length > query.pageSize && last ? encodeCursor(last) : null,
    });
  };

  router.get('/orders', route('orders.list', list()));
  router.get('/subscriptions', route('subscriptions.list', list('subscription')));

  router.get(
    '/orders/:orderId',
    route('orders.read', async (req, res) => {
      res.json(await orderDetail(store, await orderOf(req)));
    }),
  );

  router.post(
    '/subscriptions/:orderId/cancel',
    json,
    route('subscriptions.cancel', async (req, res) => {
      const record = await orderOf(req, 'subscription');
      const after = await checkout.cancelSubscription(record.orderId);
      res.json({ order: orderView(after) });
    }),
  );

  router.get(
    '/health',
    route('health.read', async (_req, res) => {
      const readiness: Readiness = await checkReadiness({
        store,
        client: checkout.options.client,
        logger,
        now: checkout.options.now,
      });
      res.status(readiness.ready ? 200 : 503).json(readiness);
    }),
  );

  moneyRoutes(router, {
    checkout,
    route,
    json,
    orderOf,
    maxPageSize: config.maxPageSize,
  });

  router.use(browserErrors(logger));
  return router;
}
