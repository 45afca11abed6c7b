/**
 * Hosted card mode end to end, in Chromium: the demo's router with `cardMode: 'hosted'` (the router's
 * default), the sandbox gateway, and a shopper who types the card only on the sandbox's card page —
 * never into the shop. Through the drop-in (`<haipay-checkout>` on the checkout page): the card page,
 * then paid. And through the standalone `<haipay-card-form>` (the subscription page): contact fields
 * only, no card data posted, the whole window on HaiPay's page (the sandbox authorizes a subscription
 * there without a card page of its own), then active.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { checkoutWith, newShopper, startHarness, type Harness } from './harness.js';

const CART = [{ id: 'doi-chang', qty: 1 }];

let h: Harness;
before(async () => {
  h = await startHarness({ cardMode: 'hosted' });
});
after(async () => {
  await h?.close();
});

/** Fills the sandbox's card page (HaiPay's, in production) and presses Pay. */
async function payOnCardPage(page: Page, number: string): Promise<void> {
  await page.waitForURL(/\/pay\//);
  await page.getByRole('heading', { name: 'Pay by card' }).waitFor();
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiry month (MM)').fill('12');
  await page.getByLabel('Expiry year (YYYY)').fill('2030');
  await page.getByLabel('Security code (CVV)').fill('123');
  await page.getByRole('button', { name: 'Pay', exact: true }).click();
}

/** Every card number the shop's pages and requests saw (none may hold the test card). */
function watchForCard(page: Page, digits: string): string[] {
  const seen: string[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    // The sandbox's card page is HaiPay's page: the card belongs there and nowhere else.
    if (url.pathname.startsWith('/pay/')) return;
    if (`${req.url()} ${req.postData() ?? ''}`.replace(/\D/g, '').includes(digits)) seen.push(req.url());
  });
  return seen;
}

describe('hosted card mode in Chromium (demo with cardMode hosted)', () => {
  test('the drop-in sends the shopper to the card page; paid there, the shop shows it paid', async () => {
    const { page, errors, context } = await newShopper(h, { cart: CART });
    const leaks = watchForCard(page, '4242424242424242');
    await checkoutWith(page, 'card');
    const checkout = page.locator('haipay-checkout');
    // No card form on the shop's page: one button that names the amount and the card.
    assert.equal(await checkout.locator('haipay-card-form').count(), 0);
    const pay = checkout.locator('[part~=pay-button]');
    assert.match(await pay.innerText(), /^Pay US\$\d+\.\d\d with Card$/);
    await pay.click();
    await payOnCardPage(page, '4242 4242 4242 4242');
    await page.waitForURL(/\/return\?haipay_order=hp_/);
    await page.locator('[data-testid=return-status][data-status=succeeded]').waitFor({ timeout: 15_000 });
    assert.deepEqual(leaks, [], 'the card number never reached the shop');
    assert.deepEqual(errors, []);
    const order = h.demo.sandbox.orders().at(-1) as unknown as Record<string, unknown>;
    for (const k of ['accountNo', 'cvv'])
      assert.equal(order[k], undefined, `${k} never sent to HaiPay's API`);
    await context.close();
  });

  test('the standalone card form asks for contact details only, posts no card and opens HaiPay’s page', async () => {
    const { page, errors, context } = await newShopper(h);
    const posts: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().endsWith('/haipay/subscriptions'))
        posts.push(req.postData() ?? '');
    });
    await page.goto('/subscribe');
    const form = page.locator('haipay-card-form');
    await form.getByLabel('Name on card').fill('John Smith');
    await form.getByLabel('Email').fill('john@example.com');
    assert.equal(await form.getByLabel('Card number').count(), 0, 'no card number input in the shop');
    assert.equal(await form.getByLabel('Expiry date').count(), 0);
    assert.equal(await form.getByLabel(/Security code/).count(), 0);
    await form.getByText("You will enter your card on HaiPay's secure payment page.").waitFor();
    await form.getByRole('button', { name: 'Subscribe' }).click();
    // The whole window goes to HaiPay's page (the sandbox's authorization page for a subscription).
    await page.waitForURL(/\/pay\//);
    assert.equal(page.frames().length, 1, 'no frame');
    await page.getByRole('heading', { name: 'Authorize subscription' }).waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(/\/subscribe/);
    await page.locator('[data-testid=subscription][data-status=active]').waitFor({ timeout: 15_000 });
    assert.equal(posts.length, 1);
    assert.deepEqual(Object.keys(JSON.parse(posts[0]!) as object).sort(), [
      'email',
      'method',
      'name',
      'planRef',
    ]);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
