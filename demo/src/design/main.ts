/**
 * The design-review page, `/design`: every HaiPay element in every state side by side, switchable live
 * between English, Thai and Traditional Chinese, the light, dark and brand themes, and a desktop or
 * 375 px frame (in a window that narrow, each state fills the width as on a phone; a desktop window
 * offers to open one), with the `--haipay-*` tokens editable on the page.
 *
 * Each state's element talks to the demo server's fake companion, `/design-api/<state>` (answers fixed
 * by demo/src/design/scenarios.ts), through the elements' public contract only: attributes and
 * properties, the endpoint's answers, and — for the card form's submit states — the keystrokes and the
 * press on Pay a shopper would make, through the documented `input-<field>` and `submit-button` parts.
 *
 * The choices are also read from the address (`?locale=th&theme=dark&width=375&state=qr-pending`), so
 * a review link (and the visual regression suite, test/design/) opens one exact combination.
 */
import '@haipay-kit/elements/card-form';
import '@haipay-kit/elements/qr';
import '@haipay-kit/elements/bank-transfer';
import '@haipay-kit/elements/checkout';
import '../fonts.js';
import '../styles.css';
import './design.css';
import { html, nothing, render, type TemplateResult } from 'lit';
import { isLocale, LOCALES, type Locale } from '../i18n.js';
import { THEMES, prefs, type ShopTheme } from '../state.js';
import { subscriptionPanel } from '../pages/subscribe.js';
import {
  DESIGN_NOW,
  DESIGN_STATES,
  designOrderId,
  type DesignElement,
  type DesignState,
} from './scenarios.js';
import { TOKENS, tokenName, type Token } from './tokens.js';
import { driveCardForm } from './drive.js';

const WIDTHS = ['desktop', '375'] as const;
type Width = (typeof WIDTHS)[number];

const SECTIONS: { element: DesignElement; title: string; tag: string }[] = [
  { element: 'checkout', title: 'Checkout', tag: 'haipay-checkout' },
  { element: 'card', title: 'Card form', tag: 'haipay-card-form' },
  { element: 'qr', title: 'PromptPay QR', tag: 'haipay-qr' },
  { element: 'bank', title: 'Bank transfer', tag: 'haipay-bank-transfer' },
  { element: 'subscription', title: 'Subscription (the demo shop’s panel)', tag: '' },
];

const query = new URLSearchParams(location.search);
const pick = <T extends string>(name: string, list: readonly T[], fallback: T): T => {
  const v = query.get(name);
  return v !== null && (list as readonly string[]).includes(v) ? (v as T) : fallback;
};

const view = {
  locale: (isLocale(query.get('locale')) ? query.get('locale') : prefs.locale) as Locale,
  theme: pick<ShopTheme>('theme', THEMES, prefs.theme),
  width: pick<Width>('width', WIDTHS, 'desktop'),
  /** One state only (a review link, or the visual suite), else all. */
  only: query.get('state') ?? '',
  /** Token values the reviewer typed, by custom property name. */
  tokens: new Map<string, string>(),
};

/** Bumped whenever the frames must be drawn afresh (a locale or theme change restarts each state). */
let generation = 0;

function shown(): DesignState[] {
  return DESIGN_STATES.filter((s) => !view.only || s.id === view.only);
}

function elementFor(state: DesignState): TemplateResult {
  const theme = view.theme === 'dark' ? 'dark' : 'light';
  const endpoint = `/design-api/${state.id}`;
  const orderId = state.status || state.offline ? designOrderId(state) : '';
  // A long first poll interval: the fake companion's answer never changes, so there is nothing to poll for.
  const poll = 600_000;
  switch (state.element) {
    case 'card':
      return html`<haipay-card-form
        endpoint=${endpoint}
        card-mode="direct"
        order-ref="cart_design"
        order-id=${orderId || nothing}
        locale=${view.locale}
        theme=${theme}
        .pollInterval=${poll}
      ></haipay-card-form>`;
    case 'qr':
      return html`<haipay-qr
        endpoint=${endpoint}
        order-id=${orderId}
        locale=${view.locale}
        theme=${theme}
        .pollInterval=${poll}
      ></haipay-qr>`;
    case 'bank':
      return html`<haipay-bank-transfer
        endpoint=${endpoint}
        order-id=${orderId}
        locale=${view.locale}
        theme=${theme}
        .pollInterval=${poll}
      ></haipay-bank-transfer>`;
    case 'subscription':
      return subscriptionPanel(
        {
          subscriptionId: designOrderId(state),
          status: state.subscription ?? 'active',
          amount: '18.00',
          currency: 'USD',
          subject: 'Roaster’s Choice, monthly',
          deductions: [
            {
              at: new Date(DESIGN_NOW - 30 * 86_400_000).toISOString(),
              amount: '18.00',
              currency: 'USD',
              status: 'succeeded',
              orderNo: 'HP2602120000001',
            },
          ],
        },
        {
          cancelling: false,
          confirming: state.confirming ?? false,
          error: '',
          onCancel: () => undefined,
          onConfirm: () => undefined,
          onKeep: () => undefined,
          onStart: () => undefined,
        },
      );
    case 'checkout':
      return html`<haipay-checkout
        endpoint=${endpoint}
        order-ref="cart_design"
        method=${state.method ?? nothing}
        locale=${view.locale}
        theme=${theme}
      ></haipay-checkout>`;
  }
}

function frame(state: DesignState): TemplateResult {
  return html`<li class="frame" data-state=${state.id} data-generation=${generation}>
    <p class="caption" id="caption-${state.id}">${state.label} <code>${state.id}</code></p>
    <div class="canvas" role="group" aria-labelledby="caption-${state.id}">${elementFor(state)}</div>
  </li>`;
}

function section(s: (typeof SECTIONS)[number]): TemplateResult | typeof nothing {
  const states = shown().filter((st) => st.element === s.element);
  if (!states.length || (s.tag && !customElements.get(s.tag))) return nothing;
  return html`<section class="element" aria-labelledby="section-${s.element}">
    <h2 id="section-${s.element}">${s.title} ${s.tag ? html`<code>&lt;${s.tag}&gt;</code>` : nothing}</h2>
    <ul class="frames">
      ${states.map(frame)}
    </ul>
  </section>`;
}

function tokenInput(token: Token): TemplateResult {
  const name = tokenName(token, view.theme);
  const value =
    view.tokens.get(name) ?? getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  const id = `token-${token.name}`;
  const onInput = (e: Event) => {
    const v = (e.target as HTMLInputElement).value;
    view.tokens.set(name, v);
    document.documentElement.style.setProperty(name, v);
  };
  return html`<div class="token">
    <label for=${id}><code>${name}</code></label>
    ${
      token.kind === 'color'
        ? html`<input id=${id} type="color" .value=${toHex(value)} @input=${onInput} />`
        : html`<input id=${id} type="text" .value=${value} @change=${onInput} spellcheck="false" />`
    }
  </div>`;
}

/** `<input type=color>` takes only `#rrggbb`. */
function toHex(value: string): string {
  if (/^#[0-9a-f]{6}$/i.test(value)) return value;
  if (/^#[0-9a-f]{3}$/i.test(value)) return `#${[...value.slice(1)].map((c) => c + c).join('')}`;
  return '#000000';
}

function resetTokens(): void {
  for (const name of view.tokens.keys()) document.documentElement.style.removeProperty(name);
  view.tokens.clear();
  draw();
}

function choose<K extends 'locale' | 'theme' | 'width'>(key: K, value: (typeof view)[K]): void {
  view[key] = value;
  if (key === 'locale') prefs.locale = value as Locale;
  if (key === 'theme') prefs.theme = value as ShopTheme;
  const url = new URL(location.href);
  url.searchParams.set(key, value);
  history.replaceState(null, '', url);
  generation++;
  draw();
}

function radios<T extends string>(
  legend: string,
  name: 'locale' | 'theme' | 'width',
  list: readonly T[],
  current: T,
  label: (v: T) => string,
): TemplateResult {
  return html`<fieldset class="choice">
    <legend>${legend}</legend>
    ${list.map(
      (v) =>
        html`<label
          ><input
            type="radio"
            name=${name}
            .value=${v}
            .checked=${v === current}
            @change=${() => choose(name, v as never)}
          />
          ${label(v)}</label
        >`,
    )}
  </fieldset>`;
}

const LANGUAGE = { en: 'English', th: 'ไทย', 'zh-TW': '繁體中文' } as const;

/**
 * In a desktop window the 375 px choice only narrows the frames; the elements' own media queries still
 * see the desktop window. This opens the same view in a window 375 px wide, where they see a phone.
 */
function phoneWindowLink(): TemplateResult {
  return html`<a
    class="phone-window"
    href=${location.href}
    target="haipay-design-375"
    @click=${(e: Event) => {
      e.preventDefault();
      window.open(location.href, 'haipay-design-375', 'popup,width=375,height=812');
    }}
    >Open in a 375 px window ↗</a
  >`;
}

function draw(): void {
  document.documentElement.lang = view.locale;
  document.documentElement.dataset.theme = view.theme;
  document.documentElement.dataset.width = view.width;
  render(
    html`<header class="design-bar">
        <h1>HaiPay elements — design review</h1>
        <form class="choices" @submit=${(e: Event) => e.preventDefault()}>
          ${radios('Language', 'locale', LOCALES, view.locale, (v) => LANGUAGE[v])}
          ${radios('Theme', 'theme', THEMES, view.theme, (v) => v)}
          ${radios('Width', 'width', WIDTHS, view.width, (v) => (v === 'desktop' ? 'Desktop' : '375 px'))}
          ${view.width === '375' && window.innerWidth > 480 ? phoneWindowLink() : nothing}
        </form>
        <details class="tokens">
          <summary>Tokens (<code>--haipay-*</code>)</summary>
          <div class="token-grid">${TOKENS.map(tokenInput)}</div>
          <button type="button" class="btn btn-ghost btn-small" @click=${resetTokens}>Reset tokens</button>
        </details>
      </header>
      <main id="main">${SECTIONS.map(section)}</main>`,
    document.getElementById('app')!,
  );
  void settle(generation);
}

/** Brings each card-form submit state to its state (once), then marks the page ready for this drawing. */
async function settle(gen: number): Promise<void> {
  document.documentElement.removeAttribute('data-ready');
  await Promise.all(
    shown().map(async (state) => {
      const el = document.querySelector<HTMLElement & { updateComplete?: Promise<unknown> }>(
        `[data-state="${state.id}"] .canvas > *`,
      );
      await el?.updateComplete;
      if (state.action && el && !el.dataset.driven) {
        // Once: a driven form keeps its state through later locale, theme and width changes.
        el.dataset.driven = 'true';
        await driveCardForm(el, state.action);
      }
    }),
  );
  await document.fonts.ready;
  if (gen === generation) document.documentElement.dataset.ready = 'true';
}

draw();
