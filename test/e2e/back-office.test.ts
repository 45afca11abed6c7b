/**
 * The demo's back office as a reviewer meets it, in real Chromium: every heading, column, pill and
 * button in the language picked in the header (Thai, then Traditional Chinese, with full-width colons),
 * axe clean in each; a shop order paid at the third try read as one order with its attempts; the
 * payout form's errors under their fields; the order list on a 375-px phone with Status and Refund in
 * view; and the shop's pages in Chinese without an ASCII colon after Chinese text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { translate, type Locale, type StringKey } from '../../demo/src/i18n.js';
import { shopOrderNumber } from '../../demo/src/order-number.js';
import {
  asciiColonsAfterChinese,
  axeViolations,
  checkoutWith,
  fillCardForm,
  newShopper,
  startHarness,
  type Harness,
} from './harness.js';

let h: Harness;
/** A paid card order (refundable) and a cart paid by PromptPay at its third attempt. */
let cardOrder: string;
let cartRef: string;
let attempts: string[];

/** Starts one payment of `method` for the cart `orderRef`, from the page (the router wants an Origin). */
async function startPayment(
  page: Page,
  method: string,
  orderRef: string,
): Promise<{ orderId: string; orderNo: string }> {
  return page.evaluate(
    async ([m, ref]) => {
      const res = await fetch('/haipay/payments', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ method: m, orderRef: ref }),
      });
      if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
      return (await res.json()) as { orderId: string; orderNo: string };
    },
    [method, orderRef] as const,
  );
}

before(async () => {
  h = await startHarness();
  const { page, context } = await newShopper(h, { cart: [{ id: 'night-blend', qty: 1 }] });
  await checkoutWith(page, 'card');
  await fillCardForm(page, { number: '4242424242424242' });
  await page.locator('haipay-card-form').getByRole('button', { name: 'Pay' }).click();
  await page.locator('[data-testid=checkout-paid]').waitFor({ timeout: 15_000 });
  const href = await page.getByRole('link', { name: 'View order' }).getAttribute('href');
  cardOrder = new URL(href!, h.demo.url).searchParams.get('haipay_order')!;

  // One cart, three tries: a PromptPay QR left unpaid, TrueMoney abandoned, a second QR paid.
  cartRef = await page.evaluate(async () => {
    const res = await fetch('/api/checkout', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ id: 'pangkhon', qty: 2 }] }),
    });
    return ((await res.json()) as { orderRef: string }).orderRef;
  });
  attempts = [];
  for (const method of ['promptpay', 'truemoney', 'promptpay']) {
    attempts.push((await startPayment(page, method, cartRef)).orderId);
  }
  // An unrelated order in between, so the attempts are not neighbours in the store's list.
  const other = await page.evaluate(async () => {
    const res = await fetch('/api/checkout', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ id: 'doi-chang', qty: 1 }] }),
    });
    return ((await res.json()) as { orderRef: string }).orderRef;
  });
  await startPayment(page, 'bank-transfer', other);
  const last = (await (await fetch(`${h.demo.url}/haipay/payments/${attempts[2]}`)).json()) as {
    orderNo: string;
  };
  assert.ok(h.demo.sandbox.complete(last.orderNo, 'success'));
  await h.demo.sandbox.idle();
  await context.close();
});
after(async () => {
  await h?.close();
});

/** The texts of the elements `selector` finds, each trimmed, inside `scope`. */
const texts = (scope: Page | Locator, selector: string) =>
  scope.locator(selector).evaluateAll((els) => els.map((el) => (el as HTMLElement).innerText.trim()));

/**
 * Names that stay as they are in every language: HaiPay's, the kit's (admin) API, banks, methods,
 * currencies, time zones, the shop's order numbers and HaiPay's ids.
 */
const NAMES =
  /\b[A-Z0-9]{6}\b|HaiPay|API|UTC|GMT|KBANK|PromptPay|TrueMoney|COLLECT|THB|TWD|USD|VND|QR|App|ATM|ibon|FamilyMart|Hi-Life|OK mart|hp_[\w-]+|\d+/g;

describe('the back office in Thai and Chinese', () => {
  test('the header’s language switch turns every heading, column, pill and button; axe finds nothing', async () => {
    const { page, context, errors } = await newShopper(h);
    await page.goto('/admin');
    await page.locator(`tr[data-order="${cardOrder}"] [data-testid=refund]`).waitFor();
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Back office');

    for (const locale of ['th', 'zh-TW'] as const satisfies readonly Locale[]) {
      const tr = (key: StringKey, params?: Record<string, string | number>) => translate(locale, key, params);
      await page.locator('[data-testid=locale]').selectOption(locale);
      await page.getByRole('heading', { level: 1, name: tr('admin.title') }).waitFor();
      const main = page.locator('main');
      // Open the paid attempt's notifications and their body, so their words are on the page too.
      const paid = page.locator(`tr[data-order="${attempts[2]}"]`);
      await paid
        .locator('details')
        .evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));

      assert.deepEqual(await texts(main, 'h2'), [
        tr('admin.payout.title'),
        tr('admin.clock.title'),
        tr('admin.orders'),
      ]);
      assert.deepEqual(await texts(main, 'thead th'), [
        tr('admin.col.payment'),
        tr('admin.col.amount'),
        tr('admin.col.status'),
        tr('admin.col.notifications'),
        tr('admin.col.actions'),
      ]);
      const group = page.locator(`tbody[data-order-number="${shopOrderNumber(cartRef)}"]`);
      assert.match(
        await group.locator('.group-head').innerText(),
        new RegExp(`^${tr('admin.order', { number: shopOrderNumber(cartRef) })}`),
      );
      assert.equal(await group.getByTestId('order-status').innerText(), tr('status.succeeded'));
      assert.equal(
        await page.locator(`tr[data-order="${cardOrder}"] [data-testid=refund]`).innerText(),
        tr('admin.refund'),
      );
      // The words a reviewer reads: none left in English.
      const words = [
        ...(await texts(
          main,
          'h1, h2, h3, th, button, label, option, summary, .pill, .group-head, .page-lead',
        )),
        ...(await main
          .locator('[data-label]')
          .evaluateAll((els) => els.map((el) => el.getAttribute('data-label')!))),
        ...(await texts(main, '.notif-list li')).map((li) => li.split('\n').slice(0, 2).join(' ')),
      ];
      const english = words.map((w) => w.replace(NAMES, '')).filter((w) => /[A-Za-z]{3,}/.test(w));
      assert.deepEqual(english, [], `English left in ${locale}`);
      assert.match(await paid.locator('.notif-list li').first().innerText(), new RegExp(tr('admin.hp.2')));
      // The shop's frame around it too: its landmarks are named in the same language.
      assert.equal(await page.getByRole('navigation', { name: tr('nav.main') }).count(), 1);
      assert.equal(await page.getByRole('complementary', { name: tr('nav.sandboxNote') }).count(), 1);
      assert.deepEqual(await axeViolations(page, 'body'), [], `axe over the back office in ${locale}`);
      if (locale === 'zh-TW') {
        assert.match(await page.getByTestId('sandbox-time').innerText(), /^沙盒時間：/);
        assert.deepEqual(await asciiColonsAfterChinese(page), []);
      }
    }
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a shop order paid at the third try is one order, its attempts under it oldest first', async () => {
    const { page, context } = await newShopper(h, { locale: 'en' });
    await page.goto('/admin');
    const group = page.locator(`tbody[data-order-number="${shopOrderNumber(cartRef)}"]`);
    await group.locator('tr.attempt').nth(2).waitFor();
    assert.equal(
      await page
        .locator('tbody.order-group')
        .filter({ has: page.locator(`tr[data-order="${attempts[0]}"]`) })
        .count(),
      1,
    );
    assert.deepEqual(
      await group.locator('tr.attempt').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-order'))),
      attempts,
      'every attempt in its order, oldest first',
    );
    assert.match(await group.locator('.group-head').innerText(), /^Order \w{6}\s+3 payment attempts\s+Paid$/);
    assert.deepEqual(await group.locator('tr.attempt .attempt-method').allInnerTexts(), [
      'PromptPay',
      'TrueMoney',
      'PromptPay',
    ]);
    // An order paid at once is a group of one, headed by its own number.
    assert.equal(
      await page
        .locator('tbody.order-group')
        .filter({ has: page.locator(`tr[data-order="${cardOrder}"]`) })
        .locator('tr.attempt')
        .count(),
      1,
    );
    await context.close();
  });

  test('payout errors sit under their fields, tied to them; the summary takes the focus and links to each', async () => {
    const { page, context, errors } = await newShopper(h, { locale: 'zh-TW' });
    await page.goto('/admin');
    const holder = page.locator('#payout-name');
    const account = page.locator('#payout-accountNo');
    const amount = page.locator('#payout-amount');
    await amount.waitFor();
    const holderHeight = (await holder.boundingBox())!.height;
    await account.fill('');
    await amount.fill('0');
    await page.getByTestId('payout').click();

    const summary = page.getByTestId('payout-summary');
    await summary.waitFor();
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      'payout-summary',
      'the summary has the focus',
    );
    assert.match(await summary.innerText(), /^撥款未送出，請修正下列欄位：/);
    for (const [input, message] of [
      [account, '請填寫此欄位。'],
      [amount, '請輸入有兩位小數的金額，例如 1000.00。'],
    ] as const) {
      const id = await input.getAttribute('id');
      const error = page.locator(`#${id}-error`);
      assert.equal(await error.innerText(), message);
      assert.equal(await input.getAttribute('aria-invalid'), 'true');
      assert.equal(await input.getAttribute('aria-describedby'), `${id}-error`);
      // Under its own field: starts below the input, within the input's column, close to it.
      const [box, under] = [(await input.boundingBox())!, (await error.boundingBox())!];
      assert.ok(
        under.y >= box.y + box.height && under.y - (box.y + box.height) < 16,
        `${id}: right under it`,
      );
      assert.ok(
        under.x >= box.x - 1 && under.x + under.width <= box.x + box.width + 1,
        `${id}: in its column`,
      );
    }
    assert.equal(await holder.getAttribute('aria-invalid'), 'false');
    // The account number's error does not stretch the account holder's input beside it.
    assert.equal((await holder.boundingBox())!.height, holderHeight);
    assert.deepEqual(await axeViolations(page, '[aria-labelledby=payout-title]'), []);
    assert.deepEqual(await asciiColonsAfterChinese(page), []);

    await summary.getByRole('link', { name: /^金額（泰銖）：/ }).click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'payout-amount');

    await account.fill('0123456789');
    await amount.fill('250.00');
    await page.getByTestId('payout').click();
    await page.getByTestId('admin-message').filter({ hasText: '已送出 ฿250.00 的撥款申請。' }).waitFor();
    assert.equal(await summary.count(), 0);
    assert.equal(await page.locator('.payout-form .error').count(), 0);
    // The refused payout's 400 is the answer the form showed; nothing else went wrong.
    assert.deepEqual(
      errors.filter((e) => !/^HTTP 400 .*\/api\/admin\/payouts$/.test(e)),
      [],
    );
    await context.close();
  });

  test('phone, 375 px: the orders fit the screen, Status and Refund in view, axe finds nothing', async () => {
    const { page, context, errors } = await newShopper(h, { locale: 'th', phone: true });
    await page.goto('/admin');
    const row = page.locator(`tr[data-order="${cardOrder}"]`);
    const refund = row.getByTestId('refund');
    await refund.waitFor();
    assert.ok(
      await page.evaluate(() => document.documentElement.scrollWidth <= 375),
      'nothing wider than the phone',
    );
    const pill = row.locator('.pill').first();
    for (const [name, el] of [
      ['status', pill],
      ['refund', refund],
    ] as const) {
      await el.scrollIntoViewIfNeeded();
      const box = (await el.boundingBox())!;
      assert.ok(box.x >= 0 && box.x + box.width <= 375, `${name} within the 375-px screen`);
      assert.ok(await el.isVisible(), name);
    }
    assert.equal(await pill.innerText(), 'ชำระแล้ว');
    // Each value under its column's name.
    assert.deepEqual(
      await row
        .locator('td[data-label]')
        .evaluateAll((tds) => tds.map((td) => getComputedStyle(td, '::before').content)),
      ['"จำนวนเงิน"', '"สถานะ"', '"การแจ้งเตือน"'],
    );
    await refund.click();
    const yes = row.getByRole('button', { name: 'ใช่ คืนเงิน' });
    const box = (await yes.boundingBox())!;
    assert.ok(box.x + box.width <= 375, 'the confirmation fits too');
    await row.getByRole('button', { name: 'ไม่คืนเงิน' }).click();
    assert.deepEqual(await axeViolations(page, 'body'), []);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('the shop in Traditional Chinese', () => {
  test('no ASCII colon after Chinese text in the shop, checkout, return page and back office', async () => {
    const { page, context, errors } = await newShopper(h, {
      locale: 'zh-TW',
      cart: [{ id: 'doi-chang', qty: 1 }],
    });
    const found: string[] = [];
    await page.goto('/');
    await page.locator('[data-testid=add-doi-chang]').click();
    await page.locator('.toast').waitFor();
    found.push(...(await asciiColonsAfterChinese(page)));
    await page.locator('[data-testid=cart-button]').click();
    await page.locator('[data-testid=checkout-link]').waitFor();
    found.push(...(await asciiColonsAfterChinese(page)));
    await page.keyboard.press('Escape');

    await checkoutWith(page, 'twd');
    await page.getByTestId('pay-later-note').waitFor();
    found.push(...(await asciiColonsAfterChinese(page)));
    await page
      .locator('haipay-checkout')
      .getByRole('radio', { name: /^信用卡/ })
      .check();
    const form = page.locator('haipay-card-form');
    await form.getByLabel('卡號').waitFor();
    await form.getByRole('button').last().click();
    await form.locator('[aria-invalid=true]').first().waitFor();
    found.push(...(await asciiColonsAfterChinese(page)));

    for (const orderId of [cardOrder, attempts[0]!]) {
      await page.goto(`/return?haipay_order=${orderId}`);
      await page.locator('[data-testid=return-status]').waitFor();
      await page.locator('[data-testid=order-number], .haipay-ref').first().waitFor();
      found.push(...(await asciiColonsAfterChinese(page)));
    }
    await page.goto('/admin');
    await page.locator('tr.attempt').first().waitFor();
    found.push(...(await asciiColonsAfterChinese(page)));
    assert.deepEqual(found, []);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the card form’s two-column row: an error under the expiry does not stretch the CVV (1280 px)', async () => {
    const { page, context } = await newShopper(h, { cart: [{ id: 'doi-chang', qty: 1 }] });
    await checkoutWith(page, 'card');
    const form = page.locator('haipay-card-form');
    await fillCardForm(page, { number: '4242424242424242' });
    const cvv = form.getByLabel(/Security code/);
    const expiry = form.getByLabel('Expiry date');
    const before = (await cvv.boundingBox())!;
    await expiry.fill('13/20');
    await form.getByRole('button', { name: /^Pay/ }).click();
    await form.locator('#expiry-error').filter({ hasText: /\S/ }).waitFor();
    assert.equal(await expiry.getAttribute('aria-invalid'), 'true');
    const after = (await cvv.boundingBox())!;
    assert.notEqual(await cvv.getAttribute('aria-invalid'), 'true');
    assert.equal(after.height, before.height, 'the CVV input keeps its height');
    // Level with the expiry input still (the page may have scrolled to the error).
    assert.equal(after.y, (await expiry.boundingBox())!.y, 'and its place beside the expiry');
    await context.close();
  });
});
