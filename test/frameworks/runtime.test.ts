/**
 * What the React, Preact and Vue declarations (`@haipay-kit/elements/react`, `/preact`, `/vue`) and the
 * README's "React, Preact and Vue" section promise, at run time: each framework renders
 * `<haipay-card-form>` in Chromium from the props the declarations offer (test/frameworks/<name>/render.*,
 * bundled with esbuild as a merchant's bundler would), and the element gets the attribute, the
 * properties (an object and a number, which an attribute cannot carry) and the `haipay-succeeded`
 * listener. The type-checks of the same folders are test/frameworks/frameworks.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';

const root = new URL('../../', import.meta.url).pathname;
const CHROME = process.env.HAIPAY_CHROME || '/usr/bin/chromium';
let browser: Browser;

before(async () => {
  browser = await chromium.launch({ executablePath: CHROME, args: ['--no-sandbox'] });
});
after(() => browser?.close());

/** `entry` bundled for the browser: the elements from source, the framework from node_modules. */
async function bundle(entry: string, jsxImportSource?: string): Promise<string> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['@haipay-kit/source'],
    jsx: 'automatic',
    ...(jsxImportSource ? { jsxImportSource } : {}),
    // Vue's full build compiles the render file's template in the page.
    alias: { vue: 'vue/dist/vue.esm-bundler.js' },
    define: {
      'process.env.NODE_ENV': '"production"',
      __VUE_OPTIONS_API__: 'true',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

const FRAMEWORKS = [
  { name: 'React 19', entry: 'test/frameworks/react/render.tsx', jsx: 'react' },
  { name: 'Preact', entry: 'test/frameworks/preact/render.tsx', jsx: 'preact' },
  { name: 'Vue', entry: 'test/frameworks/vue/render.ts' },
];

describe('the tags rendered by React, Preact and Vue', () => {
  for (const { name, entry, jsx } of FRAMEWORKS) {
    test(`${name}: attribute, object and number properties, and a haipay-succeeded listener reach the element`, async () => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      try {
        await page.setContent(
          '<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body></body></html>',
        );
        await page.addScriptTag({ type: 'module', content: await bundle(entry, jsx) });
        await page.waitForFunction(() => 'rendered' in window, null, { timeout: 30_000 });
        const got = await page.evaluate(() => {
          const el = document.querySelector('haipay-card-form')!;
          el.dispatchEvent(
            new CustomEvent('haipay-succeeded', {
              detail: { orderId: 'hp_1' },
              bubbles: true,
              composed: true,
            }),
          );
          return {
            orderRefAttribute: el.getAttribute('order-ref'),
            orderRef: el.orderRef,
            theme: el.theme,
            strings: el.strings,
            pollInterval: el.pollInterval,
            stringsAttribute: el.getAttribute('strings'),
            seen: (window as unknown as { seen: string[] }).seen,
          };
        });
        assert.deepEqual(errors, []);
        assert.deepEqual(got, {
          orderRefAttribute: 'cart-1',
          orderRef: 'cart-1',
          theme: 'dark',
          strings: { 'action.pay': 'Pay now' },
          pollInterval: 5000,
          stringsAttribute: null,
          seen: ['hp_1'],
        });
      } finally {
        await page.close();
      }
    });
  }
});
