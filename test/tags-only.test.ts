/**
 * Issue #5, "Done when": a page with only the tags and the companion router takes a card, a PromptPay
 * and a bank-transfer payment. The page below has the three tags, one `<script type="module">` for the
 * elements (bundled from source the way a merchant's bundler would) and nothing else: no page script
 * creates a payment. The merchant's server is an Express app with `createHaiPayRouter`, whose
 * `resolveOrder` prices each cart and supplies the buyer's details; HaiPay is the sandbox, over loopback;
 * the shopper is Chromium under `script-src 'self'`. The sandbox's control API plays the shopper's
 * bank for PromptPay and the transfer.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import express from 'express';
import { chromium, type Browser, type Page } from 'playwright-core';
import { HaiPayClient, createHaiPayRouter, type HaiPayRouter } from '@haipay-kit/express';
import { MemoryPaymentStore } from '@haipay-kit/express/testing';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import type { PaymentView } from '@haipay-kit/protocol/rules';
import { clientOptionsFor } from '@haipay-kit/test-support';

const root = new URL('..', import.meta.url).pathname;
const CHROME = process.env.HAIPAY_CHROME || '/usr/bin/chromium';

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Checkout</title>
  <script type="module" src="/elements/index.js"></script>
</head>
<body>
  <haipay-card-form endpoint="/haipay" order-ref="usd-cart-1"></haipay-card-form>
  <haipay-qr endpoint="/haipay" order-ref="thb-cart-2"></haipay-qr>
  <haipay-bank-transfer endpoint="/haipay" order-ref="thb-cart-3"></haipay-bank-transfer>
</body>
</html>`;

/** The drop-in alone: one tag, one script, nothing else. */
const CHECKOUT_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Checkout</title>
  <script type="module" src="/elements/checkout.js"></script>
</head>
<body>
  <haipay-checkout endpoint="/haipay" order-ref="mix-cart-4"></haipay-checkout>
</body>
</html>`;

/** The card form alone, in front of a router left at its default card mode (hosted). */
const HOSTED_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Card</title>
  <script type="module" src="/elements/index.js"></script>
</head>
<body>
  <haipay-card-form endpoint="/haipay-hosted" order-ref="usd-cart-5" amount="25.00"></haipay-card-form>
</body>
</html>`;

let sandbox: Sandbox;
let router: HaiPayRouter;
let hostedRouter: HaiPayRouter;
let server: Server;
let browser: Browser;
let url = '';
const paid: string[] = [];

before(async () => {
  if (!existsSync(CHROME)) throw new Error(`Chromium not found at ${CHROME} (set HAIPAY_CHROME).`);
  sandbox = await createSandbox();
  const client = new HaiPayClient(clientOptionsFor(sandbox));

  // What a merchant's bundler makes of `import '@haipay-kit/elements'`, served from the shop's origin.
  const bundle = await build({
    absWorkingDir: root,
    entryPoints: {
      index: 'packages/elements/src/index.ts',
      checkout: 'packages/elements/src/checkout/checkout.register.ts',
    },
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    outdir: join(root, 'elements-out'),
    write: false,
    conditions: ['@haipay-kit/source'],
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
    logLevel: 'silent',
  });
  const files = new Map(
    bundle.outputFiles.map((f) => [f.path.slice(join(root, 'elements-out').length), f.text]),
  );

  const app = express();
  app.use((_req, res, next) => {
    res.set('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self'");
    next();
  });
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  router = createHaiPayRouter({
    client,
    store: new MemoryPaymentStore(),
    publicBaseUrl: `${url}/haipay`,
    returnUrl: `${url}/`,
    allowedOrigins: [url],
    reconcile: false,
    // The page types test cards into <haipay-card-form>: PCI direct (the router's default is hosted).
    cardMode: 'direct',
    // The shop's server prices the cart and knows the buyer; the browser sends neither.
    // `mix-` carts (the drop-in's page) are priced per method: a card in USD, the rest in THB.
    resolveOrder: (_req, body) =>
      String(body.orderRef).startsWith('usd-') ||
      (String(body.orderRef).startsWith('mix-') && body.method === 'card')
        ? { amount: '25.00', currency: 'USD', subject: 'Coffee subscription box', buyerId: 'u-1001' }
        : {
            amount: '1730.00',
            currency: 'THB',
            subject: 'Doi Chang Natural ×2, Celadon Dripper',
            buyerId: 'u-1001',
            buyer: { name: 'Somchai Jaidee', email: 'somchai@example.com', phone: '0812345678' },
          },
    hooks: { onPaymentSucceeded: (p) => void paid.push(p.method) },
  });
  app.use('/haipay', router);
  // The same shop with the router's default card mode: cards on HaiPay's (the sandbox's) card page.
  hostedRouter = createHaiPayRouter({
    client,
    store: new MemoryPaymentStore(),
    publicBaseUrl: `${url}/haipay-hosted`,
    returnUrl: `${url}/hosted`,
    allowedOrigins: [url],
    reconcile: false,
    resolveOrder: () => ({
      amount: '25.00',
      currency: 'USD',
      subject: 'Coffee subscription box',
      buyerId: 'u-1001',
    }),
  });
  app.use('/haipay-hosted', hostedRouter);
  app.get('/hosted', (_req, res) => void res.type('html').send(HOSTED_PAGE));
  app.get('/', (_req, res) => void res.type('html').send(PAGE));
  app.get('/checkout', (_req, res) => void res.type('html').send(CHECKOUT_PAGE));
  app.get('/elements/*file', (req, res) => {
    const text = files.get(req.path.slice('/elements'.length));
    if (text === undefined) return void res.sendStatus(404);
    res.type('text/javascript').send(text);
  });
  app.get('/favicon.ico', (_req, res) => void res.sendStatus(204));
  browser = await chromium.launch({ executablePath: CHROME, args: ['--no-sandbox', '--disable-gpu'] });
});

after(async () => {
  await browser?.close();
  await router?.close();
  await hostedRouter?.close();
  server?.close();
  await sandbox?.close();
});

/** The payments the tags started, as their `haipay-created` events told the page. */
async function created(page: Page): Promise<PaymentView[]> {
  return page.evaluate(() => (window as unknown as { created: PaymentView[] }).created);
}

describe('a page with only the tags and the companion router', () => {
  test('takes a PromptPay, a bank-transfer and a card payment', async () => {
    const context = await browser.newContext({ baseURL: url, viewport: { width: 480, height: 900 } });
    // Test instrumentation, not page code: record what the tags announce.
    await context.addInitScript(() => {
      const w = window as unknown as { created: unknown[] };
      w.created = [];
      document.addEventListener('haipay-created', (e) => w.created.push((e as CustomEvent).detail.view));
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    try {
      await page.goto('/');
      const qr = page.locator('haipay-qr');
      const bank = page.locator('haipay-bank-transfer');
      await qr.locator('svg[part~=qr]').waitFor();
      await qr.getByText('฿1,730.00').waitFor();
      await bank.locator('#account-number').waitFor();

      const started = await created(page);
      const promptpay = started.find((v) => v.method === 'promptpay');
      const transfer = started.find((v) => v.method === 'bank-transfer');
      assert.ok(promptpay?.orderNo && transfer?.orderNo, JSON.stringify(started));
      assert.equal(promptpay.amount, '1730.00');

      // The shopper pays both from a banking app (the sandbox's control API).
      for (const orderNo of [promptpay.orderNo, transfer.orderNo]) {
        const res = await fetch(`${sandbox.url}/_sandbox/orders/${orderNo}/complete`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ outcome: 'success' }),
        });
        assert.equal(res.status, 200);
      }
      await sandbox.idle();
      await qr.getByText('Payment received. Thank you!').first().waitFor({ timeout: 10_000 });
      await bank.getByText('Payment received. Thank you!').first().waitFor({ timeout: 10_000 });
      // The final view carries no bank details: the element shows no anonymous "Bank" in their place.
      assert.equal(await bank.locator('#bank-name').count(), 0);

      // The card form, with the keyboard's worth of typing and a card that needs no 3-D Secure.
      const form = page.locator('haipay-card-form');
      await form.getByLabel('Name on card').fill('Somchai Jaidee');
      await form.getByLabel('Email').fill('somchai@example.com');
      await form.getByLabel('Card number').fill('4242 4242 4242 4242');
      await form.getByLabel('Expiry date').fill('12/30');
      await form.getByLabel(/Security code/).fill('123');
      await form.getByRole('button', { name: 'Pay' }).click();
      await sandbox.idle();
      await form.getByText('Payment received. Thank you!').first().waitFor({ timeout: 10_000 });

      assert.deepEqual(paid.sort(), ['bank-transfer', 'card', 'promptpay']);
      assert.deepEqual(errors, [], 'no console errors, no CSP violations');
      mkdirSync(join(root, 'test-results'), { recursive: true });
      await page.screenshot({ path: join(root, 'test-results', 'tags-only.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});

/** Pays an order from the shopper's banking app (the sandbox's control API). */
async function payFromBank(orderNo: string): Promise<void> {
  const res = await fetch(`${sandbox.url}/_sandbox/orders/${orderNo}/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ outcome: 'success' }),
  });
  assert.equal(res.status, 200);
  await sandbox.idle();
}

describe('a page with only <haipay-checkout> and the companion router', () => {
  test('takes a PromptPay payment by keyboard alone, keeps the choice over a reload, then a bank transfer and a card', async () => {
    paid.length = 0;
    const context = await browser.newContext({ baseURL: url, viewport: { width: 480, height: 900 } });
    await context.addInitScript(() => {
      const w = window as unknown as { created: unknown[] };
      w.created = [];
      document.addEventListener('haipay-created', (e) => w.created.push((e as CustomEvent).detail.view));
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    try {
      await page.goto('/checkout');
      const checkout = page.locator('haipay-checkout');
      const methods = checkout.getByRole('radio');
      await methods.first().waitFor();
      // Priced by the shop's resolveOrder per method; methods the shop cannot take are not listed.
      assert.deepEqual(await checkout.locator('[part~=method]').allInnerTexts(), [
        'Card\nUS$25.00',
        'PromptPay\n฿1,730.00',
        'TrueMoney Wallet\n฿1,730.00',
        'Bank transfer\n฿1,730.00',
      ]);
      assert.equal(await checkout.getByRole('radio', { name: /Card/ }).isChecked(), true);

      // Keyboard only: Tab into the group, an arrow to PromptPay, Tab to "Pay", Enter.
      await page.keyboard.press('Tab');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      const qr = checkout.locator('haipay-qr');
      await qr.locator('svg[part~=qr]').waitFor();
      const promptpay = (await created(page)).find((v) => v.method === 'promptpay');
      assert.equal(promptpay?.amount, '1730.00');
      await payFromBank(promptpay.orderNo!);
      await qr.getByText('Payment received. Thank you!').first().waitFor({ timeout: 10_000 });

      // A reload shows the last choice again; the bank transfer is one arrow further down.
      await page.reload();
      await methods.first().waitFor();
      assert.equal(await checkout.getByRole('radio', { name: /PromptPay/ }).isChecked(), true);
      await checkout.getByRole('radio', { name: /Bank transfer/ }).check();
      await checkout.getByRole('button', { name: 'Pay ฿1,730.00 with Bank transfer' }).click();
      const bank = checkout.locator('haipay-bank-transfer');
      await bank.locator('#account-number').waitFor();
      const transfer = (await created(page)).find((v) => v.method === 'bank-transfer');
      assert.ok(transfer?.orderNo, JSON.stringify(await created(page)));
      await payFromBank(transfer.orderNo);
      await bank.getByText('Payment received. Thank you!').first().waitFor({ timeout: 10_000 });

      // The card form, priced in USD by the same cart.
      await checkout.getByRole('radio', { name: /Card/ }).check();
      const form = checkout.locator('haipay-card-form');
      await form.getByLabel('Name on card').fill('Somchai Jaidee');
      await form.getByLabel('Email').fill('somchai@example.com');
      await form.getByLabel('Card number').fill('4242 4242 4242 4242');
      await form.getByLabel('Expiry date').fill('12/30');
      await form.getByLabel(/Security code/).fill('123');
      await form.getByRole('button', { name: /^Pay/ }).click();
      await sandbox.idle();
      await form.getByText('Payment received. Thank you!').first().waitFor({ timeout: 10_000 });

      assert.deepEqual(paid.sort(), ['bank-transfer', 'card', 'promptpay']);
      assert.deepEqual(errors, [], 'no console errors, no CSP violations');
      mkdirSync(join(root, 'test-results'), { recursive: true });
      await page.screenshot({ path: join(root, 'test-results', 'checkout-only.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});

describe('a page with only <haipay-card-form> and a router in its default (hosted) card mode', () => {
  test('asks for name and e-mail only, then the card is paid on the sandbox’s card page', async () => {
    const context = await browser.newContext({ baseURL: url, viewport: { width: 480, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    try {
      await page.goto('/hosted');
      const form = page.locator('haipay-card-form');
      await form.getByText("You will enter your card on HaiPay's secure payment page.").waitFor();
      assert.equal(await form.locator('input').count(), 3, 'name, e-mail and phone: no card input');
      await form.getByLabel('Name on card').fill('John Smith');
      await form.getByLabel('Email').fill('john@example.com');
      await form.getByRole('button', { name: 'Pay US$25.00' }).click();
      // The whole window goes to the card page (the sandbox's address, HaiPay's in production).
      await page.waitForURL(`${sandbox.url}/pay/**`);
      await page.getByLabel('Card number').fill('4242 4242 4242 4242');
      await page.getByLabel('Expiry month (MM)').fill('12');
      await page.getByLabel('Expiry year (YYYY)').fill('2030');
      await page.getByLabel('Security code (CVV)').fill('123');
      await page.getByRole('button', { name: 'Pay', exact: true }).click();
      await page.waitForURL(/\/hosted\?haipay_order=hp_/);
      await sandbox.idle();
      const orderId = new URL(page.url()).searchParams.get('haipay_order')!;
      const order = await hostedRouter.checkout.store.get(orderId);
      assert.equal(order?.status, 'succeeded');
      assert.deepEqual(errors, [], 'no console errors, no CSP violations');
    } finally {
      await context.close();
    }
  });
});
