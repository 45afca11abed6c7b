/** Header (brand, navigation, language and theme switches, cart), footer and the cart drawer. */
import { html, nothing, type TemplateResult } from 'lit';
import { ref } from 'lit/directives/ref.js';
import { app, displayCurrency, money, priceOf, t } from './app.js';
import { logoMark } from './art.js';
import { LOCALES, isLocale, type Locale } from './i18n.js';
import { productDisplay } from './products.js';
import { cart, prefs, THEMES, type ShopTheme } from './state.js';

export type Route = 'shop' | 'checkout' | 'subscribe' | 'return' | 'admin';

const link = (e: Event): void => {
  const a = (e.currentTarget as HTMLAnchorElement) ?? null;
  if (!a || (e as MouseEvent).metaKey || (e as MouseEvent).ctrlKey || (e as MouseEvent).button === 1) return;
  e.preventDefault();
  app.navigate(a.getAttribute('href') ?? '/');
};

export { link };

export function header(route: Route): TemplateResult {
  const nav = (href: string, r: Route, label: string, onClick = link) =>
    html`<a href=${href} @click=${onClick} aria-current=${route === r ? 'page' : 'false'}>${label}</a>`;
  return html`
    <a class="skip-link" href="#main">${t('nav.skip')}</a>
    <aside class="sandbox-ribbon" aria-label=${t('nav.sandboxNote')}>${t('footer.sandbox')}</aside>
    <header class="site-header">
      <div class="inner">
        <a class="brand" href="/" @click=${link}>${logoMark()}<span class="name">${t('shop.name')}</span></a>
        <nav class="site-nav" aria-label=${t('nav.main')}>
          ${nav('/', 'shop', t('nav.shop'))} ${nav('/subscribe', 'subscribe', t('nav.subscribe'))}
          ${nav('/admin', 'admin', t('nav.admin'))}
        </nav>
        <!-- Under 900 px the links above are hidden; the same links behind a Menu button instead. -->
        <details class="nav-menu" data-testid="nav-menu">
          <summary>${t('nav.menu')}</summary>
          <nav aria-label=${t('nav.menu')}>
            ${nav('/', 'shop', t('nav.shop'), menuLink)}
            ${nav('/subscribe', 'subscribe', t('nav.subscribe'), menuLink)}
            ${nav('/admin', 'admin', t('nav.admin'), menuLink)}
          </nav>
        </details>
        <div class="header-tools">
          <label class="select-wrap">
            <span class="sr-only">${t('nav.language')}</span>
            <select
              data-testid="locale"
              @change=${(e: Event) => {
                const v = (e.target as HTMLSelectElement).value;
                if (isLocale(v)) prefs.locale = v;
              }}
            >
              ${LOCALES.map(
                (l: Locale) =>
                  html`<option value=${l} ?selected=${prefs.locale === l}>${t(`lang.${l}`)}</option>`,
              )}
            </select>
          </label>
          <label class="select-wrap">
            <span class="sr-only">${t('nav.theme')}</span>
            <select
              data-testid="theme"
              @change=${(e: Event) => {
                prefs.theme = (e.target as HTMLSelectElement).value as ShopTheme;
              }}
            >
              ${THEMES.map(
                (th) =>
                  html`<option value=${th} ?selected=${prefs.theme === th}>${t(`theme.${th}`)}</option>`,
              )}
            </select>
          </label>
          ${
            route === 'admin'
              ? nothing
              : html`<button
                  class="cart-btn"
                  type="button"
                  data-testid="cart-button"
                  aria-haspopup="dialog"
                  @click=${() => {
                    app.cartOpen = true;
                    app.toast = ''; // it would sit over the drawer's Checkout button
                    app.rerender();
                  }}
                >
                  <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
                    <path
                      d="M6 6h15l-1.5 9h-12zM6 6 5 3H2M9 20a1 1 0 1 0 0-2 1 1 0 0 0 0 2zm9 0a1 1 0 1 0 0-2 1 1 0 0 0 0 2z"
                      fill="none"
                      stroke="currentColor"
                      stroke-width="2"
                      stroke-linejoin="round"
                    />
                  </svg>
                  <span class="label">${t('nav.cart')}</span>
                  <span class="count" aria-hidden="true">${cart.count}</span>
                  <span class="sr-only">${t('cart.count', { count: cart.count })}</span>
                </button>`
          }
        </div>
      </div>
    </header>
  `;
}

/** A link of the phone menu: folds the menu away, then follows the link. */
function menuLink(e: Event): void {
  (e.currentTarget as Element).closest('details')?.removeAttribute('open');
  link(e);
}

export function footer(): TemplateResult {
  return html`<footer class="site-footer">
    <div class="inner">
      <span>© Saeng Coffee Roasters · Charoen Krung, Bangkok</span>
      <span>${t('footer.made')} · <a href="/admin" @click=${link}>${t('nav.admin')}</a></span>
    </div>
  </footer>`;
}

/* eslint-disable lit-a11y/click-events-have-key-events -- a click on the dialog itself is one on its
   backdrop; the keyboard's way out is Escape, which the modal <dialog> handles natively. */
export function cartDrawer(): TemplateResult | typeof nothing {
  if (!app.cartOpen) return nothing;
  const currency = displayCurrency();
  // A modal <dialog>: the page behind is inert (focus stays in the drawer), Escape closes it, and
  // closing it hands focus back to the cart button.
  const close = () => {
    if (!app.cartOpen) return;
    app.cartOpen = false;
    app.rerender();
    document.querySelector<HTMLElement>('[data-testid=cart-button]')?.focus();
  };
  // Lit hands the element over before it is in the document; showModal() needs it there.
  const opened = (el: Element | undefined) => {
    if (el instanceof HTMLDialogElement)
      queueMicrotask(() => {
        if (el.isConnected && !el.open) el.showModal();
      });
  };
  let subtotal = 0;
  const lines = cart.lines.map((line) => {
    const p = productDisplay(line.id);
    const unit = priceOf(line.id, currency);
    if (unit) subtotal += Number(unit) * line.qty;
    const name = p?.name[prefs.locale] ?? line.id;
    return html`<li class="cart-line">
      <div class="thumb">${p?.art()}</div>
      <div>
        <div class="name">${name}</div>
        <div class="muted" style="font-size:13px">${p?.size}</div>
        <div class="stepper">
          <button
            type="button"
            aria-label=${t('cart.decrease', { name })}
            @click=${() => cart.set(line.id, line.qty - 1)}
          >
            −
          </button>
          <output aria-live="polite">${line.qty}</output>
          <button
            type="button"
            aria-label=${t('cart.increase', { name })}
            @click=${() => cart.set(line.id, line.qty + 1)}
          >
            +
          </button>
        </div>
      </div>
      <div class="price">${unit ? money(Number(unit) * line.qty, currency) : ''}</div>
    </li>`;
  });
  return html`
    <dialog
      class="drawer"
      aria-labelledby="cart-title"
      data-testid="cart-drawer"
      ${ref(opened)}
      @close=${close}
      @click=${(e: MouseEvent) => e.target === e.currentTarget && close()}
    >
      <div class="drawer-head">
        <h2 id="cart-title">${t('cart.title')}</h2>
        <button class="icon-btn" type="button" aria-label=${t('cart.close')} @click=${close}>✕</button>
      </div>
      ${
        cart.count === 0
          ? html`<p class="empty">${t('cart.empty')}</p>`
          : html`<ul class="lines">
              ${lines}
            </ul>`
      }
      <div class="drawer-foot">
        ${
          cart.count === 0
            ? html`<button class="btn btn-primary btn-block" type="button" @click=${close}>
                ${t('cart.continue')}
              </button>`
            : html`<div class="row">
                  <span class="muted">${t('cart.subtotal')}</span>
                  <strong class="price">${money(subtotal, currency)}</strong>
                </div>
                <a
                  class="btn btn-primary btn-block"
                  href="/checkout"
                  data-testid="checkout-link"
                  @click=${link}
                  >${t('cart.checkout')} →</a
                >`
        }
      </div>
    </dialog>
  `;
}
/* eslint-enable lit-a11y/click-events-have-key-events */
