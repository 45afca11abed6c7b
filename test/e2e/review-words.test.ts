/**
 * The demo as a reviewer reads it, in Chromium: HaiPay's hosted page in the shop's language, a failed
 * payment that reads as failed throughout with the shop's order number first, sizes in the shopper's
 * words, and the back office's order pages and readable notification bodies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkoutWith, newShopper, startHarness, startWithDemoShopper, type Harness } from './harness.js';

const CART = [{ id: 'doi-chang', qty: 2 }];

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

describe('demo wording and back office in Chromium', () => {
  test('a Thai shopper meets TrueMoney’s page in Thai, and a cancelled payment reads as failed', async () => {
    const { page, errors, context } = await newShopper(h, { cart: CART, locale: 'th', phone: true });
    await page.goto('/');
    await page.locator('[data-product=doi-chang] .size').waitFor();
    assert.equal(await page.locator('[data-product=doi-chang] .size').innerText(), '250 กรัม');

    await checkoutWith(page, 'truemoney');
    await startWithDemoShopper(page);
    await page.waitForURL(/\/pay\/\d+\?lang=th$/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'th');
    await page.getByText('SANDBOX', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'ยกเลิกการชำระเงิน' }).click();

    await page.waitForURL(/\/return\?haipay_order=/);
    await page.locator('[data-testid=return-status][data-status=failed]').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('[data-testid=return-status] h2').innerText(), 'การชำระเงินไม่สำเร็จ');
    const receipt = page.locator('.summary-col');
    const text = await receipt.innerText();
    assert.doesNotMatch(text, /ชำระด้วย/, 'a failed payment is not “paid with”');
    assert.match(text, /วิธีชำระเงิน/);
    // The shop's order number is the reference; HaiPay's id is only the small line at the end.
    assert.match(await page.locator('[data-testid=order-number]').innerText(), /^[A-Z0-9]{6}$/);
    assert.equal(await receipt.locator('dl').getByText(/hp_/).count(), 0);
    assert.match(await receipt.locator('.haipay-ref').innerText(), /hp_/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a Taiwanese store says what comes after the button, for the store chosen', async () => {
    const { page, errors, context } = await newShopper(h, { cart: CART, locale: 'zh-TW', phone: true });
    await checkoutWith(page, 'twd');
    const note = page.getByTestId('pay-later-note');
    assert.match(await note.innerText(), /繳費代碼.*7-Eleven ibon門市/);
    await page
      .locator('haipay-checkout')
      .getByRole('radio', { name: /^全家便利商店/ })
      .check();
    await note.filter({ hasText: '全家門市' }).waitFor();
    await page
      .locator('haipay-checkout')
      .getByRole('radio', { name: /^萊爾富/ })
      .check();
    await note.filter({ hasText: '萊爾富門市' }).waitFor();
    await page
      .locator('haipay-checkout')
      .getByRole('radio', { name: /^信用卡/ })
      .check();
    await note.waitFor({ state: 'detached' });
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the back office pages through the orders and shows a notification body readably', async () => {
    const { page, errors, context } = await newShopper(h, { cart: CART });
    await page.goto('/');
    // 21 orders more than the page size of 20 (one, failed and notified, from the journey above or here).
    await page.evaluate(async () => {
      for (let i = 0; i < 21; i++) {
        const cart = (await (
          await fetch('/api/checkout', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ items: [{ id: 'pangkhon', qty: 1 }] }),
          })
        ).json()) as { orderRef: string };
        const res = await fetch('/haipay/payments', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
          body: JSON.stringify({ method: 'promptpay', orderRef: cart.orderRef }),
        });
        if (!res.ok) throw new Error(`payment ${i}: ${res.status} ${await res.text()}`);
      }
    });
    // One order with a notification: a TrueMoney payment cancelled on HaiPay's page.
    await checkoutWith(page, 'truemoney');
    await startWithDemoShopper(page);
    await page.getByRole('button', { name: 'Cancel payment' }).click();
    await page.waitForURL(/\/return\?haipay_order=/);
    const failedId = new URL(page.url()).searchParams.get('haipay_order');

    await page.goto('/admin');
    const rows = page.locator('[data-testid=orders] tr.attempt');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 20);
    await page.getByText('Page 1').waitFor();
    assert.equal(await page.getByTestId('newer').isDisabled(), true);
    const firstPage = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-order')));

    await page.getByTestId('older').click();
    await page.getByText('Page 2').waitFor();
    await rows.first().waitFor();
    const secondPage = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-order')));
    assert.ok(secondPage.length >= 2, 'the older orders');
    assert.deepEqual(
      secondPage.filter((id) => firstPage.includes(id)),
      [],
      'no order on two pages',
    );
    await page.getByTestId('newer').click();
    await page.getByText('Page 1').waitFor();
    // The paging follows the language switch.
    await page.locator('[data-testid=locale]').selectOption('zh-TW');
    assert.equal(await page.getByTestId('page').innerText(), '第 1 頁');
    assert.equal(await page.getByTestId('older').innerText(), '較舊 →');
    assert.equal(await page.getByRole('navigation', { name: '訂單分頁' }).count(), 1);
    await page.locator('[data-testid=locale]').selectOption('en');

    // Newest first: the cancelled TrueMoney order is on page 1, with its notification.
    const row = page.locator(`tr[data-order="${failedId}"]`);
    await row.getByText('1 notification').waitFor({ timeout: 15_000 });
    await row.getByText('1 notification').click();
    await row.getByText('Body', { exact: true }).click();
    const body = row.getByTestId('notification-body');
    const raw = await body.innerText();
    assert.ok(raw.split('\n').length > 5, 'one field a line');
    assert.match(raw, /^ {2}"status": /m);
    const style = await body.evaluate((el) => ({
      whiteSpace: getComputedStyle(el).whiteSpace,
      fontFamily: getComputedStyle(el).fontFamily,
    }));
    assert.equal(style.whiteSpace, 'pre-wrap');
    assert.match(style.fontFamily, /monospace/);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
