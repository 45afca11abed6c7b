import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
// Only the drop-in: the three tags it shows must arrive through its own lazy imports.
import '../src/checkout/checkout.register.js';
import type { HaiPayCheckout } from '../src/checkout/checkout.js';
import type { HaiPayMethodChangeDetail } from '../src/events.js';
import { $, companion, sendKeys, text, view } from './helpers.js';

/** Lazy chunks are compiled on first request by the dev server: slow on a loaded machine. */
const WAIT = { timeout: 5000 };

const OFFERS = [
  { method: 'card', amount: '27.00', currency: 'USD' },
  { method: 'promptpay', amount: '970.00', currency: 'THB' },
  { method: 'bank-transfer', amount: '970.00', currency: 'THB' },
  { method: 'twd-store-ibon', amount: '900', currency: 'TWD' },
];

/** A companion answering `GET /methods` with `offers` (and whatever else the test scripts). */
async function shop(script: Parameters<typeof companion>[0] = {}) {
  return companion({ methods: { body: { methods: OFFERS } }, ...script });
}

async function checkout(endpoint: string, attrs: Record<string, string> = {}) {
  const el = document.createElement('haipay-checkout');
  for (const [k, v] of Object.entries({ 'order-ref': 'cart-1', ...attrs })) el.setAttribute(k, v);
  el.endpoint = endpoint;
  const host = await fixture<HTMLDivElement>(html`<div></div>`);
  host.append(el);
  await waitUntil(
    () =>
      el.shadowRoot?.querySelector('fieldset, [role=alert]') ||
      el.shadowRoot?.textContent?.includes('No payment method'),
    'methods loaded',
    WAIT,
  );
  await el.updateComplete;
  return el;
}

const radios = (el: HaiPayCheckout) => [
  ...el.shadowRoot!.querySelectorAll<HTMLInputElement>('input[type=radio]'),
];
const checked = (el: HaiPayCheckout) => radios(el).find((r) => r.checked)?.value;
const panel = (el: HaiPayCheckout) => $(el, '[part~=panel]').firstElementChild;

describe('<haipay-checkout>', () => {
  beforeEach(() => localStorage.clear());

  it('is accessible while loading', async () => {
    // No endpoint yet: nothing is asked, the element shows it is loading.
    const loading = await fixture<HaiPayCheckout>(
      html`<haipay-checkout order-ref="cart-1"></haipay-checkout>`,
    );
    expect(text(loading, '[part~=status]')).to.equal('Loading payment methods…');
    await expect(loading).to.be.accessible();
  });

  it('is accessible with its methods', async () => {
    const el = await checkout((await shop()).endpoint);
    expect(radios(el)).to.have.length(4);
    await expect(el).to.be.accessible();
  });

  it('is accessible, and says so, when no method is available', async () => {
    const empty = await checkout((await companion({ methods: { body: { methods: [] } } })).endpoint);
    expect(text(empty, '[part~=status]')).to.equal('No payment method is available for this order.');
    await expect(empty).to.be.accessible();
  });

  it('is accessible, and says so, when the methods cannot be loaded', async () => {
    const refused = await companion({
      methods: { status: 400, body: { error: { type: 'order_rejected', message: 'Unknown cart.' } } },
    });
    const failed = await checkout(refused.endpoint);
    expect(text(failed, '[role=alert]')).to.equal('We could not load the payment methods.');
    await expect(failed).to.be.accessible();
  });

  it('lists each method with its price, asks for this order, and loads only the chosen method’s element', async () => {
    const c = await shop();
    const el = await checkout(c.endpoint);
    const labels = [...el.shadowRoot!.querySelectorAll('[part~=method]')].map((l) => l.textContent);
    expect(labels.slice(0, 3)).to.deep.equal(['CardUS$27.00', 'PromptPay฿970.00', 'Bank transfer฿970.00']);
    expect(labels[3]).to.match(/^7-ELEVEN ibonNT\$900$/);
    const [req] = await c.requests();
    expect(req).to.include({ method: 'GET', path: '/methods', query: 'orderRef=cart-1' });
    // English: card by default; its form is here, the QR and bank-transfer code is not downloaded.
    expect(checked(el)).to.equal('card');
    await waitUntil(() => customElements.get('haipay-card-form'), 'card form loaded', WAIT);
    const form = panel(el)!;
    expect(form.localName).to.equal('haipay-card-form');
    expect(form.getAttribute('order-ref')).to.equal('cart-1');
    expect(form.getAttribute('currency')).to.equal('USD');
    expect(form.getAttribute('endpoint')).to.equal(c.endpoint);
    expect(customElements.get('haipay-qr')).to.equal(undefined);
    expect(customElements.get('haipay-bank-transfer')).to.equal(undefined);
  });

  it('is one tab stop; arrow keys choose, and the choice fires haipay-method-change', async () => {
    const before = await fixture<HTMLButtonElement>(html`<button>before</button>`);
    const c = await shop();
    const el = await checkout(c.endpoint);
    const changes: HaiPayMethodChangeDetail[] = [];
    document.addEventListener('haipay-method-change', (e) => changes.push(e.detail));
    before.focus();
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement).to.equal(radios(el)[0]);
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(radios(el)[1]);
    expect(checked(el)).to.equal('promptpay');
    expect(el.method).to.equal('promptpay');
    expect(changes.at(-1)).to.deep.equal({ method: 'promptpay', amount: '970.00', currency: 'THB' });
    // The next Tab leaves the group: the radios are one stop, the pay button is next.
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement).to.equal($(el, '[part~=pay-button]'));
    expect(text(el, '[part~=pay-button]')).to.equal('Pay ฿970.00 with PromptPay');
    radios(el)[1]!.focus();
    await sendKeys({ press: 'ArrowUp' });
    await el.updateComplete;
    expect(checked(el)).to.equal('card');
  });

  it('takes a PromptPay payment from the keyboard; the inner element’s events bubble unchanged', async () => {
    const paid = view({ orderId: 'hp_checkout_1', amount: '970.00', status: 'succeeded' });
    const c = await shop({
      post: [{ status: 201, body: view({ orderId: 'hp_checkout_1', amount: '970.00' }) }],
      orders: { hp_checkout_1: { views: [view({ orderId: 'hp_checkout_1', amount: '970.00' }), paid] } },
    });
    const el = await checkout(c.endpoint, { method: 'promptpay' });
    const seen: Event[] = [];
    const origins: EventTarget[] = [];
    for (const name of ['haipay-created', 'haipay-succeeded'])
      document.addEventListener(name, (e) => seen.push(e) && origins.push(e.composedPath()[0]!), {
        once: true,
      });
    $(el, '[part~=pay-button]').focus();
    const succeeded = oneEvent(el, 'haipay-succeeded');
    await sendKeys({ press: 'Enter' });
    const event = await succeeded;
    expect(event.detail.orderId).to.equal('hp_checkout_1');
    const qr = panel(el)!;
    expect(qr.localName).to.equal('haipay-qr');
    expect(seen.map((e) => e.type)).to.deep.equal(['haipay-created', 'haipay-succeeded']);
    // The same event object the QR dispatched reaches the page (bubbles, composed).
    expect(seen[1] === event, 'the same event object').to.equal(true);
    expect(origins[0] === qr && origins[1] === qr, 'dispatched by the QR').to.equal(true);
    const post = (await c.requests()).find((r) => r.method === 'POST')!;
    expect(post.body).to.deep.equal({ method: 'promptpay', orderRef: 'cart-1' });
    // Switching away and back shows the same payment, not a new one.
    radios(el)[0]!.click();
    await el.updateComplete;
    radios(el)[1]!.click();
    await el.updateComplete;
    expect(panel(el)!.getAttribute('order-id')).to.equal('hp_checkout_1');
    expect((await c.requests()).filter((r) => r.method === 'POST')).to.have.length(1);
  });

  it('starts a bank transfer and shows its account details', async () => {
    const bank = view({
      orderId: 'hp_bank_1',
      method: 'bank-transfer',
      amount: '970.00',
      next: { type: 'bank', bankNo: '1234567890', bankCode: 'THB_VA', accountName: 'Saeng Coffee' },
    });
    const c = await shop({ post: [{ status: 201, body: bank }], orders: { hp_bank_1: { views: [bank] } } });
    const el = await checkout(c.endpoint, { method: 'bank-transfer' });
    $(el, '[part~=pay-button]').click();
    await waitUntil(() => panel(el)?.localName === 'haipay-bank-transfer', 'bank transfer shown', WAIT);
    const transfer = panel(el)!;
    await waitUntil(() => transfer.shadowRoot?.querySelector('#account-number'), 'account shown', WAIT);
    expect(transfer.shadowRoot!.querySelector('#account-number')!.textContent).to.contain('123-4-56789-0');
  });

  it('opens HaiPay’s page for a store payment: haipay-created, then a cancelable haipay-redirect', async () => {
    const store = view({
      orderId: 'hp_store_1',
      method: 'twd-store-ibon',
      amount: '900',
      currency: 'TWD',
      next: { type: 'redirect', url: 'https://pay.haipay.example/ibon/1' },
    });
    const c = await shop({ post: [{ status: 201, body: store }] });
    const el = await checkout(c.endpoint, { method: 'twd-store' });
    expect(checked(el)).to.equal('twd-store-ibon');
    // The store is where the shopper pays, with a code from HaiPay's page.
    expect(text(el, '[part~=pay-button]')).to.equal('Pay NT$900 at 7-ELEVEN ibon');
    const created = oneEvent(el, 'haipay-created');
    const redirect = oneEvent(el, 'haipay-redirect');
    el.addEventListener('haipay-redirect', (e) => e.preventDefault(), { once: true });
    $(el, '[part~=pay-button]').click();
    expect((await created).detail.orderId).to.equal('hp_store_1');
    const r = await redirect;
    expect(r.detail).to.deep.equal({ orderId: 'hp_store_1', url: 'https://pay.haipay.example/ibon/1' });
    expect(r.cancelable).to.equal(true);
    expect(text(el, '[part~=panel] [part~=status]')).to.equal('Opening 7-ELEVEN ibon…');
  });

  it('sends the shopper to HaiPay’s card page when the companion takes cards there (hosted)', async () => {
    const hosted = view({
      orderId: 'hp_card_hosted',
      method: 'card',
      amount: '27.00',
      currency: 'USD',
      next: { type: 'redirect', url: 'https://pay.haipay.example/card/1' },
    });
    const c = await companion({
      methods: { body: { methods: [{ method: 'card', amount: '27.00', currency: 'USD', hosted: true }] } },
      post: [{ status: 201, body: hosted }],
    });
    const el = await checkout(c.endpoint);
    expect(panel(el)!.localName).to.equal('button');
    expect(text(el, '[part~=pay-button]')).to.equal('Pay US$27.00 with Card');
    const redirect = oneEvent(el, 'haipay-redirect');
    el.addEventListener('haipay-redirect', (e) => e.preventDefault(), { once: true });
    $(el, '[part~=pay-button]').click();
    expect((await redirect).detail.url).to.equal('https://pay.haipay.example/card/1');
    const post = (await c.requests()).find((r) => r.method === 'POST')!;
    expect(post.body).to.deep.equal({ method: 'card', orderRef: 'cart-1' });
  });

  it('refuses a payment page that is not a web page, and says so', async () => {
    const c = await shop({
      post: [
        {
          status: 201,
          body: view({
            orderId: 'hp_js',
            method: 'twd-store-ibon',
            next: { type: 'redirect', url: 'javascript:alert(1)' },
          }),
        },
      ],
    });
    const el = await checkout(c.endpoint, { method: 'twd-store-ibon' });
    let redirected = false;
    el.addEventListener('haipay-redirect', () => (redirected = true));
    const error = oneEvent(el, 'haipay-error');
    $(el, '[part~=pay-button]').click();
    expect((await error).detail.type).to.equal('unsafe_redirect');
    await el.updateComplete;
    expect(redirected).to.equal(false);
    expect(text(el, '[role=alert]')).to.equal('Something went wrong. Please try again.');
    expect(text(el, '[part~=pay-button]')).to.contain('7-ELEVEN ibon');
  });

  it('preselects `method`, restricts to `methods`, and falls back when the preselection is not offered', async () => {
    const c = await shop();
    const pre = await checkout(c.endpoint, { method: 'bank-transfer' });
    expect(checked(pre)).to.equal('bank-transfer');
    const only = await checkout(c.endpoint, { methods: 'promptpay, twd-store-ibon', method: 'card' });
    expect(radios(only).map((r) => r.value)).to.deep.equal(['promptpay', 'twd-store-ibon']);
    expect(checked(only)).to.equal('promptpay');
    expect(only.method).to.equal('promptpay');
    only.methods = ['twd-store-ibon'];
    await only.updateComplete;
    await only.updateComplete;
    expect(radios(only).map((r) => r.value)).to.deep.equal(['twd-store-ibon']);
  });

  it('defaults by locale: PromptPay in Thai, a Taiwanese store in Chinese, card otherwise', async () => {
    const c = await shop();
    expect(checked(await checkout(c.endpoint, { locale: 'th' }))).to.equal('promptpay');
    expect(checked(await checkout(c.endpoint, { locale: 'zh-TW' }))).to.equal('twd-store-ibon');
    expect(checked(await checkout(c.endpoint, { locale: 'en-US' }))).to.equal('card');
    // Without a Taiwanese store on offer, the first method.
    const noStore = await companion({ methods: { body: { methods: OFFERS.slice(1, 3) } } });
    expect(checked(await checkout(noStore.endpoint, { locale: 'zh-TW' }))).to.equal('promptpay');
  });

  it('remembers the last choice per endpoint across a reload, and ignores blocked storage', async () => {
    const c = await shop();
    const first = await checkout(c.endpoint, { locale: 'th' });
    radios(first)[2]!.click();
    await first.updateComplete;
    first.remove();
    // A new page load: a fresh element on the same endpoint shows the last choice over the locale's.
    expect(checked(await checkout(c.endpoint, { locale: 'th' }))).to.equal('bank-transfer');
    const other = await shop();
    expect(checked(await checkout(other.endpoint, { locale: 'th' }))).to.equal('promptpay');
    // The page's own `method` wins over the remembered one.
    expect(checked(await checkout(c.endpoint, { method: 'card' }))).to.equal('card');

    // Storage that throws on every call (blocked cookies, some private modes): the element goes on.
    const proto = Storage.prototype;
    const saved = Object.getOwnPropertyDescriptors(proto);
    const blocked = () => {
      throw new DOMException('blocked', 'SecurityError');
    };
    Object.defineProperty(proto, 'setItem', { configurable: true, value: blocked });
    Object.defineProperty(proto, 'getItem', { configurable: true, value: blocked });
    try {
      const el = await checkout(c.endpoint);
      expect(checked(el)).to.equal('card');
      radios(el)[1]!.click();
      await el.updateComplete;
      expect(checked(el)).to.equal('promptpay');
    } finally {
      Object.defineProperty(proto, 'setItem', saved.setItem);
      Object.defineProperty(proto, 'getItem', saved.getItem);
    }
  });

  it('shows an error with a retry when the methods cannot be loaded, and fires haipay-error', async () => {
    const c = await companion({
      methods: { status: 400, body: { error: { type: 'order_rejected', message: 'Unknown cart.' } } },
    });
    const errors: unknown[] = [];
    document.addEventListener('haipay-error', (e) => errors.push(e.detail), { once: true });
    const el = await checkout(c.endpoint);
    expect(errors).to.deep.equal([{ type: 'order_rejected', message: 'Unknown cart.' }]);
    await c.set({ methods: { body: { methods: OFFERS } } });
    el.shadowRoot!.querySelector('button')!.click();
    await waitUntil(() => radios(el).length === 4, 'retried', WAIT);
  });

  it('prices the card’s US dollars and the store’s Taiwan dollars apart, in every language', async () => {
    const c = await shop();
    for (const locale of ['en', 'th', 'zh-TW']) {
      const el = await checkout(c.endpoint, { locale });
      const prices = [...el.shadowRoot!.querySelectorAll('[part~=method-amount]')].map((p) => p.textContent);
      expect(prices, locale).to.deep.equal(['US$27.00', '฿970.00', '฿970.00', 'NT$900']);
    }
  });

  it('speaks Thai and Traditional Chinese', async () => {
    const c = await shop();
    const th = await checkout(c.endpoint, { locale: 'th' });
    expect(text(th, 'legend')).to.equal('วิธีชำระเงิน');
    expect(text(th, '[part~=pay-button]')).to.equal('ชำระ ฿970.00 ด้วยพร้อมเพย์');
    const zh = await checkout(c.endpoint, { locale: 'zh-TW' });
    expect(text(zh, 'legend')).to.equal('付款方式');
    expect(labelOf(zh, 'twd-store-ibon')).to.contain('7-ELEVEN ibon');
    expect(text(zh, '[part~=pay-button]')).to.contain('到7-ELEVEN ibon繳費');
    // The inner element gets the page's language.
    zh.method = 'card';
    await zh.updateComplete;
    expect(panel(zh)!.getAttribute('locale')).to.equal('zh-TW');
  });

  it('passes the theme on and works in the dark', async () => {
    const c = await shop();
    const el = await checkout(c.endpoint, { theme: 'dark' });
    expect(panel(el)!.getAttribute('theme')).to.equal('dark');
    expect(getComputedStyle($(el, '[part~=base]')).backgroundColor).to.equal('rgb(22, 24, 29)');
    await expect(el).to.be.accessible();
  });
});

/** The label text of one method. */
function labelOf(checkout: HaiPayCheckout, method: string): string {
  const input = radios(checkout).find((r) => r.value === method)!;
  return input.closest('label')!.textContent ?? '';
}
