/**
 * The demo shop's frame in real Chromium, as a shopper on a phone or with a keyboard meets it: the
 * header's menu under 900 px, the cart drawer as a real modal dialog (focus kept inside, Escape, axe),
 * the "Added" toast never over the drawer's Checkout button, the shop's own words in all three
 * languages, compressed and long-cached assets, fonts only for the scripts a page shows, the sandbox's
 * hosted pages with their own icon, and times with their zone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { haipayTimeToIso } from '../../demo/server/times.js';
import { axeViolations, newShopper, startHarness, type Harness } from './harness.js';

const CART = [{ id: 'doi-chang', qty: 2 }];

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

/**
 * Whether focus is in the open cart dialog, or out of the page altogether (after the dialog's last
 * control Chromium hands Tab to its own toolbar, as it does for every modal <dialog>): anywhere but on
 * the page behind it.
 */
const focusInDrawer = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    return !active || active === document.body || Boolean(active.closest('dialog[data-testid=cart-drawer]'));
  });

describe('the demo shop’s frame', () => {
  test('phone: a Menu in the header reaches Subscription and Back office', async () => {
    const { page, context, errors } = await newShopper(h, { phone: true });
    await page.goto('/');
    assert.equal(await page.locator('.site-nav').isVisible(), false);
    const menu = page.locator('[data-testid=nav-menu]');
    await menu.getByText('Menu').click();
    await menu.getByRole('link', { name: 'Subscription' }).click();
    await page.waitForURL(/\/subscribe$/);
    assert.equal(await menu.getAttribute('open'), null, 'the menu folds away after a link');
    await menu.getByText('Menu').click();
    assert.equal(await menu.getByRole('link', { name: 'Back office' }).isVisible(), true);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the cart drawer is a modal dialog: focus stays inside, Escape closes it, axe finds nothing', async () => {
    const { page, context } = await newShopper(h, { cart: CART });
    await page.goto('/');
    const cartButton = page.locator('[data-testid=cart-button]');
    await cartButton.click();
    const drawer = page.getByRole('dialog', { name: 'Your cart' });
    await drawer.waitFor();
    assert.equal(
      await page.evaluate(() => Boolean(document.activeElement?.closest('dialog[data-testid=cart-drawer]'))),
      true,
      'focus moves into the drawer',
    );
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      assert.equal(await focusInDrawer(page), true, `Tab ${i + 1} never reaches the page behind`);
    }
    assert.deepEqual(await axeViolations(page, 'dialog[data-testid=cart-drawer]'), []);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('data-testid')),
      'cart-button',
      'focus returns to the cart button',
    );
    await context.close();
  });

  test('phone: the "Added" toast never sits over the drawer’s Checkout button', async () => {
    const { page, context } = await newShopper(h, { phone: true });
    await page.goto('/');
    await page.locator('[data-testid=add-doi-chang]').click();
    await page.locator('.toast').waitFor();
    await page.locator('[data-testid=cart-button]').click();
    const checkout = page.locator('[data-testid=checkout-link]');
    await checkout.waitFor();
    const box = (await checkout.boundingBox())!;
    const onTop = await page.evaluate(
      ([x, y]) => Boolean(document.elementFromPoint(x!, y!)?.closest('[data-testid=checkout-link]')),
      [box.x + box.width / 2, box.y + box.height / 2],
    );
    assert.equal(onTop, true, 'the Checkout button is what a tap on it reaches');
    await context.close();
  });

  test('the shop’s own words in every language: skip link, cart count, Chinese punctuation', async () => {
    const expected = {
      en: { skip: 'Skip to content', count: '2 items in the cart' },
      th: { skip: 'ข้ามไปยังเนื้อหา', count: 'สินค้าในตะกร้า 2 ชิ้น' },
      'zh-TW': { skip: '跳到主要內容', count: '購物車內有 2 件商品' },
    } as const;
    for (const locale of ['en', 'th', 'zh-TW'] as const) {
      const { page, context } = await newShopper(h, { locale, cart: CART });
      await page.goto('/');
      assert.equal(await page.locator('.skip-link').textContent(), expected[locale].skip, locale);
      await page.getByRole('button', { name: new RegExp(expected[locale].count) }).waitFor();
      if (locale === 'zh-TW') {
        await page.locator('[data-testid=add-doi-chang]').click();
        assert.match((await page.locator('.toast').textContent()) ?? '', /^已加入：/);
      }
      await context.close();
    }
  });

  test('serving: scripts and styles compressed, hashed files cached for a year', async () => {
    const html = await (await fetch(`${h.demo.url}/`)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    assert.ok(assets.length >= 2, 'the page names its script and its stylesheet');
    for (const asset of assets) {
      for (const encoding of ['br', 'gzip']) {
        const res = await fetch(`${h.demo.url}${asset}`, { headers: { 'accept-encoding': encoding } });
        assert.equal(res.headers.get('content-encoding'), encoding, asset);
        assert.match(res.headers.get('cache-control') ?? '', /max-age=31536000.*immutable/, asset);
        assert.ok((await res.text()).length > 100, `${asset} decodes`);
      }
    }
  });

  test('fonts: only the Thai and Chinese slices a page shows, never a Latin one', async () => {
    // Every page shows "ไทย" and "繁體中文" in its language menu, so those few slices load everywhere;
    // Latin text takes the system's face (the Latin slices used to be about 97 KB on an English page).
    for (const locale of ['en', 'th', 'zh-TW'] as const) {
      const { page, context } = await newShopper(h, { locale });
      const fonts: string[] = [];
      page.on('request', (r) => {
        if (r.resourceType() === 'font') fonts.push(r.url().split('/').pop()!);
      });
      await page.goto('/');
      await page.locator('[data-testid=add-doi-chang]').waitFor();
      await page.evaluate(() => document.fonts.ready);
      assert.deepEqual(
        fonts.filter((f) => /latin|cyrillic|vietnamese/.test(f)),
        [],
        locale,
      );
      if (locale !== 'en') assert.ok(fonts.length > 0, `the ${locale} page loads its own face`);
      await context.close();
    }
  });

  test('sandbox-hosted pages carry their own icon (no /favicon.ico request to the shop)', async () => {
    const res = await fetch(`${h.demo.url}/bank-app`);
    assert.match(await res.text(), /<link rel="icon" href="data:image\/svg\+xml,/);
  });

  test('subscription payment times are read in HaiPay’s zone and shown with the shopper’s', async () => {
    // HaiPay writes a USD subscription's times in UTC+8 without a zone (docs/protocol.md).
    assert.equal(haipayTimeToIso('2026-03-14 10:00:00', 'USD'), '2026-03-14T10:00:00+08:00');
    assert.equal(haipayTimeToIso('2026-03-14 10:00:00', 'THB'), '2026-03-14T10:00:00+07:00');
    const context = await h.browser.newContext({ baseURL: h.demo.url, timezoneId: 'Asia/Bangkok' });
    const page = await context.newPage();
    await page.goto('/design?state=subscription-active&locale=en');
    const panel = page.locator('[data-state=subscription-active]');
    // 2026-02-12T02:00Z is 09:00 in Bangkok.
    assert.match(await panel.locator('[data-testid=deductions]').innerText(), /12 Feb 2026, 09:00 GMT\+7/);
    await context.close();
  });
});
