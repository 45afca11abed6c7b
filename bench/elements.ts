/**
 * Browser-side figures: the gzipped size of each element entry and of all three together (Lit
 * included), built exactly as a merchant's bundler would (esbuild, minified, ESM, UTF-8 output, code
 * splitting), and the time to render a PromptPay QR for a 200-character payload in real Chromium.
 *
 * `charset: 'utf8'`: esbuild's default ASCII charset escapes every Thai and Chinese character as
 * `\uXXXX`; a merchant's bundler serves UTF-8, so that is the honest measure. Non-English strings are
 * dynamic imports, so each size is the entry's *initial* code (entry + statically imported chunks: what
 * an English-speaking shopper downloads); every locale chunk is named with its size in the note.
 */
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Rollup } from 'vite';
import { fileURLToPath } from 'node:url';
import { measure } from '../packages/elements/scripts/size.mjs';
import { checkoutSizes, closure, gzipOf, viteBuild } from './checkout-size.js';
import type { Figure } from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Entry points measured, by figure name. */
export const ELEMENT_ENTRIES = {
  'elements.all.gzipBytes': 'packages/elements/src/index.ts',
  'elements.cardForm.gzipBytes': 'packages/elements/src/card-form/card-form.register.ts',
  'elements.qr.gzipBytes': 'packages/elements/src/qr/qr.register.ts',
  'elements.bankTransfer.gzipBytes': 'packages/elements/src/bank-transfer/bank-transfer.register.ts',
} as const;

/** The three single tags, imported together as a merchant's page would: the Vite measure's entry. */
const THREE_TAGS = ['card-form/card-form', 'qr/qr', 'bank-transfer/bank-transfer']
  .map((p) => `import '${root}packages/elements/src/${p}.register.ts';`)
  .join('\n');

/**
 * The three single tags' initial load in a Vite production build, the way most merchants bundle: the
 * root vite.config.ts (source condition), `vite build` defaults (Rollup, esbuild minify, module preload
 * helper) with target es2022, Lit included, gzip -9 over the entry chunk and every chunk it imports
 * statically. Vite adds its preload helper and a list of chunk file names for the dynamic imports,
 * which esbuild's splitting does not, so this figure is the larger of the two.
 */
async function viteTagsSize(): Promise<Figure> {
  const built = await viteBuild(THREE_TAGS);
  const initial = closure(built, built.entry);
  const gz = (c: Rollup.OutputChunk) => gzipSync(c.code, { level: 9 }).length;
  const lazy = [...built.chunks.values()].filter((c) => !initial.has(c.fileName));
  return {
    name: 'elements.tags.viteGzipBytes',
    value: gzipOf(built, initial),
    unit: 'bytes',
    aim: { op: '<=', bound: 20 * 1024 },
    note:
      'the three single tags imported together, vite build (root vite.config.ts, target es2022), ' +
      'initial chunks, gzip -9; lazy chunks, gzip: ' +
      lazy.map((c) => `${c.facadeModuleId?.split('/src/').pop() ?? c.name} ${gz(c)} B`).join(', '),
  };
}

/** Bundles one entry for the browser (minified ESM) and returns the code. */
export async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [`${root}/${entry}`],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    charset: 'utf8',
    conditions: ['@haipay-kit/source'],
    write: false,
    legalComments: 'none',
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Gzipped sizes (level 9) of each element entry and of all three together. */
export async function elementSizes(): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const [name, entry] of Object.entries(ELEMENT_ENTRIES)) {
    if (!existsSync(`${root}/${entry}`)) continue;
    // The elements package's own size script, so `pnpm bench` and `pnpm --dir packages/elements size` agree.
    const { gzip, min, lazy } = await measure(`${root}/${entry}`);
    figures.push({
      name,
      value: gzip,
      unit: 'bytes',
      note:
        `${entry}: initial code (before any non-English locale), esbuild --bundle --minify --splitting ` +
        `--charset=utf8, gzip -9 (${min} bytes minified); lazy chunks (locales, the card form's rules, optional actions), gzip: ` +
        lazy.map((c) => `${c.name} ${c.gzip} B`).join(', '),
    });
  }
  figures.push(await viteTagsSize());
  figures.push(...(await checkoutSizes()));
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
