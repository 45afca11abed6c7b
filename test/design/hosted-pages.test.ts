/**
 * The sandbox's hosted pages as a shopper meets them, in real Chromium through the demo's origin: the
 * card page (and its errors, and keyboard focus), 3-D Secure, a Taiwanese store code, a wallet, the
 * subscription authorization and the bank app, each in a language (from `?lang=` or from the browser's
 * Accept-Language), light or dark (prefers-color-scheme) and at 375 px or desktop width. Each is
 * compared with its reference picture (test/design/references/hosted/) and checked by axe-core.
 *
 * Stable by construction: the orders are made with fixed merchant order ids and the order numbers and
 * payment codes (which count up with the sandbox's orders) are masked; the Thai and Chinese faces are
 * the demo's bundled Noto files, given to the page under the names of the system fonts the pages ask
 * for (the test machine has none of its own).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HaiPayClient } from '@haipay-kit/express';
import { clientOptionsFor } from '@haipay-kit/test-support';
import { startHarness, type Harness } from '../e2e/harness.js';
import { AXE, pictures, REFERENCES } from './pictures.js';

const FONTSOURCE = new URL('../../demo/node_modules/@fontsource/', import.meta.url).pathname;
/**
 * The demo's Thai and Chinese faces as `FontFace` descriptors (from fontsource's CSS), added to each page
 * before its first layout: faces added after it leave text laid out without them in tofu.
 */
const FACES = [
  'noto-sans-thai/thai-400.css',
  'noto-sans-thai/thai-700.css',
  'noto-sans-tc/400.css',
  'noto-sans-tc/700.css',
].flatMap((file) =>
  [...readFileSync(join(FONTSOURCE, file), 'utf8').matchAll(/@font-face\s*{([^}]*)}/g)].map(
    ([, rule = '']) => ({
      family: /font-family:\s*'([^']+)'/.exec(rule)![1]!,
      weight: /font-weight:\s*(\d+)/.exec(rule)![1]!,
      url: `/__fonts/${file.split('/')[0]}/${/url\(\.\/files\/([^)]+\.woff2)\)/.exec(rule)![1]!}`,
      unicodeRange: /unicode-range:\s*([^;]+);/.exec(rule)?.[1] ?? 'U+0-10FFFF',
    }),
  ),
);

let h: Harness;
let compare: ReturnType<typeof pictures>['compare'];
before(async () => {
  h = await startHarness();
  ({ compare } = pictures('hosted'));
});
after(async () => {
  await h?.close();
});

/**
 * A client of the demo's sandbox. `production: false`: building the demo's storefront (Vite, in this
 * process) sets NODE_ENV=production, under which the client refuses a plain-http gateway.
 */
const haipay = () => new HaiPayClient(clientOptionsFor(h.demo.sandbox, { production: false }));

let seq = 0;
/** Makes an order on the sandbox as the demo's merchant would and returns its `payUrl` (the demo's origin). */
async function payUrl(currency: 'THB' | 'TWD' | 'USD', body: Record<string, unknown>): Promise<string> {
  const client = haipay();
  const d = await client.collectApply(currency, {
    name: 'Somchai Jaidee',
    phone: '0812345678',
    email: 'somchai@example.com',
    callBackUrl: 'https://merchant.example/ok',
    callBackFailUrl: 'https://merchant.example/fail',
    subject: 'Saeng Coffee order 1042 (2 items)',
    partnerUserId: 'u-1001',
    ...body,
    orderId: `SAENG1042${++seq}`,
  });
  assert.ok(typeof d.payUrl === 'string' && d.payUrl, `no payUrl for ${currency}`);
  return d.payUrl;
}

/** A USD card collection: with the card's fields HaiPay charges it (PCI direct), without them it hosts the card page. */
const card = (pan?: string): Record<string, unknown> => ({
  name: 'Jon Smith',
  email: 'jon@example.com',
  phone: undefined,
  amount: '25.00',
  payType: 'BANK_TRANSFER',
  inBankCode: 'CREDIT_CARD',
  ...(pan
    ? {
        notifyUrl: 'http://127.0.0.1:9/notify',
        clientType: 'WEB',
        accountNo: pan,
        expiryMonth: '11',
        expiryYear: '2030',
        cvv: '234',
        referer: 'https://merchant.example/checkout',
        userAgent: 'Mozilla/5.0 (test)',
        customerIp: '142.250.191.174',
      }
    : {}),
});

interface Shot {
  name: string;
  lang: 'en' | 'th' | 'zh-TW';
  /** How the page learns the language: the address, or the browser's Accept-Language. */
  via: 'query' | 'browser';
  dark: boolean;
  phone: boolean;
  open: () => Promise<string>;
  /** What the shopper does before the picture. */
  act?: (page: Page) => Promise<void>;
  heading: string;
}

const SHOTS: Shot[] = [
  {
    name: 'card-en-light-375',
    lang: 'en',
    via: 'browser',
    dark: false,
    phone: true,
    open: () => payUrl('USD', card()),
    // The keyboard's focus ring on the first field.
    act: (page) => page.keyboard.press('Tab').then(() => page.getByLabel('Card number').focus()),
    heading: 'Pay by card',
  },
  {
    name: 'card-errors-th-dark-375',
    lang: 'th',
    via: 'query',
    dark: true,
    phone: true,
    open: () => payUrl('USD', card()),
    act: async (page) => {
      await page.getByLabel('หมายเลขบัตร').fill('4242 4242 4242 4241');
      await page.getByLabel('เดือนที่บัตรหมดอายุ (MM)').fill('11');
      await page.getByLabel('ปีที่บัตรหมดอายุ (YYYY)').fill('2030');
      await page.getByLabel('รหัสความปลอดภัย (CVV)').fill('123');
      await page.getByRole('button', { name: 'ชำระเงิน', exact: true }).click();
      await page.getByRole('alert').waitFor();
    },
    heading: 'ชำระด้วยบัตร',
  },
  {
    name: '3ds-zh-TW-light-desktop',
    lang: 'zh-TW',
    via: 'browser',
    dark: false,
    phone: false,
    open: () => payUrl('USD', card('4000056655665556')),
    heading: '3-D 驗證',
  },
  {
    name: 'store-zh-TW-dark-375',
    lang: 'zh-TW',
    via: 'query',
    dark: true,
    phone: true,
    open: () =>
      payUrl('TWD', {
        payType: 'BANK_TRANSFER',
        inBankCode: 'STORE_FAMI',
        amount: '690',
        name: 'Wang Xiaoming',
        phone: '0912345678',
      }),
    heading: '臺灣付款',
  },
  {
    name: 'wallet-th-light-375',
    lang: 'th',
    via: 'browser',
    dark: false,
    phone: true,
    open: () => payUrl('THB', { payType: 'PAYMENT_GATEWAY', inBankCode: 'TM', amount: '690.00' }),
    heading: 'TrueMoney Wallet',
  },
  {
    name: 'subscription-th-light-desktop',
    lang: 'th',
    via: 'query',
    dark: false,
    phone: false,
    open: async () => {
      const client = haipay();
      const d = await client.subscriptionApply({
        ...card('4242424242424242'),
        amount: '12.00',
        payType: 'SUBSCRIPTION',
        subscriptionOrderId: `SAENGSUB${++seq}`,
        subject: 'Monthly roaster pick',
        callBackUrl: 'https://merchant.example/ok',
        partnerUserId: 'u-1001',
        country: 'US',
        currency: 'USD',
        website: 'https://merchant.example',
        recurringInterval: 'M',
        recurringIntervalCount: 1,
        recurringMaxNumber: 12,
        retryTimes: 2,
      });
      assert.ok(typeof d.payUrl === 'string' && d.payUrl, 'no payUrl for the subscription');
      return d.payUrl;
    },
    heading: 'อนุญาตการสมัครสมาชิก',
  },
  {
    name: 'bank-app-en-dark-375',
    lang: 'en',
    via: 'query',
    dark: true,
    phone: true,
    open: () => Promise.resolve(`${h.demo.url}/bank-app`),
    act: async (page) => {
      await page.getByLabel('QR payload or account number').fill('9000000000001');
      await page.getByRole('button', { name: 'Pay', exact: true }).click();
      await page.getByRole('alert').waitFor();
    },
    heading: 'Sandbox bank app',
  },
];

describe('the sandbox’s hosted pages', () => {
  for (const shot of SHOTS) {
    test(`${shot.name}: in its language, matches its reference, axe finds nothing`, async () => {
      const context = await h.browser.newContext({
        viewport: shot.phone ? { width: 375, height: 812 } : { width: 1280, height: 900 },
        deviceScaleFactor: 1,
        // The browser's language: what Accept-Language says when the address does not choose.
        locale: shot.via === 'browser' ? shot.lang : 'fr-FR',
        colorScheme: shot.dark ? 'dark' : 'light',
        reducedMotion: 'reduce',
      });
      // Navigation waits for the page's load event (its bundle and fonts); with other suites sharing the
      // machine's cores that can pass Playwright's 30 s default, which is not what these tests measure.
      context.setDefaultNavigationTimeout(120_000);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      await page.route('**/__fonts/**', (route) => {
        const path = new URL(route.request().url()).pathname.replace('/__fonts/', '');
        return route.fulfill({
          body: readFileSync(join(FONTSOURCE, path.replace('/', '/files/'))),
          contentType: 'font/woff2',
        });
      });
      await context.addInitScript((faces: typeof FACES) => {
        for (const f of faces) {
          const face = new FontFace(f.family, `url(${f.url})`, {
            weight: f.weight,
            unicodeRange: f.unicodeRange,
            display: 'block',
          });
          document.fonts.add(face);
          // Thai is one file per weight: load it at once rather than when the text asks for it.
          if (f.family === 'Noto Sans Thai') void face.load();
        }
      }, FACES);
      const url = await shot.open();
      await page.goto(shot.via === 'query' ? `${url}?lang=${shot.lang}` : url);
      await shot.act?.(page);
      await page.evaluate(async () => {
        const text = document.body.innerText;
        await Promise.all(
          ['400', '700'].flatMap((w) =>
            ['Noto Sans Thai', 'Noto Sans TC'].map((f) =>
              document.fonts.load(`${w} 16px "${f}"`, text).catch(() => []),
            ),
          ),
        );
        await document.fonts.ready;
        // Text shaped while its face was still loading keeps the missing-glyph boxes: lay it out again.
        document.body.style.display = 'none';
        void document.body.offsetHeight;
        document.body.style.display = '';
      });

      assert.equal(await page.locator('html').getAttribute('lang'), shot.lang);
      await page.getByRole('heading', { level: 1, name: shot.heading }).waitFor();
      assert.equal(
        await page.getByText('SANDBOX', { exact: true }).isVisible(),
        true,
        'the sandbox badge shows',
      );
      // Nothing wider than the screen: no sideways scrolling on a phone.
      assert.equal(
        await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
        true,
      );

      const picture = await page.screenshot({
        fullPage: true,
        animations: 'disabled',
        caret: 'hide',
        scale: 'css',
        mask: [page.locator('dl.ids dd'), page.locator('.code')],
      });
      const problem = compare(`hosted-${shot.name}`, join(REFERENCES, 'hosted', `${shot.name}.png`), picture);

      await page.addScriptTag({ content: AXE });
      const violations = await page.evaluate(async () => {
        interface AxeResults {
          violations: { id: string; help: string; nodes: { target: string[] }[] }[];
        }
        const axe = (window as unknown as { axe: { run: (c: unknown) => Promise<AxeResults> } }).axe;
        const r = await axe.run(document);
        return r.violations.map(
          (v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        );
      });
      await context.close();

      assert.deepEqual(violations, [], `axe over ${shot.name}`);
      assert.equal(problem, '');
      assert.deepEqual(errors, []);
    });
  }
});
