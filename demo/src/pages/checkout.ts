/**
 * Checkout: `<haipay-checkout>` lists the ways to pay with the price the server sets for each (the cart
 * is priced in the method's currency) and shows the chosen method's form; this page adds the order
 * summary, the sandbox helpers (test cards, a link that pays the QR or transfer in the sandbox bank
 * app) and the paid view. The buyer's details for PromptPay, bank transfer and the redirect methods
 * come from the server's `resolveOrder` (the shop knows its shopper); the card form asks for them. A
 * started QR or transfer is remembered for the tab, so a reload resumes it.
 */
import '@haipay-kit/elements/checkout';
import { html, nothing, type TemplateResult } from 'lit';
import { HAIPAY_ENDPOINT, api, type Checkout, type Currency, type PaymentView } from '../api.js';
import { app, elementTheme, followInShopLanguage, money, t, withShopLanguage } from '../app.js';
import type { StringKey } from '../i18n.js';
import { link } from '../layout.js';
import { productDisplay } from '../products.js';
import { cart, prefs, session } from '../state.js';

interface ActivePayment {
  orderRef: string;
  method: string;
  orderId: string;
  /** Query for the sandbox bank app, so the reviewer's second tab opens with this QR or account filled in. */
  bankApp: string;
}

/** The currency each locale's default method charges in, until `<haipay-checkout>` says which it shows. */
const LOCALE_CURRENCY: Record<string, Currency> = { en: 'USD', th: 'THB', 'zh-TW': 'TWD' };

const resumed = session.get<ActivePayment>('payment');

const s = {
  cartKey: '',
  checkout: null as Checkout | null,
  loading: false,
  error: '',
  /** What `<haipay-checkout>` shows (its `haipay-method-change`). */
  shown: null as { method: string; currency: Currency } | null,
  /** A QR or transfer started in an earlier page load of this tab: shown again as it was. */
  resumed,
  /** The live QR or transfer of this page, for the bank-app link. */
  active: resumed,
  paid: null as { orderId: string } | null,
  notice: '',
  /** Phones: the order summary starts folded to one line with the total. */
  summaryOpen: false,
  /** The live QR or transfer ran out of time (the element offers a new one). */
  activeExpired: false,
};

function cartKey(): string {
  return JSON.stringify(cart.lines);
}

async function ensureCheckout(): Promise<void> {
  const key = cartKey();
  if (s.cartKey === key && (s.checkout || s.loading)) return;
  s.cartKey = key;
  s.error = '';
  if (cart.count === 0) {
    s.checkout = null;
    return;
  }
  s.loading = true;
  app.rerender();
  try {
    const saved = session.get<{ cartKey: string; orderRef: string }>('checkout');
    let checkout: Checkout | null = null;
    if (saved && saved.cartKey === key) checkout = await api.getCheckout(saved.orderRef).catch(() => null);
    checkout ??= await api.checkout(cart.lines);
    s.checkout = checkout;
    session.set('checkout', { cartKey: key, orderRef: checkout.orderRef });
    if (s.active && s.active.orderRef !== checkout.orderRef) setActive(null);
  } catch (err) {
    s.error = (err as Error).message;
  } finally {
    s.loading = false;
    app.rerender();
  }
}

function setActive(active: ActivePayment | null): void {
  s.active = active;
  if (!active) s.resumed = null;
  s.activeExpired = false;
  session.set('payment', active);
}

function shownCurrency(): Currency {
  return s.shown?.currency ?? LOCALE_CURRENCY[prefs.locale] ?? 'USD';
}

/** A QR or transfer was started: remember it for the tab and for the bank-app link. */
function onCreated(view: PaymentView): void {
  const next = view.next;
  if (next?.type !== 'qr' && next?.type !== 'bank') return;
  const bankApp =
    next.type === 'qr'
      ? `?payload=${encodeURIComponent(next.payload)}`
      : `?bankNo=${encodeURIComponent(next.bankNo)}&amount=${encodeURIComponent(view.amount)}`;
  setActive({ orderRef: s.checkout!.orderRef, method: view.method, orderId: view.orderId, bankApp });
  app.rerender();
}

function onPaid(orderId: string): void {
  s.paid = { orderId };
  setActive(null);
  session.set('checkout', null);
  s.checkout = null;
  s.cartKey = '';
  cart.clear();
  app.rerender();
}

/** The `haipay-*` events of the checkout (and of a resumed QR or transfer) that this page follows. */
const listeners = {
  created: (e: CustomEvent<{ view: PaymentView }>) => onCreated(e.detail.view),
  succeeded: (e: CustomEvent<{ orderId: string }>) => onPaid(e.detail.orderId),
  expired: () => {
    s.activeExpired = true;
    app.rerender();
  },
  newQr: () => {
    s.notice = t('checkout.newQrNote');
    app.rerender();
  },
};

// ---------------------------------------------------------------- views

const phoneIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <rect x="6" y="2.5" width="12" height="19" rx="2.5" fill="none" stroke="currentColor" stroke-width="2" />
  <path d="M10.5 18h3" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
</svg>`;
export const flaskIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path
    d="M9 3h6M10 3v6l-5 9a2 2 0 0 0 1.7 3h10.6a2 2 0 0 0 1.7-3l-5-9V3"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linejoin="round"
  />
  <path d="M7.5 15h9" stroke="currentColor" stroke-width="2" />
</svg>`;

function summary(): TemplateResult {
  const currency = shownCurrency();
  const priced = s.checkout?.totals[currency];
  const count = priced?.lines.reduce((n, l) => n + l.qty, 0) ?? 0;
  return html`<section
    class="panel summary sticky ${s.summaryOpen ? 'open' : ''}"
    aria-labelledby="summary-title"
    data-testid="summary"
  >
    <h2 id="summary-title">${t('checkout.summary')}</h2>
    ${
      priced
        ? html`<button
              type="button"
              class="summary-toggle"
              aria-expanded=${s.summaryOpen ? 'true' : 'false'}
              aria-controls="summary-body"
              @click=${() => {
                s.summaryOpen = !s.summaryOpen;
                app.rerender();
              }}
            >
              <span>${t(s.summaryOpen ? 'checkout.hideSummary' : 'checkout.showSummary')} (${count})</span>
              <strong>${money(priced.total, currency)}</strong>
            </button>
            <div class="summary-body" id="summary-body">
              ${priced.lines.map((line) => {
                const p = productDisplay(line.id);
                return html`<div class="line">
                  <div class="thumb">${p?.art()}<span class="qty-dot">${line.qty}</span></div>
                  <div>
                    <div style="font-weight:600">${p?.name[prefs.locale] ?? line.id}</div>
                    <div class="muted" style="font-size:13px">${p?.size[prefs.locale]}</div>
                  </div>
                  <div class="price" style="font-size:16px">${money(line.total, currency)}</div>
                </div>`;
              })}
              <dl>
                <dt>${t('cart.subtotal')}</dt>
                <dd>${money(priced.total, currency)}</dd>
                <dt>${t('checkout.shipping')}</dt>
                <dd>${t('checkout.free')}</dd>
                <dt class="total">${t('checkout.total')}</dt>
                <dd class="total" data-testid="total">${money(priced.total, currency)}</dd>
              </dl>
              <p class="note">${t('checkout.priceNote')}</p>
            </div>`
        : html`<p class="muted">${s.loading ? t('checkout.creating') : ''}</p>`
    }
  </section>`;
}

function bankAppHint(key: StringKey, query: string): TemplateResult {
  return html`<div class="hint">
    ${phoneIcon}
    <span
      ><a
        href=${withShopLanguage(`/bank-app${query}`)}
        target="_blank"
        rel="noopener"
        data-testid="bank-app-link"
        >${t(key)} ↗</a
      ></span
    >
  </div>`;
}

/** The Taiwanese stores by method, for the note on how paying at one works. */
const STORES: Record<string, StringKey> = {
  'twd-store-ibon': 'twd.ibon',
  'twd-store-fami': 'twd.fami',
  'twd-store-hilife': 'twd.hilife',
  'twd-store-okgo': 'twd.okgo',
};

/** Paying later at a store or an ATM: what happens after the button, in the shopper's words. */
function payLaterNote(method: string | undefined): TemplateResult | typeof nothing {
  const store = method ? STORES[method] : undefined;
  if (!store && method !== 'twd-atm') return nothing;
  return html`<p class="note pay-later" data-testid="pay-later-note">
    ${store ? t('twd.storeNote', { store: t(store) }) : t('twd.atmNote')}
  </p>`;
}

/** Sandbox helpers under the payment: the test cards, or the bank app for the live QR or transfer. */
function hints(): TemplateResult | typeof nothing {
  const method = s.resumed?.method ?? s.shown?.method;
  if (method === 'card') {
    return html`<div class="hint">
      ${flaskIcon}
      <div>
        <strong>${t('checkout.testCards')}</strong>
        <ul class="test-cards">
          <li><code>4242 4242 4242 4242</code> ${t('checkout.testCardOk')}</li>
          <li><code>4000 0566 5566 5556</code> ${t('checkout.testCard3ds')}</li>
          <li><code>4000 0000 0000 9995</code> ${t('checkout.testCardDecline')}</li>
        </ul>
      </div>
    </div>`;
  }
  const active = s.active;
  if (!active || active.method !== method || s.activeExpired) return nothing;
  return bankAppHint(
    active.method === 'promptpay' ? 'checkout.bankApp' : 'checkout.bankAppTransfer',
    active.bankApp,
  );
}

/** A QR or transfer started before a reload, shown again, with a way back to the other methods. */
function resumedPayment(active: ActivePayment): TemplateResult {
  const tag =
    active.method === 'promptpay'
      ? html`<haipay-qr
          class="pay-element"
          endpoint=${HAIPAY_ENDPOINT}
          order-ref=${active.orderRef}
          order-id=${active.orderId}
          locale=${prefs.locale}
          theme=${elementTheme()}
        ></haipay-qr>`
      : html`<haipay-bank-transfer
          class="pay-element"
          endpoint=${HAIPAY_ENDPOINT}
          order-id=${active.orderId}
          locale=${prefs.locale}
          theme=${elementTheme()}
        ></haipay-bank-transfer>`;
  return html`${tag}
    <div class="form-actions" style="justify-content:center">
      <button
        class="link-btn"
        type="button"
        @click=${() => {
          setActive(null);
          s.notice = '';
          app.rerender();
        }}
      >
        ${t('checkout.useOther')}
      </button>
    </div>`;
}

function methodPanel(): TemplateResult {
  if (!s.checkout) return html``;
  const payment = s.resumed
    ? resumedPayment(s.resumed)
    : html`<haipay-checkout
        class="pay-element"
        endpoint=${HAIPAY_ENDPOINT}
        order-ref=${s.checkout.orderRef}
        locale=${prefs.locale}
        theme=${elementTheme()}
        @haipay-method-change=${(e: CustomEvent<{ method: string; currency: Currency }>) => {
          s.shown = { method: e.detail.method, currency: e.detail.currency };
          s.notice = '';
          app.rerender();
        }}
      ></haipay-checkout>`;
  return html`${s.notice ? html`<div class="alert alert-info" role="status">${s.notice}</div>` : nothing}
    <div
      @haipay-created=${listeners.created}
      @haipay-succeeded=${listeners.succeeded}
      @haipay-expired=${listeners.expired}
      @haipay-new-qr=${listeners.newQr}
      @haipay-redirect=${followInShopLanguage}
    >
      ${payment}
    </div>
    ${s.resumed ? nothing : payLaterNote(s.shown?.method)} ${hints()}`;
}

function paidView(): TemplateResult {
  const orderId = s.paid!.orderId;
  return html`<section class="panel success" data-testid="checkout-paid">
    <div class="tick" aria-hidden="true">
      <svg width="32" height="32" viewBox="0 0 24 24">
        <path
          d="M5 12.5l4.5 4.5L19 7.5"
          fill="none"
          stroke="currentColor"
          stroke-width="2.6"
          stroke-linecap="round"
          stroke-linejoin="round"
        />
      </svg>
    </div>
    <h2>${t('checkout.paid')}</h2>
    <p>${t('checkout.paidBody')}</p>
    <div class="actions">
      <a class="btn btn-primary" href="/return?haipay_order=${encodeURIComponent(orderId)}" @click=${link}
        >${t('checkout.viewOrder')}</a
      >
      <a class="btn btn-ghost" href="/" @click=${link}>${t('checkout.again')}</a>
    </div>
  </section>`;
}

export function checkoutPage(): TemplateResult {
  if (s.paid) {
    return html`<div class="page-title"><h1>${t('checkout.title')}</h1></div>
      ${paidView()}`;
  }
  void ensureCheckout();
  const title = html`<div class="page-title">
    <h1>${t('checkout.title')}</h1>
    <a class="back-link" href="/" @click=${link}>← ${t('checkout.back')}</a>
  </div>`;
  if (cart.count === 0) {
    return html`${title}
      <section class="panel empty">
        <p>${t('checkout.emptyCart')}</p>
        <a class="btn btn-primary" href="/" @click=${link}>${t('hero.cta')}</a>
      </section>`;
  }
  return html`${title}
    ${s.error ? html`<div class="alert alert-error" role="alert">${s.error}</div>` : nothing}
    <div class="checkout">
      <section class="panel" aria-label=${t('checkout.method')}>
        <div data-testid="method-panel">${methodPanel()}</div>
      </section>
      <div class="summary-col">${summary()}</div>
    </div>`;
}

/** Leaving the checkout forgets the paid view, so the next visit starts a new checkout. */
export function resetCheckoutPaid(): void {
  s.paid = null;
}
