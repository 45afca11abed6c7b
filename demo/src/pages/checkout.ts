/**
 * Checkout: pick a way to pay; the server prices the cart in that method's currency. Card payments go
 * through `<haipay-card-form>`; PromptPay and bank transfer are started here and shown by `<haipay-qr>` /
 * `<haipay-bank-transfer>`; TrueMoney and the Taiwan methods redirect to their hosted page and come
 * back to /return. The live payment is remembered for the tab, so a reload resumes it.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import {
  ApiError,
  HAIPAY_ENDPOINT,
  api,
  newIdempotencyKey,
  type Buyer,
  type Checkout,
  type Currency,
  type PaymentView,
} from '../api.js';
import {
  isFollowableUrl,
  validateEmail,
  validateName,
  validatePhone,
  type RuleIssue,
} from '@haipay-kit/protocol/rules';
import { app, elementTheme, money, t } from '../app.js';
import { methodIcon } from '../art.js';
import type { StringKey } from '../i18n.js';
import { link } from '../layout.js';
import { productDisplay } from '../products.js';
import { cart, prefs, session } from '../state.js';

const METHODS = ['card', 'promptpay', 'bank', 'truemoney', 'twd'] as const;
type MethodKey = (typeof METHODS)[number];

const CURRENCY: Record<MethodKey, Currency> = {
  card: 'USD',
  promptpay: 'THB',
  bank: 'THB',
  truemoney: 'THB',
  twd: 'TWD',
};
const LABEL: Record<MethodKey, StringKey> = {
  card: 'method.card',
  promptpay: 'method.promptpay',
  bank: 'method.bank',
  truemoney: 'method.truemoney',
  twd: 'method.twd',
};
const ICON: Record<MethodKey, string> = {
  card: 'card',
  promptpay: 'promptpay',
  bank: 'bank',
  truemoney: 'truemoney',
  twd: 'twd',
};

const TWD_OPTIONS = [
  ['twd-store-ibon', 'twd.ibon'],
  ['twd-store-fami', 'twd.fami'],
  ['twd-store-hilife', 'twd.hilife'],
  ['twd-store-okgo', 'twd.okgo'],
  ['twd-atm', 'twd.atm'],
] as const satisfies readonly (readonly [string, StringKey])[];

interface ActivePayment {
  orderRef: string;
  method: MethodKey;
  orderId: string;
  /** Query for the sandbox bank app, so the reviewer's second tab opens with this QR or account filled in. */
  bankApp: string;
}

type Field = keyof Buyer;

const s = {
  cartKey: '',
  checkout: null as Checkout | null,
  loading: false,
  error: '',
  method: session.get<MethodKey>('method') ?? 'card',
  twdOption: session.get<string>('twdOption') ?? 'twd-store-ibon',
  buyer: session.get<Buyer>('buyer') ?? { name: '', email: '', phone: '' },
  fieldErrors: {} as Partial<Record<Field, string>>,
  creating: false,
  createError: '',
  attemptKey: '',
  active: session.get<ActivePayment>('payment'),
  paid: null as { orderId: string } | null,
  notice: '',
  /** A card attempt that failed: the reason, and a counter that gives the next attempt a fresh form. */
  cardFailure: null as string | null,
  cardAttempt: 0,
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
  s.activeExpired = false;
  session.set('payment', active);
}

function setMethod(method: MethodKey): void {
  s.method = method;
  s.fieldErrors = {};
  s.createError = '';
  s.attemptKey = '';
  session.set('method', method);
  app.rerender();
}

function wireMethod(method: MethodKey): string {
  if (method === 'bank') return 'bank-transfer';
  if (method === 'twd') return s.twdOption;
  return method;
}

const PHONE_EXAMPLE: Record<Currency, string> = { THB: '0812345678', TWD: '0912345678', USD: '2025550143' };

/** Checks the contact form with the same field rules the router and HaiPay apply (protocol rules). */
function validate(currency: Currency): boolean {
  const b = s.buyer;
  const issues: Record<Field, RuleIssue | null> = {
    name: validateName(currency, b.name.trim()),
    email: validateEmail(b.email.trim()),
    phone: validatePhone(currency, b.phone.replace(/[\s-]/g, '')),
  };
  const invalid: Record<Field, string> = {
    name: t('checkout.invalidName'),
    email: t('checkout.invalidEmail'),
    phone: t('checkout.invalidPhone', { example: PHONE_EXAMPLE[currency] }),
  };
  const errors: Partial<Record<Field, string>> = {};
  for (const field of Object.keys(issues) as Field[]) {
    const issue = issues[field];
    if (issue) errors[field] = issue.code === 'required' ? t('checkout.required') : invalid[field];
  }
  s.fieldErrors = errors;
  return Object.keys(errors).length === 0;
}

/** Maps the router's 400 field issues (docs/contracts.md) onto the contact form. */
function applyServerErrors(err: ApiError, currency: Currency): boolean {
  const fields = (err.body as { error?: { fields?: { field: string; code: string; message: string }[] } })
    ?.error?.fields;
  if (!fields?.length) return false;
  const errors: Partial<Record<Field, string>> = {};
  for (const f of fields) {
    if (f.field !== 'name' && f.field !== 'email' && f.field !== 'phone') continue;
    errors[f.field] =
      f.code === 'required'
        ? t('checkout.required')
        : f.field === 'email'
          ? t('checkout.invalidEmail')
          : f.field === 'phone'
            ? t('checkout.invalidPhone', { example: PHONE_EXAMPLE[currency] })
            : t('checkout.invalidName');
  }
  s.fieldErrors = errors;
  return Object.keys(errors).length > 0;
}

async function startPayment(method: MethodKey): Promise<void> {
  const checkout = s.checkout;
  if (!checkout || s.creating) return;
  const currency = CURRENCY[method];
  if (!validate(currency)) {
    app.rerender();
    focusFirstError();
    return;
  }
  s.creating = true;
  s.createError = '';
  s.attemptKey ||= newIdempotencyKey();
  app.rerender();
  try {
    const buyer = {
      ...s.buyer,
      name: s.buyer.name.trim(),
      email: s.buyer.email.trim(),
      phone: s.buyer.phone.replace(/[\s-]/g, ''),
    };
    const view = await api.createPayment(wireMethod(method), checkout.orderRef, buyer, s.attemptKey);
    s.attemptKey = '';
    afterCreate(method, view);
  } catch (err) {
    if (!(err instanceof ApiError && applyServerErrors(err, currency))) {
      s.createError = t('checkout.error', { message: (err as Error).message });
    }
    if (err instanceof ApiError && err.status < 500) s.attemptKey = '';
  } finally {
    s.creating = false;
    app.rerender();
  }
}

function afterCreate(method: MethodKey, view: PaymentView): void {
  if (view.next?.type === 'redirect') {
    // Only a web page is followed (plain http: only while the shop itself is on http:, as in
    // development): a `javascript:` or `data:` address would run in the shop's own origin. A refused
    // one lands in startPayment's catch and shows the checkout's error.
    if (!isFollowableUrl(view.next.url, location.protocol === 'http:')) {
      throw new Error(t('checkout.unsafePage'));
    }
    setActive(null);
    location.assign(view.next.url);
    return;
  }
  const next = view.next;
  const bankApp =
    next?.type === 'qr'
      ? `?payload=${encodeURIComponent(next.payload)}`
      : next?.type === 'bank'
        ? `?bankNo=${encodeURIComponent(next.bankNo)}&amount=${encodeURIComponent(view.amount)}`
        : '';
  setActive({ orderRef: s.checkout!.orderRef, method, orderId: view.orderId, bankApp });
}

function focusFirstError(): void {
  requestAnimationFrame(() => {
    document.querySelector<HTMLInputElement>('.contact [aria-invalid="true"]')?.focus();
  });
}

function onPaid(orderId: string): void {
  s.paid = { orderId };
  setActive(null);
  session.set('checkout', null);
  s.checkout = null;
  s.cartKey = '';
  cart.clear();
}

async function newQr(): Promise<void> {
  const method = s.active?.method;
  if (!method) return;
  s.notice = t('checkout.newQrNote');
  setActive(null);
  await startPayment(method);
}

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
  const currency = CURRENCY[s.method];
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
                    <div class="muted" style="font-size:13px">${p?.size}</div>
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

function contactField(
  field: Field,
  label: StringKey,
  type: string,
  autocomplete: string,
  extra: Partial<{ inputmode: string; placeholder: string }> = {},
) {
  const err = s.fieldErrors[field];
  const id = `buyer-${field}`;
  return html`<div class="field ${field === 'name' ? 'full' : ''}">
    <label for=${id}>${t(label)}</label>
    <input
      id=${id}
      name=${field}
      type=${type}
      autocomplete=${autocomplete}
      inputmode=${extra.inputmode ?? nothing}
      placeholder=${extra.placeholder ?? nothing}
      .value=${s.buyer[field]}
      aria-invalid=${err ? 'true' : 'false'}
      aria-describedby=${err ? `${id}-error` : nothing}
      @input=${(e: Event) => {
        s.buyer = { ...s.buyer, [field]: (e.target as HTMLInputElement).value };
        session.set('buyer', s.buyer);
        s.attemptKey = '';
        if (s.fieldErrors[field]) {
          s.fieldErrors = { ...s.fieldErrors, [field]: undefined };
          app.rerender();
        }
      }}
    />
    ${err ? html`<span class="error" id="${id}-error">${err}</span>` : nothing}
  </div>`;
}

function contactForm(method: MethodKey, action: TemplateResult | string): TemplateResult {
  const currency = CURRENCY[method];
  const demo =
    currency === 'TWD'
      ? { name: 'Lin Mei Hua', email: 'meihua.lin@example.com', phone: '0912345678' }
      : { name: 'Somchai Jaidee', email: 'somchai@example.com', phone: '0812345678' };
  return html`<form
    class="contact"
    novalidate
    @submit=${(e: Event) => {
      e.preventDefault();
      void startPayment(method);
    }}
  >
    <div class="row" style="margin-bottom:12px">
      <h3 style="font-size:16px">${t('checkout.contact')}</h3>
      <button
        type="button"
        class="link-btn"
        @click=${() => {
          s.buyer = demo;
          s.fieldErrors = {};
          session.set('buyer', s.buyer);
          app.rerender();
        }}
      >
        ${t('checkout.demoShopper')}
      </button>
    </div>
    <div class="form-grid">
      ${contactField('name', 'checkout.name', 'text', 'name')}
      ${contactField('email', 'checkout.email', 'email', 'email')}
      ${contactField('phone', 'checkout.phone', 'tel', 'tel', { inputmode: 'tel', placeholder: PHONE_EXAMPLE[currency] })}
    </div>
    ${
      method === 'twd'
        ? html`<fieldset style="border:none;padding:0;margin:18px 0 0">
            <legend style="font-weight:600;font-size:14px;margin-bottom:8px">${t('twd.store')}</legend>
            <div class="choice-row">
              ${TWD_OPTIONS.map(
                ([value, label]) =>
                  html`<label class="chip">
                    <input
                      type="radio"
                      name="twd"
                      value=${value}
                      .checked=${s.twdOption === value}
                      @change=${() => {
                        s.twdOption = value;
                        session.set('twdOption', value);
                        app.rerender();
                      }}
                    />${t(label)}
                  </label>`,
              )}
            </div>
          </fieldset>`
        : nothing
    }
    ${s.createError ? html`<div class="alert alert-error" role="alert" style="margin:16px 0 0">${s.createError}</div>` : nothing}
    <div class="form-actions">
      <button
        class="btn btn-primary"
        type="submit"
        ?disabled=${s.creating || !s.checkout}
        data-testid="start-payment"
      >
        ${s.creating ? html`<span class="spinner" aria-hidden="true"></span> ${t('checkout.creating')}` : action}
      </button>
    </div>
  </form>`;
}

function bankAppHint(key: StringKey, query: string): TemplateResult {
  return html`<div class="hint">
    ${phoneIcon}
    <span
      ><a href="/bank-app${query}" target="_blank" rel="noopener" data-testid="bank-app-link"
        >${t(key)} ↗</a
      ></span
    >
  </div>`;
}

function methodPanel(): TemplateResult {
  const method = s.method;
  const currency = CURRENCY[method];
  const total = s.checkout?.totals[currency]?.total;
  const amount = total ? money(total, currency) : '';
  if (method === 'card') {
    if (!s.checkout) return html``;
    const failure = s.cardFailure;
    return html`${
        failure !== null
          ? html`<div class="alert alert-error" role="alert" data-testid="card-failed">
              <strong>${t('checkout.cardDeclined')}</strong>${failure ? html` ${failure}` : nothing}
              <div style="margin-top:10px">
                <button
                  class="btn btn-primary btn-small"
                  type="button"
                  @click=${() => {
                    s.cardFailure = null;
                    s.cardAttempt += 1;
                    app.rerender();
                  }}
                >
                  ${t('checkout.tryAgain')}
                </button>
              </div>
            </div>`
          : nothing
      }
      ${keyed(
        s.cardAttempt,
        html`<haipay-card-form
          class="pay-element"
          endpoint=${HAIPAY_ENDPOINT}
          order-ref=${s.checkout.orderRef}
          locale=${prefs.locale}
          theme=${elementTheme()}
          @haipay-succeeded=${(e: CustomEvent<{ orderId: string }>) => onPaid(e.detail.orderId)}
          @haipay-failed=${(e: CustomEvent<{ view: PaymentView }>) => {
            s.cardFailure = e.detail.view.failureReason ?? '';
            app.rerender();
          }}
        ></haipay-card-form>`,
      )}
      <div class="hint">
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
  if ((method === 'promptpay' || method === 'bank') && s.active?.method === method) {
    const tag =
      method === 'promptpay'
        ? html`<haipay-qr
            class="pay-element"
            endpoint=${HAIPAY_ENDPOINT}
            order-id=${s.active.orderId}
            locale=${prefs.locale}
            theme=${elementTheme()}
            @haipay-succeeded=${(e: CustomEvent<{ orderId: string }>) => onPaid(e.detail.orderId)}
            @haipay-new-qr=${() => void newQr()}
            @haipay-expired=${() => {
              s.activeExpired = true;
              app.rerender();
            }}
          ></haipay-qr>`
        : html`<haipay-bank-transfer
            class="pay-element"
            endpoint=${HAIPAY_ENDPOINT}
            order-id=${s.active.orderId}
            locale=${prefs.locale}
            theme=${elementTheme()}
            @haipay-succeeded=${(e: CustomEvent<{ orderId: string }>) => onPaid(e.detail.orderId)}
            @haipay-expired=${() => {
              s.activeExpired = true;
              app.rerender();
            }}
          ></haipay-bank-transfer>`;
    return html`${s.notice ? html`<div class="alert alert-info" role="status">${s.notice}</div>` : nothing}
      ${tag}
      ${
        s.activeExpired
          ? nothing
          : bankAppHint(
              method === 'promptpay' ? 'checkout.bankApp' : 'checkout.bankAppTransfer',
              s.active.bankApp ?? '',
            )
      }
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
  const provider = t(LABEL[method]);
  const redirect = method === 'truemoney' || method === 'twd';
  return html`${contactForm(method, redirect ? t('checkout.payWith', { provider }) : t('checkout.pay', { amount }))}
  ${redirect ? html`<p class="muted" style="font-size:14px;margin:12px 0 0">${t('checkout.redirectNote', { provider })}</p>` : nothing}`;
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
      <section class="panel" aria-labelledby="method-title">
        <h2 id="method-title">${t('checkout.method')}</h2>
        <fieldset class="methods">
          <legend class="sr-only">${t('checkout.method')}</legend>
          ${METHODS.map((m) => {
            const currency = CURRENCY[m];
            const total = s.checkout?.totals[currency]?.total;
            return html`<label class="method" data-method=${m}>
              <input
                type="radio"
                name="method"
                value=${m}
                .checked=${s.method === m}
                @change=${() => setMethod(m)}
              />
              ${methodIcon(ICON[m])}
              <span class="label">${t(LABEL[m])}</span>
              <span class="desc">${t(`${LABEL[m]}.desc` as StringKey)}</span>
              <span class="amt">${total ? money(total, currency) : '\u00a0'}</span>
            </label>`;
          })}
        </fieldset>
        <div data-testid="method-panel">${methodPanel()}</div>
      </section>
      <div class="summary-col">${summary()}</div>
    </div>`;
}

/** Called when the shop's theme or language changes nothing here; kept for symmetry with admin. */
export function resetCheckoutPaid(): void {
  s.paid = null;
}
