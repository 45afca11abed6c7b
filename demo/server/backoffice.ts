/**
 * The demo's merchant back office API (`/api/admin`): orders with status and notification history,
 * balances, refunds and payouts. DEMO ONLY: it has no sign-in. Merchant operations are server-side
 * calls of the HaiPay client — never routes of the browser-facing HaiPay router — and a real shop puts
 * them behind its own staff authentication.
 */
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, type NextFunction } from 'express';
import { HaiPayApiError, HaiPayError, type HaiPayClient, type PaymentRecord } from '@haipay-kit/express';
import { type SqlitePaymentStore } from '@haipay-kit/express/sqlite';
import { scalarText } from '@haipay-kit/protocol';
import { THB_PAYOUT_LIMITS, validateAmount } from '@haipay-kit/protocol/rules';
import type { Sandbox } from '@haipay-kit/sandbox';
import { SHOP_CURRENCIES } from './catalog.js';

interface Refund {
  refundNo: string;
  refundOrderId: string;
  status: 'processing' | 'succeeded' | 'failed';
  requestedAt: string;
  message?: string;
}

interface Payout {
  orderId: string;
  orderNo: string;
  currency: string;
  amount: string;
  status: 'processing' | 'succeeded' | 'failed';
  requestedAt: string;
  message?: string;
}

/** A notification's body in one line for the order table (the raw body is already masked by HaiPay). */
function summarise(body: string): string {
  try {
    const b = JSON.parse(body) as Record<string, unknown>;
    const code = scalarText(b.status);
    const status = { '0': 'not started', '1': 'processing', '2': 'success', '3': 'failed', '4': 'cancelled' }[
      code
    ];
    const kind = typeof b.type === 'string' ? b.type : 'COLLECT';
    const parts = [kind, status ? `status ${code} (${status})` : `status ${code || 'missing'}`];
    if (b.amount !== undefined) parts.push(`${scalarText(b.amount)} ${scalarText(b.currency)}`.trim());
    if (typeof b.errorMsg === 'string' && b.errorMsg) parts.push(`“${b.errorMsg}”`);
    return parts.join(' · ');
  } catch {
    return 'unreadable body';
  }
}

const refundStatus = (s: unknown): Refund['status'] =>
  String(s) === '1' ? 'succeeded' : String(s) === '2' ? 'failed' : 'processing';
const payoutStatus = (s: unknown): Payout['status'] =>
  String(s) === '2' ? 'succeeded' : String(s) === '3' ? 'failed' : 'processing';

function gatewayMessage(err: unknown): string {
  if (err instanceof HaiPayApiError) return `HaiPay ${err.gatewayCode}: ${err.message}`;
  if (err instanceof HaiPayError) return err.message;
  return 'Something went wrong.';
}

export function backOffice(deps: {
  store: SqlitePaymentStore;
  client: HaiPayClient;
  sandbox: Sandbox;
  url: string;
  subscriptionSummary: (r: PaymentRecord) => Promise<unknown>;
}): express.Router {
  const { store, client, sandbox } = deps;
  const refunds = new Map<string, Refund>();
  const payouts: Payout[] = [];
  const router = express.Router();

  const wrap =
    (fn: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response, next: NextFunction) =>
      fn(req, res).catch(next);

  /** Refunds and payouts have no notification (HaiPay documents none for refunds): ask HaiPay. */
  async function refreshRefund(orderId: string, refund: Refund): Promise<void> {
    if (refund.status !== 'processing') return;
    try {
      const data = await client.refundQuery({ refundNo: refund.refundNo });
      refund.status = refundStatus(data.status);
      if (typeof data.errorMsg === 'string') refund.message = data.errorMsg;
    } catch {
      // Keep "processing"; the next refresh asks again.
    }
    refunds.set(orderId, refund);
  }

  router.get(
    '/orders',
    wrap(async (_req, res) => {
      // The store exposes its database handle for inspection; the kit's tables are read, never written.
      const rows = store.db
        .prepare('SELECT order_id FROM haipay_payments ORDER BY created_at DESC LIMIT 100')
        .all() as { order_id: string }[];
      const orders = [];
      for (const { order_id } of rows) {
        const r = await store.get(order_id);
        if (!r) continue;
        const notes = await store.listNotifications(r.orderId);
        const refund = refunds.get(r.orderId);
        if (refund) await refreshRefund(r.orderId, refund);
        orders.push({
          orderId: r.orderId,
          orderNo: r.orderNo,
          kind: r.kind,
          method: r.method,
          amount: r.amount,
          currency: r.currency,
          subject: r.subject,
          status: r.status,
          failureReason: r.failureReason,
          createdAt: r.createdAt,
          updatedAt: r.updatedAt,
          refundable:
            r.kind === 'payment' &&
            r.method === 'card' &&
            r.status === 'succeeded' &&
            (!refund || refund.status === 'failed'),
          refund: refund ?? null,
          notifications: notes.map((n) => ({
            receivedAt: n.receivedAt,
            outcome: n.outcome,
            verified: n.verified,
            summary: summarise(n.body),
          })),
        });
      }
      res.json({ orders });
    }),
  );

  router.get(
    '/balance',
    wrap(async (_req, res) => {
      const balances = await Promise.all(
        SHOP_CURRENCIES.map(async (currency) => {
          try {
            const d = await client.accountLedger(currency);
            return {
              currency,
              total: scalarText(d.bal),
              available: scalarText(d.availableBal),
              frozen: scalarText(d.frzBal),
              unsettled: scalarText(d.unSettleBal),
            };
          } catch (err) {
            return {
              currency,
              total: '0',
              available: '0',
              frozen: '0',
              unsettled: '0',
              error: gatewayMessage(err),
            };
          }
        }),
      );
      res.json({ balances });
    }),
  );

  router.post(
    '/orders/:orderId/refund',
    wrap(async (req, res) => {
      const r = await store.get(String(req.params.orderId));
      if (!r || r.kind !== 'payment')
        return void res.status(404).json({ error: { type: 'not_found', message: 'unknown order' } });
      if (r.method !== 'card' || r.status !== 'succeeded' || !r.orderNo) {
        return void res.status(409).json({
          error: { type: 'not_refundable', message: 'Only paid card orders (USD) can be refunded.' },
        });
      }
      const existing = refunds.get(r.orderId);
      if (existing && existing.status !== 'failed') return void res.json({ refund: existing });
      const refundOrderId = `rf_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
      try {
        const data = await client.refundApply({ orderId: refundOrderId, orderNo: r.orderNo });
        const refund: Refund = {
          refundNo: scalarText(data.refundNo),
          refundOrderId,
          status: refundStatus(data.status),
          requestedAt: new Date().toISOString(),
        };
        refunds.set(r.orderId, refund);
        res.status(201).json({ refund });
      } catch (err) {
        res.status(502).json({ error: { type: 'gateway_error', message: gatewayMessage(err) } });
      }
    }),
  );

  router.get(
    '/payouts',
    wrap(async (_req, res) => {
      for (const p of payouts) {
        if (p.status !== 'processing') continue;
        try {
          const d = await client.payQuery(p.currency, { orderId: p.orderId, orderNo: p.orderNo });
          p.status = payoutStatus(d.status);
          if (typeof d.errorMsg === 'string' && d.errorMsg) p.message = d.errorMsg;
        } catch {
          // ask again next time
        }
      }
      res.json({ payouts: [...payouts].reverse() });
    }),
  );

  router.post(
    '/payouts',
    wrap(async (req, res) => {
      const amount = scalarText((req.body as { amount?: unknown } | undefined)?.amount);
      const wire = /^\d+$/.test(amount) ? `${amount}.00` : amount;
      // HaiPay's own THB payout rules (pattern and limits), as the sandbox and the real gateway apply them.
      if (validateAmount('THB', wire, THB_PAYOUT_LIMITS)) {
        return void res.status(400).json({
          error: { type: 'validation_error', message: 'Enter a THB amount between 1.00 and 8000.00.' },
        });
      }
      const orderId = `po_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
      try {
        // The shop's own (sandbox) bank account at Kasikornbank.
        const d = await client.payApply('THB', {
          orderId,
          amount: wire,
          accountType: 'BANK_ACCOUNT',
          bankCode: 'KBANK',
          accountNo: '0123456789',
          name: 'Saeng Coffee Co Ltd',
          phone: '0812345678',
          email: 'finance@saeng.example',
          partnerUserId: 'merchant',
          subject: 'Payout to the shop account',
        });
        const payout: Payout = {
          orderId,
          orderNo: scalarText(d.orderNo),
          currency: 'THB',
          amount: wire,
          status: 'processing',
          requestedAt: new Date().toISOString(),
        };
        payouts.push(payout);
        res.status(201).json({ payout });
      } catch (err) {
        res.status(502).json({ error: { type: 'gateway_error', message: gatewayMessage(err) } });
      }
    }),
  );

  /** Demo helper: move the sandbox's virtual clock (QR expiry, payouts, subscription deductions). */
  router.post(
    '/clock',
    wrap(async (req, res) => {
      const ms = Number((req.body as { ms?: unknown } | undefined)?.ms);
      if (!Number.isFinite(ms) || ms <= 0 || ms > 400 * 86_400_000) {
        return void res
          .status(400)
          .json({ error: { type: 'validation_error', message: 'ms must be 1 … 400 days' } });
      }
      const now = await sandbox.clock.advance(ms);
      await sandbox.idle();
      res.json({ now: new Date(now).toISOString() });
    }),
  );

  router.get('/clock', (_req, res) => {
    res.json({ now: sandbox.clock.date().toISOString() });
  });

  return router;
}
