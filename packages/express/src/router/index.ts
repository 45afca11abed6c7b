/**
 * `createHaiPayRouter(options)` — the Express router a merchant mounts (e.g. at `/haipay`): the browser
 * checkout API of docs/contracts.md (browser.ts), the return route, and `POST /notify` for HaiPay's
 * notifications (notify.ts), over one checkout core and its reconciler. Options are validated once
 * (options.ts); HTTP status codes live here and in http.ts only.
 */
import express, { type Request, type Response } from 'express';
import { checkReadiness } from '../admin/readiness.js';
import { HaiPayCheckout } from '../checkout/index.js';
import { telemetryOf } from '../metrics.js';
import { createReconciler } from '../reconciler.js';
import type { PaymentRecord } from '../store/types.js';
import { addBrowserRoutes } from './browser.js';
import { addNotifyRoute } from './notify.js';
import {
  DEFAULT_PROMPTPAY_WINDOW_MS,
  resolveRouterOptions,
  type HaiPayRouter,
  type HaiPayRouterOptions,
} from './options.js';

export {
  DEFAULT_PROMPTPAY_WINDOW_MS,
  type HaiPayRouter,
  type HaiPayRouterOptions,
  type MethodPrice,
} from './options.js';
export type { RateLimitOption, RateLimitOptions } from './limits.js';
export type { StreamLimits } from './stream-limits.js';

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
  const config = resolveRouterOptions(options);
  const { store, logger } = config;
  const checkout = new HaiPayCheckout({
    client: config.client,
    store,
    logger,
    hooks: options.hooks ?? {},
    publicBaseUrl: config.publicBaseUrl,
    returnUrl: options.returnUrl,
    expiresAfterMs: { promptpay: DEFAULT_PROMPTPAY_WINDOW_MS, ...options.expiresAfterMs },
    refreshAfterMs: options.refreshAfterMs ?? 10_000,
    unknownGraceMs: options.unknownGraceMs ?? 120_000,
    hookLeaseMs: options.hookLeaseMs ?? 60_000,
    hookWaitMs: config.hookWaitMs,
    confirmByQuery: options.confirmByQuery ?? 'on-mismatch',
    cardMode: config.cardMode,
    production: config.production,
    now: options.now,
    meterProvider: options.meterProvider,
    tracerProvider: options.tracerProvider,
  });
  // The client reports its gateway calls to the router's providers unless it was given its own.
  if (options.meterProvider || options.tracerProvider) telemetryOf(config.client).inherit(options);
  const reconciler = createReconciler(checkout, options.reconcile || {});
  if (options.reconcile !== false) reconciler.start();

  const router = express.Router();
  addNotifyRoute(router, config, checkout);

  // ---------- Return route: HaiPay's callBackUrl / callBackFailUrl. ----------
  // The buyer always lands on the shop: an order that cannot be read now (the store failing) sends
  // them to the default return page, which follows the status as any other.
  router.get('/return/:orderId{/:result}', async (req: Request, res: Response) => {
    const orderId = String(req.params.orderId);
    let record: PaymentRecord | null = null;
    try {
      record = /^hps?_[A-Za-z0-9_-]{10,40}$/.test(orderId) ? await store.get(orderId) : null;
    } catch (err) {
      logger.error('haipay return: the order could not be read', {
        orderId,
        message: (err as Error).message,
      });
    }
    const target = new URL(record?.returnUrl ?? options.returnUrl);
    if (record) {
      target.searchParams.set('haipay_order', record.orderId);
      // The buyer just came back from HaiPay: look the order up now rather than at the next tick.
      void checkout.refresh(record.orderId).catch(() => undefined);
    }
    res.redirect(303, target.href);
  });

  // After the routes above: the browser guard must not see HaiPay's notifications or the return.
  const streams = addBrowserRoutes(router, config, checkout);

  return Object.assign(router, {
    checkout,
    reconciler,
    ready: () => checkReadiness({ store, client: config.client, logger, now: options.now }),
    async close() {
      await reconciler.stop();
      streams.close();
      await checkout.settle(config.hookWaitMs);
      if (config.ownsStore) await store.close();
    },
  }) as HaiPayRouter;
}
