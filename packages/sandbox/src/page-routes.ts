/**
 * The sandbox's pages for people: HaiPay's hosted payment page (`/pay/:no`: the card form, 3-D
 * Secure, the QR and transfer pages, the subscription authorization) and the bank app (`/bank-app`),
 * where a tester pays a QR code or a bank transfer. Each page's answer moves the order the way the
 * shopper's choice would at HaiPay, then sends the browser back to the shop.
 */
import express, { type RequestHandler, type Response } from 'express';
import { scalarText } from '@haipay-kit/protocol';
import { scanQrPayload } from './emv.js';
import type { Gateway } from './gateway.js';
import { parseAmount } from './money.js';
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

/** The admin-token gate's two handlers (see `ServerContext.admin`); open when there is no token. */
export interface PageGate {
  signIn: RequestHandler;
  guard: RequestHandler;
}

function html(res: Response, status: number, body: string) {
  return res
    .status(status)
    .set({ 'cache-control': 'no-store', vary: 'Accept-Language' })
    .type('text/html; charset=utf-8')
    .send(body);
}

/** Back to the shop after a final answer: its success or failure address, or a page saying how it ended. */
function redirectAfter(res: Response, order: CollectOrder, ctx: PageContext) {
  const to = order.status === 2 ? order.callBackUrl : (order.callBackFailUrl ?? order.callBackUrl);
  if (!to) return html(res, 200, finishedPage({ order: order.status }, ctx));
  return res.redirect(303, to);
}

/** The hosted pages and the bank app, as one router. */
export function createPageRouter(gw: Gateway, { signIn, guard }: PageGate): express.Router {
  const state = gw.state;
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  router.get('/pay/:no', (req, res) => {
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

  router.post('/pay/:no', form, (req, res) => {
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

  router.get('/bank-app', signIn, (req, res) => {
    const q = req.query as Record<string, unknown>;
    const payload = typeof q.payload === 'string' ? q.payload : typeof q.bankNo === 'string' ? q.bankNo : '';
    const amount = typeof q.amount === 'string' ? q.amount : '';
    const kept = Object.fromEntries(Object.entries({ payload, amount }).filter(([, v]) => v));
    html(res, 200, bankAppPage({ payload, amount }, pageContext(req, '/bank-app', kept)));
  });

  // Paying in the bank app marks an order paid: beyond loopback it takes the admin token (README).
  router.post('/bank-app', guard, form, (req, res) => {
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

  return router;
}
