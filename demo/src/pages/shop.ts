/** The shop floor: hero, this week's roasts, and a nudge towards the subscription. */
import { html, nothing, type TemplateResult } from 'lit';
import { app, displayCurrency, money, priceOf, t } from '../app.js';
import { heroArt, logoMark } from '../art.js';
import { link } from '../layout.js';
import { PRODUCT_DISPLAY } from '../products.js';
import { cart, prefs } from '../state.js';

const flags = html`<span class="flags" aria-hidden="true">
  <svg class="flag" viewBox="0 0 9 6">
    <rect width="9" height="6" fill="#a51931" />
    <rect y="1" width="9" height="4" fill="#f4f5f8" />
    <rect y="2" width="9" height="2" fill="#2d2a4a" />
  </svg>
  <svg class="flag" viewBox="0 0 9 6">
    <rect width="9" height="6" fill="#fe0000" />
    <rect width="4.5" height="3" fill="#000095" />
    <circle cx="2.25" cy="1.5" r=".8" fill="#fff" />
  </svg>
  <svg class="flag" viewBox="0 0 19 10">
    <rect width="19" height="10" fill="#b22234" />
    <path d="M0 1.15h19M0 2.7h19M0 4.2h19M0 5.8h19M0 7.3h19M0 8.85h19" stroke="#fff" stroke-width=".77" />
    <rect width="7.6" height="5.4" fill="#3c3b6e" />
  </svg>
</span>`;

let lastAdded = '';

export function shopPage(): TemplateResult {
  const currency = displayCurrency();
  const add = (id: string, name: string) => {
    cart.add(id);
    lastAdded = id;
    app.showToast(`${t('product.added')}${t('punct.colon')}${name}`);
    setTimeout(() => {
      if (lastAdded === id) lastAdded = '';
      app.rerender();
    }, 1200);
  };
  return html`
    <section class="hero">
      <div>
        <span class="kicker">${t('hero.kicker')}</span>
        <h1>${t('hero.title')}</h1>
        <p>${t('hero.body')}</p>
        <div class="actions">
          <a class="btn btn-primary" href="#roasts">${t('hero.cta')}</a>
          <a class="btn btn-ghost" href="/subscribe" @click=${link}>${t('hero.sub')}</a>
        </div>
        <div class="ships">${flags} ${t('shop.ships')}</div>
      </div>
      ${heroArt()}
    </section>

    <section aria-labelledby="roasts-title" id="roasts">
      <div class="section-head">
        <h2 id="roasts-title">${t('products.title')}</h2>
      </div>
      ${app.catalogError ? html`<div class="alert alert-error" role="alert">${app.catalogError}</div>` : nothing}
      <ul class="product-grid">
        ${PRODUCT_DISPLAY.map((p) => {
          const name = p.name[prefs.locale];
          const price = priceOf(p.id, currency);
          return html`<li class="product" data-product=${p.id}>
            <div class="art">
              ${p.art()}${p.badge ? html`<span class="badge">${p.badge[prefs.locale]}</span>` : nothing}
            </div>
            <div class="body">
              <h3>${name}</h3>
              <span class="size">${p.size[prefs.locale]}</span>
              <p class="notes">${p.notes[prefs.locale]}</p>
              <div class="buy">
                <span class="price">${price ? money(price, currency) : '—'}</span>
                <button
                  class="btn btn-primary btn-small"
                  type="button"
                  data-testid="add-${p.id}"
                  aria-label="${t('product.add')}${t('punct.colon')}${name}"
                  ?disabled=${!price}
                  @click=${() => add(p.id, name)}
                >
                  ${lastAdded === p.id ? `✓ ${t('product.added')}` : t('product.add')}
                </button>
              </div>
            </div>
          </li>`;
        })}
      </ul>
    </section>

    <section class="promo" aria-labelledby="promo-title">
      <div class="mark">${logoMark()}</div>
      <div>
        <h2 id="promo-title">${t('sub.title')}</h2>
        <p>${t('sub.body')}</p>
      </div>
      <a class="btn btn-primary" href="/subscribe" @click=${link}>${t('sub.start')}</a>
    </section>
  `;
}
