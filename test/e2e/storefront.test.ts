/**
 * The buyer journeys of the demo shop, end to end in real Chromium: storefront → `<haipay-*>` elements →
 * the HaiPay router → the sandbox gateway (hosted pages, notifications, virtual clock) → back to the
 * page, live. Each journey leaves a screenshot in test-results/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  checkoutWith,
  elementOrderId,
  fillCardForm,
  newShopper,
  screenshot,
  startHarness,
  startWithDemoShopper,
  type Harness,
} from './harness.js';

const CART = [
  { id: 'doi-chang', qty: 2 },
  { id: 'celadon-dripper', qty: 1 },
];

let h: Harness;

before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

async function returnStatus(page: Page, status: string): Promise<void> {
  await page.locator(`[data-testid=return-status][data-status=${status}]`).waitFor({ timeout: 15_000 });
}

describe('demo storefront in Chromium', () => {
  test('card payment with 3-D Secure approved lands on the return page as paid', async () => {
    const { page, errors, context } = await newShopper(h, { cart: CART });
    await checkoutWith(page, 'card');
    await fillCardForm(page, { number: '4000 0566 5566 5556' });
    await page.locator('haipay-card-form').getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL(/\/pay\//);
    await page.getByRole('heading', { name: '3-D Secure verification' }).waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(/\/return\?haipay_order=hp_/);
    await returnStatus(page, 'succeeded');
    assert.match(await page.locator('[data-testid=return-status] h2').innerText(), /Paid/);
    // The cart is emptied once the order is paid.
    assert.equal(await page.locator('[data-testid=cart-button] .count').innerText(), '0');
    await screenshot(page, 'card-3ds-approved');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('card payment with 3-D Secure declined shows the failure and a way back', async () => {
    const { page, context } = await newShopper(h, { cart: CART });
    await checkoutWith(page, 'card');
    await fillCardForm(page, { number: '4000056655665556' });
    await page.locator('haipay-card-form').getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('button', { name: 'Decline' }).click();
    await page.waitForURL(/\/return\?haipay_order=/);
    await returnStatus(page, 'failed');
    await page.getByRole('link', { name: 'Choose another way to pay' }).waitFor();
    // The cart survives a failed payment.
    assert.equal(await page.locator('[data-testid=cart-button] .count').innerText(), '3');
    await screenshot(page, 'card-3ds-declined');
    await context.close();
  });

  test('a declined card is reported in the card form without leaving the checkout', async () => {
    const { page, context } = await newShopper(h, { cart: CART });
    await checkoutWith(page, 'card');
    await fillCardForm(page, { number: '4000000000009995' });
    await page.locator('haipay-card-form').getByRole('button', { name: 'Pay' }).click();
    await page
      .locator('haipay-card-form')
      .getByText(/declined|failed|insufficient/i)
      .first()
      .waitFor({ timeout: 15_000 });
    assert.match(page.url(), /\/checkout$/);
    await screenshot(page, 'card-declined');
    await context.close();
  });

  test('PromptPay: paid in the sandbox bank app in a second tab, the checkout turns paid live', async () => {
    const { page, context, errors } = await newShopper(h, { cart: CART });
    await checkoutWith(page, 'promptpay');
    await startWithDemoShopper(page);
    const qr = page.locator('haipay-qr');
    await qr.locator('svg[part=qr], [part=qr]').first().waitFor();
    await qr.locator('[part=status]').getByText('Waiting for payment').waitFor();
    await screenshot(page, 'promptpay-qr');

    const [bank] = await Promise.all([
      context.waitForEvent('page'),
      page.locator('[data-testid=bank-app-link]').click(),
    ]);
    await bank.waitForLoadState();
    await bank.getByRole('heading', { name: 'Sandbox bank app' }).waitFor();
    await bank.getByRole('button', { name: 'Pay' }).click();

    // The first tab was never reloaded: the element heard the status stream.
    await page.locator('[data-testid=checkout-paid]').waitFor({ timeout: 15_000 });
    assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation').length), 1);
    await screenshot(page, 'promptpay-paid-live');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('PromptPay: the QR expires on the sandbox clock, then the shopper gets a new QR', async () => {
    const { page, context } = await newShopper(h, { cart: CART });
    await checkoutWith(page, 'promptpay');
    await startWithDemoShopper(page);
    const qr = page.locator('haipay-qr');
    await qr.locator('[part=status]').getByText('Waiting for payment').waitFor();
    const first = await elementOrderId(page, 'haipay-qr');

    await h.demo.sandbox.clock.advance(16 * 60_000);
    await h.demo.sandbox.idle();
    await qr.locator('[part=status]').getByText('This payment has expired.').waitFor({ timeout: 15_000 });
    // Nothing left to pay in the bank app: the reviewer's shortcut goes away with the QR.
    assert.equal(await page.locator('[data-testid=bank-app-link]').count(), 0);
    await screenshot(page, 'promptpay-expired');

    await qr.getByRole('button', { name: 'New QR' }).click();
    await page.getByText('The QR expired, so we made you a new one.').waitFor();
    await qr.locator('[part=status]').getByText('Waiting for payment').waitFor();
    const second = await elementOrderId(page, 'haipay-qr');
    assert.notEqual(second, first);
    await screenshot(page, 'promptpay-new-qr');
    await context.close();
  });
});

describe('demo storefront in Chromium: bank transfer, redirects, subscriptions, back office, resume', () => {
  test('THB bank transfer: account details shown, paid from the sandbox bank app, checkout turns paid', async () => {
    const { page, context, errors } = await newShopper(h, { cart: CART });
    await checkoutWith(page, 'bank');
    await startWithDemoShopper(page);
    const bank = page.locator('haipay-bank-transfer');
    await bank.locator('[part=status][data-status=pending]').waitFor();
    await bank
      .getByText(/1,730\.00/)
      .first()
      .waitFor();
    await screenshot(page, 'bank-transfer-details');

    const [app] = await Promise.all([
      context.waitForEvent('page'),
      page.locator('[data-testid=bank-app-link]').click(),
    ]);
    await app.getByRole('heading', { name: 'Sandbox bank app' }).waitFor();
    await app.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.locator('[data-testid=checkout-paid]').waitFor({ timeout: 15_000 });
    await screenshot(page, 'bank-transfer-paid');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('TWD convenience store payment: redirect to the cashier page, pay, and return', async () => {
    const { page, context } = await newShopper(h, { cart: CART, locale: 'en' });
    await checkoutWith(page, 'twd');
    await page
      .locator('haipay-checkout')
      .getByRole('radio', { name: /^FamilyMart/ })
      .check();
    await startWithDemoShopper(page);
    await page.waitForURL(/\/pay\//);
    await page.getByRole('heading', { name: 'Taiwan payment' }).waitFor();
    await page.getByText('Store payment code').first().waitFor();
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.waitForURL(/\/return\?haipay_order=/);
    await returnStatus(page, 'succeeded');
    assert.match(await page.locator('[data-testid=return-status]').innerText(), /Paid/);
    assert.match(await page.locator('.summary').innerText(), /FamilyMart/);
    await screenshot(page, 'twd-store-returned');
    await context.close();
  });

  test('subscription: authorised, a deduction notification shown, then cancelled', async () => {
    const { page, context } = await newShopper(h);
    await page.goto('/subscribe');
    await fillCardForm(page, { number: '4242424242424242' });
    await page.locator('haipay-card-form').getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL(/\/pay\//);
    await page.getByRole('heading', { name: 'Authorize subscription' }).waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(/\/subscribe/);
    const panel = page.locator('[data-testid=subscription]');
    await page.locator('[data-testid=subscription][data-status=active]').waitFor({ timeout: 15_000 });
    // The first monthly payment is taken at authorisation and reported by a deduction notification.
    await panel.locator('[data-testid=deductions] li').first().waitFor({ timeout: 15_000 });

    // A month later (sandbox clock) the second deduction arrives, without a reload.
    await h.demo.sandbox.clock.advance(31 * 86_400_000);
    await h.demo.sandbox.idle();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=deductions] li').length >= 2,
      undefined,
      { timeout: 15_000 },
    );
    assert.match(await panel.locator('[data-testid=deductions]').innerText(), /US\$18\.00/);
    await screenshot(page, 'subscription-deductions');

    // Payment times carry their zone and are right: HaiPay's zone-less UTC+8 text used to be read as the
    // browser's own time (8 hours off here). The first payment was taken at authorisation, 31 days ago.
    const first = (await panel.locator('[data-testid=deductions] li').first().innerText()).split('\n')[0]!;
    assert.match(first, /GMT[+-]\d|UTC/);
    const shownAt = Date.parse(first.replace(',', ''));
    const authorisedAt = h.demo.sandbox.clock.now() - 31 * 86_400_000;
    assert.ok(Math.abs(shownAt - authorisedAt) < 10 * 60_000, `${first} is the authorisation time`);
    await panel.locator('[data-testid=next-payment]').waitFor();

    // Cancelling asks first; "Keep" steps back, "Yes" cancels.
    await panel.getByRole('button', { name: 'Cancel subscription' }).click();
    await panel.getByRole('button', { name: 'Keep my subscription' }).click();
    assert.equal(await page.locator('[data-testid=subscription]').getAttribute('data-status'), 'active');
    await panel.getByRole('button', { name: 'Cancel subscription' }).click();
    await panel.getByRole('button', { name: 'Yes, cancel it' }).click();
    await page.locator('[data-testid=subscription][data-status=cancelled]').waitFor({ timeout: 15_000 });
    await screenshot(page, 'subscription-cancelled');
    await context.close();
  });

  test('refund a paid card order from the back office', async () => {
    const { page, context } = await newShopper(h, { cart: [{ id: 'night-blend', qty: 1 }] });
    await checkoutWith(page, 'card');
    await fillCardForm(page, { number: '4242424242424242' });
    await page.locator('haipay-card-form').getByRole('button', { name: 'Pay' }).click();
    await page.locator('[data-testid=checkout-paid]').waitFor({ timeout: 15_000 });
    const href = await page.getByRole('link', { name: 'View order' }).getAttribute('href');
    const orderId = new URL(href!, h.demo.url).searchParams.get('haipay_order')!;

    await page.goto('/admin');
    const row = page.locator(`tr[data-order="${orderId}"]`);
    await row.locator('.pill[data-status=succeeded]', { hasText: 'Paid' }).waitFor();
    await row.getByRole('button', { name: 'Refund' }).click();
    // Nothing moves before the question is answered; "Keep" takes it back.
    const confirm = row.locator('[data-testid=refund-confirm]');
    await confirm.getByText(/^Refund .+ in full\?$/).waitFor();
    await confirm.getByRole('button', { name: 'Keep' }).click();
    await row.getByRole('button', { name: 'Refund' }).waitFor();
    assert.equal(await row.locator('[data-testid=refund-status]').count(), 0, 'no refund after Keep');
    await row.getByRole('button', { name: 'Refund' }).click();
    await confirm.getByRole('button', { name: 'Yes, refund' }).click();
    await row.locator('[data-testid=refund-status]').waitFor();
    // Refunds settle after a minute of sandbox time; the back office asks HaiPay on its next refresh.
    await h.demo.sandbox.clock.advance(2 * 60_000);
    await h.demo.sandbox.idle();
    await row
      .locator('[data-testid=refund-status][data-refund=succeeded]', { hasText: 'Refunded' })
      .waitFor({ timeout: 15_000 });
    await row.getByText('1 notification').waitFor();
    await screenshot(page, 'backoffice-refund');
    await context.close();
  });

  test('a reload in the middle of a PromptPay payment resumes the same QR, which then turns paid', async () => {
    const { page, context } = await newShopper(h, { cart: CART, phone: true, locale: 'th', theme: 'dark' });
    await checkoutWith(page, 'promptpay');
    await startWithDemoShopper(page);
    await page.locator('haipay-qr [part=status][data-status=pending]').waitFor();
    const before = await elementOrderId(page, 'haipay-qr');

    await page.reload();
    await page.locator('haipay-qr [part=status][data-status=pending]').waitFor();
    assert.equal(await elementOrderId(page, 'haipay-qr'), before);
    await screenshot(page, 'promptpay-resumed-phone-th-dark');

    const view = (await (await fetch(`${h.demo.url}/haipay/payments/${before}`)).json()) as {
      orderNo: string;
    };
    assert.ok(h.demo.sandbox.complete(view.orderNo, 'success'));
    await page.locator('[data-testid=checkout-paid]').waitFor({ timeout: 15_000 });
    await screenshot(page, 'promptpay-resumed-paid-phone');
    await context.close();
  });
});

describe('demo storefront in Chromium: language and theme', () => {
  test('a phone shopper in Traditional Chinese sees NT$ prices, and the switches drive the elements', async () => {
    const { page, context, errors } = await newShopper(h, {
      cart: CART,
      locale: 'zh-TW',
      theme: 'brand',
      phone: true,
    });
    await page.goto('/');
    await page.locator('.product').first().waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-TW');
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'brand');
    assert.match(await page.locator('[data-product=doi-chang] .price').innerText(), /^NT\$390$/);
    // Nothing overflows a 375px-wide screen.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375));
    await screenshot(page, 'shop-phone-zh-TW-brand');

    await page.goto('/checkout');
    // The shop's total and the drop-in's prices come from one formatter: the store's price is the
    // total in NT$, and the card's US dollars read apart.
    const total = page.locator('[data-testid=total]').filter({ hasText: /^NT\$[\d,]+$/ });
    await total.waitFor({ state: 'attached' });
    await page.locator('haipay-checkout [part~=method-amount]').first().waitFor();
    const prices = await page.locator('haipay-checkout [part~=method-amount]').allInnerTexts();
    assert.ok(prices.includes((await total.textContent())!), prices.join(' | '));
    assert.ok(
      prices.some((p) => /^US\$\d+\.\d\d$/.test(p)),
      prices.join(' | '),
    );
    // A Chinese page starts on a Taiwanese store; the shopper picks the card.
    await page
      .locator('haipay-checkout')
      .getByRole('radio', { name: /^信用卡/ })
      .check();
    const form = page.locator('haipay-card-form');
    await form.getByLabel('卡號').waitFor();
    assert.equal(await form.getAttribute('locale'), 'zh-TW');
    assert.equal(await form.getAttribute('theme'), 'light');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375));
    await screenshot(page, 'checkout-phone-zh-TW-brand');

    await page.locator('[data-testid=theme]').selectOption('dark');
    await page.locator('[data-testid=locale]').selectOption('th');
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
    assert.equal(await form.getAttribute('theme'), 'dark');
    await form.getByLabel('หมายเลขบัตร').waitFor();
    await screenshot(page, 'checkout-phone-th-dark');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
