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
import { gzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
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
    charset: 'utf8',
    conditions: ['@haipay-kit/source'],
    write: false,
    legalComments: 'none',
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** One entry built with code splitting: its initial code (entry + static imports) and its lazy chunks. */
export async function measureEntry(
  entry: string,
): Promise<{ gzip: number; min: number; lazy: { name: string; gzip: number }[] }> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    charset: 'utf8',
    splitting: true,
    outdir: 'bench-out',
    metafile: true,
    conditions: ['@haipay-kit/source'],
    write: false,
    legalComments: 'none',
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
    logLevel: 'silent',
  });
  const outputs = result.metafile!.outputs;
  const text = (key: string): string => result.outputFiles.find((f) => f.path === resolve(root, key))!.text;
  const gz = (key: string): number => gzipSync(text(key), { level: 9 }).length;
  const entryKey = Object.keys(outputs).find((k) => outputs[k]!.entryPoint === entry)!;
  const initial = new Set<string>();
  const visit = (key: string): void => {
    if (initial.has(key)) return;
    initial.add(key);
    for (const i of outputs[key]!.imports) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(entryKey);
  const lazy = Object.keys(outputs)
    .filter((k) => k.endsWith('.js') && !initial.has(k))
    .map((k) => ({ name: chunkName(outputs[k]!), gzip: gz(k) }));
  return {
    gzip: [...initial].reduce((n, k) => n + gz(k), 0),
    min: [...initial].reduce((n, k) => n + Buffer.byteLength(text(k)), 0),
    lazy,
  };
}

/** `th/qr.ts` for a locale chunk; a shared chunk by its inputs. */
function chunkName(out: { entryPoint?: string; inputs: Record<string, unknown> }): string {
  const short = (p: string): string => p.replace(/^.*src\/translations\//, '');
  return out.entryPoint ? short(out.entryPoint) : Object.keys(out.inputs).map(short).join('+');
}

/** Gzipped sizes (level 9) of each element entry and of all three together. */
export async function elementSizes(): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const [name, entry] of Object.entries(ELEMENT_ENTRIES)) {
    if (!existsSync(`${root}/${entry}`)) continue;
    const { gzip, min, lazy } = await measureEntry(entry);
    figures.push({
      name,
      value: gzip,
      unit: 'bytes',
      note:
        `${entry}: initial code (before any non-English locale), esbuild --bundle --minify --splitting ` +
        `--charset=utf8, gzip -9 (${min} bytes minified); separate locale chunks, gzip: ` +
        lazy.map((c) => `${c.name} ${c.gzip} B`).join(', '),
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
