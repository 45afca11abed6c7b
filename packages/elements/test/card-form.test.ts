import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { isFollowableUrl } from '@haipay-kit/protocol/rules';
import '../src/card-form/card-form.register.js';
import type { HaiPayCardForm } from '../src/card-form/card-form.js';
import en from '../src/translations/en.js';
import th from '../src/translations/th.js';
import zhTW from '../src/translations/zh-TW.js';
import type { Translation } from '../src/translations/en.js';
import { $, companion, sendKeys, text, view } from './helpers.js';

const NOW = Date.parse('2026-11-22T10:00:00.000Z');
const VALID = {
  name: 'Somchai Jaidee',
  email: 's@example.com',
  cardNumber: '4242424242424242',
  expiry: '12/30',
  cvv: '123',
};

// Direct mode (the card inputs), said explicitly: hosted mode is card-form-hosted.test.ts.
async function form(endpoint = '/__companion/none', locale = 'en') {
  const el = await fixture<HaiPayCardForm>(
    html`<haipay-card-form
      endpoint=${endpoint}
      card-mode="direct"
      order-ref="cart-123"
      locale=${locale}
      .clock=${() => NOW}
    ></haipay-card-form>`,
  );
  el.navigate = () => {
    throw new Error('unexpected navigation');
  };
  return el;
}

function input(el: HaiPayCardForm, field: string): HTMLInputElement {
  return $(el, `#${field}`) as HTMLInputElement;
}

/** Types a value as the browser would deliver it (input event), then leaves the field. */
async function fill(el: HaiPayCardForm, field: string, value: string): Promise<void> {
  const i = input(el, field);
  i.focus();
  i.value = value;
  i.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  i.dispatchEvent(new FocusEvent('blur'));
  await el.updateComplete;
}

async function fillAll(el: HaiPayCardForm, values: Record<string, string> = VALID): Promise<void> {
  for (const [k, v] of Object.entries(values)) await fill(el, k, v);
}

function errorOf(el: HaiPayCardForm, field: string): string {
  return text(el, `#${field}-error`);
}

async function submit(el: HaiPayCardForm): Promise<void> {
  $(el, '[part~="submit-button"]').click();
  await el.updateComplete;
}

/** Whether the page has fetched the card form's rules chunk (src/card-form/rules.ts) so far. */
const rulesFetched = () =>
  performance.getEntriesByType('resource').some((r) => r.name.includes('/card-form/rules.'));

describe('<haipay-card-form>', () => {
  // First in the file: nothing before it has focused a field.
  it('fetches its validation rules only when a field is first focused, then checks with them', async function () {
    this.timeout(30_000); // the dev server compiles the rules on first request; slow on a loaded machine
    const el = await form();
    expect(rulesFetched(), 'before focus').to.equal(false);
    await fill(el, 'cardNumber', '4242424242424241');
    expect(rulesFetched(), 'after focus').to.equal(true);
    expect(errorOf(el, 'cardNumber')).to.equal(en['error.card_number_invalid']);
  });

  it('is accessible', async function () {
    // The file's first axe run loads axe-core; on a loaded machine that alone can take seconds.
    this.timeout(30_000);
    const el = await form();
    await expect(el).to.be.accessible();
    await fill(el, 'email', 'nope');
    await expect(el).to.be.accessible();
  });

  it('uses real inputs with autofill tokens, input modes and visible labels', async () => {
    const el = await form();
    const expected: Record<string, [string, string]> = {
      name: ['cc-name', 'Name on card'],
      email: ['email', 'Email'],
      phone: ['tel', 'Phone (optional)'],
      cardNumber: ['cc-number', 'Card number'],
      expiry: ['cc-exp', 'Expiry date'],
      cvv: ['cc-csc', 'Security code (CVV)'],
    };
    for (const [field, [token, label]] of Object.entries(expected)) {
      const i = input(el, field);
      expect(i.autocomplete, field).to.equal(token);
      expect(i.labels?.[0]?.textContent?.trim()).to.equal(label);
      expect(parseFloat(getComputedStyle(i).fontSize)).to.be.at.least(16);
    }
    for (const f of ['cardNumber', 'expiry', 'cvv']) expect(input(el, f).inputMode, f).to.equal('numeric');
    expect(input(el, 'email').inputMode).to.equal('email');
    expect(input(el, 'cardNumber').placeholder).to.equal('1234 1234 1234 1234');
    expect(input(el, 'expiry').placeholder).to.equal('MM / YY');
    expect(input(el, 'cvv').placeholder).to.equal('123');
    expect(input(el, 'email').placeholder).to.equal('you@example.com');
    expect(input(el, 'name').maxLength).to.equal(100); // the name rule's own cap, no shorter
  });

  it('groups the card number as typed and shows the brand as an icon inside the field', async () => {
    const el = await form();
    const cases: [string, string, string][] = [
      ['4242424242424242', '4242 4242 4242 4242', 'Visa'],
      ['5555-5555-5555-4444', '5555 5555 5555 4444', 'Mastercard'],
      ['2221000000000009', '2221 0000 0000 0009', 'Mastercard'],
      ['4', '4', 'Visa'],
      ['4111111111111111111', '4111 1111 1111 1111 111', 'Visa'], // 19 digits
      ['3530111333300000', '3530 1113 3330 0000', ''], // JCB: not accepted (VISA and MasterCard only)
      ['35', '35', ''],
    ];
    for (const [typed, shown, brand] of cases) {
      await fill(el, 'cardNumber', typed);
      const number = input(el, 'cardNumber');
      expect(number.value).to.equal(shown);
      const icon = el.shadowRoot!.querySelector('svg[part~="brand"]');
      expect(icon?.getAttribute('aria-label') ?? '', typed).to.equal(brand);
      if (!brand) continue;
      expect(icon!.getAttribute('role')).to.equal('img');
      expect(number.getAttribute('aria-describedby')).to.contain('brand');
      // Inside the number field: the icon's box lies within the input's box.
      const [i, b] = [number.getBoundingClientRect(), icon!.getBoundingClientRect()];
      expect(
        b.left >= i.left && b.right <= i.right && b.top >= i.top && b.bottom <= i.bottom,
        'inside',
      ).to.equal(true);
      expect(b.width).to.be.greaterThan(0);
    }
  });

  it('formats the expiry as MM / YY as typed, with Backspace, and from pasted shapes', async () => {
    const el = await form();
    const expiry = input(el, 'expiry');
    expiry.focus();
    await sendKeys({ type: '1' });
    await el.updateComplete;
    expect(expiry.value).to.equal('1');
    await sendKeys({ type: '2' });
    await el.updateComplete;
    expect(expiry.value).to.equal('12 / ');
    await sendKeys({ press: 'Backspace' });
    await el.updateComplete;
    expect(expiry.value).to.equal('12');
    await sendKeys({ press: 'Backspace' });
    await el.updateComplete;
    expect(expiry.value).to.equal('1');
    await sendKeys({ type: '229' });
    await el.updateComplete;
    expect(expiry.value).to.equal('12 / 29');
    await sendKeys({ type: '9' }); // a third year digit is not taken
    await el.updateComplete;
    expect(expiry.value).to.equal('12 / 29');
    for (const [pasted, shown] of [
      ['12/29', '12 / 29'],
      ['1229', '12 / 29'],
      ['12/2029', '12 / 29'],
      ['12 / 2029', '12 / 29'],
      ['4', '04 / '],
      ['1/', '01 / '],
    ]) {
      await fill(el, 'expiry', pasted!);
      expect(expiry.value, pasted).to.equal(shown);
    }
  });

  it('sends the expiry as the wire takes it and refuses past dates and years beyond the protocol', async () => {
    const c = await companion({
      post: [{ status: 400, body: { error: { type: 'api_error', message: 'x' } } }],
    });
    const el = await form(c.endpoint);
    await fillAll(el, { ...VALID, expiry: '11/26' }); // November 2026: this month still counts
    expect(errorOf(el, 'expiry')).to.equal('');
    await fill(el, 'expiry', '10/26');
    expect(errorOf(el, 'expiry')).to.equal(en['error.card_expired']);
    await fill(el, 'expiry', '12/47'); // 2047: more than EXPIRY_MAX_YEARS_AHEAD (20) ahead
    expect(errorOf(el, 'expiry')).to.equal(en['error.expiry_invalid']);
    await fill(el, 'expiry', '12/2046');
    expect(errorOf(el, 'expiry')).to.equal('');
    await submit(el);
    const [req] = await c.requests();
    expect(req!.body!['expiryMonth']).to.equal('12');
    expect(req!.body!['expiryYear']).to.equal('2046');
  });

  it('checks Luhn and the accepted brands on blur', async () => {
    const el = await form();
    await fill(el, 'cardNumber', '4242424242424241');
    expect(errorOf(el, 'cardNumber')).to.equal(en['error.card_number_invalid']);
    expect(input(el, 'cardNumber').getAttribute('aria-invalid')).to.equal('true');
    expect(input(el, 'cardNumber').getAttribute('aria-describedby')).to.contain('cardNumber-error');
    await fill(el, 'cardNumber', '378282246310005'); // American Express: Luhn-valid, not accepted
    expect(errorOf(el, 'cardNumber')).to.equal(en['error.card_brand_unsupported']);
    await fill(el, 'cardNumber', '3530111333300000'); // JCB: Luhn-valid, not accepted either
    expect(errorOf(el, 'cardNumber')).to.equal(en['error.card_brand_unsupported']);
    await fill(el, 'cardNumber', '4242424242424242');
    expect(errorOf(el, 'cardNumber')).to.equal('');
    expect(input(el, 'cardNumber').getAttribute('aria-invalid')).to.equal('false');
  });

  const locales: [string, Translation][] = [
    ['en', en],
    ['th', th],
    ['zh-TW', zhTW],
  ];
  for (const [locale, strings] of locales) {
    it(`shows every validation message in ${locale}`, async () => {
      const el = await form('/__companion/none', locale);
      await submit(el);
      for (const f of ['name', 'email', 'cardNumber', 'expiry', 'cvv']) {
        expect(errorOf(el, f), f).to.equal(strings['error.required']);
      }
      expect(errorOf(el, 'phone')).to.equal(''); // optional
      const cases: [string, string, string, Record<string, string>?][] = [
        ['name', `${'A'.repeat(50)} ${'B'.repeat(50)}`, 'error.too_long', { max: '100' }],
        ['name', 'R2D2', 'error.invalid_name'],
        ['name', 'Somchai', 'error.invalid_name'], // a first and a last name are required
        ['email', 'someone@', 'error.invalid_email'],
        ['phone', '12', 'error.invalid_phone'],
        ['cardNumber', '4242424242424241', 'error.card_number_invalid'],
        ['cardNumber', '378282246310005', 'error.card_brand_unsupported'],
        ['expiry', '13/30', 'error.expiry_invalid'],
        ['cvv', '1', 'error.cvv_invalid'],
      ];
      for (const [field, value, key, params = {}] of cases) {
        await fill(el, field, value);
        const expected = strings[key as keyof Translation].replace(
          /\{(\w+)\}/g,
          (_, p: string) => params[p]!,
        );
        expect(errorOf(el, field), `${field}=${value}`).to.equal(expected);
      }
      await fill(el, 'expiry', '01/26'); // January 2026 < November 2026
      expect(errorOf(el, 'expiry')).to.equal(strings['error.card_expired']);
      await fill(el, 'expiry', '12/2025');
      expect(errorOf(el, 'expiry')).to.equal(strings['error.card_expired']);
      if (locale !== 'en') expect(strings['error.card_expired']).to.not.equal(en['error.card_expired']);
    });
  }

  it('lets the merchant override any string', async () => {
    const el = await form();
    el.strings = { 'action.pay': 'Pay $20 now', 'error.required': 'Needed!' };
    await el.updateComplete;
    expect(text(el, '[part~="submit-button"]')).to.equal('Pay $20 now');
    await submit(el);
    expect(errorOf(el, 'name')).to.equal('Needed!');
  });

  it('can be completed with the keyboard alone', async function () {
    // About 60 real key presses, each a round trip to the browser's driver: seconds on a loaded machine.
    this.timeout(30_000);
    const c = await companion({
      post: [
        {
          status: 201,
          body: view({
            orderId: 'hp_kbd',
            method: 'card',
            status: 'pending',
            next: { type: 'redirect', url: 'https://acs.example/3ds/hp_kbd' },
          }),
        },
      ],
    });
    const el = await form(c.endpoint);
    const navigated = new Promise<string>((resolve) => (el.navigate = resolve));
    const before = document.createElement('button');
    before.textContent = 'start';
    el.before(before);
    before.focus();
    for (const value of [
      'Somchai Jaidee',
      's@example.com',
      '0812345678',
      '4242424242424242',
      '1230',
      '123',
    ]) {
      await sendKeys({ press: 'Tab' });
      await sendKeys({ type: value });
    }
    await sendKeys({ press: 'Enter' });
    expect(await navigated).to.equal('https://acs.example/3ds/hp_kbd');
    const [req] = await c.requests();
    expect(req!.body).to.deep.equal({
      method: 'card',
      orderRef: 'cart-123',
      name: 'Somchai Jaidee',
      email: 's@example.com',
      phone: '0812345678',
      cardNumber: '4242424242424242',
      expiryMonth: '12',
      expiryYear: '2030',
      cvv: '123',
    });
    before.remove();
  });

  it('submits with an Idempotency-Key, fires haipay-created and a cancelable haipay-redirect, then navigates', async () => {
    const c = await companion({
      post: [
        {
          status: 201,
          body: view({
            orderId: 'hp_3ds',
            method: 'card',
            next: { type: 'redirect', url: 'https://acs.example/3ds/page' },
          }),
        },
      ],
    });
    const el = await form(c.endpoint);
    await fillAll(el);
    const navigated = new Promise<string>((resolve) => (el.navigate = resolve));
    const created = oneEvent(el, 'haipay-created');
    const redirect = oneEvent(el, 'haipay-redirect');
    await submit(el);
    expect((await created).detail.orderId).to.equal('hp_3ds');
    const ev = await redirect;
    expect([ev.cancelable, ev.bubbles, ev.composed]).to.deep.equal([true, true, true]);
    expect(ev.detail.url).to.equal('https://acs.example/3ds/page');
    expect(await navigated).to.equal('https://acs.example/3ds/page');
    const [req] = await c.requests();
    expect(req!.idempotencyKey).to.match(/^[0-9a-f-]{36}$/);
    expect(req!.contentType).to.equal('application/json');
    // Card number and CVV are gone from the form once the request is sent.
    expect(input(el, 'cardNumber').value).to.equal('');
    expect(input(el, 'cvv').value).to.equal('');
    expect(input(el, 'name').value).to.equal('Somchai Jaidee');
  });

  it('makes its Idempotency-Key without crypto.randomUUID (missing on a plain-HTTP page)', async () => {
    const c = await companion({ post: [{ status: 201, body: view({ orderId: 'hp_lan', method: 'card' }) }] });
    const el = await form(c.endpoint);
    await fillAll(el);
    const uuid = Object.getOwnPropertyDescriptor(Crypto.prototype, 'randomUUID')!;
    // What an insecure context looks like: the method is simply not there.
    delete (Crypto.prototype as { randomUUID?: unknown }).randomUUID;
    const created = oneEvent(el, 'haipay-created');
    try {
      await submit(el); // the key is made as the form submits
    } finally {
      Object.defineProperty(Crypto.prototype, 'randomUUID', uuid);
    }
    await created;
    const [req] = await c.requests();
    expect(req!.idempotencyKey).to.match(/^[0-9a-f]{32}$/);
  });

  it('does not navigate when haipay-redirect is cancelled', async () => {
    const c = await companion({
      post: [
        {
          status: 201,
          body: view({
            orderId: 'hp_stay',
            method: 'card',
            next: { type: 'redirect', url: 'https://acs.example/3ds/x' },
          }),
        },
      ],
    });
    const el = await form(c.endpoint);
    let navigated = false;
    el.navigate = () => (navigated = true);
    el.addEventListener('haipay-redirect', (e) => e.preventDefault());
    await fillAll(el);
    const redirect = oneEvent(el, 'haipay-redirect');
    await submit(el);
    await redirect;
    await el.updateComplete;
    expect(navigated).to.equal(false);
  });

  it('keeps the Idempotency-Key for a retry of the same attempt and makes a new one after an edit', async () => {
    const c = await companion({
      post: [
        { drop: true },
        {
          status: 400,
          body: {
            error: {
              type: 'validation_error',
              message: 'bad',
              fields: [{ field: 'email', code: 'invalid_email', message: 'Email address is not valid' }],
            },
          },
        },
        {
          status: 400,
          body: {
            error: {
              type: 'validation_error',
              message: 'bad',
              fields: [{ field: 'email', code: 'invalid_email', message: 'x' }],
            },
          },
        },
      ],
    });
    const el = await form(c.endpoint);
    await fillAll(el);
    const failed = oneEvent(el, 'haipay-error');
    await submit(el);
    expect((await failed).detail.type).to.equal('network_error');
    await el.updateComplete;
    expect(text(el, '#form-error')).to.equal(en['error.network']);
    const retried = oneEvent(el, 'haipay-error');
    await submit(el);
    await retried;
    await fill(el, 'email', 'other@example.com');
    const third = oneEvent(el, 'haipay-error');
    await submit(el);
    await third;
    const keys = (await c.requests()).map((r) => r.idempotencyKey);
    expect(keys).to.have.length(3);
    expect(keys[1]).to.equal(keys[0]);
    expect(keys[2]).to.not.equal(keys[1]);
  });

  it('shows server field errors on the right fields', async () => {
    const c = await companion({
      post: [
        {
          status: 400,
          body: {
            error: {
              type: 'validation_error',
              message: 'Invalid fields',
              fields: [
                { field: 'cardNumber', code: 'card_number_invalid', message: 'Card number is not valid' },
                { field: 'expiryYear', code: 'card_expired', message: 'The card has expired' },
                { field: 'phone', code: 'some_future_code', message: 'Server says no' },
              ],
            },
          },
        },
      ],
    });
    const el = await form(c.endpoint, 'th');
    await fillAll(el, { ...VALID, phone: '0812345678' });
    const error = oneEvent(el, 'haipay-error');
    await submit(el);
    expect((await error).detail.type).to.equal('validation_error');
    await el.updateComplete;
    expect(errorOf(el, 'cardNumber')).to.equal(th['error.card_number_invalid']);
    expect(errorOf(el, 'expiry')).to.equal(th['error.card_expired']);
    expect(errorOf(el, 'phone')).to.equal('Server says no'); // unknown code: the server's text
    expect(errorOf(el, 'name')).to.equal('');
    expect(input(el, 'cardNumber').getAttribute('aria-invalid')).to.equal('true');
    expect(input(el, 'email').getAttribute('aria-invalid')).to.equal('false');
    expect(el.shadowRoot!.activeElement?.id).to.equal('phone');
  });

  it('follows the status when the payment needs no redirect', async () => {
    const pending = view({
      orderId: 'hp_wait',
      method: 'card',
      next: { type: 'wait' },
      status: 'processing',
    });
    const c = await companion({
      post: [{ status: 201, body: pending }],
      orders: { hp_wait: { views: [pending, { ...pending, status: 'succeeded' }] } },
    });
    const el = await form(c.endpoint);
    await fillAll(el);
    const ok = oneEvent(el, 'haipay-succeeded');
    await submit(el);
    expect((await ok).detail.orderId).to.equal('hp_wait');
    await el.updateComplete;
    expect(text(el, '[part~="status"]')).to.equal(en['status.succeeded']);
  });

  for (const status of ['succeeded'] as const) {
    it(`shows the final result on the return page (${status}, order id from the URL with order-from-url)`, async () => {
      const orderId = `hp_return_${status}`;
      const c = await companion({
        orders: {
          [orderId]: {
            views: [
              view({ orderId, method: 'card', status: 'processing', amount: '20.00', currency: 'USD' }),
              view({ orderId, method: 'card', status, amount: '20.00', currency: 'USD' }),
            ],
          },
        },
      });
      const url = location.href;
      history.replaceState(null, '', `${location.pathname}${location.search}&haipay_order=${orderId}`);
      try {
        const el = await fixture<HaiPayCardForm>(
          html`<haipay-card-form
            endpoint=${c.endpoint}
            card-mode="direct"
            locale="zh-TW"
            order-from-url
          ></haipay-card-form>`,
        );
        await oneEvent(el, status === 'succeeded' ? 'haipay-succeeded' : 'haipay-failed');
        await el.updateComplete;
        expect(el.shadowRoot!.querySelector('form')).to.equal(null);
        expect(text(el, '[part~="status"]')).to.equal(zhTW[`status.${status}`]);
        expect(text(el, '[role="status"]')).to.equal(zhTW[`status.${status}`]);
        expect(text(el, '#result')).to.equal(zhTW[`status.${status}`]);
        expect(el.shadowRoot!.activeElement?.id).to.equal('result'); // the result took focus
        // The amount is labelled, in the page's locale.
        expect(el.shadowRoot!.textContent).to.contain(zhTW['amount.paid'].replace('{amount}', 'US$20.00'));
      } finally {
        history.replaceState(null, '', url);
      }
    });
  }

  it('keeps the form on a decline and takes a second card in it: reason under the number, once, contact details kept', async () => {
    const processing = (orderId: string) =>
      view({
        orderId,
        method: 'card',
        status: 'processing',
        next: { type: 'wait' },
        amount: '29.00',
        currency: 'USD',
      });
    const reason = 'Your card has insufficient funds.';
    const c = await companion({
      post: [
        { status: 201, body: processing('hp_declined') },
        { status: 201, body: processing('hp_paid') },
      ],
      orders: {
        hp_declined: {
          views: [
            processing('hp_declined'),
            { ...processing('hp_declined'), status: 'failed', failureReason: reason },
          ],
        },
        hp_paid: { views: [processing('hp_paid'), { ...processing('hp_paid'), status: 'succeeded' }] },
      },
    });
    const el = await form(c.endpoint);
    const live = $(el, '[role="status"]');
    const heard: string[] = [];
    new MutationObserver(() => heard.push((live.textContent ?? '').trim())).observe(live, {
      childList: true,
      subtree: true,
      characterData: true,
    });
    await fillAll(el, { ...VALID, cardNumber: '4000000000009995' });
    const failed = oneEvent(el, 'haipay-failed');
    await submit(el);
    expect((await failed).detail.orderId).to.equal('hp_declined');
    await el.updateComplete;
    await el.updateComplete;
    // The form stays, with the reason under the card number, which has focus.
    expect(el.shadowRoot!.querySelector('form')).to.not.equal(null);
    const message = `${reason} ${en['card.declined']}`;
    expect(errorOf(el, 'cardNumber')).to.equal(message);
    expect(input(el, 'cardNumber').getAttribute('aria-invalid')).to.equal('true');
    expect(el.shadowRoot!.activeElement?.id).to.equal('cardNumber');
    // Only the card is cleared.
    expect(['cardNumber', 'expiry', 'cvv'].map((f) => input(el, f).value)).to.deep.equal(['', '', '']);
    expect(input(el, 'name').value).to.equal(VALID.name);
    expect(input(el, 'email').value).to.equal(VALID.email);
    // Said once, and nothing else on screen says it failed or shows an unlabelled amount.
    expect(heard.filter((h) => h === message)).to.have.length(1);
    expect(heard).to.not.include(en['status.failed']);
    expect(el.shadowRoot!.textContent).to.not.contain(en['status.failed']);
    expect(el.shadowRoot!.textContent).to.not.contain('29.00');
    await expect(el).to.be.accessible();

    // A second card in the same form.
    await fill(el, 'cardNumber', '4242424242424242');
    await fill(el, 'expiry', '12/30');
    await fill(el, 'cvv', '123');
    const paid = oneEvent(el, 'haipay-succeeded');
    await submit(el);
    expect((await paid).detail.orderId).to.equal('hp_paid');
    await el.updateComplete;
    const [first, second] = (await c.requests()).filter((r) => r.method === 'POST');
    expect(second!.body!['name']).to.equal(VALID.name);
    expect(second!.body!['email']).to.equal(VALID.email);
    expect(second!.body!['cardNumber']).to.equal('4242424242424242');
    expect(second!.idempotencyKey).to.not.equal(first!.idempotencyKey);
    expect(text(el, '#result')).to.equal(en['status.succeeded']);
    expect(el.shadowRoot!.activeElement?.id).to.equal('result');
    expect(heard.filter((h) => h === message)).to.have.length(1);
    await expect(el).to.be.accessible();
  });

  it('keeps the form for a decline answered at once, and on the return page after 3-D Secure', async () => {
    const declined = view({
      orderId: 'hp_now',
      method: 'card',
      status: 'failed',
      next: { type: 'wait' },
      failureReason: null,
    });
    const c = await companion({
      post: [{ status: 201, body: declined }],
      orders: { hp_back: { views: [{ ...declined, orderId: 'hp_back' }] } },
    });
    const el = await form(c.endpoint);
    await fillAll(el);
    const failed = oneEvent(el, 'haipay-failed');
    await submit(el);
    await failed;
    await el.updateComplete;
    expect(errorOf(el, 'cardNumber')).to.equal(en['card.declined']);
    expect(input(el, 'name').value).to.equal(VALID.name);
    const back = await fixture<HaiPayCardForm>(
      html`<haipay-card-form
        endpoint=${c.endpoint}
        card-mode="direct"
        order-id="hp_back"
        locale="th"
      ></haipay-card-form>`,
    );
    await waitUntil(() => back.shadowRoot!.querySelector('form'), 'the form after a decline');
    expect(errorOf(back, 'cardNumber')).to.equal(th['card.declined']);
  });

  it('shows the amount on the pay button in the page locale', async () => {
    const cases: [string, string, string, string][] = [
      ['en', 'THB', '970.00', 'Pay ฿970.00'],
      ['th', 'THB', '970.00', `${th['action.pay']} ฿970.00`],
      ['zh-TW', 'USD', '29.00', `${zhTW['action.pay']} US$29.00`],
      ['en', 'USD', '29.00', 'Pay US$29.00'],
    ];
    for (const [locale, currency, amount, label] of cases) {
      const el = await fixture<HaiPayCardForm>(
        html`<haipay-card-form locale=${locale} currency=${currency} amount=${amount}></haipay-card-form>`,
      );
      expect(text(el, '[part~="submit-button"]'), locale).to.equal(label);
    }
    const plain = await form();
    expect(text(plain, '[part~="submit-button"]')).to.equal('Pay');
  });

  it('shows and checks only the contact fields asked for', async () => {
    const c = await companion({
      post: [{ status: 400, body: { error: { type: 'api_error', message: 'x' } } }],
    });
    const el = await fixture<HaiPayCardForm>(
      html`<haipay-card-form
        endpoint=${c.endpoint}
        card-mode="direct"
        order-ref="cart-1"
        fields="email"
        .clock=${() => NOW}
      ></haipay-card-form>`,
    );
    const ids = () => [...el.shadowRoot!.querySelectorAll('input')].map((i) => i.id);
    expect(ids()).to.deep.equal(['email', 'cardNumber', 'expiry', 'cvv']);
    await expect(el).to.be.accessible();
    await submit(el);
    expect(errorOf(el, 'email')).to.equal(en['error.required']);
    for (const f of ['email', 'cardNumber', 'expiry', 'cvv'])
      await fill(el, f, VALID[f as keyof typeof VALID]);
    await submit(el);
    const [req] = await c.requests();
    expect(Object.keys(req!.body!).sort()).to.deep.equal(
      ['cardNumber', 'cvv', 'email', 'expiryMonth', 'expiryYear', 'method', 'orderRef'].sort(),
    );
    el.fields = 'name phone';
    await el.updateComplete;
    expect(ids()).to.deep.equal(['name', 'phone', 'cardNumber', 'expiry', 'cvv']);
    const none = await fixture<HaiPayCardForm>(html`<haipay-card-form fields=""></haipay-card-form>`);
    expect([...none.shadowRoot!.querySelectorAll('input')].map((i) => i.id)).to.deep.equal([
      'cardNumber',
      'expiry',
      'cvv',
    ]);
    const all = await form();
    expect([...all.shadowRoot!.querySelectorAll('input')].map((i) => i.id)).to.deep.equal([
      'name',
      'email',
      'phone',
      'cardNumber',
      'expiry',
      'cvv',
    ]);
  });

  it('lets the card number and CVV out only in the POST: no event, attribute or console line carries them', async () => {
    const pending = view({
      orderId: 'hp_leak',
      method: 'card',
      status: 'processing',
      next: { type: 'wait' },
    });
    const c = await companion({
      post: [{ status: 201, body: pending }],
      orders: { hp_leak: { views: [pending, { ...pending, status: 'failed', failureReason: 'Declined' }] } },
    });
    const el = await form(c.endpoint);
    const seen: string[] = [];
    const names = ['haipay-created', 'haipay-failed', 'haipay-error', 'haipay-succeeded', 'haipay-redirect'];
    const record = (e: Event) => seen.push(JSON.stringify((e as CustomEvent).detail));
    for (const n of names) el.addEventListener(n, record);
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const originals = methods.map((m) => Object.getOwnPropertyDescriptor(console, m)!);
    methods.forEach((m) => (console[m] = (...args: unknown[]) => seen.push(JSON.stringify(args))));
    try {
      await fillAll(el, { ...VALID, cardNumber: '4000000000009995', cvv: '737' });
      const failed = oneEvent(el, 'haipay-failed');
      await submit(el);
      await failed;
      await el.updateComplete;
    } finally {
      methods.forEach((m, i) => Object.defineProperty(console, m, originals[i]!));
    }
    const attributes = [el, ...el.shadowRoot!.querySelectorAll('*')].flatMap((n) =>
      [...n.attributes].map((a) => a.value),
    );
    for (const secret of ['4000000000009995', '4000 0000 0000 9995', '737']) {
      expect(seen.join('\n'), secret).to.not.contain(secret);
      expect(attributes.join('\n'), secret).to.not.contain(secret);
    }
    expect(seen.length).to.be.greaterThan(1); // the events were heard
    const posts = (await c.requests()).filter((r) => r.method === 'POST');
    expect(posts).to.have.length(1);
    expect(posts[0]!.body!['cvv']).to.equal('737');
  });

  it('shows the result for an order-id attribute too', async () => {
    const c = await companion({
      orders: { hp_attr: { views: [view({ orderId: 'hp_attr', status: 'expired' })] } },
    });
    const el = await fixture<HaiPayCardForm>(
      html`<haipay-card-form
        endpoint=${c.endpoint}
        card-mode="direct"
        order-id="hp_attr"
      ></haipay-card-form>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('[data-status="expired"]'), 'expired shown');
  });
});

/**
 * The attacks of a security review, played in the browser. A payment page address in the companion's
 * answer is only ever followed when it is a web page: `javascript:` would run in the shop's origin and a
 * `data:` page would be the attacker's. And a return page adopts `?haipay_order=` only when it opts in:
 * otherwise a link to the shop with someone else's order id would show "Payment received" for it.
 */
describe('<haipay-card-form> under attack', () => {
  const pwned = () => (window as { __pwned?: unknown }).__pwned;

  /**
   * A form whose companion answers with `url` as the 3-D Secure page. Its `navigate` seam records every
   * call and, with `forward`, still navigates for real (the default `location.assign`).
   */
  async function answering(url: string, forward = false) {
    const c = await companion({
      post: [
        {
          status: 201,
          body: view({ orderId: 'hp_3ds_attack', method: 'card', next: { type: 'redirect', url } }),
        },
      ],
    });
    const el = await fixture<HaiPayCardForm>(
      html`<haipay-card-form
        endpoint=${c.endpoint}
        card-mode="direct"
        order-ref="cart-123"
        .clock=${() => NOW}
      ></haipay-card-form>`,
    );
    const realNavigate = el.navigate;
    const navigated: string[] = [];
    el.navigate = (to) => {
      navigated.push(to);
      if (forward) realNavigate(to);
    };
    const redirects: string[] = [];
    const errors: { type: string; message: string }[] = [];
    el.addEventListener('haipay-redirect', (e) => redirects.push(e.detail.url));
    el.addEventListener('haipay-error', (e) => errors.push(e.detail));
    await fillAll(el);
    await submit(el);
    await waitUntil(() => navigated.length || errors.length, 'the answer was handled');
    // A `javascript:` navigation runs as a task of its own: give it the time it would need.
    await new Promise((r) => setTimeout(r, 150));
    await el.updateComplete;
    return { el, navigated, redirects, errors };
  }

  const refused = [
    ['javascript:', 'javascript:window.__pwned=1', true],
    ['mixed-case JavaScript:', 'JavaScript:window.__pwned=1', true],
    ['javascript: behind a space and a tab', ' java\tscript:window.__pwned=1', true],
    ['data:', 'data:text/html,<script>parent.__pwned=1</script>', false],
    ['relative', '/3ds/page', false],
    ['scheme-relative', '//evil.example/3ds', false],
    ['malformed https', 'https://', false],
  ] as const;
  for (const [what, url, forward] of refused) {
    it(`refuses a ${what} payment page address: no navigation, no script, an error and haipay-error`, async () => {
      delete (window as { __pwned?: unknown }).__pwned;
      const { el, navigated, redirects, errors } = await answering(url, forward);
      expect(navigated, 'navigate() was called').to.deep.equal([]);
      expect(pwned(), 'the script ran').to.equal(undefined);
      expect(redirects, 'haipay-redirect fired').to.deep.equal([]);
      expect(errors.map((e) => e.type)).to.deep.equal(['unsafe_redirect']);
      expect(text(el, '#form-error')).to.equal(en['error.generic']);
      // Still the form, ready for another attempt (not stuck "redirecting").
      expect(($(el, '[part~="submit-button"]') as HTMLButtonElement).disabled).to.equal(false);
    });
  }

  it('follows an https: payment page address (any case)', async () => {
    for (const url of ['https://acs.example/3ds?x=1', 'HTTPS://ACS.EXAMPLE/3ds']) {
      const { navigated, redirects, errors } = await answering(url);
      expect([navigated, redirects, errors]).to.deep.equal([[url], [url], []]);
    }
  });

  it('follows an http: payment page address from an http: page only', async () => {
    // The test page is served over http: (a development page), so http: is followed here…
    expect(location.protocol).to.equal('http:');
    const { navigated, errors } = await answering('http://localhost:4010/3ds');
    expect([navigated, errors]).to.deep.equal([['http://localhost:4010/3ds'], []]);
    // …and the shared rule the element applies refuses it for an https: page.
    expect(isFollowableUrl('http://localhost:4010/3ds', false)).to.equal(false);
    expect(isFollowableUrl('http://localhost:4010/3ds', true)).to.equal(true);
  });

  it("ignores ?haipay_order= in the page's URL without order-from-url: the empty form, no request for it", async () => {
    const orderId = 'hp_x_someone_else';
    const c = await companion({
      orders: {
        [orderId]: { views: [view({ orderId, method: 'card', status: 'succeeded', currency: 'USD' })] },
      },
    });
    const finals: string[] = [];
    const onFinal = (e: Event) => finals.push(e.type);
    document.addEventListener('haipay-succeeded', onFinal);
    const url = location.href;
    history.replaceState(null, '', `${location.pathname}${location.search}&haipay_order=${orderId}`);
    try {
      const el = await fixture<HaiPayCardForm>(
        html`<haipay-card-form
          endpoint=${c.endpoint}
          card-mode="direct"
          order-ref="cart-123"
        ></haipay-card-form>`,
      );
      // A real wait, for something not to happen: a request for that order would go out over the network.
      await new Promise((r) => setTimeout(r, 300));
      await el.updateComplete;
      expect(el.orderId).to.equal('');
      expect(el.shadowRoot!.querySelector('form'), 'the empty form').to.not.equal(null);
      expect(el.shadowRoot!.querySelector('[data-status]')).to.equal(null);
      expect(input(el, 'name').value).to.equal('');
      expect(await c.requests(), 'no request for that order').to.deep.equal([]);
      expect(finals).to.deep.equal([]);
    } finally {
      history.replaceState(null, '', url);
      document.removeEventListener('haipay-succeeded', onFinal);
    }
  });

  it('shows that order with order-from-url (property orderFromUrl)', async () => {
    const orderId = 'hp_x_mine';
    const c = await companion({
      orders: {
        [orderId]: {
          views: [view({ orderId, method: 'card', status: 'succeeded', amount: '20.00', currency: 'USD' })],
        },
      },
    });
    const url = location.href;
    history.replaceState(null, '', `${location.pathname}${location.search}&haipay_order=${orderId}`);
    try {
      const el = await fixture<HaiPayCardForm>(
        html`<haipay-card-form endpoint=${c.endpoint} card-mode="direct" order-from-url></haipay-card-form>`,
      );
      expect(el.orderFromUrl).to.equal(true);
      await waitUntil(() => el.shadowRoot!.querySelector('[data-status="succeeded"]'), 'succeeded shown');
      expect(el.orderId).to.equal(orderId);
      expect(text(el, '[part~="status"]')).to.equal(en['status.succeeded']);
      expect((await c.requests()).map((r) => `${r.method} ${r.path}`)).to.include(`GET /payments/${orderId}`);
    } finally {
      history.replaceState(null, '', url);
    }
  });
});
