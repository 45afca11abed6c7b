/**
 * HTTP surface of the sandbox: HaiPay's API paths with HaiPay's envelope (docs/protocol.md §1),
 * request signature checks (§2.3), fault injection, hosted pages and the `/_sandbox/` control API.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import express, { type Request, type RequestHandler, type Response } from 'express';
import {
  haipayErrorMessage,
  parseJsonLossless,
  scalarText,
  stringifyLossless,
  toPlain,
  type LosslessObject,
} from '@haipay-kit/protocol';
import { createVerifier, type Verifier } from '@haipay-kit/protocol/node';
import type { Fault } from './faults.js';
import type { Gateway } from './gateway.js';
import type { MerchantConfig } from './config.js';
import { isSandboxCurrency } from './money.js';
import { createControlRouter } from './control.js';
import { createPageRouter } from './page-routes.js';
import { validateBody, type EndpointId } from './validation.js';
import type { ApiResult, ErrorCode } from './wire.js';

interface Route {
  id: EndpointId;
  /** Which appId the path accepts: its currency, the CASHIER business, or any (subscriptions). */
  scope: 'currency' | 'cashier' | 'any';
  handle: (
    gw: Gateway,
    m: MerchantConfig,
    currency: string,
    path: string,
    body: Record<string, unknown>,
  ) => ApiResult;
}

/** One route's entry: its endpoint, the appIds it accepts and what the gateway does with the body. */
const route = (id: EndpointId, scope: Route['scope'], handle: Route['handle']): Route => ({
  id,
  scope,
  handle,
});

const CURRENCY_ROUTES: Record<string, Route> = {
  'collect/apply': route('collectApply', 'currency', (g, m, c, p, b) =>
    g.collections.apply(m, c, p, b, false),
  ),
  'collect/query': route('collectQuery', 'currency', (g, m, _c, _p, b) => g.collections.query(m, b)),
  'pay/apply': route('payApply', 'currency', (g, m, c, p, b) => g.payouts.apply(m, c, p, b)),
  'pay/query': route('payQuery', 'currency', (g, m, _c, _p, b) => g.payouts.query(m, b)),
  // Every currency path answers like HaiPay: only USD has a refund product (docs/protocol.md "Refund and
  // payout currencies"); the others pass the appId and signature checks, then get 4012 from validation.
  'refund/apply': route('refundApply', 'currency', (g, m, _c, _p, b) => g.refunds.apply(m, b)),
  'refund/refundQuery': route('refundQuery', 'currency', (g, m, _c, _p, b) => g.refunds.query(m, b)),
  'account/ledger': route('accountLedger', 'currency', (g, m, c) => ({
    data: g.ledger.balances(m.appId, c),
  })),
};

const FIXED_ROUTES: Record<string, Route> = {
  '/subscription/apply': route('subscriptionApply', 'any', (g, m, _c, p, b) =>
    g.subscriptions.apply(m, p, b),
  ),
  '/subscription/query': route('subscriptionQuery', 'any', (g, m, _c, _p, b) => g.subscriptions.query(m, b)),
  '/subscription/cancel': route('subscriptionCancel', 'any', (g, m, _c, _p, b) =>
    g.subscriptions.cancel(m, b),
  ),
  '/global/cashier/collect/apply': route('cashierApply', 'cashier', (g, m, _c, p, b) =>
    g.collections.apply(m, String(b.currency), p, b, true),
  ),
  '/global/cashier/collect/query': route('cashierQuery', 'cashier', (g, m, _c, _p, b) =>
    g.collections.query(m, b),
  ),
};

/** `code` is one of the sandbox's refusals or a fault's configured code, which may be any 4 digits. */
function errorEnvelope(code: string): string {
  const msg = haipayErrorMessage(code) ?? 'system exception';
  return JSON.stringify({ status: '0', error: code, msg });
}

/** Everything the HTTP layer needs from the sandbox instance. */
export interface ServerContext {
  gateway: Gateway;
  hanging: Set<Response>;
  /**
   * The admin-token gate (index.ts), when the sandbox has a token: `guard` protects the control API and
   * the bank app's Pay/Decline, `signIn` turns the bank app's `?token=` link into a cookie.
   */
  admin?: { signIn: RequestHandler; guard: RequestHandler };
}

/** Builds the Express app. */
export function createApp(ctx: ServerContext): express.Express {
  const gw = ctx.gateway;
  const state = gw.state;
  const verifiers = new Map<number, Verifier>();
  for (const m of state.config.merchants)
    verifiers.set(m.appId, createVerifier({ publicKey: m.publicKey, secretKey: m.secretKey }));

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const open: RequestHandler = (_req, _res, next) => next();
  const { signIn = open, guard = open } = ctx.admin ?? {};

  // The control API comes first: no other route may see (or parse the body of) a `/_sandbox/` request.
  // `/_sandbox/clock/advance` has three segments like `/:currency/:group/:action` (README "Control API").
  app.use('/_sandbox', createControlRouter(gw, guard));

  // ------------------------------------------------------------------ HaiPay API
  const rawJson = express.raw({ type: () => true, limit: '256kb' });

  const api = async (req: Request, res: Response, route: Route, currency: string) => {
    const path = req.path;
    const faults = state.faults.takeRequestFaults(path);
    const fault = (mode: Fault['mode']) => faults.find((f) => f.mode === mode);
    const latency = fault('latency');
    if (latency) await new Promise((r) => setTimeout(r, latency.ms ?? 1000));
    if (fault('http500')) {
      res.status(500).type('text/plain').send('Internal Server Error');
      return;
    }
    const errorFault = faults.find((f) => f.mode === 'error' || f.mode === '1003' || f.mode === '1004');
    const recordFirst = errorFault && (errorFault.code === '1003' || errorFault.code === '1004');
    if (errorFault && !recordFirst) {
      res.type('application/json').send(errorEnvelope(errorFault.code ?? '1003'));
      return;
    }

    const result = process(req, route, currency, path);

    if (errorFault) {
      // docs/protocol.md §1: 1003/1004 mean the order may exist — it was recorded above.
      res.type('application/json').send(errorEnvelope(errorFault.code ?? '1003'));
      return;
    }
    if (fault('hang')) {
      const ms = fault('hang')?.ms;
      ctx.hanging.add(res);
      res.on('close', () => ctx.hanging.delete(res));
      if (ms !== undefined) setTimeout(() => res.socket?.destroy(), ms).unref();
      return;
    }
    let text: string;
    if ('error' in result) text = errorEnvelope(result.error);
    else {
      const appId = result.appId;
      const data = result.data;
      const sign = fault('badSignature')
        ? state.signer(appId).sign({ ...data, sandboxTampered: 'true' })
        : state.signer(appId).sign(data);
      text = stringifyLossless({ status: '1', error: '00000000', msg: '', data: { ...data, sign } });
    }
    if (fault('malformedJson')) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    res.type('application/json').send(text);
  };

  function process(
    req: Request,
    route: Route,
    currency: string,
    path: string,
  ): { error: ErrorCode } | { data: Record<string, unknown>; appId: number } {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let lossless: LosslessObject;
    try {
      const parsed = parseJsonLossless(raw);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { error: '1002' };
      lossless = parsed as LosslessObject;
    } catch {
      return { error: '1002' };
    }
    const body = toPlain(lossless) as Record<string, unknown>;
    if (body.appId === undefined || body.appId === null || body.appId === '') return { error: '1001' };
    // An appId that is not a scalar (an object, an array) has no text, and `Number('')` would be 0.
    const appIdText = scalarText(body.appId);
    const appId = appIdText === '' ? NaN : Number(appIdText);
    if (!Number.isSafeInteger(appId)) return { error: '1002' };
    const merchant = state.merchants.get(appId);
    if (!merchant) return { error: '4011' };
    // Decision (README): an appId of another currency or business is answered 4011 — for this path
    // the appId "does not exist"; HaiPay documents no dedicated code (docs/protocol.md §1).
    if (route.scope === 'currency' && merchant.currency !== currency) return { error: '4011' };
    if (route.scope === 'cashier' && merchant.currency !== 'CASHIER') return { error: '4011' };
    if (body.sign === undefined || body.sign === '') return { error: '1001' };
    // docs/protocol.md §8.1: no documented code for a bad signature; the sandbox answers 1002.
    if (!verifiers.get(appId)!.verify(lossless)) return { error: '1002' };
    const invalid = validateBody(
      route.id,
      route.scope === 'cashier' || route.scope === 'any' ? null : currency,
      body,
      state.clock.date(),
    );
    if (invalid) return { error: invalid.error };
    const result = route.handle(gw, merchant, currency, path, body);
    return 'error' in result ? result : { data: result.data, appId };
  }

  for (const [path, route] of Object.entries(FIXED_ROUTES)) {
    app.post(path, rawJson, (req, res, next) => {
      api(req, res, route, '').catch(next);
    });
  }
  app.post('/:currency/:group/:action', (req, res, next) => {
    const route = CURRENCY_ROUTES[`${req.params.group}/${req.params.action}`];
    const currency = String(req.params.currency).toUpperCase();
    // docs/protocol.md §1: the currency segment is lower case. Only a HaiPay path gets its body read:
    // anything else goes on untouched to the routes below.
    if (
      !route ||
      req.params.currency !== req.params.currency?.toLowerCase() ||
      !isSandboxCurrency(currency)
    ) {
      next();
      return;
    }
    rawJson(req, res, (err?: unknown) => {
      if (err) return next(err);
      api(req, res, route, currency).catch(next);
    });
  });

  // Hosted pages and the bank app (page-routes.ts).
  app.use(createPageRouter(gw, { signIn, guard }));

  app.get('/', (_req, res) =>
    res.type('text/plain').send('HaiPay sandbox. API under /{currency}/..., control API under /_sandbox/.\n'),
  );
  app.use((_req: Request, res: Response) =>
    res.status(404).json({ status: '0', error: '404', msg: 'Not Found' }),
  );
  return app;
}

/** Closes a server, dropping keep-alive and hanging connections. */
export function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const s of sockets) s.destroy();
    server.closeAllConnections?.();
  });
}
