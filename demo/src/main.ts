/**
 * Saeng Coffee Roasters — the HaiPay checkout kit's demo storefront. The payment UI is the kit's custom
 * elements, used by tag only (`<haipay-card-form>`, `<haipay-qr>`, `<haipay-bank-transfer>`); this file
 * only registers them, then routes between the shop's pages.
 */
import '@haipay-kit/elements/card-form';
import '@haipay-kit/elements/qr';
import '@haipay-kit/elements/bank-transfer';
import './fonts.js';
import './styles.css';
import { html, nothing, render } from 'lit';
import { app } from './app.js';
import { cartDrawer, footer, header, type Route } from './layout.js';
import { adminPage, leaveAdmin } from './pages/admin.js';
import { checkoutPage, resetCheckoutPaid } from './pages/checkout.js';
import { returnPage } from './pages/return.js';
import { shopPage } from './pages/shop.js';
import { subscribePage } from './pages/subscribe.js';
import { onChange, prefs } from './state.js';

function currentRoute(): Route {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  if (path === '/checkout') return 'checkout';
  if (path === '/subscribe') return 'subscribe';
  if (path === '/return') return 'return';
  if (path === '/admin') return 'admin';
  return 'shop';
}

const root = document.getElementById('app')!;
let lastRoute: Route | null = null;

function draw(): void {
  const route = currentRoute();
  if (lastRoute === 'admin' && route !== 'admin') leaveAdmin();
  if (lastRoute === 'checkout' && route !== 'checkout') resetCheckoutPaid();
  lastRoute = route;
  document.documentElement.lang = prefs.locale;
  document.documentElement.dataset.theme = prefs.theme;
  const page =
    route === 'checkout'
      ? checkoutPage()
      : route === 'subscribe'
        ? subscribePage()
        : route === 'return'
          ? returnPage()
          : route === 'admin'
            ? adminPage()
            : shopPage();
  render(
    html`${header(route)}
      <main id="main" tabindex="-1" data-route=${route}>${page}</main>
      ${footer()} ${cartDrawer()}
      ${app.toast ? html`<div class="toast" role="status">${app.toast}</div>` : nothing}`,
    root,
  );
}

app.setRenderer(draw);
onChange(draw);
window.addEventListener('popstate', draw);
draw();
void app.loadCatalog();
