/**
 * `<haipay-checkout>`'s weight in a Vite production build, the way most merchants bundle (root
 * vite.config.ts for the source condition, `vite build` defaults, target es2022, Lit included, gzip -9
 * per chunk). Two figures:
 *
 * - `elements.checkout.firstLoadViteGzipBytes`: what a shopper downloads before paying with the default
 *   method (card, for English): the entry's initial chunks plus the card form's lazy chunk and what it
 *   imports. Aim: ≤ 20 KiB.
 * - `elements.checkout.pickerViteGzipBytes`: the picker's own code on top of Lit and the shared base
 *   (the styles, the localize controller, `emit`, and Vite's preload helper, which every tag's lazy
 *   locale strings bring), as the difference between the checkout entry's
 *   initial load and a baseline entry that keeps exactly that shared part. Aim: ≤ 3 KiB.
 *
 * Run alone: `node --conditions=@haipay-kit/source --import tsx bench/checkout-size.ts`.
 */
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { Rollup } from 'vite';
import type { Figure } from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = `${root}packages/elements/src`;

/** The drop-in as a merchant's page imports it. */
const CHECKOUT = `import '${src}/checkout/checkout.register.ts';`;
/** Lit and the shared base the picker stands on, kept alive by a use the minifier cannot drop. */
const BASELINE = [
  // \`lit\` as the elements package resolves it (it is not a dependency of the workspace root).
  `import { LitElement, html, nothing } from '${root}packages/elements/node_modules/lit/index.js';`,
  `import { LocalizeController } from '${src}/controllers/localize-controller.ts';`,
  `import { baseStyles } from '${src}/shared/styles.ts';`,
  `import { emit } from '${src}/events.ts';`,
  // Every tag loads its Thai and Chinese strings lazily, so Vite's preload helper is shared base too.
  `globalThis.__keep = [LitElement, html, nothing, LocalizeController, baseStyles, emit,`,
  `  () => import('${src}/translations/th/common.ts')];`,
].join('\n');

/** A Vite build: its chunks by file name, and the entry chunk's. */
export interface Built {
  chunks: Map<string, Rollup.OutputChunk>;
  entry: string;
}

/** Builds one virtual entry with Vite; every chunk by file name. */
export async function viteBuild(code: string): Promise<Built> {
  const { build } = await import('vite');
  // Vite sets process.env.NODE_ENV to 'production' for a production build and leaves it so; the rest of
  // the run (the sandbox refuses to start in production) must not inherit it.
  const nodeEnv = process.env.NODE_ENV;
  const out = await build({
    root,
    configFile: `${root}vite.config.ts`,
    logLevel: 'silent',
    mode: 'production',
    plugins: [
      {
        name: 'haipay-size-entry',
        resolveId: (id) => (id === 'haipay:entry' ? '\0entry.ts' : null),
        load: (id) => (id === '\0entry.ts' ? code : null),
      },
    ],
    build: { write: false, target: 'es2022', rollupOptions: { input: { entry: 'haipay:entry' } } },
  }).finally(() => {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  });
  const output = (Array.isArray(out) ? out[0]! : (out as Rollup.RollupOutput)).output;
  const chunks = new Map(
    output.filter((o): o is Rollup.OutputChunk => o.type === 'chunk').map((c) => [c.fileName, c] as const),
  );
  return { chunks, entry: [...chunks.values()].find((c) => c.isEntry)!.fileName };
}

/** A chunk and everything it imports statically. */
export function closure({ chunks }: Built, file: string, into = new Set<string>()): Set<string> {
  if (into.has(file)) return into;
  into.add(file);
  for (const i of chunks.get(file)!.imports) closure({ chunks, entry: file }, i, into);
  return into;
}

/** gzip -9 bytes of these chunks together. */
export const gzipOf = ({ chunks }: Built, files: Iterable<string>): number =>
  [...files].reduce((n, f) => n + gzipSync(chunks.get(f)!.code, { level: 9 }).length, 0);

/** The two figures above. */
export async function checkoutSizes(): Promise<Figure[]> {
  const checkout = await viteBuild(CHECKOUT);
  const initial = closure(checkout, checkout.entry);
  const card = [...checkout.chunks.values()].find((c) =>
    c.facadeModuleId?.endsWith('card-form/card-form.register.ts'),
  );
  if (!card) throw new Error('checkout-size: no lazy chunk for the card form');
  const firstLoad = closure(checkout, card.fileName, new Set(initial));
  const baseline = await viteBuild(BASELINE);
  const picker = gzipOf(checkout, initial) - gzipOf(baseline, closure(baseline, baseline.entry));
  const lazy = [...checkout.chunks.keys()].filter((f) => !firstLoad.has(f));
  return [
    {
      name: 'elements.checkout.firstLoadViteGzipBytes',
      value: gzipOf(checkout, firstLoad),
      unit: 'bytes',
      aim: { op: '<=', bound: 20 * 1024 },
      note:
        '<haipay-checkout> and the card form (the English default), vite build (root vite.config.ts, ' +
        'target es2022), initial chunks + the card chunk and its imports, gzip -9; loaded later, gzip: ' +
        lazy.map((f) => `${checkout.chunks.get(f)!.name} ${gzipOf(checkout, [f])} B`).join(', '),
    },
    {
      name: 'elements.checkout.pickerViteGzipBytes',
      value: picker,
      unit: 'bytes',
      aim: { op: '<=', bound: 3 * 1024 },
      note:
        "the picker's own code: the checkout entry's initial load minus a baseline entry of Lit, the " +
        "shared styles, the localize controller, emit and Vite's preload helper (same build, gzip -9)",
    },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const f of await checkoutSizes()) console.log(`${f.name.padEnd(44)} ${f.value} B  ${f.note}`);
}
