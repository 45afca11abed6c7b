/**
 * The admin routes that move or show money: refund an order, pay out, list payouts, read one refund
 * or payout, read balances. Each goes through the checkout (`refund`, `payout`, `balance`,
 * `transfer`), which records it before HaiPay hears of it, applies it once per idempotency key and
 * settles it by query — the admin API adds authorization, input checks and the action log.
 *
 * A money-moving request needs an `Idempotency-Key` header (1–255 printable characters): a retry
 * with the same key gives back the same refund or payout, never a second one.
 */
import type { Request, RequestHandler, Response, Router } from 'express';
import type { HaiPayCheckout, PayoutRequest } from '../checkout/index.js';
import { HaiPayRefundError } from '../errors.js';
import { PAYOUT_REQUEST_FIELDS } from '../checkout/payouts-create.js';
import { HttpError } from '../router/http.js';
import type { PaymentRecord, TransferRecord } from '../store/types.js';
import { integerField, Issues, textField } from './query.js';

/** The actions of the money routes (see `ADMIN_ACTIONS`). */
export const MONEY_ACTIONS = [
  'orders.refund',
  'payouts.create',
  'payouts.list',
  'transfers.read',
  'balances.read',
] as const;

type MoneyAction = (typeof MONEY_ACTIONS)[number];

/** What the money routes need from the admin router. */
export interface MoneyDeps {
  checkout: HaiPayCheckout;
  route: (action: MoneyAction, run: (req: Request, res: Response) => Promise<void>) => RequestHandler;
  json: RequestHandler;
  orderOf: (req: Request) => Promise<PaymentRecord>;
  maxPageSize: number;
}

const KEY_RE = /^[\x21-\x7e]{1,255}$/;
const TRANSFER_ID_RE = /^hp[ro]_[A-Za-z0-9_-]{10,40}$/;

/** The `Idempotency-Key` header, checked. */
function idempotencyKey(req: Request, issues: Issues): string {
  const key = req.get('idempotency-key');
  if (key === undefined || !KEY_RE.test(key))
    issues.add('Idempotency-Key', 'required', 'Send an Idempotency-Key header: 1–255 printable characters.');
  return key ?? '';
}

/** A JSON object body with only `allowed` keys, each text of at most `max` characters. */
function textBody(
  req: Request,
  issues: Issues,
  allowed: readonly string[],
  max = 500,
): Record<string, string> {
  const body: unknown = req.body ?? {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    issues.add('body', 'invalid_type', 'The body must be a JSON object.');
    return {};
  }
  const out: Record<string, string> = {};
  for (const [field, value] of Object.entries(body)) {
    if (!allowed.includes(field))
      issues.add(field, 'unknown_field', `Unknown field; use: ${allowed.join(', ')}.`);
    else {
      const text = textField(issues, value, field, max);
      if (text !== undefined) out[field] = text;
    }
  }
  return out;
}

/** The HTTP answer of a refused refund: 404 for an unknown order, 409 otherwise. */
function refusal(err: HaiPayRefundError): HttpError {
  const status = err.reason === 'not_found' ? 404 : 409;
  return new HttpError(status, 'refund_refused', err.message, {
    reason: err.reason,
    ...(err.refundId ? { refundId: err.refundId } : {}),
  });
}

/** Adds the money routes to the admin router. */
export function moneyRoutes(router: Router, deps: MoneyDeps): void {
  const { checkout, route, json } = deps;
  const logged = (res: Response, transfer: TransferRecord) => {
    res.locals.haipayLog = { transferId: transfer.transferId, transferStatus: transfer.status };
  };

  router.post(
    '/orders/:orderId/refund',
    json,
    route('orders.refund', async (req, res) => {
      const issues = new Issues();
      const key = idempotencyKey(req, issues);
      const { reason, deductNo } = textBody(req, issues, ['reason', 'deductNo']);
      issues.throwIfAny();
      const order = await deps.orderOf(req);
      try {
        const refund = await checkout.refund(order.orderId, {
          idempotencyKey: key,
          ...(reason ? { reason } : {}),
          // A subscription is refunded one deduction at a time.
          ...(deductNo ? { deductNo } : {}),
        });
        logged(res, refund);
        res.json({ refund });
      } catch (err) {
        throw err instanceof HaiPayRefundError ? refusal(err) : err;
      }
    }),
  );

  router.post(
    '/payouts',
    json,
    route('payouts.create', async (req, res) => {
      const issues = new Issues();
      const key = idempotencyKey(req, issues);
      const request = textBody(req, issues, PAYOUT_REQUEST_FIELDS) as unknown as PayoutRequest;
      issues.throwIfAny();
      // The checkout applies the protocol's field rules for the currency (per-field 400s).
      const payout = await checkout.payout(request, { idempotencyKey: key });
      logged(res, payout);
      res.json({ payout });
    }),
  );

  router.get(
    '/payouts',
    route('payouts.list', async (req, res) => {
      const issues = new Issues();
      for (const key of Object.keys(req.query))
        if (key !== 'limit') issues.add(key, 'unknown_field', 'Unknown parameter; use: limit.');
      const raw = req.query.limit;
      if (raw !== undefined && typeof raw !== 'string')
        issues.add('limit', 'invalid_type', 'Give limit once.');
      const limit = integerField(
        issues,
        typeof raw === 'string' ? raw : undefined,
        'limit',
        1,
        deps.maxPageSize,
      );
      issues.throwIfAny();
      res.json({ data: await checkout.store.listTransfers({ kind: 'payout', limit: limit ?? 50 }) });
    }),
  );

  router.get(
    '/transfers/:transferId',
    route('transfers.read', async (req, res) => {
      const id = String(req.params.transferId);
      const issues = new Issues();
      const refresh = req.query.refresh;
      if (refresh !== undefined && refresh !== '1' && refresh !== '0')
        issues.add('refresh', 'invalid_value', 'refresh must be 1 (ask HaiPay first) or 0.');
      issues.throwIfAny();
      const transfer = TRANSFER_ID_RE.test(id)
        ? await checkout.transfer(id, { refresh: refresh === '1' })
        : null;
      if (!transfer) throw new HttpError(404, 'not_found', 'No such refund or payout.');
      res.json({ transfer });
    }),
  );

  router.get(
    '/balances',
    route('balances.read', async (req, res) => {
      const configured = checkout.options.client.config.merchantKeys.filter((k) => k !== 'CASHIER');
      const issues = new Issues();
      for (const key of Object.keys(req.query))
        if (key !== 'currency') issues.add(key, 'unknown_field', 'Unknown parameter; use: currency.');
      const raw = req.query.currency;
      const asked =
        typeof raw === 'string' ? [...new Set(raw.split(','))] : raw === undefined ? configured : null;
      if (!asked || asked.some((c) => !configured.includes(c)))
        issues.add(
          'currency',
          'invalid_value',
          `currency must be a comma-separated list of: ${configured.join(', ')}.`,
        );
      issues.throwIfAny();
      const balances = await Promise.all(
        (asked ?? []).map((currency) =>
          checkout.balance(currency).catch((err: unknown) => ({
            currency,
            error: { type: 'gateway_error', message: (err as Error)?.message ?? 'HaiPay did not answer.' },
          })),
        ),
      );
      res.json({ data: balances });
    }),
  );
}
