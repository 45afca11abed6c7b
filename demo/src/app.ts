/** Shared plumbing of the storefront: translation shortcut, re-render, navigation, catalog, toasts. */
import { formatMoney } from '@haipay-kit/elements';
import { api, type Catalog, type Currency } from './api.js';
import { translate, type StringKey } from './i18n.js';
import { prefs } from './state.js';

let renderer: () => void = () => {};
let toastTimer: ReturnType<typeof setTimeout> | undefined;

export const app = {
  catalog: null as Catalog | null,
  catalogError: '',
  cartOpen: false,
  toast: '',
  setRenderer(fn: () => void): void {
    renderer = fn;
  },
  rerender(): void {
    renderer();
  },
  navigate(path: string, { replace = false } = {}): void {
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
    app.cartOpen = false;
    window.scrollTo({ top: 0 });
    renderer();
  },
  showToast(message: string): void {
    app.toast = message;
    renderer();
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      app.toast = '';
      renderer();
    }, 2200);
  },
  async loadCatalog(): Promise<void> {
    try {
      app.catalog = await api.catalog();
      app.catalogError = '';
    } catch (err) {
      app.catalogError = (err as Error).message;
    }
    renderer();
  },
};

export const t = (key: StringKey, params?: Record<string, string | number>): string =>
  translate(prefs.locale, key, params);

/** Money exactly as the checkout's elements show it (their own function): `NT$900`, `US$24.50`, `฿970.00`. */
export const money = (amount: string | number, currency: string): string =>
  formatMoney(amount, currency, prefs.locale);

/** The currency prices are shown in on the shop floor: the shopper's language decides. */
export function displayCurrency(): Currency {
  return prefs.locale === 'th' ? 'THB' : prefs.locale === 'zh-TW' ? 'TWD' : 'USD';
}

export function priceOf(id: string, currency: Currency): string | null {
  return app.catalog?.products.find((p) => p.id === id)?.prices[currency] ?? null;
}

/** The elements' own `theme` attribute for the shop theme (the brand theme is a light look). */
export function elementTheme(): 'light' | 'dark' {
  return prefs.theme === 'dark' ? 'dark' : 'light';
}

/**
 * HaiPay's hosted pages (card page, 3-D Secure, stores, wallets) in the shop's language: the sandbox
 * reads `?lang=` from the page address (docs/protocol.md §4), so the shop follows the elements'
 * cancelable `haipay-redirect` itself with the language added. The element has already checked the
 * address is a web page it may open.
 */
export function followInShopLanguage(e: CustomEvent<{ url: string }>): void {
  e.preventDefault();
  location.assign(withShopLanguage(e.detail.url));
}

/** A sandbox page's address with the shop's language (`/bank-app?payload=…` → `…&lang=th`). */
export function withShopLanguage(url: string): string {
  const u = new URL(url, location.href);
  u.searchParams.set('lang', prefs.locale);
  return u.origin === location.origin ? `${u.pathname}${u.search}` : u.href;
}
