/**
 * Shared setup of the end-to-end journeys: the demo server started in-process on an ephemeral port
 * with a temporary data folder, and Chromium driven by playwright-core (the system's binary — never a
 * downloaded one). A missing Chromium fails loudly: these journeys are the proof the kit works in a
 * real browser, so they must not quietly skip.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startDemoServer, type DemoServer } from '../../demo/server/app.js';

const CHROME = process.env.HAIPAY_CHROME || '/usr/bin/chromium';
const CHROME_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const ROOT = new URL('../../', import.meta.url).pathname;
const RESULTS_DIR = join(ROOT, 'test-results');

export interface Harness {
  demo: DemoServer;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * `cardMode`: how the demo's router takes cards — `direct` (the default here, and the demo's: the test
 * cards are typed in the shop's card form) or `hosted` (on the sandbox's card page).
 */
export async function startHarness(options: { cardMode?: 'hosted' | 'direct' } = {}): Promise<Harness> {
  if (!existsSync(CHROME)) {
    throw new Error(
      `Chromium not found at ${CHROME}. Install Debian's "chromium" package (apt-get install chromium) or set ` +
        'HAIPAY_CHROME to a Chrome/Chromium binary. The end-to-end journeys need a real browser.',
    );
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'haipay-demo-e2e-'));
  const demo = await startDemoServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    verbose: false,
    // Lets a journey walk a notification retry in seconds of virtual time if it needs to.
    notifyRetryMs: 60_000,
    cardMode: options.cardMode ?? 'direct',
  });
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROME, args: CHROME_ARGS });
  } catch (err) {
    await demo.close();
    throw err;
  }
  return {
    demo,
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      await demo.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Shopper {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far (a journey asserts there are none). */
  errors: string[];
}

/** A new shopper (own cookies and storage) with a cart, on a desktop or phone-sized screen. */
export async function newShopper(
  h: Harness,
  options: {
    cart?: { id: string; qty: number }[];
    locale?: 'en' | 'th' | 'zh-TW';
    theme?: 'light' | 'dark' | 'brand';
    phone?: boolean;
  } = {},
): Promise<Shopper> {
  const context = await h.browser.newContext({
    viewport: options.phone ? { width: 375, height: 812 } : { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    baseURL: h.demo.url,
  });
  const saved = { locale: options.locale ?? 'en', theme: options.theme ?? 'light', cart: options.cart ?? [] };
  await context.addInitScript((value: string) => {
    try {
      if (!localStorage.getItem('saeng-shop')) localStorage.setItem('saeng-shop', value);
    } catch {
      // The sandbox's hosted pages run sandboxed (opaque origin, no storage).
    }
  }, JSON.stringify(saved));
  const page = await context.newPage();
  const errors: string[] = [];
  const watch = (p: Page) => {
    p.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    p.on('console', (msg) => {
      // Failed loads are reported with their URL below.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
        errors.push(`console: ${msg.text()}`);
    });
    p.on('response', (res) => {
      if (res.status() >= 400 && !res.url().endsWith('/favicon.ico'))
        errors.push(`HTTP ${res.status()} ${res.url()}`);
    });
  };
  watch(page);
  context.on('page', watch);
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  // From the top, so the sticky header sits where a shopper sees it.
  await page.evaluate(async () => {
    window.scrollTo(0, 0);
    // Font subsets (Thai, Chinese) load on first use, and a full-page capture paints text that was never
    // on screen: load every subset the page's text needs first.
    const text = document.body.innerText;
    await Promise.all(
      ['400', '600', '700'].flatMap((w) =>
        ['Noto Sans Thai', 'Noto Sans TC'].map((f) =>
          document.fonts.load(`${w} 16px "${f}"`, text).catch(() => []),
        ),
      ),
    );
    await document.fonts.ready;
  });
  await page.screenshot({ path: join(RESULTS_DIR, `e2e-${name}.png`), fullPage: true });
}

/** Types into the card form's fields (inside its shadow root; Playwright's locators pierce it). */
export async function fillCardForm(
  page: Page,
  card: { number: string; month?: string; year?: string; cvv?: string },
  buyer = { name: 'Somchai Jaidee', email: 'somchai@example.com' },
): Promise<void> {
  const form = page.locator('haipay-card-form');
  await form.getByLabel('Name on card').fill(buyer.name);
  await form.getByLabel('Email').fill(buyer.email);
  await form.getByLabel('Card number').fill(card.number);
  await form.getByLabel('Expiry date').fill(`${card.month ?? '12'}/${card.year ?? '30'}`);
  await form.getByLabel(/Security code/).fill(card.cvv ?? '123');
}

/** Opens the checkout and picks a payment method tile. */
export async function checkoutWith(page: Page, method: 'card' | 'promptpay' | 'bank' | 'truemoney' | 'twd') {
  await page.goto('/checkout');
  await page.locator('[data-testid=total]').waitFor({ state: 'attached' });
  // <haipay-checkout> preselects through its `method` property, in any language the test chose.
  const value = {
    card: 'card',
    promptpay: 'promptpay',
    bank: 'bank-transfer',
    truemoney: 'truemoney',
    twd: 'twd-store-ibon',
  }[method];
  const checkout = page.locator('haipay-checkout');
  await checkout.getByRole('radio').first().waitFor();
  await checkout.evaluate((el, m) => void ((el as HTMLElement & { method: string }).method = m), value);
  await page.waitForFunction(
    (m) =>
      document.querySelector('haipay-checkout')?.shadowRoot?.querySelector<HTMLInputElement>('input:checked')
        ?.value === m,
    value,
  );
}

/** Starts the payment of the chosen method ("Pay … with …"); the shop's server supplies the shopper. */
export async function startWithDemoShopper(page: Page): Promise<void> {
  await page.locator('haipay-checkout [part~=pay-button]').click();
}

/** The companion's order id the element on the page follows. */
export async function elementOrderId(page: Page, tag: 'haipay-qr' | 'haipay-bank-transfer'): Promise<string> {
  const id = await page.locator(tag).getAttribute('order-id');
  if (!id) throw new Error(`${tag} has no order-id`);
  return id;
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations inside `selector` (empty when there are none). */
export async function axeViolations(page: Page, selector: string): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async (sel) => {
    interface AxeResults {
      violations: { id: string; nodes: { target: string[] }[] }[];
    }
    const axe = (window as unknown as { axe: { run: (c: unknown) => Promise<AxeResults> } }).axe;
    const r = await axe.run({ include: [[sel]] });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, selector);
}

/**
 * Every ASCII colon that ends a label in Chinese on the page (`金額: `), where Traditional Chinese
 * takes the full-width `：`. Reads the rendered text of the page and of every shadow root in it (the
 * elements' too), and the labels of its controls; a colon inside a time (`05:32`) or an address
 * (`https://`) is not a label's. Each find is the text around it.
 */
export async function asciiColonsAfterChinese(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const texts: string[] = [document.body.innerText];
    const hosts = [...document.querySelectorAll('*')];
    for (let i = 0; i < hosts.length; i++) {
      const el = hosts[i]!;
      for (const name of ['aria-label', 'placeholder', 'title']) {
        const value = el.getAttribute(name);
        if (value) texts.push(value);
      }
      if (!el.shadowRoot) continue;
      hosts.push(...el.shadowRoot.querySelectorAll('*'));
      for (const child of el.shadowRoot.children)
        if (!['STYLE', 'SCRIPT', 'SLOT'].includes(child.tagName))
          texts.push((child as HTMLElement).innerText);
    }
    const label = /[\u2E80-\u9FFF\uF900-\uFAFF\uFF01-\uFF19\uFF1B-\uFFEF][^\n:：]{0,8}?:(?=\s|$)/g;
    return texts.flatMap((text) =>
      [...text.matchAll(label)].map((m) => text.slice(Math.max(0, m.index - 12), m.index + m[0].length + 12)),
    );
  });
}
