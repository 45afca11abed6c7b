/**
 * Browser-side figures: the gzipped size of each element entry and of all three together (Lit
 * included), built exactly as a merchant's bundler would (esbuild, minified, ESM), and the time to
 * render a PromptPay QR for a 200-character payload in real Chromium.
 */
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Figure } from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Entry points measured, by figure name. */
export const ELEMENT_ENTRIES = {
  'elements.all.gzipBytes': 'packages/elements/src/index.ts',
  'elements.cardForm.gzipBytes': 'packages/elements/src/card-form/card-form.register.ts',
  'elements.qr.gzipBytes': 'packages/elements/src/qr/qr.register.ts',
  'elements.bankTransfer.gzipBytes': 'packages/elements/src/bank-transfer/bank-transfer.register.ts',
} as const;

/** Bundles one entry for the browser (minified ESM) and returns the code. */
export async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [`${root}/${entry}`],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    conditions: ['@haipay-kit/source'],
    write: false,
    legalComments: 'none',
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Gzipped sizes (level 9) of each element entry and of all three together. */
export async function elementSizes(): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const [name, entry] of Object.entries(ELEMENT_ENTRIES)) {
    if (!existsSync(`${root}/${entry}`)) continue;
    const code = await bundle(entry);
    figures.push({
      name,
      value: gzipSync(code, { level: 9 }).length,
      unit: 'bytes',
      note: `${entry}: esbuild --bundle --minify, gzip -9 (${code.length} bytes minified)`,
    });
  }
  return figures;
}

/**
 * Median time to render `<haipay-qr>` for a 200-character payload (from connecting the element to the
 * SVG being in its shadow root), over repeated renders in headless Chromium.
 */
export async function qrRenderMs(chromePath: string, runs = 40): Promise<Figure | undefined> {
  const entry = ELEMENT_ENTRIES['elements.qr.gzipBytes'];
  if (!existsSync(`${root}/${entry}`) || !existsSync(chromePath)) return undefined;
  const { chromium } = await import('playwright-core');
  const code = await bundle(entry);
  const browser = await chromium.launch({
    executablePath: chromePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ type: 'module', content: code });
    await page.waitForFunction(() => customElements.get('haipay-qr') !== undefined);
    const payload = ('00020101021230' + '0'.repeat(400)).slice(0, 196) + '6304';
    const times = await page.evaluate(
      async ({ payload, runs }) => {
        const out: number[] = [];
        for (let i = 0; i < runs; i++) {
          const el = document.createElement('haipay-qr') as HTMLElement & {
            updateComplete: Promise<unknown>;
          };
          el.setAttribute('payload', payload.slice(0, 199) + String(i % 10));
          el.setAttribute('amount', '100.00');
          el.setAttribute('expires-at', new Date(Date.now() + 600_000).toISOString());
          const t0 = performance.now();
          document.body.append(el);
          await el.updateComplete;
          if (!el.shadowRoot?.querySelector('svg')) throw new Error('no SVG rendered');
          out.push(performance.now() - t0);
          el.remove();
        }
        return out;
      },
      { payload, runs },
    );
    const sorted = times.slice(5).sort((a, b) => a - b);
    return {
      name: 'qr.renderMs',
      value: sorted[Math.floor(sorted.length / 2)]!,
      unit: 'ms',
      note: `median of ${sorted.length} renders of <haipay-qr> with a 200-character payload, headless Chromium`,
    };
  } finally {
    await browser.close();
  }
}
