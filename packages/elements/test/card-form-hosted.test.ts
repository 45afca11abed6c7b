import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { nothing } from 'lit';
import { isFollowableUrl } from '@haipay-kit/protocol/rules';
import { isFollowableUrl as hostedFollowable } from '../src/shared/follow.js';
import '../src/card-form/card-form.register.js';
import type { HaiPayCardForm } from '../src/card-form/card-form.js';
import en from '../src/translations/en.js';
import th from '../src/translations/th.js';
import zhTW from '../src/translations/zh-TW.js';
import { $, companion, text, view } from './helpers.js';

// Hosted card mode: the companion (`cardMode: 'hosted'`) takes the card on HaiPay's page, so the form
// collects the contact details only, posts them without card data and opens HaiPay's card page.
// This file never shows the card inputs before its last test, so it can check that the card rules
// chunk (src/card-form/rules.ts) is never fetched.

/** The sandbox's hosted card page, as its `payUrl` names it (packages/sandbox README, "/pay/:no"). */
const CARD_PAGE = 'https://sandbox.haipay.example/pay/6026000000000042';
const HOSTED_OFFERS = {
  methods: [
    { method: 'card', amount: '27.00', currency: 'USD', hosted: true },
    { method: 'promptpay', amount: '970.00', currency: 'THB' },
  ],
};
const CREATED = view({
  orderId: 'hp_card_hosted',
  method: 'card',
  amount: '27.00',
  currency: 'USD',
  next: { type: 'redirect', url: CARD_PAGE },
});

const rulesFetched = () =>
  performance.getEntriesByType('resource').some((r) => r.name.includes('/card-form/rules.'));

/** A card form in front of a companion that takes cards on HaiPay's page; navigation is recorded. */
async function hostedForm(
  script: Parameters<typeof companion>[0] = {},
  attrs: { locale?: string; theme?: string; cardMode?: string } = {},
) {
  const c = await companion({
    methods: { body: HOSTED_OFFERS },
    post: [{ status: 201, body: CREATED }],
    ...script,
  });
  const el = await fixture<HaiPayCardForm>(
    html`<haipay-card-form
      endpoint=${c.endpoint}
      order-ref="cart-1"
      amount="27.00"
      locale=${attrs.locale ?? 'en'}
      theme=${attrs.theme ?? 'light'}
      card-mode=${attrs.cardMode ?? nothing}
    ></haipay-card-form>`,
  );
  const navigated: string[] = [];
  el.navigate = (url) => void navigated.push(url);
  await el.updateComplete;
  return { c, el, navigated };
}

const ids = (el: HaiPayCardForm) => [...el.shadowRoot!.querySelectorAll('input')].map((i) => i.id);

async function type(el: HaiPayCardForm, field: string, value: string): Promise<void> {
  const i = $(el, `#${field}`) as HTMLInputElement;
  i.focus();
  i.value = value;
  i.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  i.dispatchEvent(new FocusEvent('blur'));
  await el.updateComplete;
}

async function pay(el: HaiPayCardForm): Promise<void> {
  $(el, '[part~="submit-button"]').click();
  await el.updateComplete;
}

describe('<haipay-card-form> in hosted card mode', () => {
  it('asks the companion once, shows no card input, and is accessible in light and dark', async function () {
    this.timeout(30_000); // the file's first axe run loads axe-core
    for (const theme of ['light', 'dark']) {
      const { c, el } = await hostedForm({}, { theme });
      expect(ids(el), theme).to.deep.equal(['name', 'email', 'phone']);
      expect(
        el.shadowRoot!.querySelector(
          '[autocomplete^="cc-number"], [autocomplete^="cc-exp"], [autocomplete="cc-csc"]',
        ),
      ).to.equal(null);
      expect(text(el, '[part~="hosted-note"]')).to.equal(en['card.hosted']);
      expect(text(el, '[part~="submit-button"]')).to.equal('Pay US$27.00');
      // The pay button names where the card will be typed.
      expect($(el, '[part~="submit-button"]').getAttribute('aria-describedby')).to.equal('hosted');
      const asked = (await c.requests()).map((r) => `${r.method} ${r.path}?${r.query ?? ''}`);
      expect(asked).to.deep.equal(['GET /methods?orderRef=cart-1']);
      await expect(el).to.be.accessible();
    }
  });

  it('posts the contact details without card data, then opens HaiPay’s card page at the top level', async () => {
    const { c, el, navigated } = await hostedForm();
    await type(el, 'name', 'Somchai Jaidee');
    await type(el, 'email', 'somchai@example.com');
    const created = oneEvent(el, 'haipay-created');
    const redirect = oneEvent(el, 'haipay-redirect');
    await pay(el);
    expect((await created).detail.orderId).to.equal('hp_card_hosted');
    expect((await redirect).detail.url).to.equal(CARD_PAGE);
    await waitUntil(() => navigated.length > 0, 'navigated');
    expect(navigated).to.deep.equal([CARD_PAGE]);
    const post = (await c.requests()).find((r) => r.method === 'POST')!;
    expect(post.path).to.equal('/payments');
    expect(post.body).to.deep.equal({
      method: 'card',
      name: 'Somchai Jaidee',
      email: 'somchai@example.com',
      orderRef: 'cart-1',
    });
    expect(post.idempotencyKey).to.be.a('string');
    expect($(el, '[part~="submit-button"]').hasAttribute('disabled'), 'disabled while leaving').to.equal(
      true,
    );
    expect(text(el, '[role=status]')).to.equal(en['card.hosted']);
    // No frame was made for the card page: it is opened in this window.
    expect(document.querySelector('iframe')).to.equal(null);
    expect(el.shadowRoot!.querySelector('iframe')).to.equal(null);
  });

  it('never fetches the card rules chunk', async () => {
    const { el } = await hostedForm({
      post: [
        {
          status: 400,
          body: {
            error: {
              type: 'validation_error',
              message: 'Some fields are invalid.',
              fields: [{ field: 'email', code: 'invalid_email', message: 'Invalid email.' }],
            },
          },
        },
      ],
    });
    await type(el, 'name', 'Somchai Jaidee');
    await type(el, 'email', 'not-an-email');
    await pay(el);
    await waitUntil(() => text(el, '#email-error') !== '', 'the companion’s check shown');
    // The companion checks the contact fields: its answer shows under the field, as in direct mode.
    expect(text(el, '#email-error')).to.equal(en['error.invalid_email']);
    expect($(el, '#email').getAttribute('aria-invalid')).to.equal('true');
    expect(el.shadowRoot!.activeElement?.id).to.equal('email');
    await type(el, 'email', 'somchai@example.com');
    expect(text(el, '#email-error'), 'an edit clears it').to.equal('');
    expect(rulesFetched()).to.equal(false);
  });

  it('takes card-mode="hosted" from the page without asking the companion', async () => {
    const { c, el, navigated } = await hostedForm(
      { methods: { status: 404, body: {} } },
      { cardMode: 'hosted' },
    );
    expect(ids(el)).to.deep.equal(['name', 'email', 'phone']);
    await type(el, 'name', 'Somchai Jaidee');
    await type(el, 'email', 'somchai@example.com');
    await pay(el);
    await waitUntil(() => navigated.length > 0, 'navigated');
    expect((await c.requests()).map((r) => `${r.method} ${r.path}`)).to.deep.equal(['POST /payments']);
  });

  it('says where the card is entered in Thai and Chinese', async () => {
    for (const [locale, strings] of [
      ['th', th],
      ['zh-TW', zhTW],
    ] as const) {
      const { el } = await hostedForm({}, { locale });
      expect(text(el, '[part~="hosted-note"]'), locale).to.equal(strings['card.hosted']);
      expect(strings['card.hosted'], locale).to.not.equal(en['card.hosted']);
      const label = text(el, '[part~="submit-button"]');
      expect(label, locale).to.contain(strings['action.payAmount'].replace('{amount}', '').trim());
      expect(label, locale).to.contain('27.00');
      expect(ids(el)).to.deep.equal(['name', 'email', 'phone']);
    }
  });

  it('refuses a card page that is not a web page', async () => {
    const { el, navigated } = await hostedForm({
      post: [
        {
          status: 201,
          body: { ...CREATED, next: { type: 'redirect', url: 'javascript:alert(document.cookie)' } },
        },
      ],
    });
    await type(el, 'name', 'Somchai Jaidee');
    await type(el, 'email', 'somchai@example.com');
    const error = oneEvent(el, 'haipay-error');
    await pay(el);
    expect((await error).detail.type).to.equal('unsafe_redirect');
    expect(navigated).to.deep.equal([]);
    expect(rulesFetched()).to.equal(false);
  });

  it('back from a decline on HaiPay’s page, shows the reason above the pay button, still without card inputs', async () => {
    const declined = view({
      orderId: 'hp_hosted_declined',
      method: 'card',
      status: 'failed',
      amount: '27.00',
      currency: 'USD',
      next: null,
      failureReason: 'Insufficient funds.',
    });
    const c = await companion({ orders: { hp_hosted_declined: { views: [declined] } } });
    const el = await fixture<HaiPayCardForm>(
      html`<haipay-card-form
        endpoint=${c.endpoint}
        card-mode="hosted"
        order-id="hp_hosted_declined"
      ></haipay-card-form>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('form'), 'the form again');
    expect(ids(el)).to.deep.equal(['name', 'email', 'phone']);
    expect(text(el, '#form-error')).to.equal(`Insufficient funds. ${en['card.declined']}`);
    expect(text(el, '[role=status]')).to.equal(`Insufficient funds. ${en['card.declined']}`);
    await expect(el).to.be.accessible();
    expect(rulesFetched()).to.equal(false);
  });

  it('works inside another shadow root: the events come out, the card page opens', async () => {
    const c = await companion({ methods: { body: HOSTED_OFFERS }, post: [{ status: 201, body: CREATED }] });
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const root = host.attachShadow({ mode: 'open' });
    root.innerHTML = `<haipay-card-form endpoint="${c.endpoint}" order-ref="cart-1" theme="dark"></haipay-card-form>`;
    const el = root.querySelector('haipay-card-form')!;
    const navigated: string[] = [];
    el.navigate = (url) => void navigated.push(url);
    await waitUntil(() => el.shadowRoot?.querySelector('[part~="hosted-note"]'), 'hosted mode learned');
    await type(el, 'name', 'Somchai Jaidee');
    await type(el, 'email', 'somchai@example.com');
    const redirect = oneEvent(document, 'haipay-redirect');
    await pay(el);
    expect((await redirect).detail.url).to.equal(CARD_PAGE);
    await waitUntil(() => navigated.length > 0, 'navigated');
    expect(navigated).to.deep.equal([CARD_PAGE]);
  });

  it('checks the card page address by the same rule as the companion (isFollowableUrl)', () => {
    const urls = [
      CARD_PAGE,
      'HTTPS://pay.example/x',
      'http://127.0.0.1:4010/pay/1',
      'javascript:alert(1)',
      'JavaScript://pay.example/%0aalert(1)',
      'data:text/html,<script>alert(1)</script>',
      '//pay.example/x',
      '/pay/1',
      'https:pay.example',
      'https://',
      ' https://pay.example/x',
      'ftp://pay.example/x',
      '',
      42,
      null,
    ];
    for (const allowHttp of [false, true])
      for (const url of urls)
        expect(hostedFollowable(url, allowHttp), `${String(url)} ${allowHttp}`).to.equal(
          isFollowableUrl(url, allowHttp),
        );
  });

  // Last: it shows the card inputs (and so fetches the rules).
  it('shows the card inputs when the companion’s answer has no hosted card', async () => {
    for (const methods of [
      // No card in the answer (e.g. the merchant offers it for other orders only), or a card typed here.
      { body: { methods: [{ method: 'promptpay', amount: '970.00', currency: 'THB' }] } },
      { body: { methods: [{ method: 'card', amount: '27.00', currency: 'USD' }] } },
    ]) {
      const { el } = await hostedForm({ methods });
      expect(ids(el)).to.deep.equal(['name', 'email', 'phone', 'cardNumber', 'expiry', 'cvv']);
      expect(el.shadowRoot!.querySelector('[part~="hosted-note"]')).to.equal(null);
    }
  });
});
