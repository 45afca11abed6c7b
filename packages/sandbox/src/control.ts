/**
 * The control API under `/_sandbox/` (README "Control API"): look at orders, notifications, the
 * clock and the ledger, drive orders to a final state, move virtual time and inject faults.
 *
 * Every route is listed once in {@link CONTROL_ROUTES}; the router is built from that table, so a
 * route cannot exist without being listed, and the tests check the table against the README row by
 * row, over HTTP. Amounts are HaiPay's decimal strings in the currency's wire precision (`"100.00"`,
 * TWD `"500"`), as everywhere else on the wire; the objects of the JavaScript API keep hundredths.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { FaultSpec } from './faults.js';
import type { Gateway } from './gateway.js';
import { formatAmount } from './money.js';
import {
  STATUS_TEXT,
  type CollectOrder,
  type PayoutOrder,
  type Refund,
  type Subscription,
} from './records.js';

/**
 * An order, payout, refund or subscription as the control API shows it: the sandbox's own record with
 * every amount (kept in hundredths inside) rendered as HaiPay renders it (README "Control API").
 */
function controlView(item: CollectOrder | PayoutOrder | Refund | Subscription): Record<string, unknown> {
  const money = (hundredths: number, currency: string) => formatAmount(hundredths, currency);
  switch (item.kind) {
    case 'collect': {
      const { settlementAmount, ...rest } = item;
      return {
        ...rest,
        amount: money(item.amount, item.currency),
        fee: money(item.fee, item.currency),
        ...(settlementAmount !== undefined
          ? { settlementAmount: money(settlementAmount, item.settlementCurrency) }
          : {}),
      };
    }
    case 'payout':
      return { ...item, amount: money(item.amount, item.currency), fee: money(item.fee, item.currency) };
    case 'refund':
      return { ...item, amount: money(item.amount, item.currency) };
    case 'subscription':
      return {
        ...item,
        amount: money(item.amount, item.currency),
        deductions: item.deductions.map((d) => ({
          ...d,
          amount: money(d.amount, item.currency),
          fee: money(d.fee, item.currency),
        })),
      };
  }
}

/** Every control route, as `METHOD path` under `/_sandbox` (the README's table lists the same). */
export const CONTROL_ROUTES = [
  'GET /orders',
  'GET /orders/:no',
  'POST /orders/:no/complete',
  'GET /notifications',
  'GET /clock',
  'POST /clock/advance',
  'GET /ledger/:appId',
  'POST /faults',
  'GET /faults',
  'DELETE /faults',
] as const;

/** One of {@link CONTROL_ROUTES}. */
type ControlRoute = (typeof CONTROL_ROUTES)[number];

/**
 * Builds the `/_sandbox` router. `guard` (the admin-token gate, or a pass-through) runs before
 * anything else, body parsing included.
 */
export function createControlRouter(gw: Gateway, guard: RequestHandler): express.Router {
  const control = express.Router();
  control.use(guard);
  control.use(express.json({ limit: '64kb' }));
  const { state } = gw;

  const view = (no: string): Record<string, unknown> | undefined => {
    const o = state.orders.get(no);
    if (o)
      return {
        ...controlView(o),
        statusText: STATUS_TEXT[o.status],
        notifications: state.notifier.find(no).length,
      };
    const r = state.refunds.get(no) ?? state.subscriptions.get(no);
    return r ? controlView(r) : undefined;
  };
  const unknown = (res: Response) =>
    void res.status(404).json({ error: 'unknown orderNo / refundNo / subscriptionNo' });
  const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;

  const handlers: Record<ControlRoute, RequestHandler> = {
    'GET /orders': (req, res) => {
      const q = req.query as Record<string, unknown>;
      // An orderId names a few orders at most: read them from its index, not from every order.
      let list =
        typeof q.orderId === 'string' ? [...state.ordersWithOrderId(q.orderId)] : [...state.orders.values()];
      if (typeof q.appId === 'string') list = list.filter((o) => String(o.appId) === q.appId);
      if (typeof q.kind === 'string') list = list.filter((o) => o.kind === q.kind);
      if (typeof q.status === 'string') list = list.filter((o) => String(o.status) === q.status);
      res.json({ orders: list.map((o) => view(o.orderNo)) });
    },
    'GET /orders/:no': (req, res) => {
      const v = view(String(req.params.no));
      if (!v) return unknown(res);
      res.json(v);
    },
    'POST /orders/:no/complete': (req, res) => {
      const no = String(req.params.no);
      const { outcome, errorMsg } = body(req);
      if (outcome !== 'success' && outcome !== 'failure')
        return void res.status(400).json({ error: 'outcome must be "success" or "failure"' });
      const done = gw.complete(no, outcome, typeof errorMsg === 'string' ? errorMsg : undefined);
      if (done === undefined) return unknown(res);
      if (!done) return void res.status(409).json({ error: 'already in a final state', order: view(no) });
      res.json(view(no));
    },
    'GET /notifications': (req, res) => {
      const orderNo = typeof req.query.orderNo === 'string' ? req.query.orderNo : undefined;
      const list = state.notifier.find(orderNo);
      res.json({ notifications: list, attempts: list.flatMap((n) => n.attempts) });
    },
    'GET /clock': (_req, res) =>
      void res.json({
        now: state.clock.date().toISOString(),
        ms: state.clock.now(),
        mode: state.clock.mode,
        pending: state.clock.pending(),
        inFlight: state.clock.inFlight,
      }),
    'POST /clock/advance': (req, res, next) => {
      const ms = body(req).ms;
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
        return void res.status(400).json({ error: 'ms must be a number ≥ 0 (virtual milliseconds)' });
      state.clock.advance(ms).then((now) => res.json({ now: new Date(now).toISOString(), ms: now }), next);
    },
    'GET /ledger/:appId': (req, res) => {
      const m = state.merchants.get(Number(req.params.appId));
      if (!m || m.currency === 'CASHIER') return void res.status(404).json({ error: 'unknown appId' });
      res.json(gw.ledger.balances(m.appId, m.currency));
    },
    'POST /faults': (req, res) => {
      try {
        res.status(201).json(state.faults.add(req.body as FaultSpec));
      } catch (err) {
        res.status(400).json({ error: (err as Error).message });
      }
    },
    'GET /faults': (_req, res) => void res.json({ faults: state.faults.list() }),
    'DELETE /faults': (_req, res) => {
      state.faults.clear();
      res.json({ faults: [] });
    },
  };

  for (const route of CONTROL_ROUTES) {
    const [method, path] = route.split(' ') as ['GET' | 'POST' | 'DELETE', string];
    control[method === 'GET' ? 'get' : method === 'POST' ? 'post' : 'delete'](path, handlers[route]);
  }
  // A body that is not JSON (or too large) is the caller's mistake: say so in JSON, like every route.
  control.use(
    (err: { status?: number; message?: string }, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) return next(err);
      const status =
        typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
      res.status(status).json({ error: status === 500 ? 'sandbox error' : String(err.message) });
    },
  );
  control.use(
    (_req: Request, res: Response) => void res.status(404).json({ error: 'no such control route' }),
  );
  return control;
}
