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
import { scanQrPayload } from './emv.js';
import type { Fault } from './faults.js';
import type { Gateway } from './gateway.js';
import type { MerchantConfig } from './config.js';
import { isSandboxCurrency, parseAmount } from './money.js';
import { createControlRouter } from './control.js';
import { translator } from './page-strings.js';
import { pageAction, pageContext } from './page-shell.js';
import {
  bankAppPage,
  cardPage,
  finishedPage,
  orderPage,
  subscriptionPage,
  type PageContext,
} from './pages.js';
import { isFinal, type CollectOrder } from './records.js';
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

const CURRENCY_ROUTES: Record<string, Route> = {
  'collect/apply': {
    id: 'collectApply',
    scope: 'currency',
    handle: (g, m, c, p, b) => g.collections.apply(m, c, p, b, false),
  },
  'collect/query': {
    id: 'collectQuery',
    scope: 'currency',
    handle: (g, m, _c, _p, b) => g.collections.query(m, b),
  },
  'pay/apply': { id: 'payApply', scope: 'currency', handle: (g, m, c, p, b) => g.payouts.apply(m, c, p, b) },
  'pay/query': { id: 'payQuery', scope: 'currency', handle: (g, m, _c, _p, b) => g.payouts.query(m, b) },
  // Every currency path answers like HaiPay: only USD has a refund product (docs/protocol.md "Refund and
  // payout currencies"); the others pass the appId and signature checks, then get 4012 from validation.
  'refund/apply': {
    id: 'refundApply',
    scope: 'currency',
    handle: (g, m, _c, _p, b) => g.refunds.apply(m, b),
  },
  'refund/refundQuery': {
    id: 'refundQuery',
    scope: 'currency',
    handle: (g, m, _c, _p, b) => g.refunds.query(m, b),
  },
  'account/ledger': {
    id: 'accountLedger',
    scope: 'currency',
    handle: (g, m, c) => ({ data: g.ledger.balances(m.appId, c) }),
  },
};

const FIXED_ROUTES: Record<string, Route> = {
  '/subscription/apply': {
    id: 'subscriptionApply',
    scope: 'any',
    handle: (g, m, _c, p, b) => g.subscriptions.apply(m, p, b),
  },
  '/subscription/query': {
    id: 'subscriptionQuery',
    scope: 'any',
    handle: (g, m, _c, _p, b) => g.subscriptions.query(m, b),
  },
  '/subscription/cancel': {
    id: 'subscriptionCancel',
    scope: 'any',
    handle: (g, m, _c, _p, b) => g.subscriptions.cancel(m, b),
  },
  '/global/cashier/collect/apply': {
    id: 'cashierApply',
    scope: 'cashier',
    handle: (g, m, _c, p, b) => g.collections.apply(m, String(b.currency), p, b, true),
  },
  '/global/cashier/collect/query': {
    id: 'cashierQuery',
    scope: 'cashier',
    handle: (g, m, _c, _p, b) => g.collections.query(m, b),
  },
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

  // ------------------------------------------------------------------ hosted pages
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  const html = (res: Response, status: number, body: string) =>
    res
      .status(status)
      .set({ 'cache-control': 'no-store', vary: 'Accept-Language' })
      .type('text/html; charset=utf-8')
      .send(body);

  app.get('/pay/:no', (req, res) => {
    const no = String(req.params.no);
    const ctx = pageContext(req, `/pay/${no}`);
    const sub = state.subscriptions.get(no);
    if (sub) {
      if (sub.status !== '1') return html(res, 200, finishedPage({ subscription: sub.status }, ctx));
      return html(res, 200, subscriptionPage(sub, ctx));
    }
    const order = state.orders.get(no);
    if (!order || order.kind !== 'collect' || !order.payUrl)
      return html(res, 404, finishedPage('unknown', { lang: ctx.lang }));
    if (isFinal(order.status)) return html(res, 200, finishedPage({ order: order.status }, ctx));
    gw.collections.touch(order);
    return html(res, 200, orderPage(order, ctx));
  });

  app.post('/pay/:no', form, (req, res) => {
    const no = String(req.params.no);
    const approve = (req.body as Record<string, unknown> | undefined)?.action === 'approve';
    const ctx = pageContext(req, `/pay/${no}`);
    const sub = state.subscriptions.get(no);
    if (sub) {
      gw.subscriptions.authorize(sub, approve ? 'success' : 'failure');
      const to = sub.status === '2' ? sub.callBackUrl : (sub.cancelUrl ?? sub.callBackUrl);
      return to ? res.redirect(303, to) : html(res, 200, finishedPage({ subscription: sub.status }, ctx));
    }
    const order = state.orders.get(no);
    if (!order || order.kind !== 'collect' || !order.payUrl)
      return html(res, 404, finishedPage('unknown', { lang: ctx.lang }));
    if (order.flow === 'card' && !order.card && approve && !isFinal(order.status)) {
      // The hosted card page's Pay: charge the typed card (README "Hosted card page").
      const form = (req.body ?? {}) as Record<string, unknown>;
      const values = {
        accountNo: typeof form.accountNo === 'string' ? form.accountNo : '',
        expiryMonth: typeof form.expiryMonth === 'string' ? form.expiryMonth : '',
        expiryYear: typeof form.expiryYear === 'string' ? form.expiryYear : '',
        cvv: typeof form.cvv === 'string' ? form.cvv : '',
      };
      const outcome = gw.collections.submitHostedCard(order, values);
      if ('issues' in outcome) {
        // The card number and CVV are never echoed back into the page.
        const { expiryMonth, expiryYear } = values;
        return html(
          res,
          422,
          cardPage(order, { values: { expiryMonth, expiryYear }, issues: outcome.issues }, ctx),
        );
      }
      // A challenge shows the 3-D Secure page at the same address (with the `?lang=` it came with).
      if (outcome.result === 'challenge') return res.redirect(303, pageAction(`/pay/${order.orderNo}`, ctx));
      return redirectAfter(res, order, ctx);
    }
    const chosen = (req.body as Record<string, unknown> | undefined)?.inBankCode;
    gw.collections.complete(
      order,
      approve ? 'success' : 'failure',
      approve
        ? undefined
        : order.flow === 'card-3ds'
          ? '3-D Secure authentication failed'
          : 'Payment cancelled by the user',
      typeof chosen === 'string' && approve ? chosen : undefined,
    );
    return redirectAfter(res, order, ctx);
  });

  function redirectAfter(res: Response, order: CollectOrder, ctx: PageContext) {
    const to = order.status === 2 ? order.callBackUrl : (order.callBackFailUrl ?? order.callBackUrl);
    if (!to) return html(res, 200, finishedPage({ order: order.status }, ctx));
    return res.redirect(303, to);
  }

  app.get('/bank-app', signIn, (req, res) => {
    const q = req.query as Record<string, unknown>;
    const payload = typeof q.payload === 'string' ? q.payload : typeof q.bankNo === 'string' ? q.bankNo : '';
    const amount = typeof q.amount === 'string' ? q.amount : '';
    const kept = Object.fromEntries(Object.entries({ payload, amount }).filter(([, v]) => v));
    html(res, 200, bankAppPage({ payload, amount }, pageContext(req, '/bank-app', kept)));
  });

  // Paying in the bank app marks an order paid: beyond loopback it takes the admin token (README).
  app.post('/bank-app', guard, form, (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const payload = scalarText(b.payload).trim();
    const amountText = scalarText(b.amount).trim();
    const ctx = pageContext(req, '/bank-app');
    const t = translator(ctx.lang);
    const fail = (msg: string) => html(res, 422, bankAppPage({ payload, amount: amountText }, ctx, msg));
    let order: CollectOrder | undefined;
    if (payload.startsWith('000201')) {
      let scanned;
      try {
        scanned = scanQrPayload(payload);
      } catch (err) {
        return fail((err as Error).message);
      }
      const o = scanned.reference ? state.orders.get(scanned.reference) : undefined;
      if (!o || o.kind !== 'collect' || o.qrCode !== payload) return fail(t('bank.notOurs'));
      order = o;
    } else {
      order = state.orderByBankNo(payload.replace(/[\s-]/g, ''));
      if (!order) return fail(t('bank.noAccount'));
      if (b.action === 'approve' && parseAmount(amountText) !== order.amount) {
        return fail(t('bank.amountMismatch'));
      }
    }
    if (isFinal(order.status)) return fail(t('bank.final', { status: t(`status.${order.status}`) }));
    gw.collections.touch(order);
    gw.collections.complete(
      order,
      b.action === 'approve' ? 'success' : 'failure',
      'Payment declined in the bank app',
    );
    return redirectAfter(res, order, ctx);
  });

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
