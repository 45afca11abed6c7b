/**
 * The return page: where HaiPay's hosted pages (3-D Secure, TrueMoney, the Taiwan cashier, the bank app)
 * send the shopper back, through the router's return route, with `?haipay_order=<orderId>`. It shows the
 * receipt and follows the payment's status live over the router's server-sent events.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { HAIPAY_ENDPOINT, api, type DemoOrder, type PaymentView } from '../api.js';
import { app, money, t } from '../app.js';
import { METHOD_NAMES, type StringKey } from '../i18n.js';
import { link } from '../layout.js';
import { productDisplay } from '../products.js';
import { cart, prefs, session } from '../state.js';

const FINAL = new Set(['succeeded', 'failed', 'expired']);

const s = {
  orderId: '',
  order: null as DemoOrder | null,
  error: '',
  stream: null as EventSource | null,
};

function apply(view: PaymentView): void {
  if (!s.order) return;
  s.order = { ...s.order, payment: view };
  if (view.status === 'succeeded') {
    // The order is paid: this cart is done.
    cart.clear();
    session.set('checkout', null);
    session.set('payment', null);
  }
  if (FINAL.has(view.status)) stop();
  app.rerender();
}

function stop(): void {
  s.stream?.close();
  s.stream = null;
}

async function load(orderId: string): Promise<void> {
  stop();
  s.orderId = orderId;
  s.order = null;
  s.error = '';
  try {
    s.order = await api.order(orderId);
  } catch {
    s.error = t('return.missing');
    app.rerender();
    return;
  }
  apply(s.order.payment);
  if (FINAL.has(s.order.payment.status)) return;
  const es = new EventSource(`${HAIPAY_ENDPOINT}/payments/${encodeURIComponent(orderId)}/events`);
  s.stream = es;
  es.addEventListener('status', (e) => {
    try {
      apply(JSON.parse((e as MessageEvent<string>).data) as PaymentView);
    } catch {
      // ignore a malformed event; the next one carries the whole view again
    }
  });
  es.onerror = () => {
    // The stream ends after a final status; otherwise EventSource reconnects with Last-Event-ID.
    if (s.order && FINAL.has(s.order.payment.status)) stop();
  };
}

function icon(status: string): TemplateResult {
  if (status === 'succeeded')
    return html`<svg width="32" height="32" viewBox="0 0 24 24">
      <path
        d="M5 12.5l4.5 4.5L19 7.5"
        fill="none"
        stroke="currentColor"
        stroke-width="2.6"
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>`;
  if (status === 'failed' || status === 'expired')
    return html`<svg width="30" height="30" viewBox="0 0 24 24">
      <path
        d="M7 7l10 10M17 7L7 17"
        fill="none"
        stroke="currentColor"
        stroke-width="2.6"
        stroke-linecap="round"
      />
    </svg>`;
  return html`<span class="spinner" style="width:28px;height:28px"></span>`;
}

export function returnPage(): TemplateResult {
  const orderId = new URLSearchParams(location.search).get('haipay_order') ?? '';
  if (orderId && orderId !== s.orderId) void load(orderId);
  if (!orderId || s.error) {
    return html`<section class="panel empty" data-testid="return-missing">
      <p>${s.error || t('return.missing')}</p>
      <a class="btn btn-primary" href="/" @click=${link}>${t('checkout.back')}</a>
    </section>`;
  }
  const order = s.order;
  if (!order) return html`<section class="panel empty"><p>${t('return.checking')}</p></section>`;
  const p = order.payment;
  const status = p.status;
  const final = FINAL.has(status);
  // A failed or expired payment reads as one throughout: heading, words, the method's label and pill.
  const headline =
    status === 'succeeded'
      ? t('checkout.paid')
      : status === 'failed'
        ? t('return.failed')
        : status === 'expired'
          ? t('return.expired')
          : t('return.checking');
  const tone = status === 'succeeded' ? 'success' : final ? 'danger' : 'warning';
  return html`<div class="page-title"><h1>${t('return.title')}</h1></div>
    <div class="checkout">
      <section class="panel success" data-testid="return-status" data-status=${status}>
        <div
          class="tick"
          aria-hidden="true"
          style="color:var(--shop-${tone});background:color-mix(in srgb, var(--shop-${tone}) 14%, transparent)"
        >
          ${icon(status)}
        </div>
        <h2 role="status" aria-live="polite">${headline}</h2>
        <p>
          ${
            status === 'succeeded'
              ? t('checkout.paidBody')
              : status === 'failed'
                ? t('return.failedBody')
                : status === 'expired'
                  ? t('return.expiredBody')
                  : t(`status.${status}` as StringKey)
          }
        </p>
        ${
          status === 'failed' && p.failureReason
            ? html`<p class="muted" style="font-size:13px" data-testid="failure-reason">
                ${p.failureReason}
              </p>`
            : nothing
        }
        <div class="actions">
          ${
            final && status !== 'succeeded'
              ? html`<a class="btn btn-primary" href="/checkout" @click=${link}>${t('checkout.useOther')}</a>`
              : nothing
          }
          <a
            class="btn ${final && status !== 'succeeded' ? 'btn-ghost' : 'btn-primary'}"
            href="/"
            @click=${link}
            >${t('checkout.again')}</a
          >
        </div>
      </section>
      <aside class="summary-col">
        <section class="panel summary">
          <h2>${t('return.order')}</h2>
          ${order.lines.map((line) => {
            const d = productDisplay(line.id);
            return html`<div class="line">
              <div class="thumb">${d?.art()}<span class="qty-dot">${line.qty}</span></div>
              <div style="font-weight:600">${d?.name[prefs.locale] ?? line.id}</div>
              <div class="price" style="font-size:16px">${money(line.total, p.currency)}</div>
            </div>`;
          })}
          <dl>
            ${
              order.reference
                ? html`<dt>${t('return.orderNumber')}</dt>
                    <dd data-testid="order-number">${order.reference}</dd>`
                : nothing
            }
            <dt>${t(status === 'succeeded' ? 'return.paidWith' : 'return.method')}</dt>
            <dd>${METHOD_NAMES[p.method] ? t(METHOD_NAMES[p.method]!) : p.method}</dd>
            <dt>${t('sub.status')}</dt>
            <dd><span class="pill" data-status=${status}>${t(`status.${status}` as StringKey)}</span></dd>
            <dt class="total">${t('return.amount')}</dt>
            <dd class="total">${money(p.amount, p.currency)}</dd>
          </dl>
          <p class="muted haipay-ref">${t('return.haipayRef')}${t('punct.colon')}<code>${p.orderId}</code></p>
        </section>
      </aside>
    </div>`;
}
